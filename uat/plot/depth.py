"""Figures of depth: sup error against parameters, one line per depth; a deep net's layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from uat.core.layered import Layer, LayeredNet
from uat.errors import UatError
from uat.jobs.depth import DepthResult, DepthRow
from uat.jobs.fitting import Fit


def _points(rows: list[DepthRow]) -> dict[int, list[tuple[int, float]]]:
    by_depth: dict[int, list[tuple[int, float]]] = {}
    for r in rows:
        by_depth.setdefault(len(r.widths), []).append((r.parameters, r.sup))
    return {d: sorted(set(p)) for d, p in sorted(by_depth.items())}


def depth_figure(result: DepthResult) -> Any:
    """Sup error against parameters: a line (or point) per depth, the hand-built net a star."""
    from matplotlib.figure import Figure

    from uat.plot.figures import style

    with style():
        fig = Figure(figsize=(7.0, 4.2), layout="constrained")
        ax = fig.add_subplot()
        floor = 1e-17
        for depth, pts in _points([*result.rows, *result.search]).items():
            p, e = np.array(pts, dtype=float).T
            label = f"{depth} hidden layer{'s' if depth > 1 else ''} (trained)"
            ax.plot(p, np.maximum(e, floor), "o-", label=label)
        if (h := result.hand_built) is not None:
            ax.plot([h.parameters], [max(h.sup, floor)], "*", ms=16, color="black",
                    label=f"hand-built, {len(h.widths)} layers of {h.widths[0]}")  # fmt: skip
        if result.shallow_width is not None:
            ax.axhline(0.1, color="grey", lw=0.8, ls=":", label="sup error 0.1")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parameters (every weight and bias)")
        ax.set_ylabel("sup error (exact for ReLU nets)")
        ax.set_title(f"{result.target}: what depth buys at equal parameter counts")
        ax.legend(fontsize="small")
    return fig


def save_depth_figure(result: DepthResult, path: str | Path) -> Path:
    """Draw and save `depth_figure`."""
    from uat.plot.figures import save_figure

    return save_figure(depth_figure(result), path)


def fit_figure(fit: Fit, n: int = 20_001) -> Any:
    """The `uat fit --layers L` figure of a curve: the deep net against f above, its error
    below, the title naming the hidden layers and how the net was made."""
    from matplotlib.figure import Figure

    from uat.plot.figures import format_number, set_title, style

    t, net, e = fit.target, fit.net, fit.errors
    x = np.linspace(*t.domain, n)
    if (grid := relu_grid(fit)) is not None:  # every kink of a ReLU net drawn sharp
        x = np.union1d(x, grid)
    y, f = net(x), t(x)
    with style():
        fig = Figure(figsize=(8.0, 6.0), layout="constrained")
        ax, ax_err = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1.3])
        ax.plot(x, f, color="black", lw=2.2, alpha=0.35, label=f"f = {t.name}")
        ax.plot(x, y, lw=1.1, label=f"network: {len(net.widths)} hidden layers {net.widths}")
        made = "hand-built" if fit.method == "construct" else "trained"
        set_title(ax, f"{t.name}: {made}, {len(net.widths)} hidden layers, "
                      f"{net.n_neurons} neurons, {net.n_parameters} parameters")  # fmt: skip
        ax.set_ylabel("y")
        ax.legend(loc="best")
        ax_err.plot(x, y - f, lw=0.9, color="tab:red")
        ax_err.axhline(0.0, color="grey", lw=0.6)
        ax_err.set_xlabel("x")
        ax_err.set_ylabel("error")
        note = f"sup {format_number(e.sup)}, RMSE {format_number(e.rmse)}"
        note += "" if fit.bound is None else f", bound 2^(−2m−2) = {format_number(fit.bound)}"
        set_title(ax_err, note + f"  ({e.grid:,}-point grid)", fontsize=10.5, loc="left")
    return fig


def relu_grid(fit: Fit) -> np.ndarray | None:
    """The breakpoints of a ReLU net of one input, or None for smooth neurons."""
    from uat.core.deep import breakpoints
    from uat.jobs.depth import relu_pieces

    if relu_pieces(fit.net, fit.target.domain) is None:
        return None
    return breakpoints(fit.net, fit.target.domain)[0]


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def layer_labels(net: LayeredNet) -> list[str]:
    """'W₁: n₁×1, b₁: n₁' for every layer, the output layer last."""
    return [f"W{str(i + 1).translate(_SUB)}: {o}×{n}, b{str(i + 1).translate(_SUB)}: {o}"
            for i, (o, n) in enumerate(layer.shape for layer in net.layers)]  # fmt: skip


def layers_figure(net: LayeredNet, n: int = 2001) -> Any:
    """A deep net of one input drawn layer by layer: the network diagram with its layers named
    on top; below it each hidden layer's neurons as functions of x (the folding: one tent, two,
    four …) above its weight matrix and biases as a heat map labelled with its shape; the last
    column is the output. The title counts the hidden layers.
    """
    from matplotlib.figure import Figure

    from uat.plot.figures import style

    if net.inputs != 1:
        raise UatError("the layers are drawn as functions of x for networks of one input")
    (a, b) = net.domain[0] if net.domain else (0.0, 1.0)
    x = np.linspace(a, b, n)
    outputs = [act for _, act in net.activations(x[:, None])]
    labels, cols = layer_labels(net), len(net.layers)
    hidden = len(net.widths)
    with style():
        fig = Figure(figsize=(2.3 * cols + 1, 7.6), layout="constrained")
        grid = fig.add_gridspec(3, cols, height_ratios=[1.1, 1.2, 1])
        for i, (layer, out) in enumerate(zip(net.layers, outputs, strict=True)):
            top = fig.add_subplot(grid[1, i])
            name = f"hidden layer {i + 1}" if i < hidden else "output"
            top.plot(x, out, lw=1)
            top.set_title(f"{name}: {layer.shape[0]} neuron{'s' * (layer.shape[0] > 1)}",
                          fontsize="small")  # fmt: skip
            top.set_xlabel("x", fontsize="small")
        for i, layer in enumerate(net.layers):
            _heat(fig.add_subplot(grid[2, i]), layer, labels[i])
        draw_layers(fig.add_subplot(grid[0, :]), net)
        widths = "×".join(map(str, net.widths)) if len(set(net.widths)) > 1 else None
        each = widths or f"{net.widths[0]} neuron{'s' * (net.widths[0] > 1)} each"
        fig.suptitle(f"{hidden} hidden layer{'s' * (hidden > 1)} ({each}), "
                     f"{net.n_parameters} parameters: {net.target or 'network'}")  # fmt: skip
    return fig


DIAGRAM_NODES = 12  # neurons drawn in one column of the diagram; the rest as "…"


def draw_layers(ax: Any, net: LayeredNet) -> None:
    """The network diagram: a column of neurons per layer, every connection coloured by its
    weight's sign and drawn as thick as its size, each column named below (input x, hidden
    layer k with its width, output)."""
    sizes = [net.inputs, *(layer.shape[0] for layer in net.layers)]
    shown = [min(s, DIAGRAM_NODES) for s in sizes]

    def ys(count: int) -> np.ndarray:
        return np.linspace(-1.0, 1.0, count) if count > 1 else np.zeros(1)

    top = max(float(np.max(np.abs(layer.weights))) for layer in net.layers) or 1.0
    for j, layer in enumerate(net.layers):
        w = layer.weights[: shown[j + 1], : shown[j]]
        y0, y1 = ys(shown[j]), ys(shown[j + 1])
        for (o, i), v in np.ndenumerate(w):
            if v != 0:
                ax.plot([j, j + 1], [y0[i], y1[o]], lw=0.4 + 2.2 * abs(v) / top, zorder=1,
                        color="tab:red" if v > 0 else "tab:blue", alpha=0.7)  # fmt: skip
    hidden = len(net.widths)
    for j, count in enumerate(shown):
        ax.scatter(np.full(count, j), ys(count), s=90, color="white", edgecolor="black", zorder=2)
        more = "" if count == sizes[j] else f" (drawn {count})"
        width = f"{sizes[j]} neuron{'s' * (sizes[j] > 1)}{more}"
        end = "input x" if j == 0 else "output"
        name = f"hidden layer {j}\n{width}" if 0 < j <= hidden else end
        ax.text(j, -1.35, name, ha="center", va="top", fontsize="small")
    ax.set_xlim(-0.5, hidden + 1.5)
    ax.set_ylim(-1.9, 1.25)
    ax.set_axis_off()
    ax.set_title(f"the network: {hidden} hidden layer{'s' * (hidden > 1)} "
                 "(red: positive weight, blue: negative)", fontsize="small")  # fmt: skip


def _heat(ax: Any, layer: Layer, label: str) -> None:
    """Weights and, in the last column, biases as a diverging heat map with its values."""
    m = np.c_[layer.weights, layer.biases]
    top = float(np.max(np.abs(m))) or 1.0
    ax.imshow(m, cmap="RdBu_r", vmin=-top, vmax=top, aspect="auto", interpolation="nearest")
    ax.grid(False)
    ax.axvline(m.shape[1] - 1.5, color="black", lw=0.8)  # weights | biases
    if m.size <= 64:
        for (r, c), v in np.ndenumerate(m):
            ink = "white" if abs(v) > top / 2 else "black"
            ax.text(c, r, f"{v:.3g}", ha="center", va="center", fontsize=7, color=ink)
    ax.set_xticks(range(m.shape[1]), [*(str(j + 1) for j in range(m.shape[1] - 1)), "b"],
                  fontsize=6)  # fmt: skip
    ax.set_yticks(range(m.shape[0]), [str(j + 1) for j in range(m.shape[0])], fontsize=6)
    ax.set_title(label, fontsize="small")


def save_layers_figure(net: LayeredNet, path: str | Path) -> Path:
    """Draw and save `layers_figure`."""
    from uat.plot.figures import save_figure

    return save_figure(layers_figure(net), path)
