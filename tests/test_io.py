"""Atomic and transactional output: nothing half-written, nothing existing damaged."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from uat.errors import UatError
from uat.io import (
    Interrupted,
    atomic_path,
    atomic_write,
    check_writable,
    describe_os_error,
    temporary_name,
    transaction,
)


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_atomic_write_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write(b"half")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert _files(tmp_path) == {"fig.png"}
    with atomic_write(target) as fh:
        fh.write(b"new")
    assert target.read_bytes() == b"new"
    assert _files(tmp_path) == {"fig.png"}


def test_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.json"
    a.write_bytes(b"A0")
    b.write_bytes(b"B0")
    with pytest.raises(OSError), transaction():
        with atomic_write(a) as fh:
            fh.write(b"A1")
        assert a.read_bytes() == b"A0"  # not yet: the run has not finished
        raise OSError(errno.ENOSPC, "No space left on device")
    assert (a.read_bytes(), b.read_bytes()) == (b"A0", b"B0")
    assert _files(tmp_path) == {"a.png", "b.json"}
    with transaction():
        for p, data in ((a, b"A2"), (b, b"B2")):
            with atomic_write(p) as fh:
                fh.write(data)
    assert (a.read_bytes(), b.read_bytes()) == (b"A2", b"B2")
    assert _files(tmp_path) == {"a.png", "b.json"}


def test_new_files_get_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "x.csv") as tmp:
            tmp.write_text("1,2\n")
    finally:
        os.umask(old)
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("length", [1, 200, 250, 255])
def test_temporary_names_fit_the_file_system(tmp_path: Path, length: int) -> None:
    name = "a" * (length - 4) + ".gif" if length > 4 else "a"
    tmp = temporary_name(name)
    assert len(tmp.encode()) <= 255 and tmp.startswith(".")
    if length > 4:
        assert tmp.endswith(".gif")  # writers pick the format by the extension
    with atomic_write(tmp_path / name) as fh:
        fh.write(b"ok")
    assert (tmp_path / name).read_bytes() == b"ok"


def test_multibyte_long_names_are_cut_on_a_character(tmp_path: Path) -> None:
    name = "Δ" * 120 + ".png"  # 244 bytes
    tmp = temporary_name(name)
    assert len(tmp.encode()) <= 255
    tmp.encode().decode("utf-8")  # no half character


def test_unwritable_places_are_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(UatError, match="does not exist"):
        check_writable(tmp_path / "no" / "x.png")
    with pytest.raises(UatError, match="is a directory"):
        check_writable(tmp_path)
    with pytest.raises(UatError, match="longer than 255"):
        check_writable(tmp_path / ("a" * 300 + ".png"))
    for place in ("/proc/x.png", "/sys/x.png"):
        with pytest.raises(UatError, match="cannot write"):
            check_writable(place)


def test_os_errors_read_as_words() -> None:
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device")) == (
        "no space left on the device"
    )
    assert describe_os_error(PermissionError(errno.EACCES, "Permission denied")) == (
        "permission denied"
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_removes_temporaries_and_keeps_the_old_file(tmp_path: Path, sig: int) -> None:
    target = tmp_path / "movie.gif"
    target.write_bytes(b"old")
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from uat.io import Interrupted, atomic_write, handle_signals, transaction
        handle_signals()
        try:
            with transaction(), atomic_write({str(target)!r}) as fh:
                fh.write(b"partial")
                fh.flush()
                print("writing", flush=True)
                time.sleep(30)
        except Interrupted as exc:
            sys.exit(exc.exit_code)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, sig)
    assert proc.wait(timeout=10) == 128 + sig
    assert target.read_bytes() == b"old"
    assert _files(tmp_path) == {"movie.gif"}


def test_interrupted_is_a_keyboard_interrupt() -> None:
    exc = Interrupted(signal.SIGTERM)
    assert isinstance(exc, KeyboardInterrupt) and exc.exit_code == 143


def test_inputs_must_be_small_regular_utf8_files(tmp_path: Path) -> None:
    from uat.io import read_text_limited

    (tmp_path / "ok.csv").write_text("\ufeff0,1\n1,2\n")
    assert read_text_limited(tmp_path / "ok.csv", 100) == "0,1\n1,2\n"  # a BOM is dropped
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.csv")
    for name in ("zero.csv", "fifo.csv"):  # neither blocks nor reads forever
        with pytest.raises(UatError, match="not a regular file"):
            read_text_limited(tmp_path / name, 100, "CSV file")
    with pytest.raises(UatError, match="not found"):
        read_text_limited(tmp_path / "none.csv", 100)
    with pytest.raises(UatError, match="directory"):
        read_text_limited(tmp_path, 100)
    (tmp_path / "bad.csv").write_bytes(b"0,1\n\xff\n")
    with pytest.raises(UatError, match=r"line 2, byte 1\)"):
        read_text_limited(tmp_path / "bad.csv", 100)
    assert read_text_limited(tmp_path / "ok.csv", 11)  # the file's size, BOM included
    with pytest.raises(UatError, match="larger than 10 bytes") as info:
        read_text_limited(tmp_path / "ok.csv", 10)
    assert "UAT_MAX_FILE_BYTES" in str(info.value)  # says how to raise the limit


def test_an_os_error_names_the_output_not_its_temporary(tmp_path: Path) -> None:
    from uat.io import describe_failure

    final = tmp_path / "fig.png"
    with pytest.raises(OSError) as info, atomic_path(final) as tmp:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))
    assert describe_failure(info.value) == f"cannot write {final}: no space left on the device"
    assert not list(tmp_path.iterdir())  # the temporary is gone
    other = OSError(errno.EIO, "Input/output error", "/somewhere/else")
    assert describe_failure(other) == "/somewhere/else: input/output error"


def test_signal_handlers_are_put_back_and_the_signal_remembered() -> None:
    from uat.io import handle_signals, received_signal, restore_signals

    before = signal.getsignal(signal.SIGTERM)
    previous = handle_signals()
    try:
        assert received_signal() is None
        with pytest.raises(Interrupted) as info:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(2)  # the handler raises at once; the sleep only bounds a failure
        assert info.value.exit_code == 143 and received_signal() == signal.SIGTERM
    finally:
        restore_signals(previous)
    assert signal.getsignal(signal.SIGTERM) == before


def test_every_reader_is_bounded_whatever_the_limit(tmp_path: Path, monkeypatch) -> None:
    import json

    from uat.io import load_json, read_limited, read_lines_limited
    from uat.settings import LIMITS, Limit

    (tmp_path / "a.json").write_text(json.dumps({"w": [1.5, 2.5]}))
    monkeypatch.setitem(LIMITS, "file_bytes", Limit(0, 1e30, whole=True))  # no overflow
    assert load_json(tmp_path / "a.json") == {"w": [1.5, 2.5]}
    monkeypatch.setitem(LIMITS, "file_bytes", Limit(0, 10, whole=True))
    with pytest.raises(UatError, match="larger than 10 bytes"):
        read_limited(tmp_path / "a.json")
    (tmp_path / "deep.json").write_text("[" * 50_000)
    monkeypatch.setitem(LIMITS, "file_bytes", Limit(0, 1e6, whole=True))
    with pytest.raises(UatError, match="nested too deeply"):
        load_json(tmp_path / "deep.json")
    (tmp_path / "nan.json").write_text('{"w": NaN}')
    with pytest.raises(UatError, match="NaN"):
        load_json(tmp_path / "nan.json")
    (tmp_path / "cr.csv").write_bytes(b"x,y\r1,2\r\n3,4\n5,6\r")
    assert list(read_lines_limited(tmp_path / "cr.csv")) == ["x,y", "1,2", "3,4", "5,6"]


def test_an_output_may_not_replace_an_input_read_in_the_run(tmp_path: Path) -> None:
    from uat.io import inputs_guarded, read_text

    data = tmp_path / "data.csv"
    data.write_text("0,1\n")
    (tmp_path / "soft.csv").symlink_to(data)
    os.link(data, tmp_path / "hard.csv")
    read_text(data)  # outside a guarded run: no record
    assert check_writable(data) == data
    with inputs_guarded():
        read_text(data)
        for name in ("data.csv", "soft.csv", "hard.csv"):
            with pytest.raises(UatError, match="input of this run"):
                check_writable(tmp_path / name)
        assert check_writable(tmp_path / "other.csv")
    assert check_writable(data) == data  # the guard ends with the run


def test_a_new_output_gets_plain_permissions(tmp_path: Path) -> None:
    setuid = tmp_path / "prog"
    setuid.write_bytes(b"x")
    setuid.chmod(0o4755)
    (tmp_path / "out.png").symlink_to(setuid)
    with atomic_write(tmp_path / "out.png") as fh:
        fh.write(b"png")
    mode = (tmp_path / "out.png").lstat().st_mode
    umask = os.umask(0)
    os.umask(umask)
    assert mode & 0o7777 == 0o666 & ~umask  # a new file's mode, not the link target's
    (tmp_path / "own.png").write_bytes(b"a")
    (tmp_path / "own.png").chmod(0o2640)
    with atomic_write(tmp_path / "own.png") as fh:
        fh.write(b"b")
    assert (tmp_path / "own.png").stat().st_mode & 0o7777 == 0o640  # kept, less set-group-ID
