"""Regressions found in review: numbers that were wrong or misleading at the edges."""

from __future__ import annotations

import json

import numpy as np
import pytest

from uat.metrics import errors
from uat.sweep import Settings, fit
from uat.targets import get_target


def test_csv_with_a_narrower_domain_trains_on_that_domain(cli, tmp_path) -> None:
    xs = np.linspace(-10, 10, 201)
    np.savetxt(tmp_path / "wide.csv", np.column_stack([xs, np.sin(xs)]), delimiter=",")
    code, out, err = cli(
        "fit", "wide.csv", "--domain=-1,1", "--method", "train", "-n", "10", "--json"
    )
    assert code == 0, err
    # was 4.6 (trained on every sample); the kinked interpolant itself is off sin by h²/8 ≈ 1e-3
    assert json.loads(out)["sup_error"] < 1e-2


def test_compare_with_shifts_trains_as_many_neurons(cli) -> None:
    code, out, err = cli("compare", "sin", "-n", "10", "--shifts", "2", "--json")
    assert code == 0, err
    assert [m["neurons"] for m in json.loads(out)["methods"]] == [20, 20]


@pytest.mark.parametrize("name", ["sin", "cubic"])
def test_softplus_stays_within_the_ramp_bound_at_large_widths(name: str) -> None:
    f = fit(get_target(name), 1000, Settings(activation="softplus"))
    assert f.bound is not None and f.errors.sup <= 1.02 * f.bound  # was 4.4x over


def test_rmse_does_not_overflow() -> None:
    t = get_target("1e200*x")
    e = errors(lambda x: 1.0001e200 * x, t)
    assert np.isfinite(e.rmse) and e.rmse == pytest.approx(1e196 / np.sqrt(3), rel=1e-3)


def test_convergence_json_has_no_nan(cli) -> None:
    code, out, err = cli("convergence", "sin", "--widths", "4", "--json")
    assert code == 0, err
    assert "NaN" not in out and json.loads(out)["slopes"] == {"construct": None, "train": None}


def test_constant_target_is_not_called_a_jump(cli) -> None:
    from uat.jobs import convergence
    from uat.plot import convergence_figure, style

    t = get_target("2")
    with style():
        fig = convergence_figure(t, convergence(t, [2, 4, 8], ["construct"]).points)
    assert "jumps" not in fig.axes[0].get_title()


def test_gallery_rebuilds_when_csv_data_change(tmp_path, monkeypatch) -> None:
    from uat.gallery import build

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("0,0\n1,1\n2,0\n")
    spec = tmp_path / "g.toml"
    spec.write_text("[[entry]]\nname='d'\nkind='fit'\ntarget='d.csv'\nneurons=4\ncaption='c'\n")
    assert not build(spec, jobs=1)[0].skipped
    assert build(spec, jobs=1)[0].skipped
    (tmp_path / "d.csv").write_text("0,0\n1,2\n2,0\n")
    assert not build(spec, jobs=1)[0].skipped
