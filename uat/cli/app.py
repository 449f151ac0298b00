"""The `uat` command line: options in, one `uat.jobs.commands` call, printing out; nothing else.

Every rule (checks, which runs a command makes, default file names) lives in `uat.settings`
and `uat.jobs`; the text printed comes from `uat.cli.report`. This is the one place that
parses arguments, prints and sets exit codes.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from uat import __version__
from uat.cli import app2d as cli2d
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
    Sweep,
    TargetArg,
    Writer,
    _Commands,
    emit,
    figure_path,
    parse_widths,
    run_app,
    save,
    settings_options,
    split_list,
    two_inputs,
)
from uat.errors import UatError
from uat.io import output_path, transaction, write_csv
from uat.settings import (
    Method,
    Settings,
    check_grid,
    check_number,
    check_width,
    parse_size,
)

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


# -- helpers -----------------------------------------------------------------------------


def run_animation(t: Any, neurons: int, s: Settings, quiet: bool, **render: Any) -> Any:
    """Compute and render an animation with a progress bar; return the AnimationResult."""
    from uat.plot.animate import animate

    with report.staged_bar(quiet) as update:
        return animate(t, neurons, s, progress=update, **render)


# -- commands ----------------------------------------------------------------------------


@app.command("fit")
@two_inputs(cli2d.fit2d_cmd)
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
    from uat.jobs import commands as jobs
    from uat.plot.figures import fit_figure

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
@two_inputs(cli2d.show2d_cmd, unset=(), is2d="network")
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
    from uat.plot.figures import fit_figure

    files = {"output": str(figure_path(out, network.with_suffix(".png").name))}
    result = jobs.show(network, target, domain)
    save(lambda: fit_figure(result), files["output"])
    emit(result.to_dict() | files, json_, quiet, lambda: report.print_fit(result, files))


@app.command("animate")
@two_inputs(cli2d.animate2d_cmd, unset=("neurons", "hold"))
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
    from uat.jobs import commands as jobs

    kind = "compare" if compare else sweep
    given = replace(settings, method=method or "construct")
    s = jobs.animation_settings(kind, given, method_given=method is not None)
    pixels = parse_size(size)
    t = jobs.resolve_target(target, domain)
    if eps is not None:  # the final width is the smallest that reaches eps
        neurons, _ = jobs.smallest_width(t, eps, s, animated=True)
    jobs.check_animation_width(kind, neurons, s)
    words = jobs.animation_words(
        kind, grow=grow, diagram=diagram, init=init, frames=frames, eps=eps, fps=fps,
        dwell=dwell, hold=hold, size=pixels, dpi=dpi, writer=writer,
    )  # fmt: skip
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
    record |= {"hold": res.hold, "file_frames": res.file_frames}
    record |= {"grow": grow, "eps": eps, "steps": res.steps}

    def show() -> None:
        if eps is not None:
            report.console().print(f"N = {neurons}: the smallest width with sup error ≤ {eps:g}")
        report.print_animation(res)

    emit(record, json_, quiet, show)


@app.command("compare")
@two_inputs(cli2d.compare2d_cmd)
@settings_options(without=("method", "loss"))
def compare_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
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
    """Hand-built against trained at the same width: one figure, one table."""
    from uat.jobs import commands as jobs

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
    extra = ["-".join(losses) + "-loss"] if len(losses) > 1 else []
    if animate:
        extra += jobs.animation_words(
            "compare", frames=frames, fps=fps, hold=hold, size=parse_size(size), dpi=100.0
        )
        extra = [w for w in extra if w != "1000x500"]  # compare's own default size
    name = jobs.output_name("compare", t, settings, neurons, ext=ext, activations=acts, extra=extra)
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
        from uat.plot.figures import compare_figure

        save(lambda: compare_figure(result.fits, columns=len(result.activations)), path)
    where = f"animation: {path} ({res.frames} frames)" if animate else f"figure: {path}"
    emit(result.to_dict() | made, json_, quiet, lambda: report.print_comparison(result, where))


@app.command("convergence")
@two_inputs(cli2d.convergence2d_cmd, unset=("methods", "max_neurons"))
@settings_options(without=("method", "loss"))
def convergence_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    *,
    settings: Settings,
    loss: Annotated[str, LossOpt] = "mse",
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
    from uat.jobs import commands as jobs

    ws, chosen = parse_widths(widths), split_list(methods, "methods") or []
    losses = jobs.check_losses(split_list(loss, "loss") or [])
    settings = replace(settings, loss=losses[0])
    plan = jobs.convergence_plan(
        settings, ws, chosen, max_neurons=max_neurons, seeds=seeds, losses=losses
    )
    t = jobs.resolve_target(target, domain)
    words = jobs.sweep_words(ws, max_neurons, chosen, seeds, losses)
    name = jobs.output_name("convergence", t, settings, extra=words)
    files = {"output": str(figure_path(out, name))}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    with report.progress_bar(plan[2], f"sweeping {len(plan[0])} widths", quiet or json_) as bar:
        result = jobs.convergence(
            t, ws, chosen, settings, max_neurons=max_neurons, seeds=seeds, progress=bar,
            losses=losses,
        )  # fmt: skip
    from uat.plot.figures import convergence_figure

    with transaction():  # the figure and the CSV appear together, or neither does
        save(lambda: convergence_figure(t, result.points, settings), files["output"])
        if csv is not None:
            write_csv(csv, [p.as_dict() for p in result.points])
    record = result.to_dict() | {"output": files["output"]}
    emit(record, json_, quiet, lambda: report.print_convergence(result, files))


@app.command("explain")
@two_inputs(cli2d.explain2d_cmd, unset=("neurons", "method"))
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
    if settings.method == "train":  # its neurons' curves are dense; pairs are drawn locally
        check_grid(neurons)
    from uat.jobs import commands as jobs
    from uat.plot.anatomy import anatomy_figure

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
        print(f"uat: error: gallery entry {o.name!r} failed: {o.error}", file=sys.stderr)
    if failed:  # 2 when the spec or the machine is at fault, 1 for a fault inside uat
        raise typer.Exit(2 if all(o.user for o in failed) else 1)


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
    from uat.jobs import commands as jobs
    from uat.web.explore import ExploreSettings, explore

    s = settings
    page_settings = ExploreSettings(
        neurons=neurons, steepness=s.steepness, heights=s.heights, activation=s.activation,
        shifts=s.shifts, output_activation=s.output_activation, method=s.method, eps=eps,
        challenge=challenge,
    )  # fmt: skip
    default = jobs.output_name("explore", jobs.resolve_target(target, domain), s, ext=".html")
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
    from uat.jobs import commands as jobs

    rows = jobs.targets()
    emit(rows, json_, False, lambda: report.print_targets(rows))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code: every failure is one line on stderr."""
    return run_app(app, argv)


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
