"""Text reports of job results: the tables, lines and progress bars the CLI prints.

Printing only: the numbers come from `uat.jobs.commands` results; rich loads on first use.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from uat.text import printable

if TYPE_CHECKING:
    from rich.console import Console

    from uat.core.targets import Target
    from uat.jobs.comparison import Comparison
    from uat.jobs.fitting import Fit
    from uat.jobs.rates import Convergence


def console(stderr: bool = False) -> Console:
    """A rich console without syntax highlighting or markup: user text prints literally.

    Every text it renders has its control characters shown as escapes (ESC as \\x1b), on a
    terminal or a pipe alike: a file name or a network's target holding ESC]0;…BEL or an
    OSC 52 clipboard write is printed, never obeyed. rich's own styles are not text: kept.
    """
    from rich.console import Console

    class _Escaping(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            return super().render_str(printable(text), **kwargs)

    return _Escaping(stderr=stderr, highlight=False, markup=False)


def print_table(con: Console, table: Any) -> None:
    """Print a rich table with no line ending in spaces (rich pads every cell and title)."""
    from rich.segment import Segment, Segments

    out: list[Segment] = []
    for line in con.render_lines(table, pad=False):
        while line and not line[-1].control and not line[-1].text.rstrip():
            line.pop()  # padding only
        if line and not line[-1].control:
            last = line.pop()
            line.append(Segment(last.text.rstrip(), last.style))
        out += [*line, Segment.line()]
    con.print(Segments(out), soft_wrap=True, end="")


def describe_method(fit: Fit) -> str:
    """One line on how the network was built."""
    if getattr(fit.target, "dim", 1) == 2:
        return describe_net2d(fit)
    if is_deep(fit):  # a net of one input and several hidden layers
        return describe_deep(fit)
    net = fit.net
    if fit.method == "construct":
        from uat.plot.figures import unit_count

        m = net.meta  # a network read from a file may lack any of these
        text = f"hand-built: {unit_count(net)}"
        if isinstance(m.get("bump_width"), (int, float)):
            text += f", Δ = {m['bump_width']:.4g}"
        if m.get("heights") == "interpolant":
            return text + ", piecewise-linear interpolant"
        text += f", {m['heights']} heights" if isinstance(m.get("heights"), str) else ""
        w = m.get("steepness")
        return text + (
            f", w = {w:.4g}" if isinstance(w, (int, float)) and net.activation != "step" else ""
        )
    opt = net.meta.get("optimizer", "")
    its = net.meta.get("iterations", len(fit.history))
    why = f" (stopped: {net.meta['stopped']})" if isinstance(net.meta.get("stopped"), str) else ""
    if its == 0 and why:  # a step net seeded at its jump: the start is already the best found
        why = why[:-1] + ": no step improved on the start and its linear solve for v, c)"
    loss = f", {net.meta['loss']} loss" if isinstance(net.meta.get("loss"), str) else ""
    return f"trained: {opt}{loss}, {its} iterations{why}, seed {net.meta.get('seed', 0)}"


def is_deep(fit: Fit) -> bool:
    """A net of one input built in layers (`uat fit --layers L`, a saved deep net)."""
    from uat.core.network import ShallowNet

    return fit.target.dim == 1 and not isinstance(fit.net, ShallowNet)


def describe_deep(fit: Fit) -> str:
    """One line on how a deep net of one input was built."""
    shape = f"{len(fit.net.widths)} hidden layers {fit.net.widths}"
    if fit.method == "construct":
        return f"hand-built: {fit.theorem or 'a deep construction'}; {shape}"
    m = fit.net.meta
    return (f"trained: lm, every weight, {m.get('iterations', '?')} iterations (stopped: "
            f"{m.get('stopped', '?')}), seed {m.get('seed', 0)}, best of "
            f"{m.get('runs', 1)} run(s); {shape}")  # fmt: skip


def deep_bound_text(fit: Fit) -> str:
    """A deep construction's bound (Yarotsky's), or why there is none."""
    if fit.bound is not None:
        return f"2^(−2m−2) = {fit.bound:.6g} (Yarotsky, m = {len(fit.net.widths)})"
    if fit.theorem is not None:
        return "none needed: the construction is exact (float rounding aside)"
    return "none: no theorem bounds this net"


def describe_training_checks(fit: Fit) -> dict[str, str]:
    """A trained net against the hand-built net of its width, and any damping of its output."""
    from uat.plot.figures import format_number

    m, rows = fit.net.meta, {}
    if fit.method == "train" and isinstance(m.get("hand_built_sup"), float):
        than = "below" if m.get("beats_hand_built") else "ABOVE"
        rows["hand-built"] = (
            f"sup error {format_number(m['hand_built_sup'])} at this width: this net's is {than} it"
            f" (kept: {m.get('start', '?')}, best of {m.get('runs', 1)} run(s))"
        )
    if fit.method == "train" and isinstance(m.get("output_ridge"), float):
        rows["output weights"] = (
            f"Tikhonov damping λ = {m['output_ridge']:g} against the noise, λ chosen on held-out "
            "samples (every fifth)"
        )
    return rows


def describe_net2d(fit: Fit) -> str:
    """One line on how a surface's network was built: towers, ridges, or training."""
    from uat.jobs.choice import net_label

    label = net_label(fit.method, fit.size, len(fit.net.widths))
    if fit.method != "train":
        return f"hand-built: {label}"
    seed = fit.net.meta.get("seed", 0)
    return f"trained: lm, {len(fit.history)} iterations, seed {seed} ({label})"


