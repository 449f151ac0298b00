"""Tests for trained 2-D networks."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.layered import Layer
from uat.core.metrics import errors
from uat.core.targets import TARGETS2D
from uat.core.towers import towers
from uat.core.train import check_widths, spread_start, train2d
from uat.core.train.layered import layered_residual_jacobian as residual_jacobian
from uat.core.train.layered import pack as _pack
from uat.errors import UatError

GAUSS = TARGETS2D["gaussian2d"]


@pytest.mark.parametrize(("widths", "activation"), [([5], "sigmoid"), ([4, 3], "tanh")])
def test_jacobian_against_finite_differences(
    widths: list[int], activation: str, rng: np.random.Generator
) -> None:
    hidden = spread_start(GAUSS, widths, rng, activation)
    layers = [*hidden, Layer(rng.normal(size=(1, widths[-1])), [0.3], "identity")]
    theta, shapes = _pack(layers), [layer.shape for layer in layers]
    points, z = rng.uniform(-2, 2, (9, 2)), rng.normal(size=9)
    _, jac = residual_jacobian(theta, shapes, points, z, activation)
    h = 1e-6
    numeric = np.array(
        [
            residual_jacobian(theta + h * e, shapes, points, z, activation)[0]
            - residual_jacobian(theta - h * e, shapes, points, z, activation)[0]
            for e in np.eye(theta.size)
        ]
    ).T / (2 * h)
    np.testing.assert_allclose(jac, numeric, atol=1e-7)


def test_same_seed_same_net_other_seed_other_net() -> None:
    def weights(seed: int) -> np.ndarray:
        net = train2d(GAUSS, [6], seed=seed, max_iter=10).net
        return np.concatenate([layer.weights.ravel() for layer in net.layers])

    np.testing.assert_array_equal(weights(3), weights(3))
    assert not np.allclose(weights(3), weights(4))


@pytest.mark.parametrize("widths", [[24], [12, 12]])
def test_trained_beats_towers_at_equal_neurons(widths: list[int]) -> None:
    tower_net = towers(GAUSS, 4)  # 4 + 4 steps and 16 towers: 24 neurons
    run = train2d(GAUSS, widths, max_iter=40)
    assert run.net.n_neurons == tower_net.n_neurons == 24
    trained, built = errors(run.net, GAUSS).sup, errors(tower_net, GAUSS).sup
    assert trained < 0.1 * built
    rmse = [r for _, r in run.history]
    assert len(rmse) == run.iterations + 1 <= 41 and min(rmse) < 0.1 * rmse[0]


@pytest.mark.parametrize("widths", [[], [0], [2, 2, 2], [3000]])
def test_bad_widths(widths: list[int]) -> None:
    with pytest.raises(UatError):
        check_widths(widths)


def test_training_is_blind_to_the_surfaces_scale() -> None:
    from uat.core.targets import get_target

    small, huge = get_target("x*y"), get_target("2**990*x*y")  # 1e298: squares overflowed
    a = train2d(small, [6], max_iter=20)
    b = train2d(huge, [6], max_iter=20)
    assert np.array_equal(b.net.layers[-1].weights, 2.0**990 * a.net.layers[-1].weights)
    assert np.array_equal(b.net.layers[0].weights, a.net.layers[0].weights)
    assert b.history[-1][1] == 2.0**990 * a.history[-1][1]
    assert errors(b.net, huge).sup == pytest.approx(2.0**990 * errors(a.net, small).sup)


def test_a_surface_beyond_the_drawable_range_is_refused() -> None:
    from uat.core.targets import get_target

    with pytest.raises(UatError, match=r"beyond ±1e\+300 at \(x, y\) = \(0.98, -1\)"):
        get_target("exp(709*x)+y")
