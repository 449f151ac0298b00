"""Scenes as data: widths, frames against independently built networks, settings reaching nets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np
import pytest

from uat.core.activations import sigmoid
from uat.core.construct import bumps, hand_built
from uat.core.metrics import errors
from uat.core.network import ShallowNet
from uat.core.targets import get_target
from uat.errors import UatError
from uat.jobs import scenes as sc
from uat.jobs.comparison import compare_runs
from uat.settings import Settings


@pytest.fixture(scope="module")
def sin():
    return get_target("sin")


@pytest.fixture(scope="module")
def unit():
    """A target inside (0, 1), so that a sigmoid output can reach it."""
    return get_target("0.5+0.4*sin(x)", domain=(-3.0, 3.0))


@pytest.fixture(scope="module")
def scene(sin) -> sc.Scene:
    """Hand-built sin, widths 2, 4, …, 12: six frames."""
    return sc.width_sweep(sin, sc.default_widths(12, "construct"))


@pytest.fixture(scope="module")
def lm_run(sin) -> sc.Scene:
    return sc.training_run(sin, 8, Settings(method="train", optimizer="lm"), frames=12)


def nets(scene: sc.Scene, method: str | None = None) -> list[ShallowNet]:
    """Every frame's network (of one method), panel by panel."""
    out = [p.net for f in scene.frames for p in f if p.net is not None]
    assert len(out) == len(scene) * scene.panels
    return [n for n in out if method is None or n.method == method]


# -- widths ------------------------------------------------------------------------------------


def test_default_widths_hand_built_add_one_bump_per_frame():
    assert sc.default_widths(50, "construct") == list(range(2, 51, 2))
    assert sc.default_widths(50, "construct", frames=6) == [2, 12, 22, 30, 40, 50]
    assert sc.default_widths(50, "construct", frames=1) == [50]
    assert sc.default_widths(6, "construct", frames=60) == [2, 4, 6]
    wide = sc.default_widths(400, "construct")  # beyond 36 frames: thinned evenly
    assert len(wide) == 36 and (wide[0], wide[-1]) == (2, 400)
    assert all(w % 2 == 0 for w in wide)


def test_default_widths_trained_spread_from_one_to_n():
    w = sc.default_widths(50, "train")
    assert len(w) == 30 and w[0] == 1 and w[-1] == 50
    assert all(b > a for a, b in zip(w, w[1:], strict=False))
    assert sc.default_widths(5, "train") == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("n", "method", "frames", "match"),
    [
        (7, "construct", None, "odd"),
        (10, "construct", 0, "frames"),
        (10, "magic", None, "method"),
        (2002, "construct", None, "too many to animate"),
    ],
)
def test_default_widths_refuse_bad_input(n, method, frames, match):
    with pytest.raises(UatError, match=match):
        sc.default_widths(n, method, frames)


def test_scaled_widths_end_at_the_new_width():
    assert sc.scaled_widths([2, 4, 10], 10, 20) == [4, 8, 20]
    assert sc.scaled_widths([1, 5], 5, 2) == [1, 2]


# -- the scenes --------------------------------------------------------------------------------


def test_width_sweep_frames_match_independent_networks(scene, sin):
    assert len(scene) == 6 and scene.panels == 1
    for k, frame in enumerate(scene.frames, start=1):
        (p,) = frame
        net = bumps(sin, 2 * k)  # the same construction, built again here
        assert p.parts.shape == (k, scene.x.size)
        np.testing.assert_allclose(p.y, net(scene.x), atol=1e-12)
        np.testing.assert_allclose(p.parts.sum(axis=0), p.y, atol=1e-5)  # float32 parts
        sup = errors(net, sin).sup
        want = f"N = {2 * k} ({k} bump{'s' * (k > 1)}) · sup error {sc.format_number(sup)}"
        assert p.text == want
        assert p.method == "construct" and p.label == "hand-built"


def test_many_bumps_are_drawn_as_their_sum_only(sin):
    s = sc.width_sweep(sin, [2 * sc.DRAWN_PARTS, 2 * sc.DRAWN_PARTS + 2])
    small, big = (f[0] for f in s.frames)
    assert small.parts.shape == (sc.DRAWN_PARTS, s.x.size)
    assert big.parts.shape == (0, s.x.size)
    np.testing.assert_allclose(big.y, bumps(sin, 2 * sc.DRAWN_PARTS + 2)(s.x), atol=1e-12)


