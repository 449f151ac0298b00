"""Figures of depth: sup error against parameters, one line per depth; a deep net's layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from uat.jobs.depth import DepthResult, DepthRow


def _points(rows: list[DepthRow]) -> dict[int, list[tuple[int, float]]]:
    by_depth: dict[int, list[tuple[int, float]]] = {}
    for r in rows:
        by_depth.setdefault(len(r.widths), []).append((r.parameters, r.sup))
    return {d: sorted(set(p)) for d, p in sorted(by_depth.items())}


def depth_figure(result: DepthResult) -> Any:
    """Sup error against parameters: a line (or point) per depth, the hand-built net a star."""
    from matplotlib.figure import Figure

    from uat.plot.figures import style

    with style():
        fig = Figure(figsize=(7.0, 4.2), layout="constrained")
        ax = fig.add_subplot()
        floor = 1e-17
        for depth, pts in _points([*result.rows, *result.search]).items():
            p, e = np.array(pts, dtype=float).T
            label = f"{depth} hidden layer{'s' if depth > 1 else ''} (trained)"
            ax.plot(p, np.maximum(e, floor), "o-", label=label)
        if (h := result.hand_built) is not None:
            ax.plot([h.parameters], [max(h.sup, floor)], "*", ms=16, color="black",
                    label=f"hand-built, {len(h.widths)} layers of {h.widths[0]}")  # fmt: skip
        if result.shallow_width is not None:
            ax.axhline(0.1, color="grey", lw=0.8, ls=":", label="sup error 0.1")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("parameters (every weight and bias)")
        ax.set_ylabel("sup error (exact for ReLU nets)")
        ax.set_title(f"{result.target}: what depth buys at equal parameter counts")
        ax.legend(fontsize="small")
    return fig


def save_depth_figure(result: DepthResult, path: str | Path) -> Path:
    """Draw and save `depth_figure`."""
    from uat.plot.figures import save_figure

    return save_figure(depth_figure(result), path)
