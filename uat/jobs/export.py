"""`uat export`: a saved network written for other tools (ONNX, safetensors, .npz)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uat.errors import UatError


@dataclass(frozen=True)
class Export:
    """What `export` wrote: the file, its format and the layer shapes, and how to load it."""

    source: Path
    path: Path
    format: str
    shapes: list[tuple[int, int]]  # (outputs, inputs) of each layer, the output neuron last
    activations: list[str]
    bytes: int
    snippet: str | None  # PyTorch code that loads a safetensors file

    def to_dict(self) -> dict[str, Any]:
        """The record `--json` prints."""
        return {
            "network": str(self.source),
            "path": str(self.path),
            "format": self.format,
            "layers": [list(s) for s in self.shapes],
            "activations": self.activations,
            "bytes": self.bytes,
            "snippet": self.snippet,
        }


def export_format(to: str | None, out: str | Path | None) -> str:
    """The format asked for: `to`, else the suffix of `out`, else ONNX."""
    from uat.core.export import FORMATS, SUFFIXES

    if to is not None:
        return to
    by_suffix = {v: k for k, v in SUFFIXES.items()}
    if out is None:
        return "onnx"
    if Path(out).suffix.lower() in by_suffix:
        return by_suffix[Path(out).suffix.lower()]
    raise UatError(
        f"cannot tell the format from {Path(out).name!r}: give --to {'|'.join(FORMATS)}", param="to"
    )


def export(path: str | Path, to: str | None = None, out: str | Path | None = None) -> Export:
    """Write the network saved at `path` as `to` (onnx, safetensors or npz), atomically.

    The default output is the network's file name with the format's suffix, beside it.
    """
    from uat.core.export import (
        SUFFIXES,
        check_exportable,
        dense_layers,
        export_bytes,
        torch_snippet,
    )
    from uat.core.layered import load_network
    from uat.io import atomic_path, check_writable

    fmt = export_format(to, out)
    net = load_network(path)
    layers = dense_layers(net)
    check_exportable(layers, fmt)
    src = Path(path)
    dest = Path(out) if out is not None else src.with_suffix(SUFFIXES[fmt])
    if dest.exists() and src.exists() and dest.samefile(src):
        raise UatError(f"the export would overwrite its own input {src}; choose another -o")
    check_writable(dest)
    data = export_bytes(layers, fmt, name=src.stem)
    with atomic_path(dest) as tmp:
        Path(tmp).write_bytes(data)
    return Export(
        src, dest, fmt,
        [(int(a.weights.shape[0]), int(a.weights.shape[1])) for a in layers],
        [a.activation for a in layers], len(data),
        torch_snippet(layers, str(dest)) if fmt == "safetensors" else None,
    )  # fmt: skip