def test_scene_y_limits_contain_every_frame(scene, lm_run):
    for s in (scene, lm_run):
        lo, hi = s.ylims[0]
        curves = [s.target] + [f[0].y for f in s.frames]
        assert lo < min(c.min() for c in curves) and hi > max(c.max() for c in curves)
    lo, hi = scene.ylims[0]  # hand-built bumps are framed whole, zero included
    assert lo < min(f[0].parts.min() for f in scene.frames) <= 0 <= hi


def test_training_run_frames_at_increasing_iterations(lm_run):
    its = [f[0].loss.iteration for f in lm_run.frames]
    assert its == lm_run.meta["iterations"]
    assert its[0] == 0 and all(b > a for a, b in zip(its, its[1:], strict=False))
    assert 2 <= len(its) <= 12
    loss = lm_run.frames[0][0].loss
    assert loss.iterations[-1] == its[-1]  # the history runs to the last frame
    for f in lm_run.frames:  # the marker sits on the curve
        i = int(np.searchsorted(loss.iterations, f[0].loss.iteration))
        assert f[0].loss.value == pytest.approx(loss.values[i], rel=1e-12)
        assert f[0].parts.shape == (8, lm_run.x.size)
    first, last = lm_run.frames[0][0].loss.value, lm_run.frames[-1][0].loss.value
    assert last < first  # training lowers the loss
    for f in lm_run.frames:  # the caption's RMSE is the inset's, and says so
        assert f"training RMSE {sc.format_number(f[0].loss.value)}" in f[0].text


def test_training_run_with_adam(sin):
    s = sc.training_run(sin, 6, Settings(optimizer="adam", max_iter=200), frames=20)
    its = s.meta["iterations"]
    assert its[0] == 0 and its[-1] == 200 and len(its) == 20
    steps = np.diff(np.log1p(its)) / (np.log1p(200) / 19)  # 1 = evenly log-spaced
    assert np.all((steps[4:] > 0.6) & (steps[4:] < 1.2))  # (integers crowd the first few)
    assert "Adam" in s.title


def test_compare_scene_two_panels_one_scale(sin):
    s = sc.compare_scene(sin, [(Settings(), 6), (Settings(method="train"), 6)], frames=2)
    assert s.panels == 2 and len(s) == 2
    assert s.ylims[0] == s.ylims[1]
    left, right = s.frames[1]
    assert left.text.startswith("hand-built: N = 6 (3 bumps)")
    assert right.text.startswith("trained: N = 6 ·")
    assert left.parts.shape[0] == 3 and right.parts.shape[0] == 6
    assert (left.method, right.method) == ("construct", "train")


def test_steepness_sweep_sharpens_the_steps(sin):
    s = sc.steepness_sweep(sin, 20, frames=6)
    ws = s.meta["steepness"]
    delta = 2 * np.pi / 10
    assert len(s.frames) == 6
    assert ws[0] * delta == pytest.approx(1.0) and ws[-1] * delta == pytest.approx(60.0)
    assert all(b > a for a, b in zip(ws, ws[1:], strict=False))
    # soft steps blur the bumps: the first frame's largest bump is far below the steep one's
    assert s.frames[0][0].parts.max() < 0.5 * s.frames[-1][0].parts.max()
    lo, hi = s.ylims[0]
    for (p,) in s.frames:
        assert lo <= p.y.min() and p.y.max() <= hi


def test_scene_for_refuses_unknown_sweeps_and_frame_counts(sin):
    with pytest.raises(UatError, match="unknown sweep"):
        sc.scene_for(sin, 8, Settings(), "sideways")
    with pytest.raises(UatError, match="frames"):
        sc.scene_for(sin, 8, Settings(), "width", 0)


# -- bug 1: the training scene trains what the settings say ------------------------------------


def test_training_scene_keeps_the_sigmoid_output(unit):
    """`uat animate … --sweep training --output-activation sigmoid` once trained identity."""
    s = sc.training_run(unit, 8, Settings(output_activation="sigmoid"), frames=4)
    for net in nets(s):
        assert net.output_activation == "sigmoid"
    last = s.frames[-1][0]
    assert last.net is not None
    # the network is σ(hidden sum), so every value lies strictly in (0, 1)
    np.testing.assert_allclose(last.y, sigmoid(last.net.hidden_sum(s.x)), atol=1e-12)
    assert 0 < last.y.min() and last.y.max() < 1
    assert np.max(np.abs(last.y - s.target)) < 0.05  # and it fits


# -- bug 3: the compare scene animates the runs it is given ------------------------------------


