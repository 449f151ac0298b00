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
import stat
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


@pytest.mark.parametrize(
    "manifest", [b'{"still": 5}', b"\xff\xfe", b"[]", b"[" * 100_000, "fifo", "/dev/zero"]
)
def test_a_damaged_manifest_means_rebuild(manifest: bytes | str, tmp_path: Path) -> None:
    # a FIFO blocked forever, a link to /dev/zero grew to 2.7 GB, deep nesting exited 1
    spec = tmp_path / "gallery.toml"
    spec.write_text(SMALL.read_text())
    if manifest == "fifo":
        os.mkfifo(tmp_path / ".gallery.json")
    elif isinstance(manifest, str):
        (tmp_path / ".gallery.json").symlink_to(manifest)
    else:
        (tmp_path / ".gallery.json").write_bytes(manifest)
    proc = uat("gallery", "--spec", str(spec), "--only", "still", "-q", cwd=tmp_path, timeout=60)
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


GALLERY_ENTRIES = 6  # with 2 workers, several still building when the first one is done


def _gallery_spec(folder: Path) -> Path:
    spec = folder / "gallery.toml"
    entries = "".join(
        f'\n[[entry]]\nname = "w{i}"\nkind = "width"\ntarget = "sin"\nneurons = 24\n'
        f'fps = 10\nsize = "320x200"\ncaption = "entry {i}"\n'
        for i in range(GALLERY_ENTRIES)
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
    assert set(json.loads((tmp_path / ".gallery.json").read_text())) == {
        f"w{i}" for i in range(GALLERY_ENTRIES)
    }


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


# -- files read as data, inputs never outputs ------------------------------------------------


def _data(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("x,y\n" + "".join(f"{i},{i * i}\n" for i in range(9)))
    from uat.core.construct import bumps
    from uat.core.targets import get_target

    bumps(get_target("sin"), 4).save(tmp_path / "net.json")
    (tmp_path / "net.png").write_bytes((tmp_path / "net.json").read_bytes())  # a net named .png
    (tmp_path / "link.csv").symlink_to("data.csv")
    os.link(tmp_path / "data.csv", tmp_path / "hard.csv")
    (tmp_path / "net-link.png").symlink_to("net.json")


CONVERGE = ["convergence", "data.csv", "--widths", "2,4", "--methods", "construct"]


@pytest.mark.parametrize(
    "args",
    [
        [*CONVERGE, "--csv", "data.csv"],
        [*CONVERGE, "--csv", "link.csv"],  # a symbolic link to the input
        [*CONVERGE, "--csv", "hard.csv"],  # a hard link of it
        [*CONVERGE, "-o", "x.png", "--csv", "./data.csv"],
        ["show", "net.png"],  # the figure's default name is the network's own
        ["show", "net.json", "-o", "net-link.png"],  # a link to the network
    ],
    ids=["same", "symlink", "hardlink", "spelled", "show", "show-link"],
)
def test_an_output_that_is_an_input_is_refused_before_work(args, tmp_path: Path) -> None:
    _data(tmp_path)
    before = snapshot(tmp_path)
    proc = uat(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "input of this run" in one_line_error(proc.stderr)
    assert snapshot(tmp_path) == before  # nothing written, nothing lost
    no_temporaries(tmp_path)


def _write(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)


@pytest.mark.parametrize(
    ("files", "args", "word"),
    [
        # a quoted field over csv's 131,072-character limit was an internal error
        ({"q.csv": b'x,y\n1,"' + b"a" * 140_000 + b'"\n2,3\n'}, ["fit", "q.csv"], "line 2"),
        ({"n.csv": b"x,y\n1,2\x00\n2,3\n3,4\n"}, ["fit", "n.csv"], "line 2"),
        # 2-D points at 1e300 were said to "lie on a line"
        ({"s.csv": b"x,y,z\n0,0,1\n1e300,0,2\n0,1e300,3\n1,1,4\n"}, ["fit", "s.csv"], "1e+300"),
        ({"deep.json": b"[" * 100_000}, ["show", "deep.json"], "nested too deeply"),
        ({"g.toml": b"a = " + b"[" * 100_000}, ["gallery", "--spec", "g.toml"], "too deeply"),
        ({}, ["fit", "sin", "-n", "4"], "UAT_MAX_FILE_BYTES=inf"),
        ({}, ["fit", "sin", "-n", "4"], "UAT_MAX_N_NEURONS=inf"),
    ],
    ids=["quoted-field", "nul", "2d-1e300", "deep-network", "deep-spec", "inf-file", "inf-n"],
)
def test_bad_files_and_limits_are_one_line_not_internal(files, args, word, tmp_path: Path) -> None:
    for name, data in files.items():
        _write(tmp_path, name, data)
    env = dict(ENV)
    if word.startswith("UAT_"):
        key, value = word.split("=")
        env[key] = value
    proc = uat(*args, cwd=tmp_path, env=env)
    assert proc.returncode == 2, proc.stderr
    line = one_line_error(proc.stderr)
    assert word.split("=")[0].removeprefix("UAT_MAX_").lower() in line.lower(), line


def test_a_huge_limit_is_a_limit_not_a_crash(tmp_path: Path) -> None:
    _data(tmp_path)
    env = {**ENV, "UAT_MAX_CSV_BYTES": "1e30", "UAT_MAX_FILE_BYTES": "1e30"}
    proc = uat("show", "net.json", "--target", "data.csv", "-o", "s.png", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "s.png").stat().st_size > 0


def test_a_cr_only_csv_is_read_as_lines(tmp_path: Path) -> None:
    # old Mac line ends: read as one line it had 9 fields and was taken for a surface
    rows = [(i / 4, (i / 4) ** 2) for i in range(9)]
    text = "x,y\r" + "".join(f"{x},{y}\r" for x, y in rows)
    _write(tmp_path, "cr.csv", text.encode())
    proc = uat("fit", "cr.csv", "-n", "8", "--json", "-o", "cr.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["domain"] == [rows[0][0], rows[-1][0]]  # the x column, read as 1-D


# -- closed streams, warnings, terminal escapes --------------------------------------------


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m uat ...` with shell redirections (closing a descriptor: >&- or 2>&-)."""
    return subprocess.run(
        ["sh", "-c", f'"$0" -m uat {command}', sys.executable],
        cwd=cwd, env=ENV, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("case", ["stdout", "stderr", "both"])
def test_a_closed_stream_is_not_an_internal_error(case: str, tmp_path: Path) -> None:
    if case == "stdout":  # the figure is written, the report has nowhere to go: not a fault
        proc = _shell("fit sin -n 4 -o a.png >&-", tmp_path)
        assert (proc.returncode, proc.stderr) == (0, "")
        assert (tmp_path / "a.png").stat().st_size > 0
    elif case == "stderr":  # the error is lost with stderr, never sent to stdout
        proc = _shell("fit nowhere.csv 2>&-", tmp_path)
        assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "")
    else:
        proc = _shell("fit sin -n 4 -o b.png >&- 2>&-", tmp_path)
        assert proc.returncode == 0
        assert (tmp_path / "b.png").stat().st_size > 0


def test_no_numpy_warning_reaches_stderr(tmp_path: Path) -> None:
    # weights of 1e149 overflow the measurement's sums; the numbers say so, not 14 warnings
    from uat.core.construct import bumps
    from uat.core.targets import get_target

    d = bumps(get_target("sin"), 4).to_dict()
    d["output_weights"] = [1e149, -1e149, 1e149, -1e149]
    (tmp_path / "big.json").write_text(json.dumps(d))
    proc = uat("show", "big.json", "-o", "big.png", cwd=tmp_path)
    assert "Warning" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        one_line_error(proc.stderr)


@pytest.mark.parametrize("where", ["name", "network"])
def test_control_characters_are_shown_not_obeyed(where: str, tmp_path: Path) -> None:
    title = "\x1b]0;owned\x07"  # set the terminal's title
    clip = "\x1b]52;c;aGk=\x07"  # OSC 52: write the clipboard
    if where == "name":
        proc = uat("fit", "sin", "-n", "4", "-o", f"a{title}.png", cwd=tmp_path)
    else:
        from uat.core.construct import bumps
        from uat.core.targets import get_target

        d = bumps(get_target("sin"), 4).to_dict() | {"target": f"sin(x) # {clip}"}
        (tmp_path / "n.json").write_text(json.dumps(d))
        proc = uat("show", "n.json", "-o", "n.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    both = proc.stdout + proc.stderr
    assert "\x1b" not in both and "\x07" not in both
    assert ("\\x1b]0;owned\\x07" if where == "name" else "\\x1b]52;c;aGk=\\x07") in proc.stdout


def test_a_new_output_never_copies_a_setuid_mode(tmp_path: Path) -> None:
    prog = tmp_path / "prog"
    prog.write_bytes(b"#!/bin/sh\n")
    prog.chmod(0o4755)
    (tmp_path / "out.png").symlink_to(prog)
    proc = uat("fit", "sin", "-n", "4", "-o", "out.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "out.png").lstat()
    assert stat.S_ISREG(out.st_mode) and not out.st_mode & (stat.S_ISUID | stat.S_ISGID)
    assert out.st_mode & 0o111 == 0  # a figure, not a program
    assert prog.read_bytes() == b"#!/bin/sh\n" and prog.stat().st_mode & 0o7777 == 0o4755


def test_a_gallery_dwell_is_refused_before_the_build(tmp_path: Path) -> None:
    spec = _spec(
        tmp_path,
        '[[entry]]\nname = "slow"\nkind = "width"\ntarget = "sin"\nneurons = 6\n'
        'dwell = 1e9\ncaption = "c"',
    )
    proc = uat("gallery", "--spec", str(spec), cwd=tmp_path)
    assert proc.returncode == 2
    assert "dwell" in one_line_error(proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gallery.toml"]  # nothing built


def test_a_network_file_above_its_own_cap_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """A network file is capped below other files (LIMITS["network_bytes"]: a 30 MB 2-D net
    peaked at 728 MB before its checks); the refusal names the limit, takes no parse."""
    from uat.settings import LIMITS

    size = int(LIMITS["network_bytes"].high) + 1
    assert size <= LIMITS["file_bytes"].high  # other files of this size are still read
    big = tmp_path / "net.json"
    head, tail = '{"format": "uat-network/2", "pad": "', '"}\n'
    big.write_text(head + "0" * (size - len(head) - len(tail)) + tail)
    assert big.stat().st_size == size
    before = snapshot(tmp_path)
    t0 = time.perf_counter()
    r = uat("show", str(big), "-o", str(tmp_path / "out.png"), cwd=tmp_path)
    assert r.returncode == 2
    line = one_line_error(r.stderr)
    assert "larger than" in line and "NETWORK_BYTES" in line.upper()
    assert time.perf_counter() - t0 < 30
    assert snapshot(tmp_path) == before
