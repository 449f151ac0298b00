"""Atomic, transactional file output: write beside the target, rename into place when complete.

Every file uat writes goes through `atomic_path`. Inside a `transaction()`, the renames wait
until the whole run has succeeded, so a failed or interrupted run leaves every existing output
byte-identical; temporaries are removed on any exception, including the `Interrupted` that
`handle_signals` raises for SIGTERM and SIGHUP.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from uat.errors import UatError

_NAME_MAX = 255  # bytes in one path component on the file systems uat meets (ext4, tmpfs, APFS)
_live: set[Path] = set()  # temporaries not yet renamed or removed
_pending: list[list[tuple[Path, Path]]] = []  # open transactions: (temporary, final) renames
_finals: dict[Path, Path] = {}  # every temporary made: the output it stands for (for messages)


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: unwinds like Ctrl-C so every temporary is removed."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP."""
        return 128 + int(self.signum)


_received: list[int] = []  # the signals `handle_signals` has turned into Interrupted


def _raise_interrupted(signum: int, _frame: Any) -> None:
    # Ignore repeats while unwinding: a second signal must not cut the clean-up short.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    _received.append(signum)
    raise Interrupted(signum)


def received_signal() -> int | None:
    """The signal that interrupted this run, if any (typer turns the exception into 130)."""
    return _received[-1] if _received else None


_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def handle_signals() -> dict[int, Any]:
    """Turn SIGINT, SIGTERM and SIGHUP into `Interrupted`; return the handlers replaced.

    Outside the main thread (where Python allows no handlers) nothing changes.
    """
    previous: dict[int, Any] = {}
    _received.clear()
    try:
        for sig in _SIGNALS:
            previous[sig] = signal.signal(sig, _raise_interrupted)
    except ValueError:
        pass
    return previous


def restore_signals(previous: dict[int, Any]) -> None:
    """Put back the handlers `handle_signals` replaced."""
    for sig, handler in previous.items():
        with contextlib.suppress(ValueError, TypeError):
            signal.signal(sig, handler)


def describe_failure(exc: OSError) -> str:
    """An OSError as one line for the user: the file (not its temporary) and the cause."""
    name = exc.filename
    cause = describe_os_error(exc)
    if name is None:
        return cause
    shown = final_name(Path(os.fsdecode(name)))
    return f"cannot write {shown}: {cause}" if exc.errno in _WRITE_ERRORS else f"{shown}: {cause}"


_WRITE_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG}


def final_name(path: Path) -> Path:
    """The output a temporary stands for (`.fig.1a2b3c4d.part.png` -> `fig.png`)."""
    for tmp, final in _finals.items():
        if tmp == path or tmp.name == path.name:
            return final
    return path


def check_writable(path: str | Path) -> Path:
    """Fail early, with a clear message, if `path` cannot be written.

    The folder is probed by creating and removing a temporary file in it: permission bits say
    nothing about /proc, /sys or a read-only mount.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if len(os.fsencode(p.name)) > _NAME_MAX:
        raise UatError(f"cannot write {p}: the file name is longer than {_NAME_MAX} bytes")
    if p.is_dir():
        raise UatError(f"output path {p} is a directory")
    if not parent.is_dir():
        raise UatError(f"cannot write {p}: folder {parent} does not exist")
    try:
        probe = _temporary(p)
    except OSError as exc:
        raise UatError(f"cannot write {p}: {describe_os_error(exc)}") from None
    _discard(probe)
    return p


def describe_os_error(exc: OSError) -> str:
    """An OSError in a few words, without Python's repr."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the device"
    text = exc.strerror or str(exc)
    return text[0].lower() + text[1:] if text else type(exc).__name__


