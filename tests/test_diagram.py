"""The network diagram: layout, weights on the edges, the lit unit's numbers, legible labels."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from uat.core.construct import hand_built
from uat.core.network import ShallowNet
from uat.core.targets import get_target
from uat.errors import UatError
from uat.plot.diagram import (
    NetworkDiagram,
    diagram_frame,
    diagram_layout,
    draw_network,
    shown_positions,
)

SIN = get_target("sin")


def _random_net(rng: np.random.Generator, n: int) -> ShallowNet:
    """A net as training leaves one: group 1, weights of both signs, steps in any order."""
    return ShallowNet(w=rng.normal(0, 5, n), b=rng.normal(0, 3, n), v=rng.normal(0, 1, n))


def _figure(panels: str):  # type: ignore[no-untyped-def]
    """An 800×500 px figure in uat's style; the diagram's Axes alone, or beside a plot."""
    import matplotlib.pyplot as plt

    from uat.plot.figures import STYLE

    with plt.rc_context(STYLE):  # type: ignore[arg-type]  # constrained layout, as uat draws
        fig = plt.figure(figsize=(8, 5), dpi=100)
    if panels == "alone":
        return fig, fig.add_subplot()
    left, right = fig.subplots(1, 2, width_ratios=[3, 2])
    left.plot([0, 1], [0, 1])
    left.set_title("the fit beside the diagram")
    return fig, right


def _boxes(fig, ax):  # type: ignore[no-untyped-def]
    """Window extents of every visible label, bounding boxes included."""
    renderer = fig.canvas.get_renderer()
    boxes = []
    for text in ax.texts:
        if not text.get_visible() or not text.get_text():
            continue
        patch = text.get_bbox_patch()
        box = (patch if patch is not None else text).get_window_extent(renderer)
        boxes.append((text.get_text(), box))
    return boxes


NETS = {
    "sigmoid-50": lambda rng: hand_built(SIN, 50),
    "sigmoid-108": lambda rng: hand_built(SIN, 108),
    "sigmoid-2": lambda rng: hand_built(SIN, 2),
    "tanh-6": lambda rng: hand_built(SIN, 6, activation="tanh"),
    "step-16": lambda rng: hand_built(SIN, 16, activation="step"),
    "relu-20": lambda rng: hand_built(SIN, 20, activation="relu"),
    "softplus-40": lambda rng: hand_built(SIN, 40, activation="softplus"),
    "shifted-3x10": lambda rng: hand_built(SIN, 10, shifts=3),
    "trained-30": lambda rng: _random_net(rng, 30),
    "trained-1": lambda rng: _random_net(rng, 1),
}


@pytest.mark.parametrize("panels", ["alone", "beside"])
@pytest.mark.parametrize("name", list(NETS))
def test_labels_never_overlap_and_stay_in_the_figure(
    name: str, panels: str, rng: np.random.Generator
) -> None:
    net = NETS[name](rng)
    units = net.n_neurons // (2 if net.group == 2 else 1)
    for highlight in sorted({None, 0, units // 2, units - 1}, key=lambda h: -1 if h is None else h):
        fig, ax = _figure(panels)
        draw_network(ax, net, highlight=highlight)
        fig.canvas.draw()
        boxes = _boxes(fig, ax)
        assert len(boxes) >= (4 if highlight is not None else 3)  # x, y, heading, the lit label
        figure_box = fig.bbox
        for text, box in boxes:
            assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1, (text, highlight)
            assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1, (text, highlight)
            assert box.height >= 8, text  # at least 6.5 pt at 100 dpi: readable
        for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), (name, highlight, ta, tb)
        import matplotlib.pyplot as plt

        plt.close(fig)


def test_large_nets_are_summarised_with_the_count_of_hidden_pairs() -> None:
    import matplotlib.pyplot as plt

    net = hand_built(SIN, 108)  # 54 pairs
    ax = plt.figure(figsize=(8, 5), dpi=100).add_subplot()
    diagram = NetworkDiagram(ax, net, max_pairs=8)
    assert len(diagram.hidden_nodes.get_offsets()) == 2 * 8  # eight pairs, two neurons each
    assert [t.get_text() for t in diagram.gap_texts] == ["⋮ 46 more pairs"]  # 54 − 8
    shown = [u for u in diagram.layout.rows if u is not None]
    assert shown == [0, 1, 2, 3, 50, 51, 52, 53]  # the first and the last pairs


def test_a_lit_pair_inside_the_summary_is_shown_between_two_ellipses() -> None:
    import matplotlib.pyplot as plt

    net = hand_built(SIN, 108)
    ax = plt.figure(figsize=(8, 5), dpi=100).add_subplot()
    draw_network(ax, net, highlight=20, max_pairs=8)
    gaps = sorted(t.get_text() for t in ax.texts if "more" in t.get_text())
    # 54 pairs, 8 drawn: 0-3, 20, 51-53; the gaps hold pairs 4-19 and 21-50
    assert gaps == ["⋮ 16 more pairs", "⋮ 30 more pairs"]
    label = next(t.get_text() for t in ax.texts if t.get_text().startswith("bump"))
    assert label.startswith("bump 21 of 54")


def test_small_nets_are_drawn_whole() -> None:
    import matplotlib.pyplot as plt

    ax = plt.figure().add_subplot()
    diagram = NetworkDiagram(ax, hand_built(SIN, 10), max_pairs=8)
    assert len(diagram.hidden_nodes.get_offsets()) == 10
    assert diagram.gap_texts == []


def _number(text: str) -> float:
    return float(text.replace("−", "-").replace("±", ""))


def test_the_lit_pair_label_states_its_weights() -> None:
    import matplotlib.pyplot as plt

    net = hand_built(SIN, 20, activation="tanh")
    k = 3
    ax = plt.figure(figsize=(8, 5), dpi=100).add_subplot()
    draw_network(ax, net, highlight=k)
    label = next(t.get_text() for t in ax.texts if t.get_text().startswith("bump"))
    lines = dict(line.split(" = ", 1) for line in label.splitlines()[1:])
    up, down = 2 * k, 2 * k + 1
    assert _number(lines["w"]) == pytest.approx(net.w[up], rel=5e-3)
    b_up, b_down = (_number(p) for p in lines["b"].split(" | "))
    assert (b_up, b_down) == pytest.approx((net.b[up], net.b[down]), rel=5e-3)
    s_up, s_down = (_number(p) for p in lines["s"].split(" = ")[-1].split(" | "))
    # where the bump's two steps are: its edges on the bump grid (k-th of 10 over [-π, π])
    edges = np.linspace(-np.pi, np.pi, 11)
    assert (s_up, s_down) == pytest.approx((edges[k], edges[k + 1]), abs=5e-3)
    assert lines["s"].startswith("−b/w")
    assert _number(lines["h"]) == pytest.approx(abs(net.v[up]), rel=5e-3)
    assert lines["h"].startswith("±") and net.v[down] == -net.v[up]


def test_edges_are_coloured_by_sign_and_widened_by_size(rng: np.random.Generator) -> None:
    import matplotlib.pyplot as plt

    net = _random_net(rng, 12)
    ax = plt.figure().add_subplot()
    diagram = NetworkDiagram(ax, net)
    for edges, weights in ((diagram.in_edges, net.w), (diagram.out_edges, net.v)):
        drawn = weights[diagram.layout.neurons]
        colors = np.asarray(edges.get_colors())
        blue_minus_red = colors[:, 2] - colors[:, 0]
        assert np.all(np.sign(blue_minus_red) == np.sign(drawn))  # blue +, vermillion −
        widths = np.asarray(edges.get_linewidths())
        order = np.argsort(np.abs(drawn))
        assert np.all(np.diff(widths[order]) >= 0)
        assert widths[order[-1]] == pytest.approx(4.0)  # the largest |weight|, the widest


def test_trained_neurons_are_ordered_by_their_step(rng: np.random.Generator) -> None:
    import matplotlib.pyplot as plt

    net = _random_net(rng, 40)
    ax = plt.figure().add_subplot()
    diagram = NetworkDiagram(ax, net, max_pairs=8)
    s = -net.b / net.w
    y = diagram.hidden_nodes.get_offsets()[:, 1]
    drawn = s[diagram.layout.neurons]
    assert np.all(np.diff(drawn[np.argsort(-y)]) >= 0)  # top to bottom: s increasing
    ranks = np.argsort(np.argsort(s))[diagram.layout.neurons]
    assert sorted(ranks) == [*range(8), *range(32, 40)]  # the 8 lowest and 8 highest steps


def test_light_restyles_only_the_lit_pair() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from uat.plot.figures import OKABE_ITO

    net = hand_built(SIN, 12)
    ax = plt.figure().add_subplot()
    diagram = NetworkDiagram(ax, net)
    yellow = np.array(to_rgba(OKABE_ITO["yellow"]))
    for k in range(6):
        changed = diagram.light(k)
        assert set(map(id, changed)) <= set(map(id, diagram.artists))
        faces = diagram.hidden_nodes.get_facecolors()
        lit = np.all(np.isclose(faces, yellow), axis=1)
        assert np.flatnonzero(lit).tolist() == [2 * k, 2 * k + 1]
        assert len(diagram.lit_edges.get_segments()) == 4  # two in, two out
    diagram.light(None)
    assert not np.any(np.all(np.isclose(diagram.hidden_nodes.get_facecolors(), yellow), axis=1))
    assert not diagram.label.get_visible()


def test_lighting_a_summarised_pair_lights_its_ellipsis() -> None:
    import matplotlib.pyplot as plt

    net = hand_built(SIN, 108)
    ax = plt.figure().add_subplot()
    diagram = NetworkDiagram(ax, net, max_pairs=8)  # a fixed layout, as an animation keeps
    diagram.light(30)
    assert diagram.gap_texts[0].get_fontweight() == "bold"
    assert diagram.label.get_text().startswith("bump 31 of 54")
    assert len(diagram.lit_edges.get_segments()) == 0
    diagram.light(52)
    assert diagram.gap_texts[0].get_fontweight() == "normal"
    assert len(diagram.lit_edges.get_segments()) == 4


def test_labels_can_be_turned_off() -> None:
    import matplotlib.pyplot as plt

    ax = plt.figure().add_subplot()
    draw_network(ax, hand_built(SIN, 108), highlight=2, labels=False)
    shown = [t for t in ax.texts if t.get_visible() and t.get_text() and "more" not in t.get_text()]
    assert shown == []


@pytest.mark.parametrize(
    ("n", "limit", "focus", "expected"),
    [
        (5, 8, None, [0, 1, 2, 3, 4]),
        (20, 8, None, [0, 1, 2, 3, None, 16, 17, 18, 19]),
        (20, 7, None, [0, 1, 2, 3, None, 17, 18, 19]),
        (20, 8, 10, [0, 1, 2, None, 9, 10, 11, None, 18, 19]),  # the focus and its neighbours
        (20, 8, 4, [0, 1, 2, 3, 4, 5, None, 18, 19]),
        (20, 4, 10, [0, 1, None, 10, None, 19]),  # no room for neighbours
        (20, 8, 18, [0, 1, 2, 3, None, 16, 17, 18, 19]),
    ],
)
def test_shown_positions(n: int, limit: int, focus: int | None, expected: list[int | None]) -> None:
    assert shown_positions(n, limit, focus) == expected


def test_frames_are_computed_without_drawing() -> None:
    net = hand_built(SIN, 40)
    layout = diagram_layout(net, max_pairs=6)
    frame = diagram_frame(net, layout, 19)
    assert frame.lit_nodes.sum() == 2 and frame.lit_gap is None
    assert re.match(r"bump 20 of 20\nw = ", frame.label)
    assert diagram_frame(net, layout, 10).lit_gap == 0
    with pytest.raises(UatError, match="no bump 20 to highlight: this net has bumps 0 to 19"):
        diagram_frame(net, layout, 20)
    with pytest.raises(UatError, match="no bump -1 to highlight"):
        diagram_layout(net, focus=-1)


def test_blitting_the_lit_pair_matches_a_full_redraw() -> None:
    import matplotlib.pyplot as plt

    net = hand_built(SIN, 24)
    fig = plt.figure(figsize=(6, 4), dpi=80)
    ax = fig.add_subplot()
    diagram = NetworkDiagram(ax, net, max_pairs=8)
    diagram.set_animated(True)
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
    for k in (0, 5, 11):
        canvas.restore_region(background)  # type: ignore[attr-defined]
        for artist in diagram.light(k):
            fig.draw_artist(artist)
        blitted = np.asarray(canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]
        diagram.set_animated(False)
        canvas.draw()
        full = np.asarray(canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]
        diagram.set_animated(True)
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)  # type: ignore[attr-defined]
        assert np.array_equal(blitted, full), k  # light() named every artist that changed
        yellow = np.abs(full[..., :3].astype(int) - [0xF0, 0xE4, 0x42]).sum(axis=2) < 30
        assert yellow.any() == (k in diagram.layout.rows)  # pair 5 is in the ellipsis


def test_a_growing_net_lights_its_new_pairs_and_ghosts_the_rest() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from uat.plot.diagram import FADED, GHOST
    from uat.plot.figures import OKABE_ITO

    net = hand_built(SIN, 12)  # 6 pairs, all drawn
    diagram = NetworkDiagram(plt.figure().add_subplot(), net)
    diagram.light(3, lit=[2, 3], built=[0, 1, 2, 3])
    yellow = np.array(to_rgba(OKABE_ITO["yellow"]))
    faces = diagram.hidden_nodes.get_facecolors()
    assert np.flatnonzero(np.all(np.isclose(faces, yellow), axis=1)).tolist() == [4, 5, 6, 7]
    alphas = diagram.in_edges.get_colors()[:, 3]
    assert np.allclose(alphas[:8], FADED) and np.allclose(alphas[8:], GHOST)  # pairs 4, 5
    rims = diagram.hidden_nodes.get_edgecolors()
    assert len({tuple(r) for r in rims[:8]}) == 1 and not np.allclose(rims[8], rims[0])
    assert len(diagram.lit_edges.get_segments()) == 8  # two pairs: four in, four out
    assert "4 of 6" in diagram.label.get_text()  # the label names the last pair added


def test_a_height_at_float_rounding_is_labelled_zero() -> None:
    from uat.plot.diagram import diagram_layout, unit_label

    net = hand_built(SIN, 12)
    net.v[4:6] = [2.22e-16, -2.22e-16]  # what sin's middle pair holds: sin(0) in floats
    text = unit_label(net, diagram_layout(net), 2)
    assert "h = ±0" in text and "e-16" not in text


def test_a_grow_animation_always_draws_its_lit_pair() -> None:
    """`--grow --diagram`, 25 pairs in 6 rows: bumps 4–22 fell inside "⋮ 19 more pairs"."""
    from uat.jobs import scenes as sc
    from uat.plot import render as rn

    scene = sc.grow_sweep(SIN, 50)
    seen = set()
    with rn.open_renderer(scene, (800, 500), 100) as r:
        for frame in scene.frames:
            r.draw(frame)
            assert r.diagram is not None
            unit = frame[0].unit
            assert unit in r.diagram.layout.rows  # drawn as itself, not as an ellipsis
            rows = [u for u in r.diagram.layout.rows if u is not None]
            assert len(rows) <= 6 + 3  # still a summary
            lit = r.diagram.hidden_nodes.get_facecolor()[:, :3] != 1.0
            assert lit.any(axis=1).sum() >= 2  # its two neurons lit
            seen.add(unit)
    assert len(seen) == 25
