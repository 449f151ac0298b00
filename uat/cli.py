"""The `uat` command line: options in, one `uat.jobs` call, printing out; nothing else.

Every rule (checks, which runs a command makes, default file names) lives in `uat.settings`
and `uat.jobs`; the text printed comes from `uat.report`. This is the one place that parses
arguments, prints and sets exit codes.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import re
import sys
import time
import typing
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from uat import __version__, report
from uat.errors import UatError
from uat.io import output_path, transaction, write_csv
from uat.settings import (
    FIELD_HELP,
    Method,
    Settings,
    check_grid,
    check_number,
    check_width,
    parse_size,
    read_limits,
)


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
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
        elif getattr(p, "param_type_name", "") == "argument" and p.required and p.nargs == 1:
            p._usage_display_name = lambda p=p: p.metavar or p.name.upper()
    return params


app = typer.Typer(
    cls=_Commands,
    help="Make the universal approximation theorem visible: hand-built and trained "
    "one-hidden-layer networks, their errors, figures and animations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

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


# -- options -----------------------------------------------------------------------------


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
        cut = next(i for i, p in enumerate(own) if p.name not in ("target", "domain", "neurons"))

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
        "'x**2*sin(5*x)', or a CSV file of x,y samples.",
        metavar="TARGET",
        show_default=False,
    ),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(help="Interval A,B: numbers or constants such as -pi,pi or 0,2*pi."),
]
NeuronsOpt = Annotated[int, typer.Option("--neurons", "-n", help="Hidden neurons N.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]
FigureOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Figure path: .png, .svg or .pdf (derived by default)."),
]
Sweep = Literal["width", "training", "compare", "steepness"]
Writer = Literal["auto", "ffmpeg", "pillow"]
FramesOpt = Annotated[int | None, typer.Option(help="Most frames (per sweep by default).")]
FpsOpt = Annotated[float, typer.Option(help="Frames per second (GIF: 1, 2, 4, 5, 10, 20, 25, 50).")]
SizeOpt = Annotated[str, typer.Option(help="Pixel size WIDTHxHEIGHT (even for MP4).")]
HoldOpt = Annotated[float, typer.Option(help="Seconds to pause on the last frame.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"uat {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Make the universal approximation theorem visible."""


# -- helpers -----------------------------------------------------------------------------


def figure_path(out: Path | None, default: str, *, animated: bool = False) -> Path:
    """The output path of a figure (.png, .svg, .pdf) or an animation (.gif, .mp4, .png)."""
    import importlib

    drawing = importlib.import_module("uat.animate" if animated else "uat.plot")
    return output_path(out, default, drawing.FORMATS)


def save(figure: Callable[[], Any], path: Path | str) -> None:
    """Draw a figure in the package style and write it atomically."""
    from uat.plot import save_figure, style

    with style():
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


def run_animation(t: Any, neurons: int, s: Settings, quiet: bool, **render: Any) -> Any:
    """Compute and render an animation with a progress bar; return the AnimationResult."""
    from uat.animate import animate

    with report.staged_bar(quiet) as update:
        return animate(t, neurons, s, progress=update, **render)


def _choices(annotation: Any) -> tuple[str, ...]:
    """The values a Literal option (possibly `| None`, possibly Annotated) allows."""
    base = typing.get_args(annotation)[0] if hasattr(annotation, "__metadata__") else annotation
    found: list[str] = []
    for arg in typing.get_args(base) or [base]:
        found += [str(v) for v in typing.get_args(arg)] if typing.get_args(arg) else []
        found += [arg] if isinstance(arg, str) else []
    return tuple(found)


