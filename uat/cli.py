"""The `uat` command line: the one place that parses arguments, prints and sets exit codes."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from uat import __version__
from uat.errors import UatError

if TYPE_CHECKING:
    from rich.console import Console

    from uat.sweep import Fit, Settings
    from uat.targets import Target

app = typer.Typer(
    help="Make the universal approximation theorem visible: hand-built and trained "
    "one-hidden-layer networks, their errors, figures and animations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Method(StrEnum):
    construct = "construct"
    train = "train"


class Heights(StrEnum):
    minimax = "minimax"
    mean = "mean"
    centre = "centre"


class Optimizer(StrEnum):
    lm = "lm"
    adam = "adam"


class Activation(StrEnum):
    sigmoid = "sigmoid"
    tanh = "tanh"
    step = "step"
    relu = "relu"
    softplus = "softplus"


class Output(StrEnum):
    identity = "identity"
    sigmoid = "sigmoid"


# -- options shared by every command that builds networks ----------------------------------

TargetArg = Annotated[
    str,
    typer.Argument(
        help="A named target (see `uat targets`), an expression in x such as "
        "'x**2*sin(5*x)', or a CSV file of x,y samples.",
        show_default=False,
    ),
]
DomainOpt = Annotated[
    str | None,
    typer.Option(help="Interval A,B: numbers or constants such as -pi,pi or 0,2*pi."),
]
MethodOpt = Annotated[
    Method, typer.Option(help="construct: hand-built bumps (the proof); train: fitted.")
]
NeuronsOpt = Annotated[int, typer.Option("--neurons", "-n", help="Hidden neurons N.")]
HeightsOpt = Annotated[
    Heights,
    typer.Option(help="Bump heights: minimax (least sup error), mean (least squares), centre."),
]
SteepnessOpt = Annotated[
    float | None,
    typer.Option(help="Hidden weight w of the hand-built steps [default: automatic]."),
]
ActivationOpt = Annotated[
    Activation,
    typer.Option(help="Hidden activation: sigmoid, tanh, step make bumps; relu, softplus ramps."),
]
OutputOpt = Annotated[
    Output,
    typer.Option(help="Output activation; sigmoid: the hidden sum approximates σ⁻¹∘f."),
]
ShiftsOpt = Annotated[
    int,
    typer.Option(help="Hand-built: sum M shifted copies of f/M (windows of failure); M·N neurons."),
]
OptimizerOpt = Annotated[
    Optimizer, typer.Option(help="lm: Levenberg–Marquardt (accurate); adam: gradient descent.")
]
SeedOpt = Annotated[int, typer.Option(help="Seed of the trained network's initialisation.")]
MaxIterOpt = Annotated[
    int | None, typer.Option(help="Iteration limit of training [default: per optimiser].")
]
TolOpt = Annotated[float, typer.Option(help="Training stops when the loss improves less.")]
LearningRateOpt = Annotated[
    float | None, typer.Option(help="Adam's learning rate [default: per optimiser].")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead.")]


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


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def resolve_target(target: str, domain: str | None) -> Target:
    """TARGET and --domain as a Target, or a UatError."""
    from uat.targets import get_target, parse_domain

    return get_target(target, parse_domain(domain) if domain is not None else None)


def slug(text: str) -> str:
    """A file-name-safe short form of a target."""
    if text.lower().endswith(".csv"):
        text = Path(text).stem
    s = re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_.")
    return s[:40] or "target"


def variant(s: Settings) -> str:
    """The method and what differs from the defaults, for default file names."""
    parts = [s.method]
    if s.activation != "sigmoid":
        parts.append(s.activation)
    if s.output_activation != "identity":
        parts.append(f"{s.output_activation}-output")
    if s.shifts > 1 and s.method == "construct":
        parts.append(f"shifts{s.shifts}")
    return "-".join(parts)


def output_path(out: Path | None, default: str, formats: tuple[str, ...]) -> Path:
    """The output path, with a format the command can write and a folder that exists."""
    from uat.io import check_writable

    p = out if out is not None else Path(default)
    if p.suffix.lower() not in formats:
        raise UatError(f"cannot write {p}: the extension must be one of {', '.join(formats)}")
    return check_writable(p)


def settings_from(
    method: Method,
    heights: Heights = Heights.minimax,
    steepness: float | None = None,
    activation: Activation = Activation.sigmoid,
    optimizer: Optimizer = Optimizer.lm,
    seed: int = 0,
    max_iter: int | None = None,
    tol: float = 1e-12,
    learning_rate: float | None = None,
    output: Output = Output.identity,
    shifts: int = 1,
) -> Settings:
    """The library's Settings from CLI options, validating the numbers."""
    from uat.sweep import Settings

    if shifts < 1:
        raise UatError(f"--shifts must be at least 1, got {shifts}")
    if seed < 0:
        raise UatError(f"--seed must be a whole number ≥ 0, got {seed}")
    if steepness is not None and not steepness > 0:
        raise UatError(f"--steepness must be positive, got {steepness:g}")
    if max_iter is not None and max_iter < 1:
        raise UatError(f"--max-iter must be at least 1, got {max_iter}")
    if not tol >= 0:
        raise UatError(f"--tol must be non-negative, got {tol:g}")
    if learning_rate is not None and not learning_rate > 0:
        raise UatError(f"--learning-rate must be positive, got {learning_rate:g}")
    return Settings(
        method=method.value,
        heights=heights.value,
        steepness=steepness,
        activation=activation.value,
        optimizer=optimizer.value,
        seed=seed,
        max_iter=max_iter,
        tol=tol,
        learning_rate=learning_rate,
        output_activation=output.value,
        shifts=shifts,
    )


