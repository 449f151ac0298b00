"""Figures from results: curves read back from the artists, bounds labelled by their formula."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from uat.core.targets import get_target
from uat.jobs.commands import fit
from uat.jobs.fitting import Fit
from uat.plot.figures import Curves, compare_figure, fit_figure, style
from uat.settings import Settings


def make(f: Fit) -> Figure:
    with style():
        fig = fit_figure(f)
        fig.canvas.draw()
        return fig


def line_data(ax: Axes, label: str) -> tuple[np.ndarray, np.ndarray]:
    (ln,) = [ln for ln in ax.get_lines() if ln.get_label() == label]
    return np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)


@pytest.mark.parametrize("n", [8, 600])
def test_fit_figure_draws_the_network_and_the_error_it_measures(n: int) -> None:
    """Bumps summed pair by pair near their steps equal the dense evaluation of the net."""
    f = fit(get_target("sin"), n)
    fig = make(f)
    ax, ax_err = fig.axes
    x, y = line_data(ax, "hand-built network")
    np.testing.assert_allclose(y, f.net(x), atol=1e-12)  # the network's own dense evaluation
    np.testing.assert_allclose(line_data(ax, "target")[1], np.sin(x), atol=1e-15)
    (err,) = [ln for ln in ax_err.get_lines() if ln.get_gid() == "error"]
    xe = np.asarray(err.get_xdata())  # thinned to what pixels show past 12,000 points
    np.testing.assert_allclose(np.asarray(err.get_ydata()), f.net(xe) - np.sin(xe), atol=1e-12)
    assert np.max(np.abs(err.get_ydata())) == pytest.approx(f.errors.grid_sup, rel=0.02)
    sup = sorted(float(ln.get_ydata()[0]) for ln in ax_err.get_lines() if ln.get_gid() == "sup")
    assert sup == pytest.approx([-f.errors.sup, f.errors.sup])


def test_fit_figure_names_the_ramp_bound_by_its_formula() -> None:
    """Bug 2's sibling: a ReLU net's bound is Δ²·max|f″|/8, computed here by hand."""
    f = fit(get_target("sin"), 6, Settings(activation="relu"))
    delta = 2 * math.pi / 3
    bound = delta**2 * 1.0 / 8  # max|sin″| = 1
    assert f.bound == pytest.approx(bound, rel=1e-3)
    title = make(f).axes[1].get_title(loc="left")
    assert "Δ²·max|f″|/8" in title and "L·Δ/2" not in title
    assert f"{bound:.3g}" in title


def test_fit_figure_under_a_sigmoid_output_names_the_inner_bound() -> None:
    f = fit(
        get_target("0.5+0.4*sin(x)", domain=(-3.0, 3.0)), 10, Settings(output_activation="sigmoid")
    )
    fig = make(f)
    assert len(fig.axes) == 3
    title = fig.axes[-1].get_title(loc="left")
    assert "¼·L·Δ/2 + soft-step leak of σ⁻¹∘f" in title
    x, h = line_data(fig.axes[0], "hidden sum")
    np.testing.assert_allclose(h, f.net.hidden_sum(x), atol=1e-12)


@pytest.mark.parametrize(
    "settings",
    [Settings(), Settings(activation="tanh", shifts=2), Settings(activation="relu"),
     Settings(activation="step")],
)  # fmt: skip
def test_curves_evaluate_the_net_once_and_exactly(settings: Settings) -> None:
    f = fit(get_target("gaussian"), 40, settings)
    c = Curves.of(f)
    np.testing.assert_allclose(c.hidden, f.net.hidden_sum(c.x), atol=1e-12)
    np.testing.assert_allclose(c.net, f.net(c.x), atol=1e-12)
    np.testing.assert_allclose(c.error, f.net(c.x) - np.exp(-(c.x**2)), atol=1e-12)


def test_compare_figure_draws_each_error_on_one_log_axis() -> None:
    t = get_target("sin")
    fits = [fit(t, 10), fit(t, 10, Settings(method="train", max_iter=5))]
    with style():
        fig = compare_figure(fits)
    ax_err = fig.axes[-1]
    assert ax_err.get_yscale() == "log"
    for f, ln in zip(fits, ax_err.get_lines(), strict=True):
        x, e = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
        want = np.maximum(np.abs(f.net(x) - np.sin(x)), 1e-17)
        np.testing.assert_allclose(e, want, rtol=1e-9, atol=1e-15)


def test_convergence_figure_draws_the_bound_that_fit_prints() -> None:
    from uat.core.construct import hand_built
    from uat.jobs.commands import convergence
    from uat.plot.figures import convergence_figure

    widths = [4, 8, 16, 32]
    target = get_target("sin")
    res = convergence(target, widths, ["construct"])
    with style():
        fig = convergence_figure(target, res.points)
    ax = fig.axes[0]
    (bound,) = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("bound L·Δ/2")]
    assert "leak" in str(bound.get_label())
    drawn = np.asarray(bound.get_ydata(), float)
    printed = [fit(target, n, Settings()).to_dict()["bound"] for n in widths]
    np.testing.assert_allclose(drawn, printed, rtol=1e-12)
    # above L·Δ/2 with L = 1 and Δ = 2π/(N/2) (the leak is added), and above the true sup
    assert np.all(drawn > [2 * math.pi / n for n in widths])
    x = np.linspace(-math.pi, math.pi, 400_001)
    true = [float(np.max(np.abs(hand_built(target, n)(x) - np.sin(x)))) for n in widths]
    assert np.all(drawn >= true)


def test_convergence_figure_says_a_jump_has_no_uniform_convergence() -> None:
    from uat.jobs.records import Point
    from uat.plot.figures import convergence_figure

    points = [Point(n, "construct", 0.5, 1.0 / n, 0.0, 0) for n in (4, 8, 16)]
    with style():
        fig = convergence_figure(get_target("step"), points)
    ax = fig.axes[0]
    assert "cannot vanish" in ax.get_title()
    assert not [ln for ln in ax.get_lines() if str(ln.get_label()).startswith("bound")]


def test_constant_target_is_not_called_a_jump() -> None:
    from uat.core.targets import get_target
    from uat.jobs.commands import convergence
    from uat.plot.figures import convergence_figure, style

    t = get_target("2")
    with style():
        fig = convergence_figure(t, convergence(t, [2, 4, 8], ["construct"]).points)
    assert "jumps" not in fig.axes[0].get_title()


def test_convergence_figure_marks_the_optimiser_floor_and_fits_above_it() -> None:
    from uat.jobs.records import Point
    from uat.plot.figures import convergence_figure

    widths = [2**k for k in range(1, 13)]  # 2 … 4096: the slopes start at √(2·4096) ≈ 90
    law = [min(1.0, 8.0 / n**3) for n in widths[:9]]  # 8/N³ up to N = 512
    sups = law + [2e-8, 2.4e-8, 2.8e-8]  # then the floor, rising a little
    pts = [Point(n, "train", e, e / 4, 0.0, 0, "mse") for n, e in zip(widths, sups, strict=True)]
    with style():
        fig = convergence_figure(get_target("sin"), pts)
    ax = fig.axes[0]
    # above the floor the widths right of the shaded band, 128, 256, 512, follow 8/N³: −3
    x, y = line_data(ax, "trained sup (slope -3.00 above the floor)")
    np.testing.assert_allclose(x, widths[:10])  # drawn solid up to the floor's first width
    floor = [c for c in ax.collections if "optimiser's floor" in str(c.get_label())]
    assert len(floor) == 2  # sup and RMSE each have their dotted level
    assert str(floor[0].get_label()).endswith("≈ 2.40e-08")  # the median of the floor values


def test_faint_bumps_are_grey_and_never_drawn_where_they_are_zero() -> None:
    """Issue 12: 25 bumps' zero tails stacked into a dark line the network's colour on y = 0."""
    from matplotlib.collections import LineCollection
    from matplotlib.colors import to_hex

    from uat.plot.figures import PART_FLOOR, method_color

    f = fit(get_target("sin"), 50)
    ax = make(f).axes[0]
    (lc,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert to_hex(lc.get_colors()[0]) != method_color("construct").lower()
    ys = np.concatenate([seg[1:-1, 1] for seg in lc.get_segments() if len(seg) > 2])
    heights = np.abs(f.net.v[::2])  # each bump's height h (sigmoid steps span 0..1)
    # inside each run (its one-point margins aside) every point is above the floor of its bump
    assert np.min(np.abs(ys)) > PART_FLOOR * np.min(heights[heights > 0]) * 0.99
    # and the zero tails are gone: far fewer points than 25 bumps over the whole grid
    assert sum(len(seg) for seg in lc.get_segments()) < 0.5 * 25 * 10_001


def test_the_target_is_drawn_dashed_on_top_of_a_trained_fit() -> None:
    """A trained net lies on the target; the target must still show (issue 12)."""
    f = fit(get_target("sin"), 10, Settings(method="train", max_iter=30))
    ax = make(f).axes[0]
    (target,) = [ln for ln in ax.get_lines() if ln.get_label() == "target"]
    (net,) = [ln for ln in ax.get_lines() if ln.get_label() == "trained network"]
    assert target.get_linestyle() == "--"
    assert target.get_zorder() > net.get_zorder()
    assert max(c.get_zorder() for c in ax.collections) < net.get_zorder()


def test_each_trained_neuron_is_drawn_over_the_whole_domain() -> None:
    """The faint curves were the transposed array: 2001 scribbles over x[:N] at the left edge."""
    from matplotlib.collections import LineCollection

    f = fit(get_target("gaussian"), 12, Settings(method="train", max_iter=30))
    ax = make(f).axes[0]
    (lc,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segs = lc.get_segments()
    assert len(segs) >= 12  # one curve per neuron at least (split where it is zero)
    xs = np.concatenate([s[:, 0] for s in segs])
    assert xs.min() == pytest.approx(-3.0) and xs.max() == pytest.approx(3.0)
    # every neuron's curve is v·σ(w·x + b) at its points, shifted by a constant (its offset
    # is the output bias's): check one against the weights
    net, seg = f.net, max(segs, key=len)
    curves = net.v[:, None] / (1 + np.exp(-(net.w[:, None] * seg[:, 0] + net.b[:, None])))
    shifts = curves - seg[:, 1]
    assert np.min(np.ptp(shifts, axis=1)) < 1e-9


def test_wrap_text_keeps_mathtext_whole_and_lines_short() -> None:
    from uat.plot.figures import wrap_text

    text = r"$x^{2} \sin 5 x$: hand-built network with many words after it, sup error 0.1"
    lines = wrap_text(text, 2.0, 12).split("\n")  # 2 in at 12 pt: 24 characters a line
    assert len(lines) >= 3
    assert lines[0].startswith(r"$x^{2} \sin 5 x$")
    assert all(ln.count("$") % 2 == 0 for ln in lines)
    assert all(len(ln) <= 24 for ln in lines[1:])
    assert " ".join(lines) == text


def test_an_expression_is_titled_as_maths_not_python() -> None:
    f = fit(get_target("x**2*sin(5*x)"), 20)
    title = make(f).axes[0].get_title()
    assert title.startswith(r"$x^{2}\,\sin(5x)$:") and "**" not in title


def test_a_long_title_wraps_inside_the_figure() -> None:
    """A long expression's title used to run off both sides of the figure (issue 12)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    f = fit(get_target("0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)+0.01*exp(x)", (0.0, 1.0)), 40)
    with style():
        fig = fit_figure(f)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        box = fig.axes[0].title.get_window_extent(canvas.get_renderer())
    assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1
    assert "\n" in fig.axes[0].get_title()