def describe_bound(fit: Fit) -> str:
    """The construction's error bound, with its formula, or why there is none."""
    from uat.core.metrics import bound_formula, net_bound
    from uat.plot.figures import format_number

    if getattr(fit.target, "dim", 1) == 2:
        return describe_bound2d(fit)
    if is_deep(fit):
        return deep_bound_text(fit)
    net, t = fit.net, cast("Target", fit.target)
    formula = bound_formula(net.activation, net.output_activation, net=True)
    if fit.bound is None:
        why = net_bound(t, net)[1] if net.method == "construct" else None
        return f"none: {why or f'{formula} needs a smoother target'}"
    text = f"{formula} = {format_number(fit.bound)}"
    if formula.startswith("L·Δ/2"):  # printed only where L is a bound, never an estimate
        text += f"  with L = {t.lipschitz():.4g}"
    copies = net.meta.get("copies", 1)
    return text + (f", per copy of {copies}" if copies > 1 else "")


def describe_bound2d(fit: Fit) -> str:
    """The towers' bound, or why a surface's hand-built net has none."""
    from uat.core.towers import TOWER_BOUND_FORMULA
    from uat.plot.figures import format_number

    if fit.bound is None:
        return "none: the bound is proved for K×K quadrant towers on a Lipschitz target"
    lip = fit.target.lipschitz()
    return (
        f"{TOWER_BOUND_FORMULA} = {format_number(fit.bound)}  with L = {lip:.4g} "
        "(exact steps: sigmoid corners may exceed it by a few %)"
    )


def summary_table(fit: Fit, extra: dict[str, str], *, measured: bool = False) -> Any:
    """The rich table `uat fit` and `uat show` print, for a target of either dimension."""
    from rich.table import Table

    from uat.plot.figures import format_number

    t, e, net = fit.target, fit.errors, fit.net
    two = getattr(t, "dim", 1) == 2
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")  # a long file name wraps, never loses its end
    table.add_row("target", f"{t.name}  ({t.formula})" if t.formula != t.name else t.name)
    sides: list[Any] = list(t.box) if two else [t.domain]
    table.add_row("domain", " × ".join(f"[{a:.6g}, {b:.6g}]" for a, b in sides))
    table.add_row("method", describe_method(fit))
    layers = f" {fit.net.widths}" if two or is_deep(fit) else ""
    table.add_row("neurons", f"{net.n_neurons}{layers}  ({net.n_parameters} parameters)")
    for k, v in describe_training_checks(fit).items():
        table.add_row(k, v)
    from uat.jobs.depth import relu_pieces

    if not two and (pieces := relu_pieces(fit.net, t.domain)) is not None:
        table.add_row("pieces", f"{pieces} linear pieces (counted exactly at every breakpoint)")
    rounding = "  (float rounding)" if getattr(e, "rounding", False) else ""
    at = (
        f"(x, y) = ({e.at[0]:.4g}, {e.at[1]:.4g})" if isinstance(e.at, tuple) else f"x = {e.at:.4g}"
    )
    table.add_row("sup error", f"{format_number(e.sup)}  at {at}{rounding}")
    table.add_row("RMSE", f"{format_number(e.rmse)}  (on the grid)")
    table.add_row("grid", f"{'×'.join([f'{e.grid:,}'] * (2 if two else 1))} uniform points")
    if fit.method == "construct":
        table.add_row("bound", describe_bound(fit))
    table.add_row("time", f"{fit.seconds:.3f} s to {'measure' if measured else 'build'}")
    for k, v in extra.items():
        table.add_row(k, v)
    return table


