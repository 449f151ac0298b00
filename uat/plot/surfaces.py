"""Figures of a function of two inputs: surfaces side by side, the error map, neurons as
R²→R surfaces (their frame-by-frame renderer is `surface_render`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from uat.core.layered import LayeredNet
from uat.core.targets import Target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from uat.jobs.comparison import Comparison
    from uat.jobs.fitting import Fit
    from uat.jobs.rates import Convergence


SURFACE_CMAP = "viridis"
ERROR_CMAP = "magma"
_DRAWN_POINTS = (61, 101)  # points per side of a drawn surface: 3,600 to 10,000 facets
SURFACE_METHOD_NAMES = {
    "construct": "towers (quadrant form)",
    "nielsen": "Nielsen's towers",
    "ridges": "sums of ridges, one hidden layer",
    "train": "trained",
    "train2": "trained, two hidden layers",
}


def surface_grid(target: Target, net: LayeredNet | None = None) -> tuple[np.ndarray, ...]:
    """X, Y for drawing: 4 points per tower side so steps show, 61 to 101 per side."""
    k = int(net.meta.get("towers_per_side", 0)) if net is not None else 0
    low, high = _DRAWN_POINTS
    n = int(min(high, max(low, 4 * k + 1)))
    return tuple(target.grid(n))


def draw_surface(ax: Axes, x: np.ndarray, y: np.ndarray, z: np.ndarray, title: str) -> Any:
    """One surface on a 3-D Axes, drawn at full resolution, with a title."""
    n = x.shape[0]
    art = ax.plot_surface(  # type: ignore[attr-defined]
        x, y, z, cmap=SURFACE_CMAP, rcount=n, ccount=n, linewidth=0, antialiased=False
    )
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.view_init(elev=32, azim=-60)  # type: ignore[attr-defined]
    return art


def draw_error_map(ax: Axes, fit: Fit, x: np.ndarray, y: np.ndarray, norm: Any = None) -> Any:
    """|network − f| as a heat map (linear, or the given colour norm), the refined sup marked."""
    with np.errstate(all="ignore"):
        e = np.abs(fit.net(x, y) - fit.target(x, y))
    (a, b), (c, d) = fit.target.box
    image = ax.imshow(
        e, origin="lower", extent=(a, b, c, d), cmap=ERROR_CMAP, aspect="auto",
        interpolation="nearest", norm=norm,
    )  # fmt: skip
    ax.plot(
        *cast(tuple[float, float], fit.errors.at),
        marker="*",
        ms=14,
        mec="white",
        mfc="#56B4E9",
        ls="none",
    )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)
    return image


def fit_note(fit: Fit) -> str:
    """Sup, RMSE (with its grid) and the bound where one is known, in one line."""
    e = fit.errors
    note = f"sup (★) {e.sup:.3g}, RMSE {e.rmse:.3g} ({e.grid}×{e.grid} grid)"
    if fit.bound is not None:
        from uat.core.towers import TOWER_BOUND_FORMULA

        note += f", bound {TOWER_BOUND_FORMULA} = {fit.bound:.3g}"
    return note


def surface_fit_figure(fit: Fit, *, size: tuple[float, float] = (15.0, 5.0)) -> Figure:
    """Target and network as surfaces side by side, and the error map with its sup marked."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from uat.plot.figures import STYLE

    with mpl.rc_context(STYLE | {"axes.grid": False}):  # type: ignore[arg-type]
        fig = Figure(figsize=size)
        x, y = surface_grid(fit.target, fit.net)
        z_target, z_net = fit.target(x, y), fit.net(x, y)
        lo, hi = float(min(z_target.min(), z_net.min())), float(max(z_target.max(), z_net.max()))
        name = SURFACE_METHOD_NAMES.get(fit.method, fit.method)
        titles = [f"target {fit.target.label}", f"{name}: {fit.net.n_neurons} neurons"]
        for i, (z, title) in enumerate(zip((z_target, z_net), titles, strict=True)):
            ax = fig.add_subplot(1, 3, i + 1, projection="3d")
            draw_surface(ax, x, y, z, title)
            ax.set_zlim(lo, hi)
        ax_err = fig.add_subplot(1, 3, 3)
        # on the RMSE grid, not the surface's 4 points per tower, which miss the corner peaks
        image = draw_error_map(ax_err, fit, *fit.target.grid())
        fig.colorbar(image, ax=ax_err, shrink=0.8, label="|error|")
        ax_err.set_title(fit_note(fit), fontsize=10)
    return fig


def neuron_surfaces(
    net: LayeredNet, x: np.ndarray, y: np.ndarray, *, first: int = 3, neuron: int | None = None
) -> dict[str, Any]:
    """The essay's pictures as data: some first-layer neurons, and one deeper neuron's input
    sum before and after its activation (the output sum for a one-hidden-layer net).

    Returns {"first": [(index, surface)], "layer": depth, "neuron": index,
    "before": surface, "after": surface}.
    """
    shape = x.shape
    acts = net.activations(np.c_[x.ravel(), y.ravel()])
    depth = 1 if len(net.layers) > 2 else len(net.layers) - 1
    pre, post = acts[depth]
    if neuron is None:  # the neuron the output leans on most
        out_w = np.abs(net.layers[depth + 1].weights[0]) if depth + 1 < len(net.layers) else [1.0]
        neuron = int(np.argmax(out_w))
    # the first-layer neurons that feed it most, weighted by how much they vary over the plane
    row = net.layers[depth].weights[neuron]
    fed = np.flatnonzero(row)
    feed = np.abs(row[fed]) * (acts[0][1][:, fed].std(axis=0) + 1e-12)
    picks = np.sort(fed[np.argsort(feed)[::-1][:first]])
    return {
        "first": [(int(i), acts[0][1][:, i].reshape(shape)) for i in picks],
        "layer": depth,
        "neuron": neuron,
        "before": pre[:, neuron].reshape(shape),
        "after": post[:, neuron].reshape(shape),
    }


