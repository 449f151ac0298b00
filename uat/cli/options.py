"""Command-line plumbing shared by the commands: options, flags, output, exits.

Options are made from the `Settings` fields (`settings_options`), the same for a target of
one input or two; library parameters are spelled as flags only here (`flag`).
Nothing here computes: typer and the standard library only, so `uat --help` stays fast.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import typing
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from uat.errors import UatError
from uat.io import output_path
from uat.settings import FIELD_HELP, Settings


class _Commands(typer.core.TyperGroup):
    """uat's command group: help that reads `uat fit [OPTIONS] TARGET` and `--json`."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The group's own options (--version, --help), flags bare."""
        return _plain_help(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A command whose flags (its --help too) and arguments read plainly in the help."""
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            _plain_help(cmd.get_params(ctx))  # the help option is cached: this one is shown
        return cmd


def _plain_help(params: list[Any]) -> list[Any]:
    """Flags without a metavar, required arguments without braces, as man pages write them.

    typer prints `--json <bool>` as if a flag took a value, and `{target}` in the usage line.
    """
    for p in params:
        desc = getattr(p, "type_descriptor", None)
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
        elif p.metavar is None and desc is not None and desc.is_choice:
            # "<sigmoid|tanh|step|relu|softplus>" broke mid-word at 80 columns: a long list
            # reads as ACTIVATION, its choices in the help text beside it
            listed = "|".join(map(str, desc.choices or ()))
            if len(listed) > 18:
                p.metavar = p.name.upper()
        elif getattr(p, "param_type_name", "") == "argument" and p.required and p.nargs == 1:
            p._usage_display_name = lambda p=p: p.metavar or p.name.upper()
    return params


FLAGS = {"n_neurons": "--neurons"}


def flag(param: str) -> str:
    """The command-line spelling of a library parameter: n_neurons → --neurons."""
    return FLAGS.get(param, "--" + param.replace("_", "-"))


def user_message(exc: UatError) -> str:
    """The error's message, its parameter named as the flag a CLI user typed."""
    text = str(exc)
    if exc.param:
        word = rf"(?<![\w-]){re.escape(exc.param)}(?![\w-])"
        text = re.sub(word, flag(exc.param), text, count=1)
    return text


def settings_options(*, without: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Any]:
    """Give a command one option per Settings field; it receives them as one `settings`.

    The options are made from the fields themselves (type, default, FIELD_HELP), so a new
    field reaches every command, and the Settings check every value once.
    """
    hints = typing.get_type_hints(Settings)
    made = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=f.default,
            annotation=Annotated[hints[f.name], typer.Option(help=FIELD_HELP[f.name])],
        )
        for f in fields(Settings)
        if f.name not in without
    ]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        own = [
            p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in inspect.signature(func, eval_str=True).parameters.values()
            if p.name != "settings"
        ]
        lead = ("target", "domain", "neurons", "ydomain")
        cut = next(i for i, p in enumerate(own) if p.name not in lead)

        @functools.wraps(func)
        def command(**kw: Any) -> Any:
            chosen = {p.name: kw.pop(p.name) for p in made}
            return func(settings=Settings(**chosen), **kw)

        params = [*own[:cut], *made, *own[cut:]]
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate


TargetArg = Annotated[
    str,
    typer.Argument(
        help="A named target (see `uat targets`), an expression in x such as "
        "'x**2*sin(5*x)', or a CSV file of x,y samples. Or a surface: a 2-D name (gaussian2d, "
        "saddle, ripple, tower, disc), an expression in x and y, or a CSV of x,y,z.",
        metavar="TARGET",
        show_default=False,
    ),
]


DomainOpt = Annotated[
    str | None,
    typer.Option(help="Interval A,B: numbers or constants such as -pi,pi or 0,2*pi."),
]


NeuronsOpt = Annotated[
    int | None,
    typer.Option(
        "--neurons",
        "-n",
        help="Hidden neurons N (50; a surface: 12×12 towers, 32 trained, compare 48).",
        show_default=False,
    ),
]


WidthsOpt = Annotated[
    str | None,
    typer.Option(
        "--neurons",
        "-n",
        help="Hidden neurons N (50; a surface: 12×12 towers, 32 trained, compare 48); with "
        "--layers L on a curve the width of each hidden layer: N, or N,N,… one per layer.",
        show_default=False,
        metavar="N[,N…]",
    ),
]