def format_slope(v: float | None) -> str:
    """A fitted slope for a table, or a dash where none could be fitted."""
    return "—" if v is None else f"{v:+.2f}"


@contextlib.contextmanager
def progress_bar(total: int | None, what: str, quiet: bool) -> Iterator[Callable[..., None]]:
    """A rich progress bar on stderr (only on a terminal).

    Yields `update(done, total=None, what=None)`; a None leaves that part as it was.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda done, total=None, what=None: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(  # the description is text, never markup: "[bold]" once printed literally
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done, total=None, what=None: bar.update(
            task, completed=done, total=total, description=what
        )


@contextlib.contextmanager
def training_bar(quiet: bool) -> Iterator[Callable[[int, float], None]]:
    """A progress bar for one training run: yields `callback(iteration, training RMSE)`."""
    with progress_bar(None, "training", quiet) as update:
        yield lambda it, loss: update(it, None, f"training: RMSE {loss:.3g}")


@contextlib.contextmanager
def staged_bar(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar for work in named stages ("compute", then "render")."""
    names = {"compute": "computing networks", "render": "rendering frames"}
    with progress_bar(None, "computing", quiet) as update:
        yield lambda stage, done, total: update(done, total, names.get(stage, stage))


def print_comparison(result: Comparison, where: str) -> None:
    """The table and summary lines of `uat compare`: one row per activation when several."""
    from uat.plot.figures import format_number

    con = console()
    print_table(con, comparison_table(result))
    several = len(result.activations or []) > 1
    for note in missing_notes(result):
        con.print(note, soft_wrap=True, markup=False)
    for f in result.fits:
        who = f"{f.net.activation}, " if several else ""
        con.print(f"{who}{describe_method(f)}", soft_wrap=True, markup=False)
    pair = result.pair()
    which = f" ({pair[0].net.activation})" if several and pair else ""
    if result.target.dim == 2:
        which = " (towers against one trained layer)"
    if pair is None:
        ratios = "no hand-built and trained pair, no ratio"
    elif result.both_rounding:
        ratios = "both errors are float rounding, no ratio"
    elif result.sup_error_ratio is None:
        ratios = "the trained error is 0, no ratio"
    else:
        ratios = f"sup error ×{format_number(result.sup_error_ratio)}"
        rmse = result.rmse_ratio
        ratios += f", RMSE ×{format_number(rmse)}" if rmse is not None else ", trained RMSE 0"
    con.print(f"hand-built / trained{which}: {ratios}\n{where}", soft_wrap=True, markup=False)


def comparison_table(result: Comparison) -> Any:
    """The compare table; with several activations one row each, so it fits 80 columns.

    A method × activation layout needed 7 columns (101 characters with borders) and rich
    cut "hand-built" to "hand-bui…" at 80; a row per activation with the two methods' sup
    error and RMSE side by side needs 5 narrow ones. A cell with no run holds a dash with a
    footnote mark (see `missing_notes`).
    """
    from rich.table import Table

    from uat.plot.figures import METHOD_NAMES, format_number

    t, first = result.target, result.fits[0].errors
    table = Table(
        title=f"{t.name} on {domain_text(t)}, {result.n_neurons} neurons"
        + (" (about, each network's layout)" if t.dim == 2 else ""),
        caption=f"errors on a {grid_text(first)}-point grid, the sup refined",
    )
    if len(result.activations or [None]) == 1:
        for col in ("network", "neurons", "parameters", "sup error", "RMSE", "time"):
            table.add_column(col, justify="left" if col == "network" else "right")
        for variant, f in zip(result.variants, result.fits, strict=True):
            table.add_row(
                network_name(f, variant), str(f.net.n_neurons), str(f.net.n_parameters),
                format_number(f.errors.sup), format_number(f.errors.rmse), f"{f.seconds:.3f} s",
            )  # fmt: skip
        return table
    table.add_column("activation")
    for what in ("sup error", "RMSE"):
        for m in ("construct", "train"):
            table.add_column(f"{METHOD_NAMES[m]}\n{what}", justify="right")
    by = {(f.method, f.net.activation): f for f in result.fits}
    for act in result.activations or []:
        row = [act]
        for key in ("sup", "rmse"):
            for m in ("construct", "train"):
                run = by.get((m, act))
                row.append("—¹" if run is None else format_number(getattr(run.errors, key)))
        table.add_row(*row)
    return table