def test_compare_under_shifts_matches_total_widths(sin):
    """`uat compare sin -n 10 --shifts 2 --animate` once showed hand-built 20 vs trained 10."""
    hand = Settings(shifts=2)  # the runs the compare job makes: 10 per copy × 2 against 20
    runs = [(hand, 10), (replace(hand, method="train"), 20)]
    s = sc.compare_scene(sin, runs, frames=3)
    for frame in s.frames:  # equal total widths in every frame, not only the last
        left, right = (p.net for p in frame)
        assert left is not None and right is not None
        assert left.n_neurons == right.n_neurons
        assert left.meta["copies"] == 2
    left, right = s.frames[-1]
    assert left.text.startswith("hand-built: N = 20 (2 copies × 5 bumps)")
    assert right.text.startswith("trained: N = 20 ·")
    assert left.net is not None
    np.testing.assert_allclose(left.y, hand_built(sin, 10, shifts=2)(s.x), atol=1e-12)


# -- every Settings field reaches the network on every animation path --------------------------


Check = Callable[[ShallowNet, ShallowNet], bool]  # (net, the same path's net without the field)
BOTH, HAND, TRAINED = None, "construct", "train"
CASES: dict[str, tuple[object, str | None, dict[str, object], Check]] = {
    "heights": ("mean", HAND, {}, lambda n, r: n.meta["heights"] == "mean"),
    "steepness": (7.0, HAND, {}, lambda n, r: bool(np.all(n.w == 7.0))),
    "activation": ("tanh", BOTH, {}, lambda n, r: n.activation == "tanh"),
    "output_activation": ("sigmoid", BOTH, {}, lambda n, r: n.output_activation == "sigmoid"),
    "shifts": (2, HAND, {}, lambda n, r: n.meta["copies"] == 2 and n.n_neurons == 2 * r.n_neurons),
    "optimizer": ("adam", TRAINED, {"max_iter": 5}, lambda n, r: n.meta["optimizer"] == "adam"),
    "loss": ("sup", TRAINED, {"max_iter": 5}, lambda n, r: n.meta["loss"] == "sup"),
    # the kept run's seed (restarts count on from the one asked) and its weights change
    "seed": (3, TRAINED, {}, lambda n, r: n.meta["seed"] >= 3 and not np.array_equal(n.w, r.w)),
    # one restart: at most the first run and the hand-built start (default 3: up to four)
    "restarts": (1, TRAINED, {}, lambda n, r: n.meta.get("runs", 1) <= 2),
    "max_iter": (2, TRAINED, {}, lambda n, r: 0 < n.meta["iterations"] <= 2),
    "tol": (0.5, TRAINED, {}, lambda n, r: n.meta["iterations"] == 0 < r.meta["iterations"]),
    "learning_rate": (
        0.2,
        TRAINED,
        {"optimizer": "adam", "max_iter": 5},
        lambda n, r: not np.array_equal(n.w, r.w),
    ),
}
PATHS: dict[str, tuple[Callable[..., sc.Scene], set[str]]] = {
    # path: (scene from a target and settings, the fields its networks do not read: the method
    # the path fixes, the other method's options, the steepness the steepness sweep varies)
    "width-construct": (
        lambda t, s: sc.width_sweep(t, [2, 4], replace(s, method="construct")),
        {"method", "optimizer", "loss", "seed", "max_iter", "tol", "learning_rate", "restarts"},
    ),
    "width-train": (
        lambda t, s: sc.width_sweep(t, [2, 3], replace(s, method="train")),
        {"method", "heights", "steepness", "shifts"},
    ),
    "training": (
        lambda t, s: sc.training_run(t, 3, s, frames=3, init="spread"),
        {"method", "heights", "steepness", "shifts"},
    ),
    "compare": (
        lambda t, s: sc.compare_scene(t, compare_runs(s, 2), frames=2),
        {"method"},
    ),
    "steepness": (
        lambda t, s: sc.steepness_sweep(t, 4, s, frames=2),
        {
            "method",
            "steepness",
            "optimizer",
            "loss",
            "seed",
            "max_iter",
            "tol",
            "learning_rate",
            "restarts",
        },
    ),
}


def test_every_settings_field_is_covered_on_every_path():
    from uat.jobs.request import SURFACE_ONLY  # a surface's fields: no curve's scene reads them

    names = {f.name for f in fields(Settings)} - set(SURFACE_ONLY)
    assert set(CASES) | {"method"} == names  # a new field needs a case here
    for path, (_, unread) in PATHS.items():
        assert "method" in unread and unread <= names, path


APPLICABLE = [(p, n) for p, (_, unread) in PATHS.items() for n in CASES if n not in unread]


