"""Evaluate wide hand-built networks through their asymptotes against the plain dense sum.

    python benchmarks/evaluation.py

For each activation, the hand-built sin network of width N is evaluated on the 40,001-point
plot grid twice, in the same run: `ShallowNet.hidden_sum` (saturated neurons summed by prefix
sums over their sorted transition ends, only neurons in transition evaluated) and
`dense_hidden_sum` (every neuron at every point, in chunks). Prints the seconds of each, the
ratio, and the largest difference relative to max |y|. Also times `errors` (the refined sup).
The dense float64 sum of relu/softplus ramps itself drifts by ~1e-11 at N = 10,000;
tests/test_network.py measures both against 80-bit sums.
"""

from __future__ import annotations

import time

import numpy as np

from uat.core.construct import hand_built
from uat.core.metrics import errors
from uat.core.targets import get_target

ACTIVATIONS = ("sigmoid", "tanh", "step", "relu", "softplus")
WIDTHS = (1000, 10_000)
PLOT_GRID = 40_001


def best_time(f: object, repeat: int) -> float:
    """The fastest of `repeat` calls, in seconds."""
    assert callable(f)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Print one row per activation and width."""
    target = get_target("sin")
    x = np.linspace(*target.domain, PLOT_GRID)
    print(f"hand-built sin on {PLOT_GRID:,} points (fastest of 3; dense once)")
    print(f"{'activation':>10} {'N':>6} {'asymptotes s':>13} {'dense s':>9} {'ratio':>7} "
          f"{'max |Δ|/max|y|':>15} {'errors() s':>11}")  # fmt: skip
    for n in WIDTHS:
        for act in ACTIVATIONS:
            net = hand_built(target, n, activation=act)
            fast = best_time(lambda net=net: net.hidden_sum(x), 3)
            dense = best_time(lambda net=net: net.dense_hidden_sum(x), 1)
            y, yd = net.hidden_sum(x), net.dense_hidden_sum(x) + net.c
            diff = float(np.max(np.abs(y - yd)) / np.max(np.abs(yd)))
            sup = best_time(lambda net=net: errors(net, target), 1)
            print(f"{act:>10} {n:>6} {fast:>13.4f} {dense:>9.3f} {dense / fast:>6.0f}× "
                  f"{diff:>15.2e} {sup:>11.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
