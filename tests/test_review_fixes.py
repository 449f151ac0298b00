"""Regressions found in review: numbers that were wrong or misleading at the edges."""

from __future__ import annotations

import numpy as np
import pytest

from uat.jobs import fit
from uat.metrics import errors
from uat.settings import Settings
from uat.targets import get_target


@pytest.mark.parametrize("name", ["sin", "cubic"])
def test_softplus_stays_within_the_ramp_bound_at_large_widths(name: str) -> None:
    f = fit(get_target(name), 1000, Settings(activation="softplus"))
    assert f.bound is not None and f.errors.sup <= 1.02 * f.bound  # was 4.4x over


def test_rmse_does_not_overflow() -> None:
    t = get_target("1e200*x")
    e = errors(lambda x: 1.0001e200 * x, t)
    assert np.isfinite(e.rmse) and e.rmse == pytest.approx(1e196 / np.sqrt(3), rel=1e-3)


def test_constant_target_is_not_called_a_jump(cli) -> None:
    from uat.jobs import convergence
    from uat.plot import convergence_figure, style

    t = get_target("2")
    with style():
        fig = convergence_figure(t, convergence(t, [2, 4, 8], ["construct"]).points)
    assert "jumps" not in fig.axes[0].get_title()