def network_name(f: Fit, variant: str) -> str:
    """A compared network's name: hand-built or trained (with its loss where several are
    compared); over the plane its layout ('6×6 towers', 'trained, 2 hidden layers')."""
    from uat.plot.figures import METHOD_NAMES

    if f.target.dim == 2:
        from uat.jobs.choice import net_label

        return net_label(f.method, f.size, len(f.net.widths))
    loss = variant.rpartition("-")[2] if variant.endswith("-loss") else ""
    return METHOD_NAMES[f.method] + (f" ({f.net.meta.get('loss')} loss)" if loss else "")


def domain_text(t: Target) -> str:
    """[a, b], or [a, b] × [c, d] over the plane."""
    return " × ".join(f"[{a:.4g}, {b:.4g}]" for a, b in ([t.domain] if t.dim == 1 else t.box))


def grid_text(e: Any) -> str:
    """The RMSE grid's size: 10,001, or 201² over the plane."""
    return f"{e.grid}²" if e.grid_points != e.grid else f"{e.grid:,}"


def missing_notes(result: Comparison) -> list[str]:
    """One footnote per activation and method the comparison could not build."""
    from uat.core.activations import get_activation

    built = {(f.method, f.net.activation) for f in result.fits}
    notes = []
    for act in result.activations or []:
        if ("train", act) not in built:
            why = (
                "a hard step has no gradient, so it cannot be trained"
                if not get_activation(act).trains
                else "no trained run"
            )
            notes.append(f"¹ {act}, trained: {why}")
        if ("construct", act) not in built:
            notes.append(f"¹ {act}, hand-built: no construction")
    return notes


def files_text(files: Mapping[str, str | None]) -> str:
    """The files a command wrote, one line each: 'figure: …', 'points: …', 'network: …'."""
    names = {"output": "figure", "csv": "points"}
    return "\n".join(f"{names.get(k, k)}: {v}" for k, v in files.items() if v is not None)


def print_convergence(result: Convergence, files: Mapping[str, str | None]) -> None:
    """The table, the slopes above the optimiser's floor, and the floors of `uat convergence`
    (over the plane each method has its own widths: a dash where it has none)."""
    from rich.table import Table

    from uat.plot.figures import format_number

    table = Table(title=f"{result.target.name}: error against width (sup refined, RMSE on grid)")
    table.add_column("neurons N" if result.target.dim == 2 else "N", justify="right")
    series = result.series
    med = {}
    for key, m, loss in series:
        name = _series(result, m, loss)
        table.add_column(f"{name} sup", justify="right")
        table.add_column(f"{name} RMSE", justify="right")
        med[key] = [result.summary(m, loss, k) for k in ("sup_error", "rmse")]
    for n in result.widths:
        row = [str(n)]
        for key, _, _ in series:
            sup, rmse = med[key]
            if n not in sup["widths"]:
                row += ["—", "—"]
                continue
            i, floor = sup["widths"].index(n), sup["floor"]
            mark = "  (floor)" if floor is not None and n >= floor["from_width"] else ""
            row += [format_number(sup["median"][i]) + mark, format_number(rmse["median"][i])]
        table.add_row(*row)
    con = console()
    print_table(con, table)
    lines = []
    for key, m, loss in series:
        r, name = med[key][0], _series(result, m, loss)
        text = f"{name} {format_slope(json_number(r['slope']))}"
        if r["rounding"]:  # a constant built to the last bits: no rate to fit
            text = f"{name} none (the error is float rounding at every width)"
        elif r["floor"] is not None:
            fitted = "above" if math.isfinite(r["slope"]) else "too few widths above"
            text += (
                f" ({fitted} the optimiser's floor ≈ {format_number(r['floor']['level'])}, "
                f"reached at N = {r['floor']['from_width']})"
            )
        lines.append(text)
    why = ("\ntowers: error ~ 1/K with K² + 2K neurons, so slope −1/2 in neurons"
           if result.target.dim == 2 else "")  # fmt: skip
    con.print(
        "fitted slope of the sup error: " + ", ".join(lines) + why + "\n" + files_text(files),
        soft_wrap=True,
        markup=False,
    )  # fmt: skip


