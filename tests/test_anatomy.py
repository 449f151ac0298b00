"""The anatomy figure: panels, the numbers they carry, and the curves read back from artists."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from uat.core.activations import sigmoid
from uat.core.targets import get_target
from uat.jobs.commands import fit
from uat.jobs.fitting import Fit
from uat.plot.anatomy import anatomy_figure, middle_pair, neuron_order
from uat.plot.figures import format_number, style
from uat.settings import Settings


@pytest.fixture(scope="module")
def hand() -> Fit:
    return fit(get_target("sin"), 8)


@pytest.fixture(scope="module")
def trained() -> Fit:
    return fit(get_target("sin"), 10, Settings(method="train"))


def make(f: Fit) -> Figure:
    with style():
        return anatomy_figure(f)


def panel(fig: Figure, gid: str) -> Axes:
    (ax,) = [a for a in fig.axes if a.get_gid() == gid]
    return ax


def line(ax: Axes, gid: str) -> Line2D:
    (ln,) = [a for a in ax.get_lines() if a.get_gid() == gid]
    return ln


def test_hand_built_has_six_titled_panels(hand: Fit) -> None:
    fig = make(hand)
    gids = [ax.get_gid() for ax in fig.axes]
    assert gids == ["neuron", "pair", "bars", "sum", "error", "diagram"]
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert all(t.strip() for t in titles)
    assert [t.split(" · ")[0] for t in titles] == ["1", "2", "3", "4", "5", "6"]
    assert "s = −b/w" in titles[0] and "bump" in titles[1]


def test_single_neuron_panel_marks_its_step_with_the_numbers(hand: Fit) -> None:
    net = hand.net
    pair = middle_pair(net)
    assert pair.up % 2 == 0 and pair.down == pair.up + 1
    w, b = net.w[pair.up], net.b[pair.up]
    ax = panel(make(hand), "neuron")
    xs = np.asarray(line(ax, "step").get_xdata(), float)
    np.testing.assert_allclose(xs, -b / w, atol=1e-12)
    x, y = (np.asarray(d, float) for d in line(ax, "activation").get_data())
    np.testing.assert_allclose(y, sigmoid(w * x + b), atol=1e-12)  # an independent σ
    (text,) = [t.get_text() for t in ax.texts if t.get_gid() == "numbers"]
    for value in (w, b, -b / w, 4 / w):
        assert format_number(float(value)) in text


def test_pair_panel_sums_to_a_bump_of_height_h(hand: Fit) -> None:
    net = hand.net
    pair = middle_pair(net)
    h = net.v[pair.up]  # sigmoid steps go from 0 to 1: h is the up neuron's weight
    assert net.v[pair.down] == pytest.approx(-h)
    assert abs(h) > 0.1  # a bump worth explaining, not a flat one
    ax = panel(make(hand), "pair")
    up = np.asarray(line(ax, "up").get_ydata(), float)
    down = np.asarray(line(ax, "down").get_ydata(), float)
    bump = np.asarray(line(ax, "bump").get_ydata(), float)
    np.testing.assert_allclose(bump, up + down, atol=1e-12)
    assert bump[np.argmax(np.abs(bump))] == pytest.approx(h, rel=1e-3)
    assert up.max() == pytest.approx(h, rel=1e-3) and down.min() == pytest.approx(-h, rel=1e-3)
    labels = " ".join(ln.get_label() for ln in ax.get_lines())
    for value in (h, pair.s1, pair.s2):
        assert format_number(float(value)) in labels


def test_bars_panel_has_one_filled_artist_per_bump(hand: Fit) -> None:
    ax = panel(make(hand), "bars")
    bars = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_gid() == "bar"]
    assert len(bars) == hand.net.n_neurons // 2 == 4
    faces = [tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in bars]
    assert all(a != b for a, b in zip(faces, faces[1:], strict=False))  # neighbours differ
    x, y = (np.asarray(d, float) for d in line(ax, "target").get_data())
    np.testing.assert_allclose(y, np.sin(x), atol=1e-12)


def test_sum_panel_draws_the_network(hand: Fit) -> None:
    ax = panel(make(hand), "sum")
    x, y = (np.asarray(d, float) for d in line(ax, "network").get_data())
    np.testing.assert_allclose(y, hand.net(x), atol=1e-12)
    assert x[0] == pytest.approx(-np.pi) and x[-1] == pytest.approx(np.pi)


def test_error_panel_marks_sup_error_and_bound(hand: Fit) -> None:
    ax = panel(make(hand), "error")
    levels = sorted(float(ln.get_ydata()[0]) for ln in ax.get_lines() if ln.get_gid() == "sup")
    assert levels == pytest.approx([-hand.errors.sup, hand.errors.sup])
    assert hand.bound is not None
    bounds = sorted(float(ln.get_ydata()[0]) for ln in ax.get_lines() if ln.get_gid() == "bound")
    assert bounds == pytest.approx([-hand.bound, hand.bound])
    assert all(ln.get_linestyle() == "--" for ln in ax.get_lines() if ln.get_gid() == "bound")
    x, e = (np.asarray(d, float) for d in line(ax, "error").get_data())
    assert np.max(np.abs(e)) <= hand.errors.sup * (1 + 1e-6)


def test_trained_partial_sums_end_at_the_network(trained: Fit) -> None:
    fig = make(trained)
    ax = panel(fig, "cumulative")
    assert ax.get_title(loc="left").strip()
    x, y = (np.asarray(d, float) for d in line(ax, "network").get_data())
    np.testing.assert_allclose(y, trained.net(x), atol=1e-9)
    (partial,) = [c for c in ax.collections if c.get_gid() == "partial"]
    assert isinstance(partial, LineCollection)
    assert len(partial.get_segments()) == trained.net.n_neurons - 1
    # the first partial sum is the bias plus the leftmost neuron alone
    first = partial.get_segments()[0]
    i = neuron_order(trained.net)[0]
    expected = trained.net.c + trained.net.contributions(first[:, 0])[i]
    np.testing.assert_allclose(first[:, 1], expected, atol=1e-9)


def test_trained_neurons_are_drawn_in_order_of_position(trained: Fit) -> None:
    net = trained.net
    order = neuron_order(net)
    assert np.all(np.diff(net.step_positions[order]) >= 0)
    ax = panel(make(trained), "outputs")
    (lc,) = [c for c in ax.collections if c.get_gid() == "neurons"]
    segs = lc.get_segments()
    assert len(segs) == net.n_neurons
    x = segs[0][:, 0]
    contrib = net.contributions(x)
    # identify each drawn curve by matching it to a neuron's v·σ(w·x + b)
    drawn = [int(np.argmin(np.abs(contrib - s[:, 1]).max(axis=1))) for s in segs]
    positions = net.step_positions[drawn]
    assert np.all(np.diff(positions) >= 0)
    # colours follow position: viridis gets lighter monotonically, so must the drawn curves
    luminance = lc.get_colors()[:, :3] @ np.array([0.2126, 0.7152, 0.0722])
    assert np.all(np.diff(luminance) >= -1e-12) and luminance[-1] > luminance[0]


def test_trained_figure_says_what_it_shows(trained: Fit) -> None:
    fig = make(trained)
    assert fig.get_suptitle()
    assert "cancel" in fig.get_suptitle()
    total = float(np.sum(np.abs(trained.net.v)))
    assert format_number(total) in fig.get_suptitle()
    assert {ax.get_gid() for ax in fig.axes} >= {"outputs", "cumulative", "weights", "error"}


@pytest.mark.parametrize("activation", ["tanh", "step"])
def test_other_step_activations_draw(activation: str) -> None:
    f = fit(get_target("sin"), 8, Settings(activation=activation))
    fig = make(f)
    ax = panel(fig, "pair")
    bump = np.asarray(line(ax, "bump").get_ydata(), float)
    assert np.max(np.abs(bump)) == pytest.approx(abs(middle_pair(f.net).height), rel=1e-3)


def test_relu_nets_do_not_crash() -> None:
    f = fit(get_target("sin"), 6, Settings(method="train", activation="relu", max_iter=20))
    assert len(make(f).axes) >= 4


def test_figure_saves_as_png(hand: Fit, trained: Fit, tmp_path: Path) -> None:
    for name, f in (("hand", hand), ("trained", trained)):
        path = tmp_path / f"{name}.png"
        with style():
            anatomy_figure(f).savefig(path)
        with Image.open(path) as img:
            width, height = img.size
        assert 1200 < width < 3000 and 900 < height < 2000


def error_labels(fig: Figure) -> tuple[str, list[str]]:
    ax = panel(fig, "error")
    return ax.get_title(loc="left"), [t.get_text() for t in ax.get_legend().get_texts()]


def test_relu_error_panel_names_the_ramp_bound() -> None:
    """Bug 2: `uat explain sin --activation relu` labelled Δ²·max|f″|/8 as "L·Δ/2"."""
    f = fit(get_target("sin"), 6, Settings(activation="relu"))
    bound = (2 * np.pi / 3) ** 2 / 8  # Δ²·max|sin″|/8 by hand
    title, labels = error_labels(make(f))
    for text in (title, *labels):
        assert "L·Δ/2" not in text
    assert f"Δ²·max|f″|/8 = {format_number(bound)}" in title
    assert any(f"±bound Δ²·max|f″|/8 = {format_number(bound)}" == t for t in labels)


def test_sigmoid_output_error_panel_names_the_inner_bound() -> None:
    """Bug 2, second half: under a sigmoid output the bound is ¼ of the one for σ⁻¹∘f."""
    f = fit(
        get_target("0.5+0.4*sin(x)", domain=(-3.0, 3.0)), 10, Settings(output_activation="sigmoid")
    )
    title, labels = error_labels(make(f))
    assert "¼·L·Δ/2 + soft-step leak of σ⁻¹∘f" in title
    assert any(t.startswith("±bound ¼·L·Δ/2 + soft-step leak of σ⁻¹∘f") for t in labels)


def test_many_bumps_are_filled_per_colour_and_sum_to_the_network() -> None:
    f = fit(get_target("sin"), 600)  # 300 bumps: more than DRAWN_PARTS
    ax = panel(make(f), "bars")
    cols = [c for c in ax.collections if c.get_gid() == "bars"]
    assert [len(c.get_paths()) for c in cols] == [150, 150]
    x = np.linspace(-np.pi, np.pi, 4001)
    total = np.zeros_like(x)
    for c in cols:
        for path in c.get_paths():
            px, py = path.vertices[1:-1].T  # drop the two base corners
            total += np.interp(x, px, py, left=0.0, right=0.0)
    # linear interpolation between grid points: within the curvature of a steep step
    assert np.median(np.abs(total - f.net(x))) < 1e-3


def test_a_wide_trained_net_is_drawn_thinned_from_exact_partial_sums(rng) -> None:
    """Above DRAWN_PARTS neurons: 200 curves per panel, the partial sums still exact."""
    from uat.core.metrics import errors
    from uat.core.network import ShallowNet
    from uat.plot.anatomy import partial_sums

    t = get_target("sin")
    n = 260
    w = rng.uniform(2, 6, n)
    net = ShallowNet(w, -w * rng.uniform(-3, 3, n), rng.normal(0, 0.05, n), 0.1,
                     domain=t.domain, method="train")  # fmt: skip
    f = Fit(t, net, errors(net, t), 0.0, None)
    fig = make(f)
    (lc,) = [c for c in panel(fig, "outputs").collections if c.get_gid() == "neurons"]
    assert len(lc.get_segments()) == 200
    assert "200 of 260 shown" in panel(fig, "outputs").get_title(loc="left")
    assert "200 of the 260 sums shown" in panel(fig, "cumulative").get_title(loc="left")
    (partial,) = [c for c in panel(fig, "cumulative").collections if c.get_gid() == "partial"]
    assert len(partial.get_segments()) == 199
    x = np.linspace(-3, 3, 7)
    order = neuron_order(net)
    dense = net.c + np.cumsum(sigmoid(np.outer(x, net.w[order]) + net.b[order]) * net.v[order], 1)
    counts = np.array([1, 2, 130, 260])
    np.testing.assert_allclose(
        partial_sums(net, x, order, counts), dense[:, counts - 1], atol=1e-12
    )


def test_diagram_panel_lights_the_pair_of_panels_one_and_two(hand: Fit) -> None:
    """The lit pair's label carries the w, b and h drawn in panels 1 and 2."""
    fig = make(hand)
    pair = middle_pair(hand.net)
    texts = [t.get_text() for t in panel(fig, "diagram").texts if t.get_visible()]
    (label,) = [t for t in texts if t.startswith("bump")]
    assert label.startswith(f"bump {pair.index + 1} of {hand.net.n_neurons // 2}")
    w = float(hand.net.w[pair.up])
    assert f"w = {w:.3g}" in label and f"{abs(pair.height):.3g}" in label