def describe_method(fit: Fit) -> str:
    """One line on how the network was built."""
    net = fit.net
    if fit.method == "construct":
        from uat.plot import unit_count

        m = net.meta
        text = f"hand-built: {unit_count(net)}, Δ = {m['bump_width']:.4g}, "
        if m["heights"] == "interpolant":
            return text + "piecewise-linear interpolant"
        text += f"{m['heights']} heights"
        return text if net.activation == "step" else text + f", w = {m['steepness']:.4g}"
    opt = net.meta.get("optimizer", "")
    its = net.meta.get("iterations", len(fit.history))
    return f"trained: {opt}, {its} iterations, seed {net.meta.get('seed', 0)}"


def describe_bound(fit: Fit) -> str:
    """The construction's error bound, with its formula, or why there is none."""
    from uat.metrics import bound_formula
    from uat.plot import format_number

    net, t = fit.net, fit.target
    formula = bound_formula(net.activation, net.output_activation)
    if fit.bound is None:
        if t.lipschitz() is None:
            return "none: the target jumps, so the sup error cannot vanish"
        return f"none: {formula} needs a smoother target"
    text = f"{formula} = {format_number(fit.bound)}"
    if formula == "L·Δ/2":
        lip = t.lipschitz()
        text += f"  with L = {lip:.4g}" + ("" if t.lipschitz_is_exact else " (estimated)")
    copies = net.meta.get("copies", 1)
    return text + (f", per copy of {copies}" if copies > 1 else "")


def summary_table(fit: Fit, extra: dict[str, str]) -> Any:
    """The rich table `uat fit` prints."""
    from rich.table import Table

    from uat.plot import format_number

    t = fit.target
    a, b = t.domain
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("target", f"{t.name}  ({t.formula})" if t.formula != t.name else t.name)
    table.add_row("domain", f"[{a:.6g}, {b:.6g}]")
    table.add_row("method", describe_method(fit))
    table.add_row("neurons", f"{fit.net.n_neurons}  ({fit.net.n_parameters} parameters)")
    e = fit.errors
    table.add_row("sup error", f"{format_number(e.sup)}  at x = {e.at:.4g}")
    table.add_row("RMSE", format_number(e.rmse))
    table.add_row("grid", f"{e.grid:,} uniform points")
    if fit.method == "construct":
        table.add_row("bound", describe_bound(fit))
    table.add_row("time", f"{fit.seconds:.3f} s to build")
    for k, v in extra.items():
        table.add_row(k, v)
    return table