def _series(result: Convergence, method: str, loss: str | None) -> str:
    """A convergence curve's name: the method's (with its loss), or over the plane the variant
    (construct, nielsen, ridges, train, train2)."""
    from uat.plot.figures import series_name

    return method if result.target.dim == 2 else series_name(method, loss, result.losses)


def json_number(v: float) -> float | None:
    """A finite float, or None (nothing fitted)."""
    return v if math.isfinite(v) else None


def print_gallery(outcomes: list[Any], folder: Path) -> None:
    """One line per gallery entry, then where the pages are."""
    from rich.text import Text

    con = console()
    for o in outcomes:
        if not o.ok:
            failed = printable(f"  {o.name}: {o.error}")
            con.print(Text.assemble(("failed", "red"), failed), soft_wrap=True)
        elif o.skipped:
            con.print(Text.assemble(("up to date", "dim"), f"  {o.name}"))
        else:
            con.print(Text.assemble(("built", "green"), f"  {o.name}  ({o.seconds:.1f} s)"))
    if all(o.ok and o.skipped for o in outcomes):
        con.print(f"nothing to render: all {len(outcomes)} entries are up to date")
    con.print(f"gallery: {folder / 'index.html'} and {folder / 'README.md'}")


def print_fit(
    result: Fit,
    files: Mapping[str, str | None],
    total_seconds: float | None = None,
    *,
    eps: float | None = None,
) -> None:
    """The summary table of `uat fit` (or of `uat show`, without a total time)."""
    extra = {} if total_seconds is None else {"total": f"{total_seconds:.2f} s with the figure"}
    if eps is not None:
        extra["ε"] = f"{eps:g}: N = {result.net.n_neurons} is the smallest width meeting it"
    names = {"output": "figure", "network": "network"}
    extra |= {names[k]: v for k, v in files.items() if v is not None}
    print_table(console(), summary_table(result, extra, measured=total_seconds is None))


def print_animation(res: Any) -> None:
    """What an animation wrote: its file, its pace (steps, dwell, hold), size and time."""
    from rich.text import Text

    w, h = res.size
    pace = f"{res.frames} steps × {res.dwell:g} s"
    pace += f" + {res.hold:g} s hold" if res.hold else ""
    pace += f" = {res.frames * res.dwell + res.hold:.3g} s a loop"
    if res.path.suffix.lower() == ".mp4":
        pace += f" ({res.file_frames} video frames at {res.fps:g} fps)"
    if res.path.suffix.lower() == ".png":  # a still: no loop, no pace
        pace = f"a contact sheet (one still image) of {res.frames} steps"
    rest = f": {pace}, {w}×{h}, {res.bytes / 1e6:.2f} MB, {res.seconds:.1f} s"
    con = console()
    con.print(Text.assemble((printable(str(res.path)), "bold"), rest), soft_wrap=True)
    if res.dwell_asked is not None and abs(res.dwell_asked - res.dwell) > 1e-9:
        con.print(
            f"dwell {res.dwell:g} s: --dwell {res.dwell_asked:g} rounded to whole frames at "
            f"{res.fps:g} fps",
            soft_wrap=True,
            markup=False,
        )


def print_targets(rows: list[dict[str, Any]]) -> None:
    """The table of named targets."""
    from rich.table import Table

    table = Table(title="Named targets (or give an expression in x, or a CSV file)")
    for col in ("name", "formula", "default domain", "Lipschitz L"):
        table.add_column(col)
    for r in rows:
        (a, b), lip = r["domain"], r["lipschitz"]
        table.add_row(
            r["name"], r["formula"], f"[{a:.4g}, {b:.4g}]", "jumps" if lip is None else f"{lip:.4g}"
        )
    print_table(console(), table)


def say(text: str) -> None:
    """Print plain lines literally (no markup, no highlighting), long lines kept whole."""
    console().print(text, soft_wrap=True, markup=False)
