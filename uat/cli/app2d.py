"""`uat` on targets of two inputs: the adapters `uat.cli.options.two_inputs` sends them to.

Each is the 2-D form of a command of `uat.cli.app`: options in, one `uat.jobs.commands2d`
call, a figure from `uat.plot.figures2d`, printing out (`uat.cli.report`); the rules live
in `uat.jobs.commands2d`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

from uat.cli import report
from uat.cli.options import emit, figure_path, save, split_list
from uat.errors import UatError
from uat.io import output_path, write_csv
from uat.settings import Settings, parse_size


def _settings_values(kw: dict[str, Any]) -> dict[str, Any]:
    """The Settings options a command received (popped from kw)."""
    return {f.name: kw.pop(f.name) for f in fields(Settings) if f.name in kw}


def _emit2d(record: dict[str, Any], json_: bool, quiet: bool, show: Callable[[], None]) -> None:
    from uat.jobs.commands import json_safe

    emit(json_safe(record), json_, quiet, show)


def fit2d_cmd(
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
    from uat.jobs import commands as jobs
    from uat.jobs import commands2d as jobs2d
    from uat.plot.figures2d import fit2d_figure

    given = _settings_values(kw)
    method, settings = given.pop("method"), Settings(**given)
    net = {"method": method, "towers": towers, "layers": layers}
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    name = jobs.output_name("fit", t, settings, neurons, **net)
    path = str(figure_path(out, name))
    files: dict[str, str | None] = {"output": path, "network": None}
    if save_net is not None:
        files["network"] = str(output_path(save_net, "", (".json",)))
    t0 = time.perf_counter()
    result = jobs.fit(t, neurons, settings, **net)
    save(lambda: fit2d_figure(result), path)
    if save_net is not None:
        result.net.save(save_net)
    total = time.perf_counter() - t0
    record = result.to_dict() | files | {"total_seconds": total, "eps": None}
    record["smallest_width"] = None
    _emit2d(record, json_, quiet, lambda: report.print_fit(result, files, total))


def explain2d_cmd(
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
    from uat.jobs import commands as jobs
    from uat.jobs import commands2d as jobs2d
    from uat.plot.figures2d import layers_figure

    given = _settings_values(kw)
    method, settings = given.pop("method"), Settings(**given)
    net = {"method": method, "towers": towers, "layers": layers}
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    path = figure_path(out, jobs.output_name("explain", t, settings, neurons, **net))
    result = jobs.explain(t, neurons, settings, **net)
    save(lambda: layers_figure(result.net, t), path)
    what = jobs2d.net_label(result.method, result.size, len(result.net.widths))
    text = f"neurons of {what} as surfaces\nfigure: {path}"
    _emit2d(result.to_dict() | {"output": str(path)}, json_, quiet, lambda: report.say(text))


def animate2d_cmd(
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
    from uat.jobs import commands as jobs
    from uat.jobs import commands2d as jobs2d
    from uat.plot.animate import animate2d

    kind = "refine" if sweep == "width" else sweep
    if compare or kind not in ("refine", "grow", "training", "turn"):
        raise UatError(
            f"--sweep {sweep} is for 1-D targets; a surface takes refine (or width), "
            "grow, training or turn"
        )
    given = _settings_values(kw)
    chosen = method or ("train" if kind == "training" else "construct")
    c = jobs.surface_choice("animate", neurons, Settings(**given), chosen, towers, layers)
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    words = jobs.animation_words(
        kind, frames=frames, fps=fps, size=parse_size(size), dpi=dpi, writer=writer,
        hold=1.0 if hold is None else hold,
    )  # fmt: skip  # as in 1-D: another run's file keeps its name
    name = jobs.output_name(
        "animate", t, Settings(**given), neurons, sweep=kind, ext=".gif", extra=words,
        method=chosen, towers=towers, layers=layers,
    )  # fmt: skip
    path = figure_path(out, name, animated=True)
    opts = {k: v for k, v in c.options.items() if k in ("layers", "seed", "max_evaluations")}
    with report.staged_bar(quiet or json_) as update:
        res = animate2d(
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
    _emit2d(res.to_dict(), json_, quiet, lambda: report.print_animation2d(res))


def compare2d_cmd(
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
    from uat.jobs import commands as jobs
    from uat.jobs import commands2d as jobs2d
    from uat.plot.figures2d import compare2d_figure

    if towers is not None or layers is not None or activations is not None or animate:
        raise UatError(
            "compare on a surface takes --neurons N (about N in every network): "
            "not --towers, --layers, --activations or --animate"
        )
    settings = jobs.surface_settings(Settings(**_settings_values(kw)), ("seed", "max_iter"))
    n = jobs2d.DEFAULT_COMPARE_NEURONS if neurons is None else neurons
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    path = figure_path(out, jobs.output_name("compare", t, settings, n))
    with report.progress_bar(4, "fitting 4 networks", quiet or json_) as bar:
        result = jobs.compare(t, n, settings, progress=bar)
    save(lambda: compare2d_figure(result), path)
    rec = result.to_dict() | {"output": str(path), "frames": None}
    _emit2d(rec, json_, quiet, lambda: report.print_compare2d(result, f"figure: {path}"))


def convergence2d_cmd(
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
    from uat.jobs import commands as jobs
    from uat.jobs import commands2d as jobs2d
    from uat.plot.figures2d import convergence2d_figure

    if towers is not None or layers is not None or widths is not None or seeds != 1:
        raise UatError(
            "convergence on a surface takes --methods (construct, nielsen, ridges, "
            "train, train2) and --max-neurons: not --towers, --layers, --widths, "
            "--seeds"
        )
    settings = jobs.surface_settings(Settings(**_settings_values(kw)), ("seed",))
    chosen = split_list(methods, "methods") or list(jobs2d.DEFAULT_CONVERGENCE2D)
    sizes = jobs2d.convergence_sizes(chosen, max_neurons)
    t = jobs2d.resolve_target2d(target, domain, ydomain)
    words = [*(["-".join(chosen)] if methods is not None else [])]
    words += [f"to{max_neurons}"] if max_neurons is not None else []
    name = jobs.output_name("convergence", t, settings, extra=words)
    path = str(figure_path(out, name))
    files: dict[str, str | None] = {"output": path, "csv": None}
    if csv is not None:
        files["csv"] = str(output_path(csv, "", (".csv",)))
    total = sum(len(v) for v in sizes.values())
    with report.progress_bar(total, f"fitting {total} networks", quiet or json_) as bar:
        result = jobs.convergence(t, None, chosen, settings, max_neurons=max_neurons, progress=bar)
    save(lambda: convergence2d_figure(result), path)
    if csv is not None:
        write_csv(csv, [p.as_dict() for p in result.points])
    rec = result.to_dict() | files
    _emit2d(rec, json_, quiet, lambda: report.print_convergence2d(result, files))