def test_compare_figure_puts_each_fit_under_its_activation_and_explains_a_missing_cell() -> None:
    """With five activations the trained row was packed left: trained softplus under step."""
    from uat.jobs.commands import compare

    result = compare(
        get_target("sin"), 10, Settings(max_iter=5), activations=["sigmoid", "step", "relu"]
    )
    with style():
        fig = compare_figure(result.fits, columns=len(result.activations))
    fig.canvas.draw()
    boxes = {}
    for ax in fig.axes[:-1]:
        title = ax.get_title()
        if title:
            boxes[title.split(":")[0]] = ax.get_position()
    column = {name: round(box.x0, 3) for name, box in boxes.items()}
    assert column["trained, relu"] == column["hand-built, relu"]
    assert column["trained, sigmoid"] == column["hand-built, sigmoid"]
    notes = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("trained, step" in n and "cannot be trained" in n for n in notes)
    note = next(ax for ax in fig.axes if any("trained, step" in t.get_text() for t in ax.texts))
    assert round(note.get_position().x0, 3) == column["hand-built, step"]


def test_wrap_text_never_breaks_beside_a_relation_sign() -> None:
    """The trained anatomy's panel c broke 'Σv =' from '-2.58'."""
    from uat.plot.figures import wrap_text

    text = "c · output weights at their positions: Σ|v| = 12.3, Σv = -2.58"
    for width in (1.5, 2.0, 2.5, 3.0, 4.0):
        lines = wrap_text(text, width, 12).split("\n")
        assert not any(ln.endswith(("=", "≤")) or ln.startswith(("=", "≤")) for ln in lines)
        assert " ".join(lines) == text


