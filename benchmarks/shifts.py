"""Shifted copies (`--shifts M`) against one plain net of the same total neurons, measured.

    python benchmarks/shifts.py            # the table
    python benchmarks/shifts.py --figure docs/shifts.png

Each row is one target, total width N and steepness w; the columns are the refined sup error
of M copies of N/M neurons each (M = 1 is the plain net). The figure shows the case where the
shift helps most clearly, beside the plain net of equal total neurons.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from uat.core.construct import hand_built
from uat.core.metrics import errors
from uat.core.targets import get_target

TARGETS = ("sin", "gaussian", "nielsen", "sawtooth")
TOTALS = (40, 80, 200)
STEEPNESS = (None, 12.0, 30.0)
COPIES = (1, 2, 4)
# target, total N, w, copies: the clearest win in the table that is no flattening (the
# sawtooth's wins come with a worse RMSE: its copies give up on the jumps at a level 0.5)
EXAMPLE = ("gaussian", 200, None, 2)


def measured(name: str, total: int, w: float | None, copies: int) -> tuple[float, float]:
    """(refined sup error, grid RMSE) of `copies` shifted copies of total/copies neurons each."""
    t = get_target(name)
    e = errors(hand_built(t, total // copies, steepness=w, shifts=copies), t)
    return e.sup, e.rmse


def table() -> None:
    """Print the sup errors and which M wins, row by row."""
    print("sup error (refined) at equal total neurons N; M copies of N/M neurons each")
    print(f"{'target':9s} {'N':>4s} {'w':>5s} " + " ".join(f"{'M=' + str(m):>9s}" for m in COPIES))
    wins = 0
    for name in TARGETS:
        for total in TOTALS:
            for w in STEEPNESS:
                got = [measured(name, total, w, m) for m in COPIES]
                row = [g[0] for g in got]
                best = int(np.argmin(row))
                wins += best > 0
                # a sup won by flattening (sawtooth: a level 0.5 line) shows as a worse RMSE
                rmse = got[best][1] / got[0][1]
                tag = f"  shift wins ×{row[0] / row[best]:.2f}, RMSE ×{rmse:.2f}" if best else ""
                ws = "auto" if w is None else f"{w:g}"
                cells = " ".join(f"{e:9.3g}" for e in row)
                print(f"{name:9s} {total:4d} {ws:>5s} {cells}{tag}")
    rows = len(TARGETS) * len(TOTALS) * len(STEEPNESS)
    print(f"a shifted net wins {wins} of {rows} rows")


def figure(path: Path, example: tuple[str, int, float | None, int] = EXAMPLE) -> None:
    """The plain net and the shifted copies of EXAMPLE, their errors below, saved to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from uat.io import atomic_path

    name, total, w, copies = example
    t = get_target(name)
    x = t.grid()
    fig = Figure(figsize=(9.0, 5.5))
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 2])
    top.plot(x, t(x), color="#222222", lw=1.2, label=f"target: {name}")
    for m, color in ((1, "#0072B2"), (copies, "#D55E00")):
        net = hand_built(t, total // m, steepness=w, shifts=m)
        e = errors(net, t)
        what = "plain" if m == 1 else f"{m} shifted copies of {total // m}"
        label = f"{what}: {total} neurons, sup {e.sup:.3f}"
        top.plot(x, net(x), color=color, lw=1.0, label=label)
        bottom.plot(x, np.abs(net(x) - t(x)), color=color, lw=0.8)
        bottom.axhline(e.sup, color=color, ls=":", lw=1.0)
    top.legend(loc="upper left", fontsize=8.5)
    steep = "automatic steepness" if w is None else f"steepness w = {w:g}"
    top.set_title(f"{name}: equal total neurons, {steep} (top: a zoom)")
    a, b = t.domain
    top.set_xlim(a + 0.35 * (b - a), a + 0.45 * (b - a))  # a zoom: the bumps are visible
    top.set_ylim(
        *np.percentile(t(x[(x >= a + 0.35 * (b - a)) & (x <= a + 0.45 * (b - a))]), [0, 100])
    )
    bottom.set_ylabel("|error| (dotted: sup)")
    bottom.set_xlabel("x")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    print(f"figure: {path}")


def main(argv: list[str] | None = None) -> int:
    """Print the table; with --figure, also draw the example."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figure", type=Path, help="also save the example figure here")
    args = parser.parse_args(argv)
    table()
    if args.figure is not None:
        figure(args.figure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
