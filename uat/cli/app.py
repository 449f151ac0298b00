"""The `uat` command line: options in, one `uat.jobs.commands` call, printing out; nothing else.

Every rule (checks, which runs a command makes, default file names) lives in `uat.settings`
and `uat.jobs`; the text printed comes from `uat.cli.report`. This is the one place that
parses arguments, prints and sets exit codes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import typer

from uat import __version__
from uat.cli import report
from uat.cli.options import (
    AnimEpsOpt,
    AnimOutOpt,
    DiagramOpt,
    DomainOpt,
    DwellOpt,
    EpsOpt,
    FigureOpt,
    FpsOpt,
    FramesOpt,
    GrowOpt,
    HoldOpt,
    InitOpt,
    JsonOpt,
    NeuronsOpt,
    QuietOpt,
    SaveNetOpt,
    SizeOpt,
    TargetArg,
    WidthsOpt,
    Writer,
    YDomainOpt,
    _Commands,
    emit,
    figure_path,
    parse_neurons,
    parse_widths,
    settings_options,
    split_list,
)
from uat.errors import UatError
from uat.io import output_path, transaction, write_csv
from uat.settings import (
    Method,
    Settings,
    check_number,
    parse_size,
)
from uat.text import printable

LossOpt = typer.Option(
    metavar="<mse|sup|mse,sup>",
    help="Trained: mse, sup (the theorem's worst case) or both: mse,sup.",
)

app = typer.Typer(
    cls=_Commands,
    help="Make the universal approximation theorem visible: hand-built and trained "
    "one-hidden-layer networks, their errors, figures and animations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# -- options -----------------------------------------------------------------------------


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


CurveMethodOpt = Annotated[
    Literal["construct", "train"] | None, typer.Option(help="construct (default) or train.")
]


# -- helpers -----------------------------------------------------------------------------


def deliver(
    command: str,
    result: Any,
    files: dict[str, str | None],
    answer: tuple[bool, bool, Callable[[dict[str, Any]], None]],
    *,
    eps: float | None = None,
    also: Callable[[], object] | None = None,
    extra: dict[str, Any] | None = None,
    t0: float | None = None,
) -> None:
    """job → figure → file → record → print, for every command and dimension.

    The figure (and what `also` writes) appear together or not at all; then the record (the
    result's `to_dict()`, the files, `extra`, and the seconds since `t0` as total_seconds)
    as JSON, or the report (`answer`: json_, quiet, and `show`, given the record).
    """
    from uat.plot.draw import draw

    with transaction():
        draw(command, result, cast(str, files["output"]), eps=eps)
        if also is not None:
            also()
    record = result.to_dict() | files | (extra or {})
    if t0 is not None:
        record["total_seconds"] = time.perf_counter() - t0
    json_, quiet, show = answer
    emit(record, json_, quiet, lambda: show(record))


def run_animation(t: Any, neurons: int | None, s: Settings, quiet: bool, **render: Any) -> Any:
    """Compute and render an animation with a progress bar; return the AnimationResult."""
    from uat.plot.animate import animate

    with report.staged_bar(quiet) as update:
        return animate(t, neurons, s, progress=update, **render)


# -- commands ----------------------------------------------------------------------------


@app.command("fit")
@settings_options()
def fit_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: WidthsOpt = None,
    ydomain: YDomainOpt = None,
    *,
    settings: Settings,
    eps: EpsOpt = None,
    out: FigureOpt = None,
    save_net: SaveNetOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Approximate TARGET with N neurons, plot it, and report the errors."""
    from uat.jobs import commands as jobs
    from uat.jobs import fitting, naming, request

    t = request.as_target(target, domain, ydomain)
    from uat.jobs.deepfit import is_deep

    widths = parse_neurons(neurons)  # N, or N,N,… the width of each hidden layer
    if isinstance(widths, list) or is_deep(t, settings, widths):  # a list: `fit` checks it
        n: int | list[int] | None = widths
    else:
        n = request.default_width("fit", t, widths)
    t0, result = time.perf_counter(), None
    if eps is not None:
        n, result = fitting.smallest_width(t, eps, settings)
    listed, width = (["x".join(map(str, n))], None) if isinstance(n, list) else ([], n)
    stem = naming.output_name("fit", t, settings, width, ext="", extra=listed)
    name = stem + ("" if eps is None else f"-eps{eps:g}") + ".png"
    files: dict[str, str | None] = {"output": str(figure_path(out, name)), "network": None}
    if save_net is not None:
        files["network"] = str(output_path(save_net, "", (".json",)))
    with report.training_bar(
        quiet or json_ or result is not None or settings.method != "train"
    ) as cb:
        made = result or jobs.fit(t, n, settings, callback=cb)
    extra = {"eps": eps, "smallest_width": None if eps is None else n}

    def show(record: dict[str, Any]) -> None:
        report.print_fit(made, files, record["total_seconds"], eps=eps)

    also = None if save_net is None else lambda: made.net.save(save_net)
    deliver("fit", made, files, (json_, quiet, show), eps=eps, also=also, extra=extra, t0=t0)


@app.command("show")
def show_cmd(
    network: Annotated[Path, typer.Argument(help="A network saved by `uat fit --save-net`.")],
    target: Annotated[str | None, typer.Option(help="Measure against this target instead.")] = None,
    domain: DomainOpt = None,
    out: FigureOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Read a saved network, re-measure it against its target, and draw the `uat fit` figure."""
    from uat.jobs import commands as jobs
    from uat.jobs import naming

    result = jobs.show(network, target, domain)
    name = naming.output_name("show", result.target, Settings(), network=(network, result.net))
    path = figure_path(out, name)
    files: dict[str, str | None] = {"output": str(path)}
    deliver("show", result, files, (json_, quiet, lambda _: report.print_fit(result, files)))


SweepOpt = Annotated[
    str,
    typer.Option(
        metavar="SWEEP",
        help="width, training, compare, steepness or depth; a surface: refine (= width), "
        "grow, training or turn.",
    ),
]
AnimMethodOpt = Annotated[
    str | None,
    typer.Option(
        metavar="METHOD",
        help="construct (default) or train; a surface also nielsen or ridges.",
    ),
]


@app.command("animate")
@settings_options(without=("method",))
def animate_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = None,
    ydomain: YDomainOpt = None,
    *,
    settings: Settings,
    method: AnimMethodOpt = None,
    sweep: SweepOpt = "width",
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
    hold: Annotated[
        float | None,
        typer.Option(
            help="Seconds to pause on the last frame (1; a surface's turn 0).", show_default=False
        ),
    ] = None,
    writer: Annotated[Writer, typer.Option(help="GIF encoder; auto: ffmpeg if present.")] = "auto",
    out: AnimOutOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Animate the approximation converging: over widths, one bump at a time, or training."""
    from uat.jobs import fitting, naming, request, scenes

    t = request.as_target(target, domain, ydomain)
    kind = "compare" if compare else sweep
    s = replace(settings, method=cast(Method, method or "construct"))
    if t.dim == 1:
        s = scenes.animation_settings(kind, request.curve_settings(s), method_given=bool(method))
        neurons = 50 if neurons is None else neurons
        if eps is not None:  # the final width is the smallest that reaches eps
            neurons, _ = fitting.smallest_width(t, eps, s, animated=True)
        scenes.check_animation_width(kind, neurons, s)
    pixels = parse_size(size)
    words = naming.animation_words(
        kind, grow=grow, diagram=diagram, init=init, frames=frames, eps=eps, fps=fps,
        dwell=dwell, hold=1.0 if hold is None else hold, size=pixels, dpi=dpi, writer=writer,
    )  # fmt: skip
    name = naming.output_name("animate", t, s, neurons, sweep=kind, ext=".gif", extra=words)
    res = run_animation(
        t, neurons, s, quiet or json_, sweep=kind, out=figure_path(out, name, animated=True),
        frames=frames, fps=fps, size=pixels, dpi=dpi, hold=hold, writer=writer, dwell=dwell,
        grow=grow, diagram=diagram, init=init, eps=eps,
    )  # fmt: skip

    def show() -> None:
        if eps is not None:
            report.console().print(f"N = {neurons}: the smallest width with sup error ≤ {eps:g}")
        report.print_animation(res)

    emit(res.to_dict(), json_, quiet, show)


@app.command("compare")
@settings_options(without=("method", "loss", "towers", "layers"))
def compare_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = None,
    ydomain: YDomainOpt = None,
    *,
    settings: Settings,
    loss: Annotated[str, LossOpt] = "mse",
    activations: Annotated[
        str | None, typer.Option(help="Several activations, e.g. sigmoid,tanh,relu.")
    ] = None,
    out: FigureOpt = None,
    animate: Annotated[
        bool, typer.Option("--animate", help="Write the width sweeps side by side instead.")
    ] = False,
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    size: SizeOpt = "1000x500",
    hold: HoldOpt = 1.0,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Hand-built against trained at the same width (a surface: towers, ridges and trained
    nets at about N neurons): one figure, one table."""
    from uat.jobs import commands as jobs
    from uat.jobs import comparison, naming, request

    acts = split_list(activations, "activations")
    if animate and acts is not None and len(acts) > 1:
        raise UatError("--animate compares one activation; drop --activations or give one")
    losses = None if loss == "mse" else request.check_losses(split_list(loss, "loss") or [])
    if animate and losses is not None and len(losses) > 1:
        raise UatError("--animate compares one loss; give --loss mse or --loss sup")
    settings = settings if losses is None else replace(settings, loss=losses[0])
    t = request.as_target(target, domain, ydomain)
    n = cast(int, request.default_width("compare", t, neurons))
    comparison.compare_plan(t, n, settings, acts, losses, animate=animate)  # every check, no work
    extra = ["-".join(losses) + "-loss"] if losses is not None and len(losses) > 1 else []
    if animate:
        extra += naming.animation_words(
            "compare", frames=frames, fps=fps, hold=hold, size=parse_size(size), dpi=100.0
        )
        extra = [w for w in extra if w != "1000x500"]  # compare's own default size
    ext = ".gif" if animate else ".png"
    name = naming.output_name("compare", t, settings, n, ext=ext, activations=acts, extra=extra)
    path = figure_path(out, name, animated=animate)
    if animate:
        _compare_animation(t, n, settings, acts, path, (frames, fps, size, hold), (json_, quiet))
        return
    total = len(comparison.compare_plan(t, n, settings, acts, losses))
    with report.progress_bar(total, f"fitting {total} networks", quiet or json_) as bar:
        result = jobs.compare(t, n, settings, activations=acts, losses=losses, progress=bar)
    files: dict[str, str | None] = {"output": str(path)}
    show = lambda _: report.print_comparison(result, f"figure: {path}")  # noqa: E731
    deliver("compare", result, files, (json_, quiet, show), extra={"frames": None})


def _compare_animation(
    t: Any,
    n: int,
    settings: Settings,
    acts: list[str] | None,
    path: Path,
    look: tuple[int | None, float, str, float],
    answer: tuple[bool, bool],
) -> None:
    """`uat compare --animate`: the width sweeps of both methods side by side."""
    from uat.jobs import commands as jobs
    from uat.jobs import comparison

    frames, fps, size, hold = look
    json_, quiet = answer
    res = run_animation(
        t, n, settings, quiet or json_, sweep="compare", out=path, frames=frames,
        fps=fps, size=parse_size(size), dpi=100, hold=hold, writer="auto",
        runs=comparison.compare_runs(settings, n, acts),
    )  # fmt: skip
    result = jobs.compare(t, n, settings, activations=acts)
    where = f"animation: {path} ({res.frames} frames)"
    record = result.to_dict() | {"output": str(path), "frames": res.frames}
    emit(record, json_, quiet, lambda: report.print_comparison(result, where))


@app.command("convergence")
@settings_options(without=("method", "loss", "towers", "layers"))
def convergence_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    ydomain: YDomainOpt = None,
    *,
    settings: Settings,
    loss: Annotated[str, LossOpt] = "mse",
    widths: Annotated[str | None, typer.Option(help="Widths, e.g. 2,4,8,16,32 (even).")] = None,
    max_neurons: Annotated[
        int | None,
        typer.Option(
            help="Else ~12 even widths up to this (200; a surface: each method's sizes up to it)."
        ),  # fmt: skip
    ] = None,
    methods: Annotated[
        str | None,
        typer.Option(
            help="Methods to sweep (construct,train; a surface: construct, nielsen, "
            "ridges, train, train2)."
        ),  # fmt: skip
    ] = None,
    seeds: Annotated[int, typer.Option(help="Seeds per trained width (median and range).")] = 1,
    out: FigureOpt = None,
    csv: Annotated[Path | None, typer.Option(help="Also write every point as CSV.")] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Sup error and RMSE against width, log-log, with the construction's bound and slopes."""
    from uat.jobs import commands as jobs
    from uat.jobs import naming, rates, request

    ws, chosen = parse_widths(widths), split_list(methods, "methods")
    losses = None if loss == "mse" else request.check_losses(split_list(loss, "loss") or [])
    settings = settings if losses is None else replace(settings, loss=losses[0])
    t = request.as_target(target, domain, ydomain)
    plan = (ws, chosen, settings)
    count = rates.convergence_count(t, *plan, max_neurons=max_neurons, seeds=seeds, losses=losses)
    words = rates.convergence_words(t, ws, max_neurons, chosen, seeds, losses)
    name = naming.output_name("convergence", t, settings, extra=words)
    files: dict[str, str | None] = {"output": str(figure_path(out, name)), "csv": None}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    with report.progress_bar(count, f"fitting {count} networks", quiet or json_) as bar:
        result = jobs.convergence(
            t, *plan, max_neurons=max_neurons, seeds=seeds, progress=bar, losses=losses
        )
    also = None if csv is None else lambda: write_csv(csv, [p.as_dict() for p in result.points])
    show = lambda _: report.print_convergence(result, files)  # noqa: E731
    deliver("convergence", result, files, (json_, quiet, show), also=also)


@app.command("explain")
@settings_options()
def explain_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: Annotated[
        int | None,
        typer.Option("--neurons", "-n", help="Hidden neurons N, few (10; a surface: 3×3 towers)."),
    ] = None,
    ydomain: YDomainOpt = None,
    *,
    settings: Settings,
    out: FigureOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """The anatomy of a fit: the construction (or a trained net) panel by panel; a surface's
    neurons as surfaces, layer by layer."""
    from uat.jobs import commands as jobs
    from uat.jobs import naming, request
    from uat.jobs.deepfit import is_deep, is_deep_file

    if is_deep_file(target):  # a saved deep net of one input, drawn layer by layer
        result = jobs.show(target, None, domain)
        path = str(figure_path(out, Path(target).stem + "-explain.png"))
    else:
        t = request.as_target(target, domain, ydomain)
        deep = is_deep(t, settings, neurons)
        n = neurons if deep else request.default_width("explain", t, neurons)
        jobs.explain_plan(t, n, settings)  # every check before any work
        path = str(figure_path(out, naming.output_name("explain", t, settings, n)))
        with report.progress_bar(None, "training", quiet or json_ or settings.method != "train"):
            result = jobs.explain(t, n, settings)
    text = f"{report.describe_method(result)}\nfigure: {path}"
    deliver("explain", result, {"output": path}, (json_, quiet, lambda _: report.say(text)))


@app.command("gallery")
def gallery_cmd(
    spec: Annotated[
        Path | None,
        typer.Option(help="The spec (gallery/gallery.toml or ./gallery.toml by default)."),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (the spec's by default).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="Parallel processes.")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help="Build only this entry (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild entries that are up to date.")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the gallery: media, README.md and index.html, only what changed, in parallel."""
    from uat.web.gallery import build, default_spec

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
        print(f"uat: error: gallery entry {o.name!r} failed: {printable(o.error)}", file=sys.stderr)
    if failed:  # 2 when the spec or the machine is at fault, 1 for a fault inside uat
        raise typer.Exit(2 if all(o.user for o in failed) else 1)


TRAINING_FIELDS = ("optimizer", "loss", "seed", "max_iter", "tol", "learning_rate", "restarts")


@app.command("explore")
@settings_options(without=(*TRAINING_FIELDS, "towers", "layers"))
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
        bool,
        typer.Option(
            "--challenge", help="Nielsen's challenge: 5 bumps, sigmoid output, deviation < 0.40."
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The page (TARGET-explore.html by default).")
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one self-contained HTML page to explore the construction live (no server)."""
    from uat.jobs import naming, request
    from uat.web.explore import ExploreSettings, explore

    s = settings
    page_settings = ExploreSettings(
        neurons=neurons, steepness=s.steepness, heights=s.heights, activation=s.activation,
        shifts=s.shifts, output_activation=s.output_activation, method=s.method, eps=eps,
        challenge=challenge,
    )  # fmt: skip
    drawn = request.resolve_target(target, domain)
    default = naming.output_name("explore", drawn, s, ext=".html")
    path = output_path(out, default, (".html",))
    what = "training the LM reference nets"
    with report.progress_bar(None, what, quiet or json_) as bar:
        page = explore(target, path, page_settings, domain=domain, progress=bar)
    record = {"output": str(page.path), "bytes": page.bytes}
    emit(record, json_, quiet, lambda: report.say(f"wrote {page.path} "
         f"({page.bytes / 1e3:.0f} kB): open it in any browser"))  # fmt: skip


@app.command("targets")
def targets_cmd(json_: JsonOpt = False) -> None:
    """List the named targets: formula, default domain, Lipschitz constant."""
    from uat.jobs import request

    rows = request.targets()
    emit(rows, json_, False, lambda: report.print_targets(rows))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code: every failure is one line on stderr."""
    from uat.cli.exits import run_app

    return run_app(app, argv)


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
