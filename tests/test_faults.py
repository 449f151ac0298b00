"""Faults from outside: bad places, full disks, signals, hostile specs, markup, environments.

Every case asserts the exit code, one line on stderr (no traceback), and that existing files
stay byte-identical with no temporaries left behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SMALL = Path(__file__).with_name("gallery_small.toml")
ENV = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
ENV.pop("UAT_DEBUG", None)


def uat(*args: str, cwd: Path, env: dict[str, str] | None = None, stdout=None, timeout=120):
    """Run `python -m uat ARGS` in `cwd`; return the CompletedProcess (text)."""
    return subprocess.run(
        [sys.executable, "-m", "uat", *args],
        cwd=cwd,
        env=env or ENV,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
    )


def one_line_error(stderr: str) -> str:
    """The error line, asserting it is the only line and no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("uat: "), stderr
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def no_temporaries(folder: Path) -> None:
    left = [p.name for p in folder.rglob("*") if ".part" in p.name]
    assert not left, left


@contextlib.contextmanager
def tiny_disk(tmp_path: Path, size: str = "96k") -> Iterator[Path]:
    """A small tmpfs (root in CI): writes past `size` fail with ENOSPC."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)])
    if ok.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# -- bad places -------------------------------------------------------------------------------

COMMANDS = {
    "fit": ["fit", "sin", "-n", "6"],
    "animate": ["animate", "sin", "-n", "6", "--fps", "10", "--hold", "0"],
    "compare": ["compare", "sin", "-n", "6"],
    "convergence": ["convergence", "sin", "--widths", "2,4", "--methods", "construct"],
    "explain": ["explain", "sin", "-n", "4"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("place", ["/proc/x.png", "/sys/x.png", "nowhere/x.png"])
def test_unwritable_outputs_are_one_line(command: str, place: str, cli) -> None:
    if command == "animate":
        place = place.replace(".png", ".gif")
    code, _, err = cli(*COMMANDS[command], "-o", place)
    assert code == 2
    assert "cannot write" in one_line_error(err)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_markup_in_names_is_printed_literally(command: str, cli, tmp_path: Path) -> None:
    ext = ".gif" if command == "animate" else ".png"
    (tmp_path / "[").mkdir()  # "[/z].png" is the file "z].png" in a folder "["
    for name in (f"[/z]{ext}", f"[bold]z{ext}"):
        code, out, err = cli(*COMMANDS[command], "-o", name)
        assert code == 0, err
        assert (tmp_path / name).is_file()
        assert name in out, out


def test_a_long_legal_name_is_written(cli, tmp_path: Path) -> None:
    name = "a" * 246 + ".png"  # 250 bytes: legal, the temporary must be too
    code, _, err = cli("fit", "sin", "-n", "6", "-o", name)
    assert code == 0, err
    assert (tmp_path / name).stat().st_size > 0
    no_temporaries(tmp_path)


def test_a_failed_run_replaces_no_existing_output(cli, tmp_path: Path) -> None:
    (tmp_path / "fig.png").write_bytes(b"keep me")
    code, _, err = cli("fit", "sin", "-n", "6", "-o", "fig.png", "--save-net", "/proc/net.json")
    assert code == 2
    one_line_error(err)
    assert (tmp_path / "fig.png").read_bytes() == b"keep me"
    (tmp_path / "c.png").write_bytes(b"keep")
    code, _, err = cli(*COMMANDS["convergence"], "-o", "c.png", "--csv", "/proc/x.csv")
    assert code == 2
    assert (tmp_path / "c.png").read_bytes() == b"keep"
    no_temporaries(tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "sin", "-n", "6"],
        ["animate", "sin", "-n", "6", "--fps", "10", "--hold", "0", "--writer", "pillow"],
        ["convergence", "sin", "--widths", "2,4", "--methods", "construct"],
    ],
)
def test_a_full_disk_is_one_line_and_leaves_nothing(args: list[str], tmp_path: Path) -> None:
    out = "full.gif" if args[0] == "animate" else "full.png"
    with tiny_disk(tmp_path, "32k") as disk:
        (disk / out).write_bytes(b"old")
        proc = uat(*args, "-o", str(disk / out), cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "space" in one_line_error(proc.stderr)
        assert (disk / out).read_bytes() == b"old"
        no_temporaries(disk)


def test_stdout_on_a_full_device_is_one_line(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = uat("fit", "sin", "-n", "6", cwd=tmp_path, stdout=full)
    assert proc.returncode == 2
    one_line_error(proc.stderr)


@pytest.mark.parametrize("args", [["--help"], ["fit", "sin", "-n", "6", "--json"]])
def test_a_closed_stdout_pipe_stops_quietly(args: list[str], tmp_path: Path) -> None:
    # `uat --help | head -1`: the reader is gone before uat writes; no message, 128 + SIGPIPE
    read, write = os.pipe()
    os.close(read)
    with os.fdopen(write, "w") as closed:
        proc = uat(*args, cwd=tmp_path, stdout=closed)
    assert (proc.returncode, proc.stderr) == (141, "")
    if "fit" in args:  # the figure was written before the printing failed
        assert (tmp_path / "sin-construct-6.png").is_file()


@pytest.mark.parametrize(
    ("name", "value"),
    [("PYTHONIOENCODING", "ascii"), ("MPLBACKEND", "nonsense"), ("LANG", "C"), ("TERM", "dumb")],
)
def test_hostile_environments_still_work(name: str, value: str, tmp_path: Path) -> None:
    proc = uat("fit", "sin", "-n", "6", cwd=tmp_path, env={**ENV, name: value})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "sin-construct-6.png").is_file()


@pytest.mark.parametrize("exe", ["missing", "folder"])
def test_a_broken_ffmpeg_setting_is_one_line(exe: str, tmp_path: Path) -> None:
    path = tmp_path / "nope" if exe == "missing" else tmp_path
    env = {**ENV, "IMAGEIO_FFMPEG_EXE": str(path)}
    proc = uat("animate", "sin", "-n", "6", "--hold", "0", "-o", "a.mp4", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert "ffmpeg" in one_line_error(proc.stderr).lower()


# -- limits: refused before work starts ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["animate", "sin", "-n", "10", "--fps", "100000", "--hold", "60", "-o", "x.mp4"], "--"),
        # a contact sheet: 9 cells of 8000x8000 pixels (a GIF's long hold is one delay now)
        (["animate", "sin", "-n", "10", "--size", "8000x8000", "-o", "s.png"], "--size"),
        (["fit", "sin", "--method", "train", "--max-iter", "1000000000"], "--max-iter"),
        (["convergence", "sin", "--seeds", "1000000"], "--seeds"),
        (["fit", "sin", "--neurons", "1"], "--neurons"),
        (["convergence", "sin", "--widths", "3,5"], "--widths"),
    ],
)
def test_unbounded_requests_are_refused_naming_the_option(args, flag, cli) -> None:
    t0 = time.perf_counter()
    code, _, err = cli(*args)
    assert code == 2
    line = one_line_error(err)
    assert flag in line
    assert "2 or 2" not in line
    assert time.perf_counter() - t0 < 5  # refused before the work, not after


def test_csv_from_a_device_or_fifo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "z.csv").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "f.csv")
    for name in ("z.csv", "f.csv"):
        proc = uat("fit", name, cwd=tmp_path, timeout=20)
        assert proc.returncode == 2
        assert "regular file" in one_line_error(proc.stderr)


def test_a_csv_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch) -> None:
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("x,y\n")
        for i in range(2000):
            fh.write(f"{i},{i % 7}\n")
    proc = uat("fit", "big.csv", cwd=tmp_path, env={**ENV, "UAT_MAX_CSV_BYTES": "1000"})
    assert proc.returncode == 2
    assert "UAT_MAX_CSV_BYTES" in one_line_error(proc.stderr)


@pytest.mark.parametrize(
    "args",
    [["fit", "1e308*x"], ["fit", "sin", "--domain=0,1e308"]],
)
def test_overflowing_requests_are_one_line_without_warnings(args, cli) -> None:
    code, _, err = cli(*args)
    assert code == 2
    line = one_line_error(err)
    assert "Warning" not in err
    assert "--steepness" not in line


def test_an_expression_is_preferred_over_a_file_of_the_same_name(cli, tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "2").write_text("0,0\n1,1\n")
    code, out, err = cli("fit", "x/2", "--json")
    assert code == 0, err
    assert json.loads(out)["sup_error"] < 0.05  # the line x/2, not the CSV's samples


# -- the gallery ------------------------------------------------------------------------------


def _spec(tmp_path: Path, extra: str) -> Path:
    spec = tmp_path / "gallery.toml"
    spec.write_text(SMALL.read_text() + "\n" + extra)
    return spec


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (
            '[[entry]]\nname = "evil"\nkind = "fit"\ntarget = "sin"\nformat = "png/../../e.png"\n'
            'caption = "c"',
            "format",
        ),
        ("entry = [1, 2]", "entry"),
        (
            '[[entry]]\nname = "t"\nkind = "fit"\ntarget = "sin"\nneurons = "many"\ncaption = "c"',
            "neurons",
        ),
        ('[[entry]]\nname = "../up"\nkind = "fit"\ntarget = "sin"\ncaption = "c"', "name"),
    ],
)
def test_a_malformed_spec_is_one_line_naming_the_key(text, word, tmp_path: Path) -> None:
    if text.startswith("entry ="):
        spec = tmp_path / "gallery.toml"
        spec.write_text(text)
    else:
        spec = _spec(tmp_path, text)
    before = set(tmp_path.parent.iterdir())
    proc = uat("gallery", "--spec", str(spec), "--only", "still", cwd=tmp_path)
    assert proc.returncode == 2
    assert word in one_line_error(proc.stderr)
    assert set(tmp_path.parent.iterdir()) == before  # nothing written outside


@pytest.mark.parametrize("text", [b'defaults = "ab"', b"gallery = 5", b"\xff\xfe not utf-8"])
def test_a_spec_of_the_wrong_shape_is_one_line(text: bytes, tmp_path: Path) -> None:
    spec = tmp_path / "gallery.toml"
    spec.write_bytes(text)
    proc = uat("gallery", "--spec", str(spec), cwd=tmp_path)
    assert proc.returncode == 2
    one_line_error(proc.stderr)


@pytest.mark.parametrize("manifest", [b'{"still": 5}', b"\xff\xfe", b"[]"])
def test_a_damaged_manifest_means_rebuild(manifest: bytes, tmp_path: Path) -> None:
    spec = tmp_path / "gallery.toml"
    spec.write_text(SMALL.read_text())
    (tmp_path / ".gallery.json").write_bytes(manifest)
    proc = uat("gallery", "--spec", str(spec), "--only", "still", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "still" in json.loads((tmp_path / ".gallery.json").read_text())


def test_only_an_unknown_entry_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    spec = tmp_path / "spec" / "gallery.toml"
    spec.parent.mkdir()
    spec.write_text(SMALL.read_text())
    proc = uat("gallery", "--spec", str(spec), "--out", "new", "--only", "nope", cwd=tmp_path)
    assert proc.returncode == 2
    assert "nope" in one_line_error(proc.stderr)
    assert not (tmp_path / "new").exists()


# -- signals ----------------------------------------------------------------------------------


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "uat", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job would have
    )


def _group_gone(pgid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    ("sig", "out"),
    [(signal.SIGTERM, "a.gif"), (signal.SIGHUP, "a.mp4"), (signal.SIGINT, "a.gif")],
)
def test_a_signal_during_rendering_stops_cleanly(sig: int, out: str, tmp_path: Path) -> None:
    (tmp_path / out).write_bytes(b"old")
    args = ["animate", "sin", "-n", "400", "--frames", "400", "--fps", "50", "--hold", "0"]
    args += ["--dwell", "0.02"]  # 400 video frames: 0.5 s each (10,000) is over the budget
    proc = _start([*args, "-o", out], tmp_path)
    time.sleep(2.5)
    assert proc.poll() is None, proc.communicate()
    t0 = time.monotonic()
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - t0 < 2.0
    assert proc.returncode == 128 + sig
    assert "interrupted" in one_line_error(err)
    assert _group_gone(proc.pid, 2.0)  # ffmpeg too
    assert (tmp_path / out).read_bytes() == b"old"
    no_temporaries(tmp_path)


def _gallery_spec(folder: Path) -> Path:
    spec = folder / "gallery.toml"
    entries = "".join(
        f'\n[[entry]]\nname = "w{i}"\nkind = "width"\ntarget = "sin"\nneurons = 40\n'
        f'fps = 10\nsize = "480x300"\ncaption = "entry {i}"\n'
        for i in range(8)
    )
    spec.write_text('[gallery]\ntitle = "t"\n[defaults]\nhold = 0\n' + entries)
    return spec


@pytest.mark.parametrize("how", ["group-sigint", "main-sigterm"])
def test_an_interrupted_gallery_stops_keeps_its_word_and_resumes(how: str, tmp_path: Path) -> None:
    spec = _gallery_spec(tmp_path)
    proc = _start(["gallery", "--spec", str(spec), "--force", "-j", "2", "-q"], tmp_path)
    deadline = time.monotonic() + 60
    # interrupt once a first entry has finished (its media and the manifest are written)
    while not (tmp_path / ".gallery.json").is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, proc.communicate()
    if how == "group-sigint":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGTERM)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - t0 < 2.0
    assert proc.returncode in (130, 143)
    assert "interrupted" in one_line_error(err)
    assert _group_gone(proc.pid, 2.0)  # no orphaned workers
    no_temporaries(tmp_path)
    frozen = snapshot(tmp_path)
    time.sleep(1.0)
    assert snapshot(tmp_path) == frozen  # nothing still writing
    manifest = json.loads((tmp_path / ".gallery.json").read_text() or "{}")
    for name in manifest:
        assert (tmp_path / f"{name}.gif").is_file()  # the manifest names only finished files
    done = set(manifest)
    again = uat("gallery", "--spec", str(spec), "-j", "2", cwd=tmp_path, timeout=300)
    assert again.returncode == 0, again.stderr
    for name in done:
        assert f"up to date  {name}" in again.stdout  # finished entries are kept
    assert set(json.loads((tmp_path / ".gallery.json").read_text())) == {f"w{i}" for i in range(8)}


def test_two_concurrent_builds_lose_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "gallery.toml"
    shutil.copy(SMALL, spec)
    a = _start(["gallery", "--spec", str(spec), "--only", "still", "-q"], tmp_path)
    b = _start(["gallery", "--spec", str(spec), "--only", "rate", "-q"], tmp_path)
    assert a.wait(timeout=120) == 0 and b.wait(timeout=120) == 0
    assert {"still", "rate"} <= set(json.loads((tmp_path / ".gallery.json").read_text()))


def test_show_on_a_fifo_or_a_device_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "net.json")
    for name in (str(tmp_path / "net.json"), "/dev/zero"):
        proc = uat("show", name, cwd=tmp_path, timeout=20)  # deciding 1-D or 2-D reads it too
        assert proc.returncode == 2
        assert "not a regular file" in one_line_error(proc.stderr)
