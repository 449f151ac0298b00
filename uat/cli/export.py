"""`uat export`: a saved network as ONNX, safetensors or .npz (registered on `uat.cli.app.app`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from uat.cli.app import app
from uat.cli.options import JsonOpt, QuietOpt, emit

Format = Literal["onnx", "safetensors", "npz"]


@app.command("export")
def export_cmd(
    network: Annotated[Path, typer.Argument(help="A network saved by `uat fit --save-net`.")],
    to: Annotated[
        Format | None,
        typer.Option(
            help="onnx (default), safetensors (PyTorch's key names) or npz; or from -o's suffix."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The file to write; default: NETWORK with the suffix."),
    ] = None,
    json_: JsonOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write a saved network for other tools: ONNX (onnxruntime), safetensors (PyTorch), .npz."""
    from uat.jobs.export import export

    result = export(network, to, out)

    def show() -> None:
        layers = " → ".join(
            f"{o}×{i} {a}" for (o, i), a in zip(result.shapes, result.activations, strict=True)
        )
        typer.echo(f"network    {result.source}")
        typer.echo(f"layers     {layers}")
        typer.echo(f"{result.format:<10} {result.path}  ({result.bytes:,} bytes)")
        if result.snippet:
            typer.echo("load it in PyTorch:")
            typer.echo(result.snippet)

    emit(result.to_dict(), json_, quiet, show)
