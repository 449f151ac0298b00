"""Depth by hand: the tent map and Yarotsky's square against their theorems, pieces counted."""

from __future__ import annotations

import numpy as np
import pytest

from uat.core.deep import (
    linear_pieces,
    shallow_width_bound,
    tent,
    tent_net,
    yarotsky_error,
    yarotsky_net,
    yarotsky_square,
)
from uat.core.layered import Layer, LayeredNet

X = np.linspace(0.0, 1.0, 100_001)


def sawtooth(x: np.ndarray, k: int) -> np.ndarray:
    """tent composed k times in closed form: 1 − |(2^k·x mod 2) − 1|."""
    return 1.0 - np.abs(np.mod(2.0**k * x, 2.0) - 1.0)


@pytest.mark.parametrize("k", [1, 2, 5, 8, 12])
def test_the_tent_net_is_the_sawtooth_with_two_neurons_a_layer(k: int) -> None:
    net = tent_net(k)
    assert net.widths == [2] * k and net.n_neurons == 2 * k
    assert np.max(np.abs(net(X) - sawtooth(X, k))) <= 2.0**k * 1e-15
    assert np.max(np.abs(tent(X, k) - sawtooth(X, k))) <= 2.0**k * 1e-15


@pytest.mark.parametrize("k", range(1, 11))
def test_the_tent_composed_k_times_has_2_to_the_k_pieces(k: int) -> None:
    pieces = linear_pieces(tent_net(k), (0.0, 1.0))
    assert pieces == 2**k
    # a one-hidden-layer net with n neurons has at most n + 1 pieces
    assert shallow_width_bound(pieces) == 2**k - 1


def test_a_shallow_relu_net_has_one_piece_more_than_its_kinks_inside(rng) -> None:
    n = 30
    w, b, v = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    net = LayeredNet([Layer(w[:, None], b, "relu"), Layer(v[None, :], np.zeros(1), "identity")])
    kinks = -b / w
    inside = np.count_nonzero((kinks > -1.0) & (kinks < 1.0))
    assert linear_pieces(net, (-1.0, 1.0)) == inside + 1 <= n + 1


@pytest.mark.parametrize("m", range(1, 9))
def test_yarotskys_square_reaches_its_error_exactly(m: int) -> None:
    net = yarotsky_net(m)
    assert net.widths == [3] * m
    assert np.max(np.abs(net(X) - yarotsky_square(X, m))) <= 1e-13
    # the error peaks at the midpoints between the 2^m + 1 dyadic knots: h²/4, h = 2^−m
    mid = (np.arange(2**m) + 0.5) / 2**m
    grid = np.concatenate([X, mid])
    sup = np.max(np.abs(net(grid) - grid**2))
    assert sup == pytest.approx(yarotsky_error(m), rel=1e-2)
    assert sup == pytest.approx(2.0 ** (-2 * m - 2), rel=1e-9)
    assert linear_pieces(net, (0.0, 1.0)) == 2**m


def test_kinks_that_coincide_up_to_rounding_count_once(rng: np.random.Generator) -> None:
    """Neurons sharing a kink through different (w, b) (as trained nets do): one piece each."""
    kinks = np.sort(rng.uniform(0.05, 0.95, 9))
    w = rng.uniform(0.5, 300.0, 27) * rng.choice([-1.0, 1.0], 27)
    at = np.repeat(kinks, 3)  # three neurons a kink, their b = −w·s rounded differently
    v = np.abs(rng.normal(size=27)) + 0.1  # same-signed slope changes: nothing cancels
    net = LayeredNet(
        [Layer(w[:, None], -w * at, "relu"), Layer(v[None, :], np.zeros(1), "identity")]
    )
    # by hand: the slope changes by Σ v·|w| at each kink, so 9 kinks make 10 pieces
    assert linear_pieces(net, (0.0, 1.0)) == kinks.size + 1 <= net.n_neurons + 1


def test_tent_targets_are_the_composed_tent() -> None:
    from uat.core.targets import TARGETS

    x = np.linspace(0.0, 1.0, 4097)
    for k in (1, 6, 12):
        assert np.array_equal(TARGETS[f"tent{k}"](x), sawtooth(x, k))
        assert TARGETS[f"tent{k}"].domain == (0.0, 1.0) and TARGETS[f"tent{k}"].jumps().size == 0
