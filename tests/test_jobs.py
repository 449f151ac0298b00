"""uat.jobs: fit, sweep, compare (and its runs), convergence, show, names; and their commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uat.jobs import convergence, fitted_slope, geometric_widths, summarise, sweep
from uat.settings import Settings
from uat.targets import get_target

WIDTHS = [10, 20, 40, 80, 160]


@pytest.mark.parametrize("name", ["sin", "abs", "gaussian"])
def test_construction_sup_error_falls_like_one_over_n(name: str) -> None:
    points = convergence(get_target(name), WIDTHS, ["construct"]).points
    slope = summarise(points, "construct")["slope"]
    assert -1.15 <= slope <= -0.85


def test_step_target_sup_error_stays_near_one_half() -> None:
    points = convergence(get_target("step"), WIDTHS, ["construct"]).points
    sups = [p.sup_error for p in points]
    assert min(sups) >= 0.4 and max(sups) <= 0.51
    rmse = summarise(points, "construct", "rmse")
    assert rmse["slope"] < -0.3  # the L² error still converges


def test_trained_errors_are_at_or_below_the_construction() -> None:
    widths = [4, 8, 16, 32]
    points = convergence(get_target("sin"), widths).points
    for w in widths:
        hand = next(p for p in points if p.method == "construct" and p.width == w)
        trained = next(p for p in points if p.method == "train" and p.width == w)
        assert trained.sup_error <= hand.sup_error
        assert trained.rmse <= hand.rmse


def test_seeds_repeat_trained_runs_reproducibly() -> None:
    t = get_target("gaussian")
    a = convergence(t, [4, 8], ["train"], Settings(seed=3), seeds=2).points
    b = convergence(t, [4, 8], ["train"], Settings(seed=3), seeds=2).points
    assert [p.seed for p in a] == [3, 3, 4, 4]
    assert [p.rmse for p in a] == [p.rmse for p in b]
    s = summarise(a, "train", "rmse")
    assert all(lo <= m <= hi for lo, m, hi in zip(s["low"], s["median"], s["high"], strict=True))


def test_fitted_slope_recovers_a_known_power_law() -> None:
    w = np.array([2, 4, 8, 16, 32, 64, 128])
    assert fitted_slope(w, 3.0 * w**-1.0) == pytest.approx(-1.0)
    # only the asymptotic upper half counts: a saturated start does not bend the slope
    e = np.minimum(1.0, 20.0 / w**2)
    assert fitted_slope(w, e) == pytest.approx(-2.0)


def test_geometric_widths_are_even_and_end_at_the_maximum() -> None:
    ws = geometric_widths(200)
    assert ws[0] == 2 and ws[-1] == 200 and all(w % 2 == 0 for w in ws)
    assert ws == sorted(set(ws)) and 8 <= len(ws) <= 13


def test_convergence_cli_exports_every_point(cli) -> None:
    code, out, err = cli(
        "convergence", "abs", "--widths", "8,16,32,64", "--csv", "pts.csv", "--json"
    )
    assert code == 0, err
    rec = json.loads(out)
    with open("pts.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(rec["points"]) == 8
    assert set(rows[0]) == {"width", "method", "sup_error", "rmse", "seconds", "seed"}
    assert {r["method"] for r in rows} == {"construct", "train"}
    for r, p in zip(rows, rec["points"], strict=True):
        assert float(r["sup_error"]) == pytest.approx(p["sup_error"])
    assert -1.15 <= rec["slopes"]["construct"] <= -0.85
    with Image.open(rec["output"]) as im:
        assert im.format == "PNG"


def test_convergence_cli_refuses_odd_widths_for_the_construction(cli) -> None:
    code, _, err = cli("convergence", "sin", "--widths", "3,6")
    assert code == 2 and "odd" in err


def test_compare_cli_table_and_json(cli) -> None:
    code, out, err = cli("compare", "gaussian", "-n", "20", "--json")
    assert code == 0, err
    rec = json.loads(out)
    methods = {m["method"]: m for m in rec["methods"]}
    assert set(methods) == {"construct", "train"}
    for m in methods.values():
        assert {"method", "neurons", "sup_error", "rmse", "seconds"} <= m.keys()
        assert m["neurons"] == 20
    assert methods["train"]["rmse"] < methods["construct"]["rmse"] / 100
    assert rec["sup_error_ratio"] == pytest.approx(
        methods["construct"]["sup_error"] / methods["train"]["sup_error"]
    )
    assert Path(rec["output"]).name == "gaussian-compare-20.png"
    code, out, _ = cli("compare", "gaussian", "-n", "20")
    assert "hand-built" in out and "trained" in out and "RMSE" in out


def test_compare_cli_animates_side_by_side(cli) -> None:
    code, out, err = cli(
        "compare", "sin", "-n", "10", "--animate", "--frames", "4", "--size", "600x300", "--json"
    )
    assert code == 0, err
    rec = json.loads(out)
    with Image.open(rec["output"]) as im:
        assert im.format == "GIF" and im.size == (600, 300)
        assert im.n_frames == 4 + 20  # 4 frames, then a 1 s hold at 20 fps


def test_convergence_points_do_not_depend_on_the_other_widths() -> None:
    t = get_target("nielsen")
    alone = convergence(t, [12], ["train"]).points[0]
    within = [p for p in convergence(t, [4, 8, 12], ["train"]).points if p.width == 12][0]
    assert within.rmse == alone.rmse and within.sup_error == alone.sup_error


def test_animation_sweeps_warm_start_trained_widths() -> None:
    t = get_target("sin")
    s = Settings(method="train")
    warm = sweep(t, [4, 8, 12], s, warm_start=True)
    cold = sweep(t, [4, 8, 12], s, warm_start=False)
    assert warm[0].net.w.tolist() == cold[0].net.w.tolist()  # the first width starts cold
    assert warm[2].net.w.tolist() != cold[2].net.w.tolist()
    assert all(f.errors.rmse < 1e-4 for f in warm)


def test_compare_several_activations(cli) -> None:
    code, out, err = cli(
        "compare", "sin", "-n", "20", "--activations", "sigmoid,relu,step", "--json"
    )
    assert code == 0, err
    rec = json.loads(out)
    pairs = [(m["method"], m["activation"]) for m in rec["methods"]]
    assert pairs == [
        ("construct", "sigmoid"),
        ("construct", "relu"),
        ("construct", "step"),
        ("train", "sigmoid"),
        ("train", "relu"),
    ]  # a hard step has no gradient: no trained step net
    by = {p: m for p, m in zip(pairs, rec["methods"], strict=True)}
    # ramps beat bumps at the same width: Δ²·max|f″|/8 against L·Δ/2
    assert by["construct", "relu"]["sup_error"] < by["construct", "sigmoid"]["sup_error"] / 3
    code, _, err = cli("compare", "sin", "--activations", "sigmoid,swish")
    assert code == 2 and "swish" in err
