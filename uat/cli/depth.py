"""`uat depth TARGET`: one hidden layer against several at equal parameter counts (registered on
`uat.cli.app.app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from uat.cli.app import app
from uat.cli.options import DomainOpt, FigureOpt, JsonOpt, QuietOpt, emit


def _layers(text: str) -> list[int]:
    from uat.errors import UatError

    try:
        return [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise UatError(f"--layers-list takes numbers such as 1,2,3,4, got {text!r}") from None


@app.command("depth")
def depth_cmd(
    target: Annotated[str, typer.Argument(help="A 1-D target: tent1 … tent12, x**2, sin, …")],
    domain: DomainOpt = None,
    layers_list: Annotated[
        str, typer.Option(help="Hidden layers of the trained nets compared.")
    ] = "1,2,3,4",
    neurons: Annotated[
        int, typer.Option(help="Width of the one-hidden-layer net: its parameters are the budget.")
    ] = 32,
    seeds: Annotated[int, typer.Option(help="Trained runs per net; the best is kept.")] = 3,
    save_nets: Annotated[
        Path | None, typer.Option(help="Folder to save every net whose numbers are printed.")
    ] = None,
    out: FigureOpt = None,
    explain: Annotated[
        Path | None,
        typer.Option(
            help="Also draw the hand-built (else the deepest trained) net layer by layer: each "
            "layer's neurons against x and its weight matrix with its shape."
        ),
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Depth measured: trained ReLU nets of 1, 2, 3, 4 hidden layers at equal parameter counts,
    the hand-built deep net where one exists (tentK, x**2 on [0,1]) and, for tentK, the
    smallest one-hidden-layer width reaching sup error ≤ 0.1 beside the bound 2^K − 1."""
    from uat.core.expr import slug
    from uat.jobs.commands import resolve_target
    from uat.jobs.depth import depth
    from uat.plot.depth import save_depth_figure

    t = resolve_target(target, domain)
    result = depth(t, _layers(layers_list), neurons, seeds, save_nets)
    figure = save_depth_figure(result, out or Path(f"depth-{slug(t.name)}.png"))
    record = result.to_dict() | {"figure": str(figure)}
    drawn = result.deepest()
    if explain is not None and drawn is not None:
        from uat.plot.depth import save_layers_figure

        record["explain"] = str(save_layers_figure(drawn, explain))
    emit(record, json_, quiet, lambda: _show(result, figure, record.get("explain")))


def _show(result: object, figure: Path, explain: str | None) -> None:
    from uat.jobs.depth import DepthResult

    assert isinstance(result, DepthResult)
    typer.echo(f"target     {result.target} on [{result.domain[0]:g}, {result.domain[1]:g}], "
               f"ReLU nets, budget {result.budget} parameters")  # fmt: skip
    typer.echo(f"{'layers':>6}  {'widths':<20} {'params':>6} {'sup error':>10} {'RMSE':>10} "
               f"{'pieces':>6}  net")  # fmt: skip
    rows = [*result.rows, *([result.hand_built] if result.hand_built else [])]
    for r in rows:
        widths = ",".join(map(str, r.widths))
        kind = "hand-built" if r.kind == "hand-built" else f"trained, seed {r.seed}"
        typer.echo(f"{len(r.widths):>6}  {widths:<20} {r.parameters:>6} {r.sup:>10.3g} "
                   f"{r.rmse:>10.3g} {r.pieces:>6}  {kind}")  # fmt: skip
    if result.hand_built_theorem:
        typer.echo(f"theorem    {result.hand_built_theorem}")
    if result.shallow_bound is not None:
        tried = ", ".join(f"{r.widths[0]}: {r.sup:.2g}" for r in result.search)
        typer.echo(f"one layer  widths tried (sup error): {tried}")
        if result.shallow_width is None:
            typer.echo(f"shallow    no width up to {result.shallow_limit} reached sup error ≤ 0.1")
        else:
            typer.echo(f"shallow    {result.shallow_width} neurons reach sup error ≤ 0.1 "
                       f"(measured); the pieces bound says ≥ {result.shallow_bound}")  # fmt: skip
    typer.echo(f"figure     {figure}")
    if explain:
        typer.echo(f"layers     {explain}")