@contextlib.contextmanager
def progress_bar(total: int | None, what: str, quiet: bool) -> Iterator[Callable[..., None]]:
    """A rich progress bar on stderr (only on a terminal).

    Yields `update(done, total=None, what=None)`; a None leaves that part as it was.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda done, total=None, what=None: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[bold]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done, total=None, what=None: bar.update(
            task, completed=done, total=total, description=what
        )


@contextlib.contextmanager
def staged_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar for work in named stages ("compute", then "render")."""
    names = {"compute": "computing networks", "render": "rendering frames"}
    with progress_bar(None, "computing", quiet) as update:
        yield lambda stage, done, total: update(done, total, names.get(stage, stage))


def parse_size(text: str) -> tuple[int, int]:
    """'800x500' as (800, 500)."""
    w, sep, h = text.lower().partition("x")
    try:
        if not sep:
            raise ValueError
        return int(w), int(h)
    except ValueError:
        raise UatError(f"--size {text!r} must be WIDTHxHEIGHT in pixels, such as 800x500") from None


def parse_widths(text: str) -> list[int]:
    """'2,4,8' as a sorted list of distinct positive widths."""
    try:
        widths = sorted({int(w) for w in text.split(",") if w.strip()})
    except ValueError:
        raise UatError(f"--widths {text!r} must be whole numbers such as 2,4,8,16") from None
    if not widths:
        raise UatError("--widths is empty")
    return widths


# -- commands ----------------------------------------------------------------------------