# What a 2-D target adds to an option's help (the 1-D help comes from Settings and the commands).
HELP2D = {
    "target": " Or a surface: a 2-D name (gaussian2d, saddle, ripple, tower, disc), an "
    "expression in x and y, or a CSV of x,y,z.",
    "neurons": " 2-D: hidden neurons in all layers; K×K towers take K²+2K.",
    "method": " 2-D: construct (towers), nielsen, ridges (one layer) or train.",
    "sweep": " 2-D: refine (= width), grow, training or turn.",
}
OPTIONS2D = {
    "ydomain": (str, "2-D: interval C,D of y (else --domain serves both)."),
    "towers": (int, "2-D: K towers per side (ridges: K directions), instead of --neurons."),
    "layers": (int, "2-D trained nets: 1 or 2 hidden layers."),
}


def _params2d(old: list[inspect.Parameter], unset: tuple[str, ...], extra: bool) -> list[Any]:
    """A command's parameters for 2-D too: method and sweep as text, `unset` ones None by
    default, help that names the 2-D choices, and --ydomain, --towers, --layers after domain."""
    import copy

    params = []
    for p in old:
        base, *meta = typing.get_args(p.annotation)
        if p.name in HELP2D and meta:
            meta[0] = copy.copy(meta[0])
            meta[0].help = (meta[0].help or "") + HELP2D[p.name]
        if p.name in ("method", "sweep"):
            base = str | None if p.default is None else str
        if p.name in unset:
            if meta and p.default is not None:  # the help still shows the 1-D default
                meta[0] = copy.copy(meta[0])
                meta[0].show_default = str(p.default)
            p, base = p.replace(default=None), base | None
        params.append(p.replace(annotation=Annotated[(base, *meta)]) if meta else p)
        if p.name == "domain" and extra:
            params += [
                inspect.Parameter(
                    k,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None,
                    annotation=Annotated[kind | None, typer.Option(help=text)],
                )
                for k, (kind, text) in OPTIONS2D.items()
            ]
    return params


def two_inputs(
    adapter: str, *, unset: tuple[str, ...] = ("neurons",), is2d: str = "target"
) -> Callable[[Callable[..., Any]], Any]:
    """Give a command --ydomain, --towers and --layers, and send 2-D targets to `adapter`.

    The 2-D methods (nielsen, ridges) and sweeps (refine, grow, turn) are let through the
    Literal choices and checked here for 1-D targets; options in `unset` default to None so
    that a 2-D adapter knows whether they were given (1-D gets its own default back).
    `is2d` names the argument that decides: a TARGET text, or a saved network's file.
    """
    extra = OPTIONS2D if is2d == "target" else {}

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        old = list(inspect.signature(func, eval_str=True).parameters.values())
        loose = {p.name: _choices(p.annotation) for p in old if p.name in ("method", "sweep")}
        defaults = {p.name: p.default for p in old if p.name in unset}
        params = _params2d(old, unset, bool(extra))

        @functools.wraps(func)
        def command(**kw: Any) -> Any:
            from uat import jobs2d

            if is2d == "target" and jobs2d.is_target2d(kw["target"]):
                return globals()[adapter](**kw)
            if is2d == "network" and jobs2d.network_inputs(kw["network"]) == 2:
                return globals()[adapter](**kw)
            for k in extra:
                if kw.pop(k) is not None:
                    raise UatError(
                        f"--{k} is for targets of two inputs (x and y); "
                        f"{kw['target']!r} is a function of x alone"
                    )
            for k, allowed in loose.items():
                if kw[k] is not None and kw[k] not in allowed:
                    raise UatError(
                        f"--{k} {kw[k]} is for 2-D targets; a 1-D target takes {', '.join(allowed)}"
                    )
            return func(
                **{k: (defaults[k] if k in defaults and v is None else v) for k, v in kw.items()}
            )

        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        return command

    return decorate


# -- commands ----------------------------------------------------------------------------

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


