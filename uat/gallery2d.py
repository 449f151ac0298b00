"""Gallery entries of two inputs: each one is the `uat` command it shows, run in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS2D = ("fit2d", "explain2d", "compare2d", "convergence2d", "animate2d")
_COMMANDS = {"fit2d": "fit", "explain2d": "explain", "compare2d": "compare",
             "convergence2d": "convergence", "animate2d": "animate"}  # fmt: skip
_NET = ("domain", "ydomain", "method", "neurons", "towers", "layers", "seed")
OPTIONS2D: dict[str, tuple[str, ...]] = {
    "fit2d": _NET,
    "explain2d": _NET,
    "compare2d": ("domain", "ydomain", "neurons", "seed"),
    "convergence2d": ("domain", "ydomain", "methods", "max_neurons", "seed"),
    "animate2d": (*_NET, "sweep", "frames", "fps", "size", "hold"),
}


def argv2d(entry: Any) -> list[str]:
    """The `uat` arguments of a 2-D entry (without the program name)."""
    args = [_COMMANDS[entry.kind], entry.target]
    for opt in OPTIONS2D[entry.kind]:
        if opt not in entry.options:
            continue
        val = entry.options[opt]
        text = ",".join(str(v) for v in val) if isinstance(val, list) else str(val)
        flag = "--" + opt.replace("_", "-")
        args += [f"{flag}={text}"] if text.startswith("-") else [flag, text]
    return [*args, "--out", entry.filename]


def build_entry2d(entry: Any, out_dir: str | Path) -> dict[str, str]:
    """Run the entry's command (`python -m uat ...`) into `out_dir`; return its numbers.

    A child process runs exactly the command the gallery shows, and keeps the command line
    out of this module's imports (the CLI imports the gallery).
    """
    import subprocess
    import sys

    from uat.errors import UatError

    argv = argv2d(entry)
    argv[-1] = str(Path(out_dir) / entry.filename)
    done = subprocess.run(
        [sys.executable, "-m", "uat", *argv, "--json"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise UatError(message[0].removeprefix("uat: error: "))
    return numbers2d(entry.kind, json.loads(done.stdout))


def numbers2d(kind: str, record: dict[str, Any]) -> dict[str, str]:
    """The few numbers shown under a 2-D entry, from its command's --json record."""
    if kind in ("fit2d", "explain2d"):
        return {"sup error": f"{record['sup_error']:.3g}", "RMSE": f"{record['rmse']:.3g}",
                "neurons": str(record["neurons"])}  # fmt: skip
    if kind == "compare2d":
        return {f"{n['variant']} sup error": f"{n['sup_error']:.3g}" for n in record["networks"]}
    if kind == "convergence2d":
        return {f"{m} slope": f"{s['sup_error']:+.2f}" for m, s in record["slopes"].items()}
    return {"frames": str(record["frame_count"]), "file": f"{record['bytes'] / 1e6:.2f} MB"}
