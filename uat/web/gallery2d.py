"""Gallery entries of two inputs: the 2-D jobs and figures the command each one shows calls."""

from __future__ import annotations

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
    "animate2d": (*_NET, "sweep", "frames", "fps", "dwell", "size", "hold"),
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


def _text(value: Any) -> str | None:
    """A spec value as the option text the command line would take (lists joined by commas)."""
    if value is None:
        return None
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def build_entry2d(entry: Any, out_dir: str | Path) -> dict[str, str]:
    """Render a 2-D entry into `out_dir` by calling its job and figure; return its numbers.

    The same library calls the command line makes for `entry.command()` (`uat.cli.app2d`), so the
    command shown makes the same file.
    """
    from uat.jobs import commands2d as jobs2d

    o, kind = entry.options, entry.kind
    target = jobs2d.resolve_target2d(entry.target, _text(o.get("domain")), _text(o.get("ydomain")))
    out = Path(out_dir) / entry.filename
    seed = {"seed": o["seed"]} if "seed" in o else {}
    if kind == "compare2d":
        neurons = o.get("neurons", jobs2d.DEFAULT_COMPARE_NEURONS)
        result: Any = jobs2d.compare2d(target, neurons, **seed)
        _save(out, "compare2d_figure", result)
    elif kind == "convergence2d":
        methods = _text(o.get("methods"))
        chosen = methods.split(",") if methods else list(jobs2d.DEFAULT_CONVERGENCE2D)
        sizes = jobs2d.convergence_sizes(chosen, o.get("max_neurons"))
        result = jobs2d.convergence2d(target, sizes, **seed)
        _save(out, "convergence2d_figure", result)
    else:
        method = o.get("method") or ("train" if o.get("sweep") == "training" else None)
        explain = kind == "explain2d"
        towers = jobs2d.EXPLAIN_TOWERS if explain else jobs2d.DEFAULT_TOWERS
        c = jobs2d.choose2d(
            method or ("nielsen" if explain else "construct"), o.get("neurons"),
            o.get("towers"), o.get("layers"), dict(seed), default_towers=towers,
        )  # fmt: skip
        if kind == "animate2d":
            result = _animate(target, c, o, out)
        else:
            result = jobs2d.fit2d(target, c.size, c.method, **c.options)
            if explain:
                _save(out, "layers_figure", result.net, target)
            else:
                _save(out, "fit2d_figure", result)
    from uat.jobs.commands import json_safe

    return numbers2d(kind, json_safe(result.to_dict()))


def _save(out: Path, figure: str, *args: Any) -> None:
    """Draw a figure of uat.plot.figures2d in the package style and write it atomically."""
    from uat.plot import figures2d as plot2d
    from uat.plot.figures import save_figure, style

    with style():
        save_figure(getattr(plot2d, figure)(*args), out)


def _animate(target: Any, c: Any, o: dict[str, Any], out: Path) -> Any:
    """The animation of a 2-D entry, with the command line's defaults for what it leaves out."""
    from uat.plot.animate import animate
    from uat.settings import Settings, parse_size

    opts = {k: v for k, v in c.options.items() if k in ("layers", "max_evaluations")}
    return animate(
        target, c.size, Settings(seed=c.options.get("seed", 0)), method=c.method,
        sweep=o.get("sweep"), out=out, frames=o.get("frames"), fps=o.get("fps", 20),
        size=parse_size(o.get("size", "800x500")), hold=o.get("hold"), dwell=o.get("dwell"),
        **opts,
    )  # fmt: skip


def numbers2d(kind: str, record: dict[str, Any]) -> dict[str, str]:
    """The few numbers shown under a 2-D entry, from its command's --json record."""
    if kind in ("fit2d", "explain2d"):
        return {"sup error": f"{record['sup_error']:.3g}", "RMSE": f"{record['rmse']:.3g}",
                "neurons": str(record["neurons"])}  # fmt: skip
    if kind == "compare2d":
        return {f"{n['variant']} sup error": f"{n['sup_error']:.3g}" for n in record["networks"]}
    if kind == "convergence2d":
        return {f"{m} slope": f"{s['sup_error']:+.2f}" for m, s in record["slopes"].items()}
    last = {"last frame": record["last_frame"]} if record.get("last_frame") else {}
    return last | {"frames": str(record["frames"]), "file": f"{record['bytes'] / 1e6:.2f} MB"}