@app.command("fit")
@two_inputs("_fit2d")
@settings_options()
def fit_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
    *,
    settings: Settings,
    eps: EpsOpt = None,
    out: FigureOpt = None,
    save_net: SaveNetOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Approximate TARGET with N neurons, plot it, and report the errors."""
    check_width(neurons, settings)
    from uat import jobs
    from uat.plot import fit_figure

    t = jobs.resolve_target(target, domain)
    t0 = time.perf_counter()
    result = None
    if eps is not None:
        neurons, result = jobs.smallest_width(t, eps, settings)
    stem = jobs.output_name("fit", t, settings, neurons, ext="")
    name = stem + ("" if eps is None else f"-eps{eps:g}") + ".png"
    files = {"output": str(figure_path(out, name))}
    if save_net is not None:
        files["network"] = str(output_path(save_net, "", (".json",)))
    result = result or jobs.fit(t, neurons, settings)
    with transaction():  # the figure and the network appear together, or neither does
        if eps is None:  # the explorer's tests stand in a fit_figure(fit) for speed
            save(lambda: fit_figure(result), files["output"])
        else:
            save(lambda: fit_figure(result, eps=eps), files["output"])
        if save_net is not None:
            result.net.save(save_net)
    total = time.perf_counter() - t0
    record = result.to_dict() | files | {"total_seconds": total}
    if eps is not None:
        record |= {"eps": eps, "smallest_width": neurons}
    emit(record, json_, quiet, lambda: report.print_fit(result, files, total, eps=eps))


@app.command("show")
@two_inputs("_show2d", unset=(), is2d="network")
def show_cmd(
    network: Annotated[Path, typer.Argument(help="A network saved by `uat fit --save-net`.")],
    target: Annotated[str | None, typer.Option(help="Measure against this target instead.")] = None,
    domain: DomainOpt = None,
    out: FigureOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Read a saved network, re-measure it against its target, and draw the `uat fit` figure."""
    from uat import jobs
    from uat.plot import fit_figure

    files = {"output": str(figure_path(out, network.with_suffix(".png").name))}
    result = jobs.show(network, target, domain)
    save(lambda: fit_figure(result), files["output"])
    emit(result.to_dict() | files, json_, quiet, lambda: report.print_fit(result, files))


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


def animation_words(
    kind: str, *, grow: bool, diagram: bool, init: str | None, frames: int | None, eps: Any
) -> list[str]:
    """The animate options that change the picture, as words of the default file name."""
    words = ["grow"] if grow else []
    words += ["diagram"] if diagram else []
    words += [f"{init}-start"] if kind == "training" and init is not None else []
    words += [f"frames{frames}"] if frames is not None else []
    return words + ([f"eps{eps:g}"] if eps is not None else [])


