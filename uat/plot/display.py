"""Results that show themselves in Jupyter, through IPython's display formatters.

A result of `uat.fit`, `show`, `compare`, `convergence` or `explain` displays as its command's
figure (PNG, drawn when displayed); an animation as an HTML5 video with controls (the MP4
embedded; a GIF as an image); a network as a summary table beside its PNG diagram. Every
HTML form has a PNG fallback for viewers that do not run HTML (a code host's notebook page).
The formatters are registered on the running shell by `register`, which `import uat` calls
inside IPython: the results stay plain data classes of the jobs layer.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from uat.plot.figures import style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 100  # notebook figures: 100 dpi, as matplotlib-inline's default
VIDEO_BYTES = 50_000_000  # embed at most this much media in a notebook; link beyond it


def png_bytes(fig: Figure, dpi: float = DPI) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _figure_makers() -> dict[type, Callable[[Any], Figure]]:
    """The figure of each result type, as its command draws it."""
    from uat.jobs import comparison, fitting, rates
    from uat.plot.draw import command_figure

    return {
        fitting.Fit: lambda r: command_figure("fit", r),
        comparison.Comparison: lambda r: command_figure("compare", r),
        rates.Convergence: lambda r: command_figure("convergence", r),
    }


def result_png(result: Any) -> bytes:
    """The PNG of a job's result: its command's figure."""
    with style():
        return png_bytes(_figure_makers()[type(result)](result))


def network_png(net: Any) -> bytes | None:
    """A network's diagram (one input) or its first layer's surfaces (two, with a target)."""
    from matplotlib.figure import Figure

    from uat.core.network import ShallowNet
    from uat.plot.diagram import draw_network

    with style():
        if isinstance(net, ShallowNet):
            fig = Figure(figsize=(6.0, 4.0), layout="constrained")
            draw_network(fig.add_subplot(), net)
            return png_bytes(fig)
        from uat.core.targets import get_target
        from uat.plot.surfaces import layers_figure

        if not net.target:
            return None
        return png_bytes(layers_figure(net, get_target(net.target, net.domain)))


def network_rows(net: Any) -> list[tuple[str, str]]:
    """The summary table of a network: (what, value) rows."""
    from uat.core.network import ShallowNet

    if isinstance(net, ShallowNet):
        shape = f"1 → {net.n_neurons} {net.activation} → 1 {net.output_activation}"
    else:
        acts = [layer.activation for layer in net.layers]
        hidden = " → ".join(f"{w} {a}" for w, a in zip(net.widths, acts, strict=False))
        shape = f"{net.inputs} → {hidden} → 1 {acts[-1]}"
    rows = [("layers", shape), ("neurons", f"{net.n_neurons:,}"),
            ("parameters", f"{net.n_parameters:,}")]  # fmt: skip
    rows += [(k, str(v)) for k, v in (("target", net.target), ("method", net.method),
             ("domain", net.domain)) if v]  # fmt: skip
    return rows


def network_html(net: Any) -> str:
    """The summary table beside the diagram."""
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
        f"{html.escape(v)}</td></tr>"
        for k, v in network_rows(net)
    )
    png = network_png(net)
    img = "" if png is None else (
        "<img alt='network diagram' style='max-width:60%' "
        f"src='data:image/png;base64,{base64.b64encode(png).decode('ascii')}'>"
    )  # fmt: skip
    box = "display:flex;gap:1em;align-items:flex-start"
    return f"<div style='{box}'><table>{cells}</table>{img}</div>"


def animation_html(result: Any) -> str:
    """An animation's file inline: an MP4 as a <video> with controls, a GIF as an image."""
    from pathlib import Path

    path = Path(result.path)
    size = path.stat().st_size
    if size > VIDEO_BYTES:
        return f"<p>{html.escape(str(path))}: {size:,} bytes, too large to embed</p>"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    kind = {".mp4": "video/mp4", ".gif": "image/gif", ".png": "image/png"}[path.suffix.lower()]
    if kind == "video/mp4":
        source = f"<source type='video/mp4' src='data:video/mp4;base64,{data}'>"
        return f"<video controls loop autoplay muted playsinline>{source}</video>"
    return f"<img alt='{html.escape(path.name)}' src='data:{kind};base64,{data}'>"


def animation_png(result: Any) -> bytes | None:
    """The animation's last frame as PNG (a GIF's, or an MP4's poster), for viewers without HTML."""
    from pathlib import Path

    from PIL import Image

    path = Path(result.path)
    if path.suffix.lower() not in (".gif", ".png"):
        return None
    with Image.open(path) as im:
        im.seek(getattr(im, "n_frames", 1) - 1)
        buf = io.BytesIO()
        im.convert("RGB").save(buf, format="PNG")
        return buf.getvalue()


def register(shell: Any) -> None:
    """Register uat's formatters on an IPython shell's display formatter."""
    from uat.core.layered import LayeredNet
    from uat.core.network import ShallowNet
    from uat.plot.animate import AnimationResult

    formatters = shell.display_formatter.formatters
    for kind in _figure_makers():
        formatters["image/png"].for_type(kind, result_png)
    for kind in (ShallowNet, LayeredNet):
        formatters["text/html"].for_type(kind, network_html)
        formatters["image/png"].for_type(kind, network_png)
    formatters["text/html"].for_type(AnimationResult, animation_html)
    formatters["image/png"].for_type(AnimationResult, animation_png)
