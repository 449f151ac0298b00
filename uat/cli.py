"""The `uat` command line: the one place that parses arguments, prints and sets exit codes."""

from __future__ import annotations

import json
import re
import sys
import time
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
ActivationOpt = Annotated[Activation, typer.Option(help="Hidden activation.")]
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
) -> Settings:
    """The library's Settings from CLI options, validating the numbers."""
    from uat.sweep import Settings

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
    )


def describe_method(fit: Fit) -> str:
    """One line on how the network was built."""
    net = fit.net
    if fit.method == "construct":
        m = net.meta
        return (
            f"hand-built: {net.n_neurons // 2} bumps, Δ = {m['bump_width']:.4g}, "
            f"{m['heights']} heights, w = {m['steepness']:.4g}"
        )
    opt = net.meta.get("optimizer", "")
    its = net.meta.get("iterations", len(fit.history))
    return f"trained: {opt}, {its} iterations, seed {net.meta.get('seed', 0)}"


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
    lip = t.lipschitz()
    if fit.method == "construct":
        if fit.bound is not None and lip is not None:
            kind = "" if t.lipschitz_is_exact else " (L estimated)"
            table.add_row("bound", f"L·Δ/2 = {format_number(fit.bound)}  with L = {lip:.4g}{kind}")
        else:
            table.add_row("bound", "none: the target jumps, so the sup error cannot vanish")
    table.add_row("time", f"{fit.seconds:.3f} s to build")
    for k, v in extra.items():
        table.add_row(k, v)
    return table


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
    optimizer: OptimizerOpt = Optimizer.lm,
    seed: SeedOpt = 0,
    max_iter: MaxIterOpt = None,
    tol: TolOpt = 1e-12,
    learning_rate: LearningRateOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Figure path; .png, .svg or .pdf [default: TARGET-METHOD-N.png]."),
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
        method, heights, steepness, activation, optimizer, seed, max_iter, tol, learning_rate
    )
    from uat.sweep import check_width

    check_width(neurons, settings)
    t = resolve_target(target, domain)
    path = output_path(out, f"{slug(t.name)}-{method.value}-{neurons}.png", FORMATS)
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
