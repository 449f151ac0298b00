"""A figure's words and numbers agree with themselves and with --json."""

from __future__ import annotations

import re

import numpy as np
import pytest

from uat.jobs.commands import convergence
from uat.plot.figures import convergence_figure, style

WIDTHS = [2, 4, 8, 16, 32, 64, 128]


@pytest.fixture(scope="module")
def study():
    return convergence("sin", WIDTHS, ["construct", "train"])


def test_slopes_are_fitted_only_right_of_the_shaded_band(study) -> None:
    """sin: the trained slope was fitted on N = 2, 4, 8, inside the band the same figure
    shades as "N < 20: before the fitted slopes"."""
    start = np.sqrt(min(WIDTHS) * max(WIDTHS))  # the band's edge, computed here
    with style():
        fig = convergence_figure(study.target, study.points, study.settings)
    ax = fig.axes[0]
    spans = [p for p in ax.patches if p.get_zorder() == -1]  # the band, behind everything
    assert len(spans) == 1
    edge = spans[0].get_window_extent().x1
    edge = ax.transData.inverted().transform((edge, 0))[0]
    assert edge == pytest.approx(start)
    for _, m, loss in study.series:
        for key in ("sup_error", "rmse"):
            r = study.summary(m, loss, key)
            used = r["slope_widths"]
            assert all(w >= start for w in used)
            if np.isfinite(r["slope"]):  # the slope is the line through those widths' medians
                mine = [p for p in study.points if p.method == m]
                med = [np.median([getattr(p, key) for p in mine if p.width == w]) for w in used]
                expect = np.polyfit(np.log(used), np.log(med), 1)[0]
                assert r["slope"] == pytest.approx(expect, rel=1e-9)


def test_every_slope_in_the_legend_is_in_the_json(study) -> None:
    record = study.to_dict()
    with style():
        fig = convergence_figure(study.target, study.points, study.settings)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    shown = {}
    for text in labels:
        if (m := re.match(r"(.+) (sup|RMSE) \(slope ([-+]\d+\.\d\d|—)", text)) is not None:
            shown[(m[1], m[2])] = None if m[3] == "—" else float(m[3])
    assert len(shown) == 4  # hand-built and trained, sup and RMSE
    names = {"hand-built": "construct", "trained": "train"}
    for (name, what), value in shown.items():
        slopes = record["slopes"] if what == "sup" else record["rmse_slopes"]
        if value is None:  # no slope drawn, none recorded
            assert slopes[names[name]] is None
        else:
            assert slopes[names[name]] == pytest.approx(value, abs=0.005 + 1e-12)