@app.command("animate")
@two_inputs("_animate2d", unset=("neurons", "hold"))
@settings_options(without=("method",))
def animate_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
    *,
    settings: Settings,
    method: Annotated[Method | None, typer.Option(help="construct (default) or train.")] = None,
    sweep: Annotated[
        Sweep, typer.Option(help="Over widths, one training run, both methods, or steepness.")
    ] = "width",
    compare: Annotated[bool, typer.Option("--compare", help="Same as --sweep compare.")] = False,
    grow: GrowOpt = False,
    diagram: DiagramOpt = False,
    init: InitOpt = None,
    eps: AnimEpsOpt = None,
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    dwell: DwellOpt = None,
    size: SizeOpt = "800x500",
    dpi: Annotated[float, typer.Option(help="Dots per inch: scales fonts and lines.")] = 100,
    hold: HoldOpt = 1.0,
    writer: Annotated[Writer, typer.Option(help="GIF encoder; auto: ffmpeg if present.")] = "auto",
    out: AnimOutOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Animate the approximation converging: over widths, one bump at a time, or training."""
    from uat import jobs

    kind = "compare" if compare else sweep
    given = replace(settings, method=method or "construct")
    s = jobs.animation_settings(kind, given, method_given=method is not None)
    pixels = parse_size(size)
    t = jobs.resolve_target(target, domain)
    if eps is not None:  # the final width is the smallest that reaches eps
        neurons, _ = jobs.smallest_width(t, eps, s, animated=True)
    jobs.check_animation_width(kind, neurons, s)
    words = animation_words(kind, grow=grow, diagram=diagram, init=init, frames=frames, eps=eps)
    name = jobs.output_name("animate", t, s, neurons, sweep=kind, ext=".gif", extra=words)
    path = figure_path(out, name, animated=True)
    res = run_animation(
        t, neurons, s, quiet or json_, sweep=kind, out=path, frames=frames, fps=fps,
        size=pixels, dpi=dpi, hold=hold, writer=writer, dwell=dwell, grow=grow,
        diagram=diagram, init=init, eps=eps,
    )  # fmt: skip
    record = {"target": t.name, "sweep": kind, "neurons": neurons, "output": str(res.path)}
    record |= {"frames": res.frames, "fps": res.fps, "size": list(res.size), "bytes": res.bytes}
    record |= {"seconds": res.seconds, "last_frame": res.last, "dwell": res.dwell}
    record |= {"grow": grow, "eps": eps, "steps": res.steps}

    def show() -> None:
        if eps is not None:
            report.console().print(f"N = {neurons}: the smallest width with sup error ≤ {eps:g}")
        report.print_animation(res)

    emit(record, json_, quiet, show)


@app.command("compare")
@two_inputs("_compare2d")
@settings_options(without=("method", "loss"))
def compare_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
    *,
    settings: Settings,
    loss: Annotated[
        str, typer.Option(help="Trained: mse, sup (the theorem's worst case) or both: mse,sup.")
    ] = "mse",
    activations: Annotated[
        str | None, typer.Option(help="Several activations, e.g. sigmoid,tanh,relu.")
    ] = None,
    out: FigureOpt = None,
    animate: Annotated[bool, typer.Option(help="Write the width sweeps side by side instead.")] = (
        False
    ),
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    size: SizeOpt = "1000x500",
    hold: HoldOpt = 1.0,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Hand-built against trained at the same width: one figure, one table."""
    from uat import jobs

    acts = split_list(activations, "activations")
    if animate and acts is not None and len(acts) > 1:
        raise UatError("--animate compares one activation; drop --activations or give one")
    losses = jobs.check_losses(split_list(loss, "loss") or [])
    if animate and len(losses) > 1:
        raise UatError("--animate compares one loss; give --loss mse or --loss sup")
    settings = replace(settings, loss=losses[0])
    jobs.compare_runs(settings, neurons, acts, losses)  # every check before any work
    t = jobs.resolve_target(target, domain)
    ext = ".gif" if animate else ".png"
    name = jobs.output_name("compare", t, settings, neurons, ext=ext, activations=acts)
    path = figure_path(out, name, animated=animate)
    made = {"output": str(path)}
    if animate:
        res = run_animation(
            t, neurons, settings, quiet or json_, sweep="compare", out=path, frames=frames,
            fps=fps, size=parse_size(size), dpi=100, hold=hold, writer="auto",
            runs=jobs.compare_runs(settings, neurons, acts),
        )  # fmt: skip
        made["frames"] = res.frames
    result = jobs.compare(t, neurons, settings, activations=acts, losses=losses)
    if not animate:
        from uat.plot import compare_figure

        save(lambda: compare_figure(result.fits, columns=len(result.activations)), path)
    where = f"animation: {path} ({res.frames} frames)" if animate else f"figure: {path}"
    emit(result.to_dict() | made, json_, quiet, lambda: report.print_comparison(result, where))


