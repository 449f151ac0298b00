"""Atomic, transactional file output: write beside the target, rename into place when complete.

Every file uat writes goes through `atomic_path`. Inside a `transaction()`, the renames wait
until the whole run has succeeded, so a failed or interrupted run leaves every existing output
byte-identical; temporaries are removed on any exception, including the `Interrupted` that
`handle_signals` raises for SIGTERM and SIGHUP.
"""

from __future__ import annotations

import contextlib
import errno
import json
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
    _check_not_input(p)
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
    """An existing file's permissions, or what a new file gets under the umask.

    Never set-user-ID, set-group-ID or sticky bits, and never a symbolic link's target's
    mode: the output replaces the link with a new file, which must not become a copy of a
    setuid program's permissions.
    """
    try:
        info = path.lstat()
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        return info.st_mode & 0o777
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


def _open_regular(p: Path, where: str, is_input: bool = True) -> int:
    """A descriptor of the regular file `p`, opened without blocking (a FIFO never hangs).

    `is_input`: record it as an input of the run (see `inputs_guarded`).
    """
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UatError(f"{where} not found") from None
    except IsADirectoryError:
        raise UatError(f"{where} is a directory, not a file") from None
    except OSError as exc:
        raise UatError(f"cannot read {where}: {describe_os_error(exc)}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a directory, not a file" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise UatError(f"{where} is {kind}")
    if is_input and _inputs is not None:
        _inputs.setdefault((info.st_dev, info.st_ino), p)
    return fd


# (device, inode) of every file read during a guarded run: no output may replace one of them
_inputs: dict[tuple[int, int], Path] | None = None


@contextlib.contextmanager
def inputs_guarded() -> Iterator[None]:
    """Within this block, every file read through this module is an input no output replaces.

    `check_writable` (which every output path passes) refuses a path that is, or links to, or
    is a hard link of, a file read so far: `uat convergence data.csv --csv data.csv` and
    `uat show net.png` (a network saved under a .png name) fail before the work starts.
    """
    global _inputs
    previous, _inputs = _inputs, {}
    try:
        yield
    finally:
        _inputs = previous


def _check_not_input(p: Path) -> None:
    """A UatError if `p` resolves to a file read as an input of this run."""
    if not _inputs:
        return
    try:
        info = os.stat(p)  # follows a symbolic link, as a reader would
    except OSError:
        return
    source = _inputs.get((info.st_dev, info.st_ino))
    if source is not None:
        same = "" if Path(os.path.abspath(p)) == Path(os.path.abspath(source)) else f" ({source})"
        raise UatError(f"cannot write {p}: it is an input of this run{same}; choose another name")


def read_limited(
    path: str | Path, what: str = "file", limit_key: str = "file_bytes", *, is_input: bool = True
) -> bytes:
    """The bytes of a regular file of at most LIMITS[limit_key] bytes; every reader's door.

    Opened without blocking and refused unless a regular file (no FIFO, no /dev/zero); the
    size is checked before reading and again as the bytes arrive (a /proc file says 0), so
    nothing larger than the limit is ever held, whatever the limit's value.
    """
    p = Path(path)
    where = f"{what} '{p}'"
    limit = _limit(limit_key)
    fd = _open_regular(p, where, is_input)
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fd).st_size > limit:
            raise _too_big(where, limit, limit_key)
        chunks, seen = [], 0
        while chunk := fh.read(1 << 20):
            seen += len(chunk)
            if seen > limit:
                raise _too_big(where, limit, limit_key)
            chunks.append(chunk)
    return b"".join(chunks)


def _limit(key: str) -> float:
    from uat.settings import LIMITS

    return LIMITS[key].high


def _too_big(where: str, limit: float, key: str) -> UatError:
    from uat.settings import how_to_raise

    return UatError(f"{where} is larger than {limit:,.0f} bytes {how_to_raise(key)}")


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        kinds = {b"\x89PNG": "a PNG image", b"GIF8": "a GIF image", b"%PDF": "a PDF document"}
        kind = next((k for sig, k in kinds.items() if data.startswith(sig)), None)
        kind = "an MP4 video" if data[4:8] == b"ftyp" else kind
        if kind is not None:  # `uat show fit.png`: the figure given for the network
            raise UatError(f"cannot read {where}: it is {kind}, not text") from None
        raise UatError(
            f"cannot read {where}: not UTF-8 text (line {line}, byte {column})"
        ) from None


