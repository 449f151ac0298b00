"""The one exit path of the command line: every failure is one line on stderr and a code.

2: the user's request or the machine (bad input, any OSError, memory, a limit); 1: a fault
inside uat; 128 + signal: interrupted; 141: the reader of stdout went away. Warnings (numpy's
overflow and invalid-value ones, matplotlib's) never reach stderr: the numbers they concern
are checked and reported in words. A closed stdout or stderr is not a fault: what would have
been printed there is discarded, and an error never goes to stdout instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from typing import Any

import typer

from uat.cli.options import user_message
from uat.errors import UatError
from uat.settings import read_limits
from uat.text import printable


def run_app(app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code: every failure is one line on stderr."""
    from uat import io

    _sturdy_streams()
    previous = io.handle_signals()
    try:
        with warnings.catch_warnings(), io.inputs_guarded():
            if os.environ.get("UAT_DEBUG") != "1":
                warnings.simplefilter("ignore")
            read_limits()
            command = typer.main.get_command(app)
            rv = command.main(args=argv, prog_name="uat", standalone_mode=False)
        if io.received_signal() is not None:  # typer has turned the interrupt into 130
            raise io.Interrupted(io.received_signal() or 2)
        _flush(sys.stdout)
    except UatError as exc:
        return _fail(user_message(exc))
    except io.Interrupted as exc:
        return _interrupted(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _interrupted(130)
    except MemoryError:
        return _fail("out of memory: try fewer --neurons, a smaller --size or fewer --frames")
    except OSError as exc:
        return _closed_pipe() if _is_epipe(exc) else _fail(io.describe_failure(exc))
    except SystemExit as exc:  # typer exits on EPIPE; say why, once
        if isinstance(exc.__context__, OSError):
            if _is_epipe(exc.__context__):
                return _closed_pipe()
            return _fail(io.describe_failure(exc.__context__))
        raise
    except Exception as exc:  # click's usage errors, without importing click's private copy
        return _other(exc)
    finally:
        io.remove_temporaries()
        io.restore_signals(previous)
    return rv if isinstance(rv, int) else 0


def _other(exc: Exception) -> int:
    """click's usage errors (2), typer's printed help (0), or a fault inside uat (1)."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help already
        return 0
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
        # typer checks a Literal through pydantic, which prefixes "Value error, "
        return _fail(exc.format_message().replace("Value error, ", ""), exc.exit_code)
    return _internal(exc)


def _sturdy_streams() -> None:
    """Printing never fails on an encoding (PYTHONIOENCODING=ascii, LANG=C); Agg always.

    A standard descriptor closed by the shell (`>&-`, `2>&-`) is opened on /dev/null before
    anything else is opened: otherwise the next file uat opened would take its number, and
    a report or an error would be written into that file; and Python's None for such a
    stream sent every error to stdout.
    """
    os.environ["MPLBACKEND"] = "Agg"  # uat only writes files: a bad MPLBACKEND cannot matter
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if getattr(sys, name) is None:
                setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="replace")


def _flush(stream: Any) -> None:
    """Flush now, so that a full or closed stdout fails here, not at exit."""
    try:
        stream.flush()
    except OSError:
        # the buffer keeps the text; point the descriptor at /dev/null so that Python's own
        # flush at exit succeeds instead of printing a second error
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise


def _is_epipe(exc: OSError) -> bool:
    import errno

    return isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE


def _closed_pipe() -> int:
    """The reader of stdout went away (`uat --help | head`): stop quietly, as `cat` does.

    Files already written stay; 128 + SIGPIPE, the code a shell gives a program killed by it.
    """
    with contextlib.suppress(OSError, ValueError):  # Python's own flush at exit must not fail
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 141


def _say(line: str) -> None:
    """One line on stderr, never elsewhere; a failing stderr loses the line, not the code."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(line, file=sys.stderr, flush=True)


def _interrupted(code: int) -> int:
    _say("uat: interrupted")
    return code


def _internal(exc: Exception) -> int:
    """A fault inside uat: one line and exit code 1; the traceback only with UAT_DEBUG=1."""
    import traceback

    if os.environ.get("UAT_DEBUG") == "1":
        traceback.print_exc()
    what = printable(" ".join(f"{type(exc).__name__}: {exc}".split()))
    hint = "please report it with the output of the same command run with UAT_DEBUG=1"
    _say(f"uat: internal error: {what} ({hint})")
    return 1


def _fail(message: str, code: int = 2) -> int:
    _say(f"uat: error: {printable(' '.join(message.split()))}")  # one line, always
    return code