@app.command("fit")
def fit_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    method: MethodOpt = Method.construct,
    neurons: NeuronsOpt = 50,
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    shifts: ShiftsOpt = 1,
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    max_iter: MaxIterOpt = None,
    tol: TolOpt = 1e-12,
    learning_rate: LearningRateOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Figure path; .png, .svg or .pdf [default: TARGET-METHOD-N.png]."
        ),
    ] = None,
    save_net: Annotated[
        Path | None, typer.Option(help="Also write the network as JSON to this path.")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Approximate TARGET with N neurons, plot it, and report the errors."""
    from uat.plot import FORMATS

    settings = settings_from(
        method, heights, steepness, activation, optimizer, seed, max_iter, tol, learning_rate,
        output_activation, shifts,
    )  # fmt: skip
    from uat.sweep import check_width

    check_width(neurons, settings)
    t = resolve_target(target, domain)
    path = output_path(out, f"{slug(t.name)}-{variant(settings)}-{neurons}.png", FORMATS)
    if save_net is not None:
        output_path(save_net, "", (".json",))

    from uat.plot import fit_figure, save_figure, style
    from uat.sweep import fit

    t0 = time.perf_counter()
    result = fit(t, neurons, settings)
    with style():
        save_figure(fit_figure(result), path)
    if save_net is not None:
        result.net.save(save_net)
    total = time.perf_counter() - t0

    if json_:
        record = result.record() | {"output": str(path), "total_seconds": total}
        if save_net is not None:
            record["network"] = str(save_net)
        typer.echo(json.dumps(record))
    elif not quiet:
        extra = {"total": f"{total:.2f} s with the figure", "figure": str(path)}
        if save_net is not None:
            extra["network"] = str(save_net)
        _console().print(summary_table(result, extra))


class Sweep(StrEnum):
    width = "width"
    training = "training"
    compare = "compare"
    steepness = "steepness"


class Writer(StrEnum):
    auto = "auto"
    ffmpeg = "ffmpeg"
    pillow = "pillow"


FramesOpt = Annotated[int | None, typer.Option(help="Most frames [default: per sweep].")]
FpsOpt = Annotated[float, typer.Option(help="Frames per second; a GIF takes 10, 20, 25 or 50.")]
SizeOpt = Annotated[str, typer.Option(help="Pixel size WIDTHxHEIGHT (even for MP4).")]
DpiOpt = Annotated[float, typer.Option(help="Dots per inch: scales fonts and lines.")]
HoldOpt = Annotated[float, typer.Option(help="Seconds to pause on the last frame.")]
WriterOpt = Annotated[Writer, typer.Option(help="GIF encoder; auto uses ffmpeg if present.")]
AnimOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help=".gif, .mp4, or .png for a contact sheet [default: derived .gif]."
    ),
]


def run_animation(
    t: Target,
    neurons: int,
    settings: Settings,
    sweep: str,
    path: Path,
    frames: int | None,
    fps: float,
    size: str,
    dpi: float,
    hold: float,
    writer: Writer,
    quiet: bool,
) -> Any:
    """Compute and render an animation with a progress bar; return the AnimationResult."""
    from uat.animate import animate

    with staged_bar(quiet) as update:
        return animate(
            t,
            neurons,
            settings,
            sweep=sweep,
            out=path,
            frames=frames,
            fps=fps,
            size=parse_size(size),
            dpi=dpi,
            hold=hold,
            writer=writer.value,
            progress=update,
        )


def report_animation(res: Any, json_: bool, quiet: bool, extra: dict[str, Any]) -> None:
    """Print what an animation wrote."""
    record = extra | {
        "output": str(res.path),
        "frames": res.frames,
        "fps": res.fps,
        "size": list(res.size),
        "bytes": res.bytes,
        "seconds": res.seconds,
        "last_frame": res.last,
    }
    if json_:
        typer.echo(json.dumps(record))
    elif not quiet:
        w, h = res.size
        _console().print(
            f"[bold]{res.path}[/bold]: {res.frames} frames at {res.fps:g} fps, {w}×{h}, "
            f"{res.bytes / 1e6:.2f} MB, {res.seconds:.1f} s"
        )


@app.command("animate")
def animate_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    method: Annotated[
        Method | None,
        typer.Option(help="construct (default) or train; a training sweep always trains."),
    ] = None,
    neurons: NeuronsOpt = 50,
    sweep: Annotated[
        Sweep,
        typer.Option(
            help="width: one frame per width; training: one run's iterations; "
            "compare: hand-built and trained side by side; steepness: soft to steep steps."
        ),
    ] = Sweep.width,
    compare: Annotated[bool, typer.Option("--compare", help="Same as --sweep compare.")] = False,
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    shifts: ShiftsOpt = 1,
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    max_iter: MaxIterOpt = None,
    tol: TolOpt = 1e-12,
    learning_rate: LearningRateOpt = None,
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    size: SizeOpt = "800x500",
    dpi: DpiOpt = 100,
    hold: HoldOpt = 1.0,
    writer: WriterOpt = Writer.auto,
    out: AnimOutOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Animate the approximation converging: over widths, or over one training run."""
    from uat.animate import FORMATS as ANIM_FORMATS
    from uat.sweep import check_width

    kind = "compare" if compare else sweep.value
    if method is not None and kind in ("training", "compare", "steepness"):
        what = {"training": "trains", "compare": "shows both methods", "steepness": "is hand-built"}
        raise UatError(f"--sweep {kind} {what[kind]}; drop --method {method.value}")
    settings = settings_from(
        method or Method.construct, heights, steepness, activation, optimizer, seed, max_iter,
        tol, learning_rate, output_activation, shifts,
    )  # fmt: skip
    if kind == "training":
        settings = settings.but(method="train")
    check_width(neurons, settings.but(method="construct") if kind == "compare" else settings)
    parse_size(size)
    t = resolve_target(target, domain)
    label = {"width": variant(settings), "training": f"training-{optimizer.value}"}.get(kind, kind)
    if kind == "steepness":
        settings = settings.but(method="construct")
    path = output_path(out, f"{slug(t.name)}-{label}-{neurons}.gif", ANIM_FORMATS)
    res = run_animation(
        t, neurons, settings, kind, path, frames, fps, size, dpi, hold, writer, quiet or json_
    )
    report_animation(res, json_, quiet, {"target": t.name, "sweep": kind, "neurons": neurons})


FigureOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Figure path; .png, .svg or .pdf [default: derived]."),
]