def test_envelope_keeps_every_bucket_extreme_in_order() -> None:
    from uat.plot.figures import envelope

    rng = np.random.default_rng(3)
    x = np.linspace(0, 1, 40_001)
    y, z = rng.normal(size=x.size), np.sin(40 * x)
    y[12_345] = 9.0  # one spike: the sup error's peak must stay drawn
    xe, ye, ze = envelope(x, y, z, buckets=1000)
    assert xe.size <= 4 * 1000 * 2 and np.all(np.diff(xe) > 0)
    assert 9.0 in ye and ye.max() == y.max() and ye.min() == y.min()
    edges = np.linspace(0, x.size, 1001).astype(int)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):  # each bucket's extremes, each curve
        inside = (xe >= x[lo]) & (xe <= x[hi - 1])
        assert ye[inside].max() == y[lo:hi].max() and ye[inside].min() == y[lo:hi].min()
        assert ze[inside].max() == z[lo:hi].max() and ze[inside].min() == z[lo:hi].min()
    small = np.arange(10.0)
    assert envelope(small, small)[0] is small  # few points: untouched


def test_style_leaves_the_backend_and_rcparams_as_it_found_them(tmp_path) -> None:
    # a notebook's inline backend must survive `with style():` (it was switched to Agg for good)
    import matplotlib

    from uat.jobs.commands import fit
    from uat.jobs.request import resolve_target
    from uat.plot import fit_figure, save_figure, style
    from uat.plot.figures import STYLE

    changed = [k for k in STYLE if matplotlib.rcParams[k] != STYLE[k]]
    assert changed, "STYLE changes nothing, so the test below could not fail"
    before = {k: matplotlib.rcParams[k] for k in changed}
    matplotlib.use("pdf")
    try:
        with style():
            assert all(matplotlib.rcParams[k] == STYLE[k] for k in changed)
            save_figure(fit_figure(fit(resolve_target("sin"), 6)), tmp_path / "f.png")
        assert matplotlib.get_backend() == "pdf"
        assert {k: matplotlib.rcParams[k] for k in changed} == before
    finally:
        matplotlib.use("Agg")
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