def read_text(
    path: str | Path, what: str = "file", limit_key: str = "file_bytes", *, is_input: bool = True
) -> str:
    """The UTF-8 text of a regular file within LIMITS[limit_key] (see `read_limited`)."""
    return _decode(read_limited(path, what, limit_key, is_input=is_input), f"{what} '{Path(path)}'")


def load_json(
    path: str | Path, what: str = "file", limit_key: str = "file_bytes", *, is_input: bool = True
) -> Any:
    """A JSON file read as data: regular, size-capped, depth-capped, only finite numbers."""
    where = f"{what} '{Path(path)}'"
    return parse_json(read_text(path, what, limit_key, is_input=is_input), where)


def parse_json(text: str, where: str) -> Any:
    """JSON text as data, or one UatError: nesting is capped by Python's recursion limit
    (about 1,000 levels, refused in 0.1 s), NaN and Infinity are refused, as are
    integers of over 4,300 digits."""

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number")

    try:
        return json.loads(text, parse_constant=constant)
    except RecursionError:
        raise UatError(f"cannot read {where}: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, constants, very long integers
        raise UatError(f"cannot read {where}: not valid JSON: {str(exc)[:120]}") from None


def load_toml(path: str | Path, what: str = "file") -> dict[str, Any]:
    """A TOML file read as data: regular, size-capped, depth-capped (as `load_json`)."""
    import tomllib

    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise UatError(f"cannot read {what} {path}: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        raise UatError(f"{what} {path} is not valid TOML: {exc}") from None


def load_json_or_none(path: str | Path, what: str = "file") -> Any:
    """`load_json`, or None for a file that is missing, not regular, too large or damaged
    (a cache such as the gallery's manifest: what it held is simply made again; the run
    rewrites it, so it is no input that outputs must avoid)."""
    try:
        return load_json(path, what, is_input=False)
    except UatError:
        return None


def read_lines_limited(
    path: str | Path, limit: float | None = None, what: str = "file", limit_key: str = "file_bytes"
) -> Iterator[str]:
    """The UTF-8 lines of a regular file within LIMITS[limit_key] bytes, one at a time.

    Streaming keeps the memory of a parse near its result rather than ~13 times the file (the
    text, then a list of line strings, then the rows); the limit is checked before the first
    line and again as the bytes arrive, for files whose size says nothing (/proc). Lines end
    at LF, CRLF or a lone CR (old Mac files). `limit` is taken from LIMITS; the argument
    remains for callers that pass it.
    """
    p = Path(path)
    where = f"{what} '{p}'"
    top = _limit(limit_key)
    fd = _open_regular(p, where)
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fd).st_size > top:
            raise _too_big(where, top, limit_key)
        seen, number = 0, 0
        for raw in fh:
            seen += len(raw)
            if seen > top:
                raise _too_big(where, top, limit_key)
            for piece in raw.splitlines() if b"\r" in raw else (raw,):
                number += 1
                try:
                    line = piece.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise UatError(
                        f"{where} is not UTF-8 text (line {number}, byte {exc.start + 1})"
                    ) from None
                yield line.rstrip("\r\n")


def read_text_limited(
    path: str | Path, limit: float | None = None, what: str = "file", limit_key: str = "file_bytes"
) -> str:
    """The UTF-8 text of a regular file within LIMITS[limit_key] (see `read_limited`).

    `limit`, when given, may only lower that limit (the callers that pass it pass the same).
    """
    if limit is not None and limit < _limit(limit_key):
        p = Path(path)
        where = f"{what} '{p}'"
        fd = _open_regular(p, where)
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(int(limit) + 1)
        if len(data) > limit:
            raise _too_big(where, limit, limit_key)
        return _decode(data, where)
    return read_text(path, what, limit_key)


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