def parse_neurons(text: str | None) -> int | list[int] | None:
    """--neurons text: N as a whole number, or N,N,… as the list of widths."""
    if text is None:
        return None
    try:
        parts = [int(p) for p in text.split(",")]
    except ValueError:
        raise UatError(f"--neurons {text!r} is not a valid integer N, nor N,N,… (a width per "
                       "hidden layer)", param="n_neurons") from None  # fmt: skip
    return parts[0] if len(parts) == 1 else parts


YDomainOpt = Annotated[
    str | None, typer.Option(help="2-D: interval C,D of y (else --domain serves both).")
]


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]


FigureOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Figure path: .png, .svg or .pdf (derived by default)."),
]


Writer = Literal["auto", "ffmpeg", "pillow"]


FramesOpt = Annotated[int | None, typer.Option(help="Most frames (per sweep by default).")]


FpsOpt = Annotated[float, typer.Option(help="Frames per second (GIF: 1, 2, 4, 5, 10, 20, 25, 50).")]


SizeOpt = Annotated[str, typer.Option(help="Pixel size WIDTHxHEIGHT (even for MP4).")]


HoldOpt = Annotated[float, typer.Option(help="Seconds to pause on the last frame.")]


def figure_path(out: Path | None, default: str, *, animated: bool = False) -> Path:
    """The output path of a figure (.png, .svg, .pdf) or an animation (.gif, .mp4, .png)."""
    import importlib

    drawing = importlib.import_module("uat.plot.animate" if animated else "uat.plot.figures")
    return output_path(out, default, drawing.FORMATS)


def save(figure: Callable[[], Any], path: Path | str) -> None:
    """Draw a figure in the package style and write it atomically."""
    import numpy as np

    from uat.plot.figures import save_figure, style

    # matplotlib's log scale overflows in exp() on errors near 1e299 (a warning, not a fault)
    with style(), np.errstate(over="ignore", under="ignore"):
        save_figure(figure(), path)


def emit(record: Any, json_: bool, quiet: bool, show: Callable[[], None]) -> None:
    """Print the JSON record (a job's `to_dict()` and the files written), or the report."""
    if json_:
        typer.echo(json.dumps(record, allow_nan=False))
    elif not quiet:
        show()


def split_list(text: str | None, param: str) -> list[str] | None:
    """'a,b' as ['a', 'b']; None stays None."""
    if text is None:
        return None
    items = [p.strip() for p in text.split(",") if p.strip()]
    if not items:
        raise UatError(f"{flag(param)} is empty")
    return items


def parse_widths(text: str | None) -> list[int] | None:
    """'2,4,8' as [2, 4, 8]."""
    items = split_list(text, "widths")
    try:
        return None if items is None else [int(w) for w in items]
    except ValueError:
        raise UatError(f"--widths {text!r} must be whole numbers such as 2,4,8,16") from None


SaveNetOpt = Annotated[Path | None, typer.Option(help="Also write the network as JSON here.")]


AnimOutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help=".gif, .mp4, or .png (a contact sheet).")
]


EpsOpt = Annotated[
    float | None,
    typer.Option(
        help="Pick the smallest width whose sup error is at most E (instead of --neurons) "
        "and draw the band f ± E.",
        metavar="E",
    ),
]


DwellOpt = Annotated[
    float | None,
    typer.Option(
        metavar="SECONDS",
        help="Seconds each width or iteration stays on screen (default: ≥ 0.4, ~12 s in all).",
    ),
]


GrowOpt = Annotated[
    bool, typer.Option("--grow", help="Keep Δ fixed and add one bump at a time, left to right.")
]


DiagramOpt = Annotated[
    bool, typer.Option("--diagram", help="Draw the network beside it, the new pair lit (--grow).")
]


InitOpt = Annotated[
    Literal["random", "spread"] | None,
    typer.Option(help="Training sweep's start: random (default where it trains) or spread."),
]


AnimEpsOpt = Annotated[
    float | None,
    typer.Option(metavar="E", help="Go up to the smallest width with sup error ≤ E; draw f ± E."),
]