@app.command("convergence")
@two_inputs("_convergence2d", unset=("methods", "max_neurons"))
@settings_options(without=("method", "loss"))
def convergence_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    *,
    settings: Settings,
    loss: Annotated[
        str, typer.Option(help="Trained: mse, sup (the theorem's worst case) or both: mse,sup.")
    ] = "mse",
    widths: Annotated[str | None, typer.Option(help="Widths, e.g. 2,4,8,16,32 (even).")] = None,
    max_neurons: Annotated[int, typer.Option(help="Else ~12 even widths up to this.")] = 200,
    methods: Annotated[str, typer.Option(help="Methods to sweep.")] = "construct,train",
    seeds: Annotated[int, typer.Option(help="Seeds per trained width (median and range).")] = 1,
    out: FigureOpt = None,
    csv: Annotated[Path | None, typer.Option(help="Also write every point as CSV.")] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sup error and RMSE against width, log-log, with the construction's bound and slopes."""
    from uat import jobs

    ws, chosen = parse_widths(widths), split_list(methods, "methods") or []
    losses = jobs.check_losses(split_list(loss, "loss") or [])
    settings = replace(settings, loss=losses[0])
    plan = jobs.convergence_plan(
        settings, ws, chosen, max_neurons=max_neurons, seeds=seeds, losses=losses
    )
    t = jobs.resolve_target(target, domain)
    files = {"output": str(figure_path(out, jobs.output_name("convergence", t, settings)))}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    with report.progress_bar(plan[2], f"sweeping {len(plan[0])} widths", quiet or json_) as bar:
        result = jobs.convergence(
            t, ws, chosen, settings, max_neurons=max_neurons, seeds=seeds, progress=bar,
            losses=losses,
        )  # fmt: skip
    from uat.plot import convergence_figure

    with transaction():  # the figure and the CSV appear together, or neither does
        save(lambda: convergence_figure(t, result.points, settings), files["output"])
        if csv is not None:
            write_csv(csv, [p.as_dict() for p in result.points])
    record = result.to_dict() | {"output": files["output"]}
    emit(record, json_, quiet, lambda: report.print_convergence(result, files))


@app.command("explain")
@two_inputs("_explain2d", unset=("neurons", "method"))
@settings_options()
def explain_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: Annotated[int, typer.Option("--neurons", "-n", help="Hidden neurons N (few).")] = 10,
    *,
    settings: Settings,
    out: FigureOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """The anatomy of a fit: the construction (or a trained net) panel by panel."""
    check_width(neurons, settings)
    check_grid(neurons)
    from uat import jobs
    from uat.anatomy import anatomy_figure

    t = jobs.resolve_target(target, domain)
    path = figure_path(out, jobs.output_name("explain", t, settings, neurons))
    result = jobs.explain(t, neurons, settings)
    save(lambda: anatomy_figure(result), path)
    text = f"{report.describe_method(result)}\nfigure: {path}"
    emit(result.to_dict() | {"output": str(path)}, json_, quiet, lambda: report.say(text))