def test_every_title_stays_inside_the_figure(hand: Fit) -> None:
    """Titles wrap to their panel: none runs past the figure's right edge (issue 12)."""
    train = fit(get_target("sin"), 10, Settings(method="train"))  # gallery/anatomy-trained.png
    for f in (hand, train):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = make(f)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        right = fig.bbox.x1
        for ax in fig.axes:
            for loc in ("left", "center"):
                title = ax.title if loc == "center" else ax._left_title
                if title.get_text():
                    assert title.get_window_extent(renderer).x1 <= right + 1


@pytest.mark.parametrize("method", ["construct", "train"])
def test_a_long_expression_title_wraps_inside_the_figure(method: str) -> None:
    """'natomy of a hand-built fit: … steepness w = 2': the title ran off both sides."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    spec = (
        "exp(-x**2/2)*cos(3*x)+0.5*tanh(4*x)-abs(x)**1.5*sin(7*x)/(1+x**2)+sqrt(abs(x))*log(1+x**2)"
    )
    f = fit(get_target(spec, (-3.0, 3.0)), 10, Settings(method=method, max_iter=5))
    with style():
        fig = anatomy_figure(f)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        box = fig._suptitle.get_window_extent(canvas.get_renderer())  # type: ignore[union-attr]
    assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1