@app.command("compare")
def compare_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    shifts: ShiftsOpt = 1,
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    max_iter: MaxIterOpt = None,
    tol: TolOpt = 1e-12,
    learning_rate: LearningRateOpt = None,
    out: FigureOpt = None,
    animate: Annotated[
        bool,
        typer.Option(
            "--animate", help="Write the width sweep of both, side by side, as GIF/MP4 instead."
        ),
    ] = False,
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    size: SizeOpt = "1000x500",
    hold: HoldOpt = 1.0,
    activations: Annotated[
        str | None,
        typer.Option(help="Compare several activations, e.g. sigmoid,tanh,relu (both methods)."),
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Hand-built against trained at the same width: one figure, one table."""
    from uat.plot import FORMATS
    from uat.sweep import check_width

    base = settings_from(
        Method.construct, heights, steepness, activation, optimizer, seed, max_iter, tol,
        learning_rate, output_activation, shifts,
    )  # fmt: skip
    acts = [base.activation]
    if activations is not None:
        acts = [a.strip() for a in activations.split(",") if a.strip()]
        known = [a.value for a in Activation]
        for a in acts:
            if a not in known:
                raise UatError(f"unknown activation {a!r} in --activations; use {', '.join(known)}")
        if not acts:
            raise UatError("--activations is empty")
        if animate and len(acts) > 1:
            raise UatError("--animate compares one activation; drop --activations or give one")
    by_method = [[base.but(method=m, activation=a) for a in acts] for m in ("construct", "train")]
    runs = [
        s for row in by_method for s in row if not (s.method == "train" and s.activation == "step")
    ]
    if len(runs) < 2:
        raise UatError("a hard step cannot be trained; add another activation to --activations")
    for s in runs:
        check_width(neurons * (s.shifts if s.method == "train" else 1), s)
    t = resolve_target(target, domain)
    if animate:
        from uat.animate import FORMATS as ANIM_FORMATS

        parse_size(size)
        path = output_path(out, f"{slug(t.name)}-compare-{neurons}.gif", ANIM_FORMATS)
        res = run_animation(
            t, neurons, base, "compare", path, frames, fps, size, 100, hold, Writer.auto,
            quiet or json_,
        )  # fmt: skip
    else:
        path = output_path(out, f"{slug(t.name)}-compare-{neurons}.png", FORMATS)

    from uat.plot import METHOD_NAMES, compare_figure, format_number, save_figure, style
    from uat.sweep import fit

    # with --shifts M the hand-built net has M·N neurons: train as many, so the widths match
    fits = [fit(t, neurons * (s.shifts if s.method == "train" else 1), s) for s in runs]
    if not animate:
        with style():
            save_figure(compare_figure(fits, columns=len(acts)), path)
    both = next(a for a in acts if a != "step")  # the first activation with both methods
    hand, trained = (next(f for f in fits if (f.method, f.net.activation) == (m, both))
                     for m in ("construct", "train"))  # fmt: skip
    ratio_sup = hand.errors.sup / trained.errors.sup if trained.errors.sup else None
    ratio_rmse = hand.errors.rmse / trained.errors.rmse if trained.errors.rmse else None
    if json_:
        typer.echo(
            json.dumps(
                {
                    "target": t.name,
                    "domain": list(t.domain),
                    "neurons": neurons,
                    "methods": [f.record() for f in fits],
                    "sup_error_ratio": ratio_sup,
                    "rmse_ratio": ratio_rmse,
                    "output": str(path),
                }
                | ({"frames": res.frames} if animate else {})
            )
        )
        return
    if quiet:
        return
    from rich.table import Table

    table = Table(title=f"{t.name} on [{t.domain[0]:.4g}, {t.domain[1]:.4g}], {neurons} neurons")
    cols = ["method", "activation"] if len(acts) > 1 else ["method"]
    for col in (*cols, "neurons", "parameters", "sup error", "RMSE", "time"):
        table.add_column(col, justify="left" if col in cols else "right")
    for f in fits:
        table.add_row(
            METHOD_NAMES[f.method],
            *([f.net.activation] if len(acts) > 1 else []),
            str(f.net.n_neurons),
            str(f.net.n_parameters),
            format_number(f.errors.sup),
            format_number(f.errors.rmse),
            f"{f.seconds:.3f} s",
        )
    con = _console()
    con.print(table)
    for f in fits:
        con.print(describe_method(f), soft_wrap=True)
    con.print(
        f"hand-built / trained: sup error ×{format_number(ratio_sup)}, "
        f"RMSE ×{format_number(ratio_rmse)}  (10,001-point grid)\n"
        + (f"animation: {path} ({res.frames} frames)" if animate else f"figure: {path}")
    )


@app.command("convergence")
def convergence_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    widths: Annotated[
        str | None, typer.Option(help="Widths to measure, e.g. 2,4,8,16,32 (even).")
    ] = None,
    max_neurons: Annotated[
        int, typer.Option(help="Without --widths: about 12 even widths from 2 to this.")
    ] = 200,
    methods: Annotated[
        str, typer.Option(help="Comma-separated methods to sweep.")
    ] = "construct,train",
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    shifts: ShiftsOpt = 1,
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    seeds: Annotated[
        int, typer.Option(help="Repeat trained runs over this many seeds; plot median and range.")
    ] = 1,
    max_iter: MaxIterOpt = None,
    tol: TolOpt = 1e-12,
    out: FigureOpt = None,
    csv: Annotated[
        Path | None, typer.Option(help="Also write every measured point as CSV.")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sup error and RMSE against width, log-log, with the construction's bound and slopes."""
    from uat.plot import FORMATS
    from uat.sweep import METHODS, geometric_widths

    chosen = [m.strip() for m in methods.split(",") if m.strip()]
    for m in chosen:
        if m not in METHODS:
            raise UatError(f"unknown method {m!r} in --methods; choose from {', '.join(METHODS)}")
    if not chosen:
        raise UatError("--methods is empty")
    settings = settings_from(
        Method.construct, heights, steepness, activation, optimizer, seed, max_iter, tol, None,
        output_activation, shifts,
    )  # fmt: skip
    ws = parse_widths(widths) if widths is not None else geometric_widths(max_neurons)
    if seeds < 1:
        raise UatError(f"--seeds must be at least 1, got {seeds}")
    from uat.sweep import check_width

    for m in chosen:
        for n in ws:
            check_width(n, settings.but(method=m))
    t = resolve_target(target, domain)
    path = output_path(out, f"{slug(t.name)}-convergence.png", FORMATS)
    if csv is not None:
        output_path(csv, "", (".csv",))

    from uat.plot import convergence_figure, save_figure, style
    from uat.sweep import convergence, summarise

    total = len(ws) * sum(seeds if m == "train" else 1 for m in chosen)
    with progress_bar(total, f"sweeping {len(ws)} widths", quiet or json_) as update:
        points = convergence(t, ws, chosen, settings, seeds=seeds, progress=update)
    with style():
        save_figure(convergence_figure(t, points, settings), path)
    if csv is not None:
        write_csv(csv, [p.as_dict() for p in points])
    slopes = {m: finite_or_none(summarise(points, m)["slope"]) for m in chosen}
    if json_:
        typer.echo(
            json.dumps(
                {
                    "target": t.name,
                    "domain": list(t.domain),
                    "points": [p.as_dict() for p in points],
                    "slopes": slopes,
                    "lipschitz": t.lipschitz(),
                    "output": str(path),
                }
            )
        )
        return
    if quiet:
        return
    from rich.table import Table

    from uat.plot import METHOD_NAMES, format_number

    table = Table(title=f"{t.name}: error against width (10,001-point grid)")
    table.add_column("N", justify="right")
    for m in chosen:
        table.add_column(f"{METHOD_NAMES[m]} sup", justify="right")
        table.add_column(f"{METHOD_NAMES[m]} RMSE", justify="right")
    med = {(m, k): summarise(points, m, k) for m in chosen for k in ("sup_error", "rmse")}
    for i, n in enumerate(ws):
        row = [str(n)]
        for m in chosen:
            row += [format_number(med[m, k]["median"][i]) for k in ("sup_error", "rmse")]
        table.add_row(*row)
    con = _console()
    con.print(table)
    con.print(
        "fitted slope of the sup error: "
        + ", ".join(f"{METHOD_NAMES[m]} {format_slope(slopes[m])}" for m in chosen)
        + f"\nfigure: {path}"
        + (f"\npoints: {csv}" if csv is not None else "")
    )


def finite_or_none(v: float) -> float | None:
    """JSON has no NaN: a number that is not finite becomes null."""
    import math

    return v if math.isfinite(v) else None


def format_slope(v: float | None) -> str:
    """A fitted slope for a table, or a dash where none could be fitted."""
    return "—" if v is None else f"{v:+.2f}"


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write dict rows as CSV, atomically."""
    import csv as csvlib

    from uat.io import atomic_write

    with atomic_write(path, "w") as fh:
        writer = csvlib.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@app.command("explain")
def explain_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    method: MethodOpt = Method.construct,
    neurons: Annotated[
        int, typer.Option("--neurons", "-n", help="Hidden neurons N (small reads best).")
    ] = 10,
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    out: FigureOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """The anatomy of a fit: the construction (or a trained net) panel by panel."""
    from uat.plot import FORMATS
    from uat.sweep import check_width

    settings = settings_from(
        method, heights, steepness, activation, optimizer, seed, output=output_activation
    )
    check_width(neurons, settings)
    t = resolve_target(target, domain)
    path = output_path(out, f"{slug(t.name)}-explain-{variant(settings)}-{neurons}.png", FORMATS)

    from uat.anatomy import anatomy_figure
    from uat.plot import save_figure, style
    from uat.sweep import fit

    result = fit(t, neurons, settings)
    with style():
        save_figure(anatomy_figure(result), path)
    if json_:
        typer.echo(json.dumps(result.record() | {"output": str(path)}))
    elif not quiet:
        con = _console()
        con.print(describe_method(result), soft_wrap=True)
        con.print(f"figure: {path}")


@app.command("gallery")
def gallery_cmd(
    spec: Annotated[
        Path | None,
        typer.Option(help="The gallery spec [default: gallery/gallery.toml, or ./gallery.toml]."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder [default: the spec's folder].")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Parallel processes [default: cores].")
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Build only this entry (repeatable).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Rebuild entries that are up to date.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the gallery: media, README.md and index.html, only what changed, in parallel."""
    from uat.gallery import build

    if spec is None:
        here = Path("gallery.toml")
        spec = here if here.is_file() and not Path("gallery").is_dir() else Path("gallery") / here
    if jobs is not None and jobs < 1:
        raise UatError(f"--jobs must be at least 1, got {jobs}")
    if out is not None and out.exists() and not out.is_dir():
        raise UatError(f"--out {out} is a file, not a folder")
    with progress_bar(1, "building gallery", quiet) as update:
        outcomes = build(spec, out, jobs=jobs, only=only or (), force=force, progress=update)
    failed = [o for o in outcomes if not o.ok]
    built = [o for o in outcomes if o.ok and not o.skipped]
    folder = out if out is not None else spec.parent
    if not quiet:
        con = _console()
        for o in outcomes:
            if not o.ok:
                con.print(f"[red]failed[/red]  {o.name}: {o.error}", soft_wrap=True)
            elif o.skipped:
                con.print(f"[dim]up to date[/dim]  {o.name}")
            else:
                con.print(f"[green]built[/green]  {o.name}  ({o.seconds:.1f} s)")
        if not built and not failed:
            con.print(f"nothing to render: all {len(outcomes)} entries are up to date")
        con.print(f"gallery: {folder / 'index.html'} and {folder / 'README.md'}")
    for o in failed:
        print(f"uat: error: gallery entry {o.name!r} failed: {o.error}", file=sys.stderr)
    if failed:
        raise typer.Exit(1)


@app.command("targets")
def targets_cmd(json_: JsonOpt = False) -> None:
    """List the named targets: formula, default domain, Lipschitz constant."""
    from rich.table import Table

    from uat.targets import TARGETS

    rows = []
    for t in TARGETS.values():
        lip = t.lipschitz()
        rows.append((t.name, t.formula, t.domain, lip))
    if json_:
        out = [{"name": n, "formula": f, "domain": list(d), "lipschitz": L} for n, f, d, L in rows]
        typer.echo(json.dumps(out))
        return
    table = Table(title="Named targets (or give an expression in x, or a CSV file)")
    for col in ("name", "formula", "default domain", "Lipschitz L"):
        table.add_column(col)
    for n, f, (a, b), lip in rows:
        table.add_row(n, f, f"[{a:.4g}, {b:.4g}]", "jumps" if lip is None else f"{lip:.4g}")
    _console().print(table)


# -- entry point -------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code; every user error is one line, code 2."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="uat", standalone_mode=False)
    except UatError as exc:
        return _fail(str(exc))
    except typer.Abort:
        print("uat: interrupted", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("uat: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        return _fail("out of memory: try fewer --neurons, a smaller --size or fewer --frames")
    except Exception as exc:  # click's usage errors, without importing click's private copy
        if type(exc).__name__ == "NoArgsIsHelpError":  # typer has printed the help already
            return 0
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            return _fail(exc.format_message(), exc.exit_code)
        raise
    return rv if isinstance(rv, int) else 0


def _fail(message: str, code: int = 2) -> int:
    message = " ".join(message.split())  # one line, always
    print(f"uat: error: {message}", file=sys.stderr)
    return code


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


# -- explore (kept at the end and self-contained: a thin adapter over uat.explore) ---------


@app.command("explore")
def explore_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    method: MethodOpt = Method.construct,
    neurons: Annotated[int, typer.Option("--neurons", "-n", help="Neurons N to open at.")] = 50,
    heights: HeightsOpt = Heights.minimax,
    steepness: SteepnessOpt = None,
    activation: ActivationOpt = Activation.sigmoid,
    output_activation: OutputOpt = Output.identity,
    shifts: ShiftsOpt = 1,
    eps: Annotated[
        float | None, typer.Option(help="ε of the band f ± ε [default: 5% of max|f|].")
    ] = None,
    challenge: Annotated[
        bool, typer.Option(help="Nielsen's challenge: 5 bumps, sigmoid output, deviation < 0.40.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The page [default: TARGET-explore.html].")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one self-contained HTML page to explore the construction live (no server)."""
    from uat.explore import ExploreSettings, explore

    settings = ExploreSettings(
        neurons=neurons, steepness=steepness, heights=heights.value, activation=activation.value,
        shifts=shifts, output_activation=output_activation.value, method=method.value, eps=eps,
        challenge=challenge,
    )  # fmt: skip
    page = explore(target, out or Path(f"{slug(target)}-explore.html"), settings, domain=domain)
    if json_:
        typer.echo(json.dumps({"output": str(page.path), "bytes": page.bytes}))
    elif not quiet:
        typer.echo(f"wrote {page.path} ({page.bytes / 1e3:.0f} kB): open it in any browser")