@pytest.mark.parametrize(("path", "name"), APPLICABLE)
def test_settings_field_reaches_every_network(unit, path, name):
    make, _ = PATHS[path]
    value, method, extra, check = CASES[name]
    base = replace(Settings(), **extra)  # type: ignore[arg-type]
    got = nets(make(unit, replace(base, **{name: value})))
    ref = nets(make(unit, base))
    if path == "training":  # its frames are snapshots of one run: the run is the last frame
        got, ref = got[-1:], ref[-1:]
    pairs = [(n, r) for n, r in zip(got, ref, strict=True) if method in (None, n.method)]
    assert pairs, "no network of the method this field applies to"
    for n, r in pairs:
        assert check(n, r), (path, name, n)
    if name == "shifts" and path == "compare":  # the trained side widens to match the copies
        trained = [(n, r) for n, r in zip(got, ref, strict=True) if n.method == "train"]
        assert trained and all(n.n_neurons == 2 * r.n_neurons for n, r in trained)


def test_titles_show_expressions_as_mathtext():
    s = sc.scene_for(get_target("x**2*sin(5*x)"), 4, Settings(), "width", frames=1)
    assert s.title.startswith("$x^{2}") and "**" not in s.title
    assert sc.math_label(get_target("sin")) == get_target("sin").label


def test_grow_adds_one_pair_a_frame_left_to_right_and_ends_at_the_full_net():
    target = get_target("sin")
    s = sc.grow_sweep(target, 20)
    full = hand_built(target, 20)
    x = s.x
    assert len(s) == 10 and s.diagram is not None
    np.testing.assert_allclose(s.frames[-1][0].y, full(x), atol=1e-12)
    first = s.frames[0][0]
    assert np.ptp(first.y) > 0.05 * np.ptp(s.target)  # a visible bump, never a flat line
    lefts = []
    for i, (frame,) in enumerate(s.frames):
        assert frame.net is not None and frame.net.n_neurons == 2 * (i + 1)
        assert frame.new is not None and np.ptp(frame.new) > 0
        lefts.append(float(x[np.flatnonzero(np.abs(frame.new) > 1e-3 * np.ptp(frame.new))[0]]))
    assert lefts == sorted(lefts)  # each new bump starts right of the one before


def test_grow_needs_the_hand_built_width_sweep():
    with pytest.raises(UatError, match="--grow"):
        sc.scene_for(get_target("sin"), 4, Settings(), "training", grow=True)


def test_grow_starts_at_the_first_visible_bump_and_lights_every_bump_once():
    # gaussian's first bump on [-3, 3] is 3e-4 high: a first frame of it alone looked flat
    target = get_target("gaussian")
    s = sc.grow_sweep(target, 50)
    span = np.ptp(s.target)
    first = s.frames[0][0]
    assert first.new is not None and np.max(np.abs(first.new)) >= sc.GROW_VISIBLE * span
    assert first.lit == tuple(range(len(first.lit))) and len(first.lit) > 1
    later = [f[0].lit for f in s.frames[1:]]
    assert all(len(lit) == 1 for lit in later) and "one at a time" in s.title
    # thinned: 100 bumps in 36 frames; every bump lit exactly once, in order, and said so
    thin = sc.grow_sweep(get_target("sin"), 200)
    lit = [u for f in thin.frames for u in f[0].lit]
    assert lit == sc.pair_order(thin.diagram) and len(thin) <= sc.DEFAULT_FRAMES
    assert "up to 3 a frame" in thin.title
    for (f,) in thin.frames:  # the built units are the ones the frame's net holds
        assert f.built is not None and f.net is not None and 2 * len(f.built) == f.net.n_neurons
        assert f.new is not None
        np.testing.assert_allclose(
            f.new, thin.diagram.contributions(thin.x)[list(f.lit)].sum(axis=0), atol=1e-6
        )


def test_grow_covered_error_never_counts_the_half_step_at_the_frontier():
    # it alternated 0.65 / 0.433 on sin; the net is halfway down at its own last step
    s = sc.grow_sweep(get_target("sin"), 50)
    covered = [f[0].step["covered_sup"] for f in s.frames]
    assert np.all(np.diff(covered) >= -1e-9)  # the worst point so far stays in the interval
    assert max(covered) <= s.frames[-1][0].step["sup_error"] + 1e-9


def test_init_is_refused_where_no_training_run_starts():
    # `uat animate sin --init spread` was accepted and ignored
    for sweep in ("width", "steepness", "compare"):
        with pytest.raises(UatError, match="--init chooses the start of a training sweep"):
            sc.scene_for(get_target("sin"), 4, Settings(), sweep, frames=2, init="spread")


def test_a_width_sweep_has_the_error_strip_of_the_training_sweep(scene):
    assert scene.meta["strip"] is True  # |error| under the curves, as in the training sweep
