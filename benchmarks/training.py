"""Trained networks: uat's default optimiser against scikit-learn's MLPRegressor (L-BFGS).

Run as ``python benchmarks/training.py``. Both fit the same training points (uat's default grid
of max(500, 10·N) points), and both are measured on the same 10 001-point grid. Each wall time
is the best of ``--repeats`` runs, after one warm-up run of each, because the machine may be
shared. scikit-learn is a bench extra (``pip install .[bench]``), not a dependency of uat.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from uat.targets import TARGETS  # noqa: E402
from uat.train import train  # noqa: E402

T = TypeVar("T")
CASES = [("sin", (-math.pi, math.pi)), ("abs", (-1.0, 1.0)), ("gaussian", (-3.0, 3.0))]
WIDTHS = (5, 20, 50)
GRID = 10_001
GOAL_RATIO = 1000.0  # sklearn RMSE / uat RMSE on sin at width 50, at least
GOAL_TIME = 2.0  # uat time / sklearn time, at most


def _best_time(fit: Callable[[], T], repeats: int) -> tuple[T, float]:
    runs: list[tuple[float, T]] = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fit()
        runs.append((time.perf_counter() - t0, out))
    return runs[-1][1], min(seconds for seconds, _ in runs)


def _sklearn(n: int) -> Any:
    from sklearn.neural_network import MLPRegressor

    return MLPRegressor(
        hidden_layer_sizes=(n,),
        activation="logistic",
        solver="lbfgs",
        max_iter=5000,
        tol=1e-12,
        random_state=0,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table and whether the goal is met; exit 0 if met, else 1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per fit (best kept)")
    parser.add_argument(
        "--all-threads",
        action="store_true",
        help="leave scikit-learn's BLAS threads at their default (uat still uses one)",
    )
    args = parser.parse_args(argv)
    try:
        import sklearn
        from sklearn.exceptions import ConvergenceWarning
        from threadpoolctl import threadpool_limits
    except ImportError:
        print("scikit-learn is not installed: pip install scikit-learn", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore", category=ConvergenceWarning)

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}; best of {args.repeats} runs each; "
        f"BLAS {'threads at their default' if args.all_threads else 'on 1 thread'}"
    )
    if args.all_threads:
        return _compare(args.repeats)
    with threadpool_limits(limits=1, user_api="blas"):
        return _compare(args.repeats)


def _compare(repeats: int) -> int:
    """Fit every case both ways, print the table and the goal line."""
    # warm-up: imports and first-call costs out of the timings
    train(TARGETS["sin"], 5)
    _sklearn(5).fit(np.linspace(0, 1, 50)[:, None], np.linspace(0, 1, 50))

    header = (
        f"{'target':<9} {'N':>3} {'uat RMSE':>10} {'sklearn RMSE':>13} {'ratio':>9} "
        f"{'uat s':>7} {'sklearn s':>10} {'time ratio':>11}"
    )
    print(header)
    print("-" * len(header))
    goal = None
    for name, domain in CASES:
        target = TARGETS[name].on(domain)
        grid = np.linspace(*domain, GRID)
        exact = target(grid)
        for n in WIDTHS:
            n_train = max(500, 10 * n)
            x = np.linspace(*domain, n_train)
            y = target(x)
            fit_uat = partial(train, target, n, n_train=n_train)
            result, t_uat = _best_time(fit_uat, repeats)
            net = result.net
            fit_sk = partial(lambda k, xs, ys: _sklearn(k).fit(xs, ys), n, x[:, None], y)
            model, t_sk = _best_time(fit_sk, repeats)
            e_uat = float(np.sqrt(np.mean((net(grid) - exact) ** 2)))
            pred = model.predict(grid[:, None])
            e_sk = float(np.sqrt(np.mean((pred - exact) ** 2)))
            ratio, t_ratio = e_sk / e_uat, t_uat / t_sk
            print(
                f"{name:<9} {n:>3} {e_uat:>10.2e} {e_sk:>13.2e} {ratio:>8.3g}× "
                f"{t_uat:>7.3f} {t_sk:>10.3f} {t_ratio:>10.2f}×"
            )
            if name == "sin" and n == 50:
                goal = (ratio, t_ratio)
    assert goal is not None
    met = goal[0] >= GOAL_RATIO and goal[1] <= GOAL_TIME
    print(
        f"\ngoal (sin, N = 50: ≥ {GOAL_RATIO:.0f}× lower RMSE at ≤ {GOAL_TIME:g}× sklearn's time): "
        f"{'met' if met else 'NOT met'} ({goal[0]:.3g}× lower RMSE, {goal[1]:.2f}× the time)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
