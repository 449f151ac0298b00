"""Progress bars: on a terminal's stderr for long work, never in piped or --json output."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

UAT = [sys.executable, "-m", "uat"]
GALLERY = Path(__file__).parent / "gallery_small.toml"


def run(args: list[str], cwd: Path, *, terminal: bool) -> tuple[bytes, bytes]:
    """Run `uat ARGS` whole; stderr on a pseudo-terminal or a pipe. (stdout, stderr)."""
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "MPLBACKEND": "Agg"}
    env.pop("NO_COLOR", None)
    if not terminal:
        p = subprocess.run([*UAT, *args], cwd=cwd, env=env, capture_output=True, timeout=300)
        return p.stdout, p.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*UAT, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=slave,
    )  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    out = proc.stdout.read() if proc.stdout is not None else b""
    proc.wait(timeout=60)
    return out, b"".join(chunks)


CASES = [
    (["convergence", "sin", "--widths", "2,4"], "fitting 4 networks"),
    (["fit", "sin", "--method", "train", "--max-iter", "300"], "training"),
    (["explore", "x**2", "--neurons", "10"], "training the LM reference nets"),
    (["gallery", "--spec", str(GALLERY), "--out", "g", "--only", "bumps"], "building gallery"),
]


@pytest.mark.parametrize(("args", "words"), CASES, ids=[c[0][0] for c in CASES])
def test_a_terminal_shows_the_bar_and_a_pipe_does_not(args, words, tmp_path) -> None:
    for sub in ("t", "p"):
        (tmp_path / sub).mkdir()
    _, err_t = run(args, tmp_path / "t", terminal=True)
    shown = err_t.decode()
    assert words in shown and "━" in shown  # the bar itself, drawn with rich's line
    assert "[bold]" not in shown  # the description is text, not markup printed literally
    out_p, err_p = run(args, tmp_path / "p", terminal=False)
    assert err_p == b"" and b"\x1b" not in out_p  # piped: not one byte of a bar
    assert words.encode() not in out_p


def test_json_on_a_terminal_prints_only_the_record(tmp_path) -> None:
    out, err = run(["convergence", "sin", "--widths", "2,4", "--json"], tmp_path, terminal=True)
    assert b"fitting" not in err and b"\x1b" not in out
    record = json.loads(out)
    assert [p["width"] for p in record["points"]].count(4) == 2  # both methods at N = 4