def temporary_name(name: str) -> str:
    """A hidden temporary name beside `name`, never longer than the file system allows.

    The extension is kept (writers such as ffmpeg choose the format by it); a long stem is
    shortened, so a legal 250-byte output name still gets a legal temporary.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    suffix = f".{secrets.token_hex(4)}.part" + (f".{ext}" if ext else "")
    room = _NAME_MAX - len(os.fsencode(suffix)) - 1
    short = os.fsencode(stem)[:room].decode("utf-8", "ignore")
    return f".{short}{suffix}"


def _temporary(p: Path) -> Path:
    """Create an empty temporary file beside `p` (mode 0600) and register it for clean-up."""
    for _ in range(100):
        tmp = p.with_name(temporary_name(p.name))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        _live.add(tmp)
        _finals[tmp] = p
        return tmp
    raise OSError(errno.EEXIST, "no free temporary name")


def _discard(tmp: Path) -> None:
    _live.discard(tmp)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def remove_temporaries() -> None:
    """Remove every temporary this process has not yet renamed into place."""
    for tmp in list(_live):
        _discard(tmp)


def _mode_for(path: Path) -> int:
    """An existing file's mode, or what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _publish(tmp: Path, final: Path) -> None:
    os.chmod(tmp, _mode_for(final))  # the temporary is 0600; give the file its usual mode
    os.replace(tmp, final)
    _live.discard(tmp)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if everything succeeds.

    Outside a transaction the rename happens when the block ends; inside one, when the
    transaction ends without an exception.
    """
    p = check_writable(path)
    tmp = _temporary(p)
    try:
        yield tmp
    except BaseException:
        _discard(tmp)
        raise
    if _pending:
        _pending[-1].append((tmp, p))
        return
    try:
        _publish(tmp, p)
    except BaseException:
        _discard(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; it replaces `path` on success."""
    with atomic_path(path) as tmp, open(tmp, mode) as fh:
        yield fh


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """All-or-nothing output: the files written inside appear together, or none does."""
    renames: list[tuple[Path, Path]] = []
    _pending.append(renames)
    try:
        yield
    except BaseException:
        for tmp, _ in renames:
            _discard(tmp)
        raise
    finally:
        _pending.remove(renames)
    if _pending:  # nested: the outer transaction decides
        _pending[-1].extend(renames)
        return
    try:
        for tmp, final in renames:
            _publish(tmp, final)
    finally:
        for tmp, _ in renames:
            _discard(tmp)


def _open_regular(p: Path, where: str) -> int:
    """A descriptor of the regular file `p`, opened without blocking (a FIFO never hangs)."""
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UatError(f"{where} not found") from None
    except IsADirectoryError:
        raise UatError(f"{where} is a directory, not a file") from None
    except OSError as exc:
        raise UatError(f"cannot read {where}: {describe_os_error(exc)}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a directory, not a file" if stat.S_ISDIR(mode) else "not a regular file"
        raise UatError(f"{where} is {kind}")
    return fd


def read_lines_limited(
    path: str | Path, limit: int, what: str = "file", limit_key: str = "file_bytes"
) -> Iterator[str]:
    """The UTF-8 lines of a regular file of at most `limit` bytes, one at a time.

    Streaming keeps the memory of a parse near its result rather than ~13 times the file (the
    text, then a list of line strings, then the rows); the limit is checked before the first
    line and again as the bytes arrive, for files whose size says nothing (/proc).
    """
    from uat.settings import how_to_raise

    p = Path(path)
    where = f"{what} '{p}'"
    fd = _open_regular(p, where)
    too_big = UatError(f"{where} is larger than {limit:,} bytes {how_to_raise(limit_key)}")
    if os.fstat(fd).st_size > limit:
        os.close(fd)
        raise too_big
    seen = 0
    with os.fdopen(fd, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            seen += len(raw)
            if seen > limit:
                raise too_big
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise UatError(
                    f"{where} is not UTF-8 text (line {number}, byte {exc.start + 1})"
                ) from None
            yield line.rstrip("\r\n")


def read_text_limited(
    path: str | Path, limit: int, what: str = "file", limit_key: str = "file_bytes"
) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes.

    Opened without blocking (a FIFO never hangs) and refused unless it is a regular file (no
    /dev/zero); read in chunks up to the limit, so a file that lies about its size cannot
    exhaust memory either.
    """
    p = Path(path)
    where = f"{what} '{p}'"
    fd = _open_regular(p, where)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        from uat.settings import how_to_raise

        raise UatError(f"{where} is larger than {limit:,} bytes {how_to_raise(limit_key)}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UatError(f"{where} is not UTF-8 text (bad byte at offset {exc.start})") from None


def output_path(out: str | Path | None, default: str, formats: tuple[str, ...]) -> Path:
    """The output path (`default` when None), with an extension among `formats`, writable."""
    p = Path(out) if out is not None else Path(default)
    if p.is_dir():
        raise UatError(f"cannot write {p}: it is a folder; give a file name ending in {formats[0]}")
    if p.suffix.lower() not in formats:
        raise UatError(f"cannot write {p}: the extension must be one of {', '.join(formats)}")
    return check_writable(p)


def write_csv(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Write dict rows as CSV (a header from the first row's keys), atomically."""
    import csv

    with atomic_write(path, "w") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