@app.command("gallery")
def gallery_cmd(
    spec: Annotated[
        Path | None,
        typer.Option(help="The spec (gallery/gallery.toml or ./gallery.toml by default)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (the spec's by default).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel processes.")] = None,
    only: Annotated[list[str] | None, typer.Option(help="Build only this entry (repeatable).")] = (
        None
    ),
    force: Annotated[bool, typer.Option(help="Rebuild entries that are up to date.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the gallery: media, README.md and index.html, only what changed, in parallel."""
    from uat.gallery import build, default_spec

    spec = spec if spec is not None else default_spec()
    if jobs is not None:
        check_number("jobs", jobs)
    if out is not None and out.exists() and not out.is_dir():
        raise UatError(f"--out {out} is a file, not a folder")
    with report.progress_bar(1, "building gallery", quiet) as update:
        outcomes = build(spec, out, jobs=jobs, only=only or (), force=force, progress=update)
    if not quiet:
        report.print_gallery(outcomes, out if out is not None else spec.parent)
    failed = [o for o in outcomes if not o.ok]
    for o in failed:
        print(f"uat: error: gallery entry {o.name!r} failed: {o.error}", file=sys.stderr)
    if failed:
        raise typer.Exit(1)


TRAINING_FIELDS = ("optimizer", "loss", "seed", "max_iter", "tol", "learning_rate")


@app.command("explore")
@settings_options(without=TRAINING_FIELDS)
def explore_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: Annotated[int, typer.Option("--neurons", "-n", help="Neurons N to open at.")] = 50,
    *,
    settings: Settings,
    eps: Annotated[
        float | None, typer.Option(help="ε of the band f ± ε (5% of max|f| by default).")
    ] = None,
    challenge: Annotated[
        bool, typer.Option(help="Nielsen's challenge: 5 bumps, sigmoid output, deviation < 0.40.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The page (TARGET-explore.html by default).")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one self-contained HTML page to explore the construction live (no server)."""
    from uat import jobs
    from uat.explore import ExploreSettings, explore

    s = settings
    page_settings = ExploreSettings(
        neurons=neurons, steepness=s.steepness, heights=s.heights, activation=s.activation,
        shifts=s.shifts, output_activation=s.output_activation, method=s.method, eps=eps,
        challenge=challenge,
    )  # fmt: skip
    default = jobs.output_name("explore", jobs.resolve_target(target, domain), s, ext=".html")
    path = output_path(out, default, (".html",))
    page = explore(target, path, page_settings, domain=domain)
    record = {"output": str(page.path), "bytes": page.bytes}
    emit(record, json_, quiet, lambda: report.say(f"wrote {page.path} "
         f"({page.bytes / 1e3:.0f} kB): open it in any browser"))  # fmt: skip


@app.command("targets")
def targets_cmd(json_: JsonOpt = False) -> None:
    """List the named targets: formula, default domain, Lipschitz constant."""
    from uat import jobs

    rows = jobs.targets()
    emit(rows, json_, False, lambda: report.print_targets(rows))


# -- two inputs: the adapters `two_inputs` sends 2-D targets and networks to --------------


def _settings_values(kw: dict[str, Any]) -> dict[str, Any]:
    """The Settings options a command received (popped from kw)."""
    return {f.name: kw.pop(f.name) for f in fields(Settings) if f.name in kw}


def _emit2d(record: dict[str, Any], json_: bool, quiet: bool, show: Callable[[], None]) -> None:
    from uat.jobs import json_safe

    emit(json_safe(record), json_, quiet, show)


def _refuse2d(given: dict[str, Any]) -> None:
    """Refuse Settings options, given away from their defaults, that a 2-D command ignores."""
    defaults = {f.name: f.default for f in fields(Settings)}
    for name, value in given.items():
        if value != defaults[name]:
            raise UatError(f"{flag(name)} is for targets of one input (x alone)")


def _fit2d(
    *,
    target: str,
    domain: str | None,
    ydomain: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    out: Path | None,
    save_net: Path | None,
    json_: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """`uat fit` on a surface: towers, ridges or a trained net, its figure and numbers."""
    from uat import jobs2d, report2d
    from uat.plot2d import fit2d_figure

    settings = _settings_values(kw)
    c = jobs2d.choose2d(settings.pop("method"), neurons, towers, layers, settings)
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    files = {"output": str(figure_path(out, jobs2d.output_name2d("fit", t, c.words)))}
    if save_net is not None:
        files["network"] = str(output_path(save_net, "", (".json",)))
    t0 = time.perf_counter()
    result = jobs2d.fit2d(t, c.size, c.method, **c.options)
    save(lambda: fit2d_figure(result), files["output"])
    if save_net is not None:
        result.net.save(save_net)
    total = time.perf_counter() - t0
    record = result.to_dict() | files | {"total_seconds": total}
    _emit2d(record, json_, quiet, lambda: report2d.print_fit2d(result, files, total))


def _show2d(
    *,
    network: Path,
    target: str | None,
    domain: str | None,
    out: Path | None,
    json_: bool,
    quiet: bool,
) -> None:
    """`uat show` on a uat-network/2 file: re-measure it and draw the 2-D fit figure."""
    from uat import jobs2d, report2d
    from uat.plot2d import fit2d_figure

    files = {"output": str(figure_path(out, network.with_suffix(".png").name))}
    result = jobs2d.show2d(network, target, domain)
    save(lambda: fit2d_figure(result), files["output"])
    _emit2d(result.to_dict() | files, json_, quiet, lambda: report2d.print_fit2d(result, files))


def _explain2d(
    *,
    target: str,
    domain: str | None,
    ydomain: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    out: Path | None,
    json_: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """`uat explain` on a surface: the neurons as surfaces, layer by layer (few towers)."""
    from uat import jobs2d
    from uat.plot2d import layers_figure

    settings = _settings_values(kw)
    c = jobs2d.choose2d(
        settings.pop("method") or "nielsen",  # Nielsen's towers: an x-ridge plus a y-ridge
        neurons,
        towers,
        layers,
        settings,
        default_towers=jobs2d.EXPLAIN_TOWERS,
    )
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    path = figure_path(out, jobs2d.output_name2d("explain", t, c.words))
    result = jobs2d.fit2d(t, c.size, c.method, **c.options)
    save(lambda: layers_figure(result.net, t), path)
    text = f"neurons of {jobs2d.net_label(c.method, c.size, c.layers)} as surfaces\nfigure: {path}"
    _emit2d(result.to_dict() | {"output": str(path)}, json_, quiet, lambda: report.say(text))


def _animate2d(
    *,
    target: str,
    domain: str | None,
    ydomain: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    method: str | None,
    sweep: str,
    compare: bool,
    frames: int | None,
    fps: float,
    size: str,
    dpi: float,
    hold: float | None,
    writer: str,
    out: Path | None,
    json_: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """`uat animate` on a surface: towers refining or growing, training, or a camera turn."""
    from uat import jobs2d, report2d

    kind = "refine" if sweep == "width" else sweep
    if compare or kind not in ("refine", "grow", "training", "turn"):
        raise UatError(
            f"--sweep {sweep} is for 1-D targets; a surface takes refine (or width), "
            "grow, training or turn"
        )
    settings = _settings_values(kw)
    chosen = method or ("train" if kind == "training" else "construct")
    c = jobs2d.choose2d(chosen, neurons, towers, layers, settings)
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    name = jobs2d.output_name2d("animate", t, f"{kind}-{c.words}", ".gif")
    path = figure_path(out, name, animated=True)
    opts = {k: v for k, v in c.options.items() if k in ("layers", "seed", "max_evaluations")}
    with report.staged_bar(quiet or json_) as update:
        res = jobs2d.animate2d(
            t,
            c.size,
            c.method,
            sweep=kind,
            out=path,
            frames=frames,
            fps=fps,
            size_px=parse_size(size),
            dpi=dpi,
            hold=hold,
            writer=writer,
            progress=update,
            **opts,
        )
    _emit2d(res.to_dict(), json_, quiet, lambda: report2d.print_animation2d(res))


def _compare2d(
    *,
    target: str,
    domain: str | None,
    ydomain: str | None,
    neurons: int | None,
    towers: int | None,
    layers: int | None,
    activations: str | None,
    out: Path | None,
    animate: bool,
    json_: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """`uat compare` on a surface: towers, ridges and trained nets at about N neurons."""
    from uat import jobs2d, report2d
    from uat.plot2d import compare2d_figure

    if towers is not None or layers is not None or activations is not None or animate:
        raise UatError(
            "compare on a surface takes --neurons N (about N in every network): "
            "not --towers, --layers, --activations or --animate"
        )
    settings = _settings_values(kw)
    _refuse2d({k: v for k, v in settings.items() if k not in ("seed", "max_iter")})
    n = jobs2d.DEFAULT_COMPARE_NEURONS if neurons is None else neurons
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    path = figure_path(out, jobs2d.output_name2d("compare", t, f"N{n}"))
    with report.progress_bar(4, "fitting 4 networks", quiet or json_) as bar:
        result = jobs2d.compare2d(
            t,
            n,
            seed=settings.get("seed", 0),
            max_evaluations=settings.get("max_iter"),
            progress=bar,
        )
    save(lambda: compare2d_figure(result), path)
    rec = result.to_dict() | {"output": str(path)}
    _emit2d(rec, json_, quiet, lambda: report2d.print_compare2d(result, str(path)))


def _convergence2d(
    *,
    target: str,
    domain: str | None,
    ydomain: str | None,
    towers: int | None,
    layers: int | None,
    widths: str | None,
    max_neurons: int | None,
    methods: str | None,
    seeds: int,
    out: Path | None,
    csv: Path | None,
    json_: bool,
    quiet: bool,
    **kw: Any,
) -> None:
    """`uat convergence` on a surface: error against neurons per method, with slopes."""
    from uat import jobs2d, report2d
    from uat.plot2d import convergence2d_figure

    if towers is not None or layers is not None or widths is not None or seeds != 1:
        raise UatError(
            "convergence on a surface takes --methods (construct, nielsen, ridges, "
            "train, train2) and --max-neurons: not --towers, --layers, --widths, "
            "--seeds"
        )
    settings = _settings_values(kw)
    _refuse2d({k: v for k, v in settings.items() if k != "seed"})
    chosen = split_list(methods, "methods") or list(jobs2d.DEFAULT_CONVERGENCE2D)
    sizes = jobs2d.convergence_sizes(chosen, max_neurons)
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    files = {"output": str(figure_path(out, jobs2d.output_name2d("convergence", t, "2d")))}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    total = sum(len(v) for v in sizes.values())
    with report.progress_bar(total, f"fitting {total} networks", quiet or json_) as bar:
        result = jobs2d.convergence2d(t, sizes, progress=bar, seed=settings.get("seed", 0))
    save(lambda: convergence2d_figure(result), files["output"])
    if csv is not None:
        write_csv(csv, [p.as_dict() for p in result.points])
    rec = result.to_dict() | files
    _emit2d(rec, json_, quiet, lambda: report2d.print_convergence2d(result, files))


# -- entry point -------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code: every failure is one line on stderr.

    2: the user's request or the machine (bad input, any OSError, memory, a limit); 1: a fault
    inside uat; 128 + signal: interrupted.
    """
    from uat import io

    _sturdy_streams()
    previous = io.handle_signals()
    try:
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
        return _fail(io.describe_failure(exc))
    except SystemExit as exc:  # typer exits on EPIPE; say why, once
        if isinstance(exc.__context__, OSError):
            return _fail(io.describe_failure(exc.__context__))
        raise
    except Exception as exc:  # click's usage errors, without importing click's private copy
        if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help already
            return 0
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            return _fail(exc.format_message(), exc.exit_code)
        return _internal(exc)
    finally:
        io.remove_temporaries()
        io.restore_signals(previous)
    return rv if isinstance(rv, int) else 0


def _sturdy_streams() -> None:
    """Printing never fails on an encoding (PYTHONIOENCODING=ascii, LANG=C); Agg always."""
    import os

    os.environ["MPLBACKEND"] = "Agg"  # uat only writes files: a bad MPLBACKEND cannot matter
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(Exception):
                reconfigure(errors="replace")


def _flush(stream: Any) -> None:
    """Flush now, so that a full or closed stdout fails here, not at exit."""
    import os

    try:
        stream.flush()
    except OSError:
        # the buffer keeps the text; point the descriptor at /dev/null so that Python's own
        # flush at exit succeeds instead of printing a second error
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        raise


def _interrupted(code: int) -> int:
    print("uat: interrupted", file=sys.stderr)
    return code


def _internal(exc: Exception) -> int:
    """A fault inside uat: one line and exit code 1; the traceback only with UAT_DEBUG=1."""
    import os
    import traceback

    if os.environ.get("UAT_DEBUG") == "1":
        traceback.print_exc()
    what = f"{type(exc).__name__}: {exc}"
    hint = "please report it with the output of the same command run with UAT_DEBUG=1"
    print(f"uat: internal error: {' '.join(what.split())} ({hint})", file=sys.stderr)
    return 1


def _fail(message: str, code: int = 2) -> int:
    message = " ".join(message.split())  # one line, always
    with contextlib.suppress(OSError):
        print(f"uat: error: {message}", file=sys.stderr)
    return code


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