def layers_figure(
    net: LayeredNet, target: Target, *, first: int = 4, neuron: int | None = None
) -> Figure:
    """Neurons as R²→R surfaces: first-layer ridges, then one deeper neuron's sum and output."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from uat.plot.figures import STYLE

    x, y = surface_grid(target, net)
    parts = neuron_surfaces(net, x, y, first=first, neuron=neuron)
    act1 = net.layers[0].activation
    cols = max(len(parts["first"]), 2)
    with mpl.rc_context(STYLE | {"axes.grid": False}):  # type: ignore[arg-type]
        fig = Figure(figsize=(4.2 * cols, 8.0))
        for i, (index, z) in enumerate(parts["first"]):
            ax = fig.add_subplot(2, cols, i + 1, projection="3d")
            draw_surface(ax, x, y, z, f"layer 1, neuron {index}: {act1}(w·(x, y) + b)")
        depth, k = parts["layer"], parts["neuron"]
        last = depth == len(net.layers) - 1
        where = "output: Σ v·a + c" if last else f"layer {depth + 1}, neuron {k}: input sum"
        act = net.layers[depth].activation
        panels = [(parts["before"], where)]
        if act != "identity":  # an identity output would repeat the sum
            panels.append((parts["after"], f"after {act}: Σ squashed"))
        for j, (z, title) in enumerate(panels):
            ax = fig.add_subplot(2, cols, cols + j + 1, projection="3d")
            draw_surface(ax, x, y, z, title)
    return fig


SURFACE_METHOD_COLORS = {
    "construct": "#0072B2",
    "nielsen": "#56B4E9",
    "ridges": "#009E73",
    "train": "#D55E00",
    "train2": "#CC79A7",
}


def surface_convergence_figure(
    study: Convergence, *, size: tuple[float, float] = (7.5, 5.0)
) -> Figure:
    """Sup error against hidden neurons, log-log, per method with its slope; towers' bound."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from uat.core.towers import TOWER_BOUND_FORMULA
    from uat.plot.figures import STYLE

    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        fig = Figure(figsize=size)
        ax = fig.add_subplot()
        slopes = study.slopes
        for method in dict.fromkeys(p.method for p in study.points):
            mine = sorted((p for p in study.points if p.method == method), key=lambda p: p.width)
            n = [p.width for p in mine]
            color = SURFACE_METHOD_COLORS.get(method, "#000000")
            slope = slopes.get(method)
            words = "no slope" if slope is None else f"slope {slope:.2f}"
            label = f"{SURFACE_METHOD_NAMES.get(method, method)}: {words}"
            ax.loglog(n, [p.sup_error for p in mine], "o-", color=color, label=label)
            bounds = [p.bound for p in mine]
            if all(b is not None for b in bounds):
                ax.loglog(n, bounds, "--", color=color, lw=1, label=f"bound {TOWER_BOUND_FORMULA}")
        ax.set_xlabel("hidden neurons N")
        ax.set_ylabel("sup error (refined over the plane)")
        ax.set_title(f"{study.target.formula}: error against neurons")
        ax.legend(loc="best")
    return fig


def variant_name(variant: str, fit: Fit) -> str:
    """A network's name in a comparison: '6×6 towers', 'trained, 2 hidden layers (24×24)'."""
    from uat.jobs.choice import net_label

    label = net_label(fit.method, fit.size, len(fit.net.widths))
    return label + (f" ({'×'.join(map(str, fit.net.widths))})" if fit.method == "train" else "")


def surface_compare_figure(
    result: Comparison, *, size: tuple[float, float] | None = None
) -> Figure:
    """Each network's surface over its error map (one log colour scale), numbers in titles."""
    import matplotlib as mpl
    from matplotlib.colors import LogNorm
    from matplotlib.figure import Figure

    from uat.plot.figures import STYLE

    n = len(result.fits)
    with mpl.rc_context(STYLE | {"axes.grid": False}):  # type: ignore[arg-type]
        fig = Figure(figsize=size or (3.6 * n + 1.0, 7.4))
        x, y = surface_grid(result.target)
        top = max(f.errors.sup for f in result.fits)
        norm = LogNorm(max(top * 1e-5, 1e-300), max(top, 1e-300), clip=True)
        zs = [f.net(x, y) for f in result.fits]
        z_t = result.target(x, y)
        lo = float(min(z_t.min(), *(z.min() for z in zs)))
        hi = float(max(z_t.max(), *(z.max() for z in zs)))
        image = None
        for i, (variant, fit, z) in enumerate(zip(result.variants, result.fits, zs, strict=True)):
            ax = fig.add_subplot(2, n, i + 1, projection="3d")
            title = f"{variant_name(variant, fit)}\n{fit.net.n_neurons} neurons"
            draw_surface(ax, x, y, z, f"{title}, {fit.net.n_parameters} parameters")
            ax.set_zlim(lo, hi)
            ax_err = fig.add_subplot(2, n, n + i + 1)
            gx, gy = result.target.grid()
            image = draw_error_map(ax_err, fit, gx, gy, norm=norm)
            ax_err.set_title(
                f"sup (★) {fit.errors.sup:.3g}\nRMSE {fit.errors.rmse:.3g}", fontsize=10
            )
        assert image is not None
        fig.colorbar(image, ax=fig.axes[1::2], shrink=0.8, label="|error| (log scale)")
        fig.suptitle(f"{result.target.formula}: about {result.n_neurons} hidden neurons each")
    return fig
