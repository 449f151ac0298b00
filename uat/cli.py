"""The `uat` command line: options in, one `uat.jobs` call, printing out; nothing else.

Every rule (checks, which runs a command makes, default file names) lives in `uat.settings`
and `uat.jobs`; the text printed comes from `uat.report`. This is the one place that parses
arguments, prints and sets exit codes.
"""

from __future__ import annotations

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
from uat.io import output_path, write_csv
from uat.settings import FIELD_HELP, Method, Settings, check_number, check_width, parse_size


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
FpsOpt = Annotated[float, typer.Option(help="Frames per second; a GIF takes 10, 20, 25 or 50.")]
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
        neurons, result = smallest_width_or_fail(t, eps, settings)
    stem = jobs.output_name("fit", t, settings, neurons, ext="")
    name = stem + ("" if eps is None else f"-eps{eps:g}") + ".png"
    files = {"output": str(figure_path(out, name))}
    if save_net is not None:
        files["network"] = str(output_path(save_net, "", (".json",)))
    result = result or jobs.fit(t, neurons, settings)
    if eps is None:
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


def smallest_width_or_fail(t: Any, eps: float, settings: Settings) -> tuple[int, Any]:
    """`jobs.smallest_width`, or a clear error when no width up to the limit meets eps."""
    from uat import jobs
    from uat.settings import LIMITS, width_limit

    n, result = jobs.smallest_width(t, eps, settings)
    if n is None or result is None:
        high = int(LIMITS[width_limit(settings)].high)
        raise UatError(
            f"no width up to {high:,} neurons reaches sup error ≤ {eps:g} for {t.name} "
            f"with these settings; try a larger --eps"
            + ("" if t.lipschitz() is not None else " (the target jumps: its sup error stays)")
        )
    return n, result


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
    from uat import jobs
    from uat.plot import fit_figure

    files = {"output": str(figure_path(out, network.with_suffix(".png").name))}
    result = jobs.show(network, target, domain)
    save(lambda: fit_figure(result), files["output"])
    emit(result.to_dict() | files, json_, quiet, lambda: report.print_fit(result, files))


@app.command("animate")
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
    frames: FramesOpt = None,
    fps: FpsOpt = 20,
    size: SizeOpt = "800x500",
    dpi: Annotated[float, typer.Option(help="Dots per inch: scales fonts and lines.")] = 100,
    hold: HoldOpt = 1.0,
    writer: Annotated[Writer, typer.Option(help="GIF encoder; auto: ffmpeg if present.")] = "auto",
    out: AnimOutOpt = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Animate the approximation converging: over widths, or over one training run."""
    from uat import jobs

    kind = "compare" if compare else sweep
    given = replace(settings, method=method or "construct")
    s = jobs.animation_settings(kind, given, method_given=method is not None)
    jobs.check_animation_width(kind, neurons, s)
    pixels = parse_size(size)
    t = jobs.resolve_target(target, domain)
    name = jobs.output_name("animate", t, s, neurons, sweep=kind, ext=".gif")
    path = figure_path(out, name, animated=True)
    res = run_animation(
        t, neurons, s, quiet or json_, sweep=kind, out=path, frames=frames, fps=fps,
        size=pixels, dpi=dpi, hold=hold, writer=writer,
    )  # fmt: skip
    record = {"target": t.name, "sweep": kind, "neurons": neurons, "output": str(res.path)}
    record |= {"frames": res.frames, "fps": res.fps, "size": list(res.size), "bytes": res.bytes}
    record |= {"seconds": res.seconds, "last_frame": res.last}
    emit(record, json_, quiet, lambda: report.print_animation(res))


@app.command("compare")
@settings_options(without=("method",))
def compare_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    neurons: NeuronsOpt = 50,
    *,
    settings: Settings,
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
    jobs.compare_runs(settings, neurons, acts)  # every check before any work
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
    result = jobs.compare(t, neurons, settings, activations=acts)
    if not animate:
        from uat.plot import compare_figure

        save(lambda: compare_figure(result.fits, columns=len(result.activations)), path)
    where = f"animation: {path} ({res.frames} frames)" if animate else f"figure: {path}"
    emit(result.to_dict() | made, json_, quiet, lambda: report.print_comparison(result, where))


@app.command("convergence")
@settings_options(without=("method",))
def convergence_cmd(
    target: TargetArg,
    domain: DomainOpt = None,
    *,
    settings: Settings,
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
    plan = jobs.convergence_plan(settings, ws, chosen, max_neurons=max_neurons, seeds=seeds)
    t = jobs.resolve_target(target, domain)
    files = {"output": str(figure_path(out, jobs.output_name("convergence", t, settings)))}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    with report.progress_bar(plan[2], f"sweeping {len(plan[0])} widths", quiet or json_) as bar:
        result = jobs.convergence(
            t, ws, chosen, settings, max_neurons=max_neurons, seeds=seeds, progress=bar
        )
    from uat.plot import convergence_figure

    save(lambda: convergence_figure(t, result.points, settings), files["output"])
    if csv is not None:
        write_csv(csv, [p.as_dict() for p in result.points])
    record = result.to_dict() | {"output": files["output"]}
    emit(record, json_, quiet, lambda: report.print_convergence(result, files))


@app.command("explain")
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


# -- entry point -------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> int:
    """Run the CLI on argv and return the exit code; every user error is one line, code 2."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="uat", standalone_mode=False)
    except UatError as exc:
        return _fail(user_message(exc))
    except (typer.Abort, KeyboardInterrupt):
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
