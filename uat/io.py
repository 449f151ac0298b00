"""Atomic file output: write beside the target, rename into place when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from uat.errors import UatError


def check_writable(path: str | Path) -> Path:
    """Fail early, with a clear message, if `path` cannot be written."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise UatError(f"output path {p} is a directory")
    if not parent.is_dir():
        raise UatError(f"cannot write {p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise UatError(f"cannot write {p}: folder {parent} is not writable")
    return p


def _mode_for(path: Path) -> int:
    """An existing file's mode, or what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    p = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part" + p.suffix, dir=p.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _mode_for(p))  # mkstemp makes 0600; give the file its usual mode
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; rename it into place on success."""
    with atomic_path(path) as tmp, open(tmp, mode) as fh:
        yield fh


def output_path(out: str | Path | None, default: str, formats: tuple[str, ...]) -> Path:
    """The output path (`default` when None), with an extension among `formats`, writable."""
    p = Path(out) if out is not None else Path(default)
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
