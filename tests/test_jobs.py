"""uat.jobs: fit, sweep, compare (and its runs), convergence, show, names; and their commands."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from uat.core.targets import get_target
from uat.errors import UatError
from uat.jobs.commands import convergence
from uat.jobs.fitting import sweep
from uat.jobs.rates import geometric_widths, summarise
from uat.jobs.records import fitted_slope
from uat.settings import Settings

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
    assert set(rows[0]) == {"width", "method", "sup_error", "rmse", "seconds", "seed", "loss",
                            "rounding", "size", "bound"}  # fmt: skip
    for r in rows:  # abs is 1-Lipschitz: the bound is L·Δ/2 (Δ = 2·2/N) plus the steps' leak
        assert int(r["size"]) == int(r["width"])
        if r["method"] == "construct":
            assert 2 / int(r["width"]) <= float(r["bound"]) <= 1.1 * 2 / int(r["width"])
            assert float(r["sup_error"]) <= float(r["bound"])
        else:
            assert r["bound"] == ""
    assert {r["loss"] for r in rows} == {"", "mse"}  # none for the hand-built net
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
    methods = {m["method"]: m for m in rec["networks"]}
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
        delays = []
        for i in range(im.n_frames):
            im.seek(i)
            delays.append(im.info["duration"])
    # 4 frames of 1.5 s (the default dwell, capped), then the 1 s hold
    assert sum(delays) == 4 * 1500 + 1000 and rec["frames"] == 4


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
    pairs = [(m["method"], m["activation"]) for m in rec["networks"]]
    assert pairs == [
        ("construct", "sigmoid"),
        ("construct", "relu"),
        ("construct", "step"),
        ("train", "sigmoid"),
        ("train", "relu"),
    ]  # a hard step has no gradient: no trained step net
    by = {p: m for p, m in zip(pairs, rec["networks"], strict=True)}
    # ramps beat bumps at the same width: Δ²·max|f″|/8 against L·Δ/2
    assert by["construct", "relu"]["sup_error"] < by["construct", "sigmoid"]["sup_error"] / 3
    code, _, err = cli("compare", "sin", "--activations", "sigmoid,swish")
    assert code == 2 and "swish" in err


# -- every Settings field reaches the network, on every path ----------------------------

CURVE, DOMAIN, N = "0.5+0.4*sin(x)", "-3,3", 6  # in (0, 1): the sigmoid output fits it too
TRAIN = {"method": "train", "max_iter": 30}
ADAM = TRAIN | {"optimizer": "adam", "max_iter": 200}
# field: (its value, the other settings it needs, how the network shows it or None)
FIELDS: dict[str, tuple[Any, dict[str, Any], Any]] = {
    "method": ("train", {}, lambda net: net.method == "train"),
    "heights": ("centre", {}, lambda net: net.meta["heights"] == "centre"),
    "steepness": (7.0, {}, lambda net: net.meta["steepness"] == 7.0),
    "activation": ("relu", {}, lambda net: net.activation == "relu"),  # tanh = 2σ(2z) − 1: same net
    "output_activation": ("sigmoid", {}, lambda net: net.output_activation == "sigmoid"),
    "shifts": (2, {}, lambda net: net.meta["copies"] == 2 and net.n_neurons == 2 * N),
    "optimizer": ("adam", TRAIN | {"max_iter": 200}, lambda net: net.meta["optimizer"] == "adam"),
    "loss": ("sup", TRAIN, lambda net: net.meta["loss"] == "sup"),
    "seed": (3, TRAIN, lambda net: net.meta["seed"] == 3),
    "max_iter": (2, TRAIN, lambda net: net.meta["iterations"] <= 2),
    "tol": (0.5, TRAIN, None),  # shows only in the result: training stops at once
    "learning_rate": (0.05, ADAM, None),
    "restarts": (1, {"method": "train", "max_iter": 2}, lambda net: net.meta["runs"] <= 2),
}
SURFACE_FIELDS = ("towers", "layers")  # a surface's: refused on a curve (test_jobs_schema)
FIELD_CASES = list(FIELDS)


def _settings(name: str) -> tuple[Settings, Settings]:
    value, needs, _ = FIELDS[name]
    base = Settings(**needs)
    return base, replace(base, **{name: value})


def _numbers(f: Any) -> tuple[float, float]:
    return (f.errors.sup, f.errors.rmse)


def test_every_settings_field_is_covered() -> None:
    assert {*FIELDS, *SURFACE_FIELDS} == {f.name for f in fields(Settings)}


@pytest.mark.parametrize("name", FIELD_CASES)
def test_every_field_reaches_the_network_on_the_fit_path(name: str) -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request

    t = request.resolve_target(CURVE, DOMAIN)
    base, changed = _settings(name)
    got, default = jobs.fit(t, N, changed), jobs.fit(t, N, base)
    shows = FIELDS[name][2]
    assert shows(got.net) if shows is not None else _numbers(got) != _numbers(default)
    assert _numbers(got) != _numbers(default)  # and it changes the result
    explained = jobs.explain(t, N, changed)
    assert _numbers(explained) == _numbers(got) and explained.net.meta == got.net.meta


@pytest.mark.parametrize("name", FIELD_CASES)
def test_every_field_reaches_the_network_through_compare_and_convergence(name: str) -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request

    t = request.resolve_target(CURVE, DOMAIN)
    base, changed = _settings(name)
    alone = jobs.fit(t, N * (changed.shifts if changed.method == "train" else 1), changed)
    if name != "method":  # compare builds both methods itself
        result = jobs.compare(t, N, changed)
        same = next(f for f in result.fits if f.method == changed.method)
        assert _numbers(same) == _numbers(alone)
    conv = jobs.convergence(t, [N], [changed.method], changed)
    assert (conv.points[0].sup_error, conv.points[0].rmse) == _numbers(alone)


@pytest.mark.parametrize("name", FIELD_CASES)
def test_every_field_reaches_the_network_through_the_gallery(tmp_path, name: str) -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request
    from uat.plot.figures import format_number
    from uat.web.gallery import build

    value, needs, _ = FIELDS[name]
    options = needs | {name: value}
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in options.items()]
    spec = tmp_path / "g.toml"
    spec.write_text(
        f'[[entry]]\nname = "e"\nkind = "fit"\ntarget = "{CURVE}"\ndomain = "{DOMAIN}"\n'
        f'caption = "c"\nneurons = {N}\n' + "\n".join(lines) + "\n"
    )
    (outcome,) = build(spec, jobs=1)
    assert outcome.ok, outcome.error
    alone = jobs.fit(request.resolve_target(CURVE, DOMAIN), N, Settings(**options))
    assert outcome.numbers["RMSE"] == format_number(alone.errors.rmse)


# -- bug 3: compare under --shifts compares equal widths ---------------------------------


def test_compare_runs_match_widths_under_shifts() -> None:
    from uat.jobs.comparison import compare_runs

    runs = compare_runs(Settings(shifts=2), 10)
    assert [(s.method, n) for s, n in runs] == [("construct", 10), ("train", 20)]
    assert all(s.shifts == 2 for s, _ in runs)
    many = compare_runs(Settings(), 8, ["sigmoid", "step", "relu"])
    assert [(s.method, s.activation) for s, _ in many] == [
        ("construct", "sigmoid"), ("construct", "step"), ("construct", "relu"),
        ("train", "sigmoid"), ("train", "relu"),
    ]  # fmt: skip
    with pytest.raises(UatError, match="cannot be trained") as info:
        compare_runs(Settings(), 8, ["step"])
    assert info.value.param == "activations"


def test_compare_under_shifts_has_equal_widths_in_table_and_json(cli) -> None:
    code, out, err = cli("compare", "sin", "-n", "10", "--shifts", "2", "--json")
    assert code == 0, err
    widths = [m["neurons"] for m in json.loads(out)["networks"]]
    assert widths == [20, 20]
    code, out, _ = cli("compare", "sin", "-n", "10", "--shifts", "2")
    rows = [line for line in out.splitlines() if line.startswith(("│ hand-built", "│ trained"))]
    assert len(rows) == 2 and all(" 20 " in r for r in rows)


def test_default_names_hold_every_setting_that_changes_the_result() -> None:
    from uat.jobs.naming import output_name
    from uat.jobs.request import resolve_target

    t = resolve_target("x**2*sin(5*x)")
    assert output_name("fit", t, Settings(), 50) == "x2-sin5x-construct-50.png"
    names = {output_name("fit", t, s, 50) for s in
             (Settings(method="train"), Settings(method="train", optimizer="adam"),
              Settings(method="train", seed=1), Settings(method="train", max_iter=5),
              Settings(method="train", tol=1e-3), Settings(method="train", loss="sup"),
              Settings(method="train", optimizer="adam", learning_rate=0.1))}  # fmt: skip
    assert len(names) == 7
    assert output_name("animate", t, Settings(), 50, sweep="training", ext=".gif") == (
        "x2-sin5x-training-lm-50.gif"
    )
    assert output_name("compare", t, Settings(shifts=2), 10) == "x2-sin5x-compare-shifts2-10.png"


def test_convergence_json_has_no_nan(cli) -> None:
    code, out, err = cli("convergence", "sin", "--widths", "4", "--json")
    assert code == 0, err
    assert "NaN" not in out and json.loads(out)["slopes"] == {"construct": None, "train": None}


def test_an_overflowing_target_gives_strict_json_and_no_warning() -> None:
    import warnings

    from uat.core.targets import _expression_target
    from uat.jobs.commands import fit

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        # 8.2e307: past what figures draw (get_target refuses it), not past the numbers
        res = fit(_expression_target("exp(709*x)"), 50)
        text = json.dumps(res.to_dict(), allow_nan=False)  # raises on NaN or Infinity
    back = json.loads(text)
    assert back["bound"] is None
    assert back["rmse_on"] == "uniform grid of 10001 points"


def test_a_constant_target_reports_float_rounding() -> None:
    from uat.jobs.commands import fit
    from uat.jobs.request import resolve_target

    d = fit(resolve_target("5"), 50).to_dict()
    # L = 0: the bound is the soft steps' leak alone, a few ulps of 5, and it holds
    assert d["sup_error"] <= d["bound"] <= 16 * 5.0 * np.finfo(float).eps
    assert d["float_rounding"] is True
    assert d["sup_error"] <= 16 * 5.0 * np.finfo(float).eps


def test_no_floor_is_found_in_a_clean_power_law() -> None:
    from uat.jobs.rates import optimiser_floor

    w = np.array(geometric_widths(200), float)
    assert optimiser_floor(w, 3.0 / w) is None
    assert optimiser_floor(w, 3.0 * w**-0.6) is None  # slow, but still falling


def test_the_slope_is_fitted_above_a_floor_only() -> None:
    from uat.jobs.records import Point

    widths = [2**k for k in range(1, 14)]  # 2 … 8192: the fit starts at √(2·8192) = 128
    law = [5e3 * float(w) ** -2.0 for w in widths]  # reaches 1e-3 near N = 2236
    floor = [max(e, 1e-3 * (1 + 0.1 * (-1) ** i)) for i, e in enumerate(law)]  # ±10 % noise
    pts = [Point(w, "train", e, e, 0.0, 0) for w, e in zip(widths, floor, strict=True)]
    s = summarise(pts, "train")
    assert s["floor"]["from_width"] in (2048, 4096)
    assert min(s["slope_widths"]) == 128  # right of the band the figure shades
    assert s["floor"]["level"] == pytest.approx(1e-3, rel=0.25)
    assert s["slope"] == pytest.approx(-2.0)  # the law below the floor, exactly
    assert fitted_slope(widths, floor) > -1.6  # what a fit through the floor prints
    assert summarise(pts, "train", floor=False)["floor"] is None


def test_trained_sin_meets_its_floor_and_prints_no_slope_through_it() -> None:
    res = convergence(get_target("sin"), [4, 8, 16, 32, 64], ["train"])
    floor = res.floors["train"]
    # least squares on sin reaches ~1e-9 by N = 16 (issue 10: a slope of +0.07 through it);
    # runs stop there once progress is slow, and N = 128 wanders to 5e-10 (2.5× lower)
    assert floor is not None and floor["from_width"] <= 32 and floor["level"] < 1e-7
    slope = res.slopes["train"]
    assert slope is None or slope < -1.0
    json.dumps(res.to_dict(), allow_nan=False)


def test_convergence_sweeps_both_losses_when_asked() -> None:
    res = convergence(get_target("step"), [4, 8], ["construct", "train"], losses=["mse", "sup"])
    assert set(res.slopes) == {"construct", "train-mse", "train-sup"}
    assert [(p.method, p.loss) for p in res.points].count(("train", "sup")) == 2
    hand = {p.width: p.sup_error for p in res.points if p.method == "construct"}
    for p in res.points:
        if p.loss == "sup":  # the minimax trainer meets the jump's 1/2 (issue 10, item 3)
            assert p.sup_error <= max(0.505, hand[p.width])
    with pytest.raises(UatError, match="loss"):
        convergence(get_target("sin"), [4], ["train"], losses=["mae"])


def test_compare_trains_once_per_loss() -> None:
    from uat.jobs.commands import compare

    res = compare(get_target("sawtooth"), 10, losses=["mse", "sup"])
    losses = [(f.method, f.net.meta.get("loss")) for f in res.fits]
    assert losses == [("construct", None), ("train", "mse"), ("train", "sup")]
    sup_trained = res.fits[2].errors.sup
    assert sup_trained <= max(0.505, res.fits[0].errors.sup)


def test_compare_and_convergence_commands_take_both_losses(cli) -> None:
    code, out, err = cli("compare", "step", "-n", "10", "--loss", "mse,sup", "--json")
    assert code == 0, err
    runs = json.loads(out)["networks"]
    assert [(r["method"], r["settings"]["loss"]) for r in runs] == [
        ("construct", "mse"),
        ("train", "mse"),
        ("train", "sup"),
    ]
    assert runs[2]["sup_error"] <= 0.505
    code, out, err = cli("convergence", "sin", "--widths", "4,8", "--loss", "mse,sup", "--json")
    assert code == 0, err
    assert set(json.loads(out)["floors"]) == {"construct", "train-mse", "train-sup"}
    code, _, err = cli("convergence", "sin", "--widths", "4,8", "--loss", "mse,mae")
    assert code == 2 and "mae" in err


def test_fit_command_says_why_training_stopped_and_what_the_numbers_are(cli) -> None:
    code, out, err = cli("fit", "sin", "-n", "6", "--method", "train", "--max-iter", "7")
    assert code == 0, err
    assert "7 iterations (stopped: iteration cap)" in out
    assert "(on the grid)" in out  # the RMSE is a grid quantity
    code, out, err = cli("fit", "5")
    assert code == 0, err
    assert "(float rounding)" in out and "with L = 0" in out
    code, out, err = cli("fit", "exp(709*x)")  # 8.2e307: no figure can draw it
    assert code == 2 and err.count("\n") == 1 and "beyond ±1e+300 at x = 0.9744" in err, err
    code, out, err = cli("fit", "1e290*exp(x)")  # large, drawn, its bound a finite number
    assert code == 0, err
    assert "inf" not in out.lower()


@pytest.mark.parametrize(("method", "eps"), [("construct", 0.05), ("train", 1e-3)])
def test_smallest_width_reaches_eps_and_one_step_narrower_does_not(method, eps) -> None:
    from uat.core.targets import get_target
    from uat.jobs.commands import fit
    from uat.jobs.fitting import smallest_width

    target, s = get_target("gaussian"), Settings(method=method)
    n, found = smallest_width(target, eps, s)
    assert found.net.n_neurons == n
    x = np.linspace(*target.domain, 20_001)  # checked on a grid of its own
    assert np.max(np.abs(found.net(x) - target(x))) <= eps
    step = 2 if method == "construct" else 1
    if n > 2:
        assert fit(target, n - step, s).errors.sup > eps


@pytest.mark.parametrize("eps", [0, -1, float("nan"), True])
def test_smallest_width_refuses_a_meaningless_eps(eps) -> None:
    from uat.core.targets import get_target
    from uat.jobs.fitting import smallest_width

    with pytest.raises(UatError, match="eps must be a positive number") as info:
        smallest_width(get_target("sin"), eps, Settings())
    assert info.value.param == "eps"


@pytest.mark.parametrize(("name", "eps"), [("sin", 0.05), ("abs", 0.02)])
def test_smallest_width_meets_eps_and_the_next_narrower_does_not(name: str, eps: float) -> None:
    """Checked on a dense grid of its own, not by the code's refined sup."""
    from uat.core.targets import get_target
    from uat.jobs.commands import fit
    from uat.jobs.fitting import smallest_width

    t = get_target(name)
    n, f = smallest_width(t, eps, Settings())
    assert n % 2 == 0 and f.net.n_neurons == n
    x = np.linspace(*t.domain, 400_001)
    assert np.max(np.abs(f.net(x) - t(x))) <= eps
    narrower = fit(t, n - 2).net
    assert np.max(np.abs(narrower(x) - t(x))) > eps
    # the bound L·Δ/2 with Δ = 2(b−a)/N says no width much beyond L(b−a)/eps is needed
    a, b = t.domain
    assert n <= 2 * math.ceil((b - a) / (2 * eps)) + 2


def test_smallest_width_says_none_when_no_width_reaches_eps() -> None:
    from uat.core.targets import get_target
    from uat.jobs.fitting import smallest_width

    with pytest.raises(UatError, match="no width up to N = 10,000 reaches") as info:
        smallest_width(get_target("step"), 0.1, Settings())
    assert info.value.param == "eps" and "jumps" in str(info.value)
    with pytest.raises(UatError, match="eps must be a positive number"):
        smallest_width(get_target("sin"), 0.0, Settings())


def test_default_names_tell_apart_a_domain_and_a_set_of_activations() -> None:
    """Issue 12: `--domain 0,1` and `compare --activations` overwrote the default run's file."""
    from uat.jobs.naming import output_name
    from uat.jobs.request import resolve_target

    s = Settings()
    own = output_name("fit", resolve_target("sin"), s, 50)
    assert (
        own
        == output_name("fit", resolve_target("sin", "-pi,pi"), s, 50)
        == ("sin-construct-50.png")
    )
    names = {
        own,
        output_name("fit", resolve_target("sin", "0,1"), s, 50),
        output_name("fit", resolve_target("sin", "-1,1"), s, 50),
        output_name("compare", resolve_target("sin"), s, 50),
        output_name("compare", resolve_target("sin"), s, 50, activations=["sigmoid", "relu"]),
        output_name("compare", resolve_target("sin"), s, 50, activations=["tanh"]),
    }
    assert len(names) == 6
    assert output_name("fit", resolve_target("x**2*sin(5*x)", "-2,2"), s, 50) == (
        "x2-sin5x-onm2_2-construct-50.png"
    )


# -- the Python API from outside: wrong types are one UatError naming the parameter ------------


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda j, t: j.fit(3.5, 10), "target"),
        (lambda j, t: j.fit(t, 10, {"method": "train"}), "settings"),
        (lambda j, t: j.resolve_target(None), "target"),
        (lambda j, t: j.resolve_target("sin", 5), "domain"),
        (lambda j, t: j.resolve_target("sin", [0, 1, 2]), "domain"),
        (lambda j, t: j.resolve_target("sin", (True, 2)), "domain"),
        (lambda j, t: j.resolve_target("sin", (0, 10**400)), "domain"),
    ],
)
def test_wrong_types_name_the_parameter(call, param: str) -> None:
    import uat  # the public API: uat.fit, uat.resolve_target

    with pytest.raises(UatError) as info:
        call(uat, uat.resolve_target("sin"))
    assert info.value.param == param and "--" not in str(info.value)


def test_numpy_integers_and_comma_text_are_taken_as_a_caller_means_them() -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import comparison, rates, request

    t = request.resolve_target("sin")
    f = jobs.fit(t, np.int64(10), Settings(seed=np.int64(3)))
    assert f.net.n_neurons == 10 and isinstance(f.settings.seed, int)
    runs = comparison.compare_runs(Settings(), 10, "relu,sigmoid")  # not ['r', 'e', 'l', 'u']
    assert {s.activation for s, _ in runs} == {"relu", "sigmoid"}
    assert rates.convergence_plan(Settings(), [4], "construct")[1] == ["construct"]


def test_every_seed_of_a_convergence_is_checked_before_any_training() -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request

    t = request.resolve_target("sin")
    with pytest.raises(UatError, match="got 4,294,967,296") as info:
        jobs.convergence(t, [4], ["train"], Settings(seed=2**32 - 1), seeds=2)
    assert info.value.param == "seed"


def test_show_measures_another_target_on_the_nets_domain_without_its_bound(tmp_path) -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request

    built = jobs.fit(request.resolve_target("sin"), 20)
    built.net.save(tmp_path / "s.json")
    again = jobs.show(tmp_path / "s.json")
    assert again.bound == built.bound and again.errors.sup == built.errors.sup
    other = jobs.show(tmp_path / "s.json", target="cos")
    assert other.target.domain == built.target.domain  # the net's [-π, π], not cos's default
    x = np.linspace(-np.pi, np.pi, 200_001)
    assert other.errors.sup >= np.max(np.abs(built.net(x) - np.cos(x)))
    assert other.bound is None  # L·Δ/2 speaks of the target the net was built for
    assert jobs.show(tmp_path / "s.json", domain="0,1").bound is None


def test_show_finds_a_csv_target_from_any_folder(tmp_path, monkeypatch) -> None:
    from uat.jobs import commands as jobs
    from uat.jobs import request

    data = tmp_path / "data"
    data.mkdir()
    (data / "wave.csv").write_text("x,y\n0,0\n1,1\n2,0\n3,1\n")
    monkeypatch.chdir(tmp_path)
    built = jobs.fit(request.resolve_target("data/wave.csv"), 10)
    built.net.save(tmp_path / "net.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # neither data/wave.csv nor wave.csv is here
    again = jobs.show(tmp_path / "net.json")
    assert again.errors.sup == built.errors.sup and again.bound == built.bound
    assert again.target.name == "wave.csv"
    # moved beside the network: still found; gone everywhere: one clear error naming the file
    (data / "wave.csv").rename(tmp_path / "wave.csv")
    assert jobs.show(tmp_path / "net.json").errors.sup == built.errors.sup
    (tmp_path / "wave.csv").unlink()
    with pytest.raises(UatError, match=r"built on .*wave\.csv, which is no longer there") as e:
        jobs.show(tmp_path / "net.json")
    assert e.value.param == "target"


def test_show2d_finds_a_csv_surface_from_any_folder(tmp_path, monkeypatch) -> None:
    from uat.jobs import commands as jobs

    (tmp_path / "s.csv").write_text("x,y,z\n0,0,0\n1,0,1\n0,1,1\n1,1,0\n")
    monkeypatch.chdir(tmp_path)
    built = jobs.fit("s.csv", towers=3)
    built.net.save(tmp_path / "n.json")
    monkeypatch.chdir(tmp_path.parent)
    assert jobs.show(tmp_path / "n.json").errors.sup == built.errors.sup


def test_default_names_hold_every_file_option_of_an_animation_and_a_sweep() -> None:
    # `uat animate sin` then `--fps 10` (or --size, --dpi, --hold, --dwell, --writer) wrote the
    # same file; so did `uat convergence sin --widths 2,4` and `--widths 2,8`
    from uat.jobs.naming import animation_words, sweep_words

    options = [{}, {"fps": 10}, {"dwell": 1.0}, {"hold": 0.0}, {"size": (640, 400)},
               {"dpi": 80.0}, {"writer": "pillow"}, {"fps": 10, "dpi": 80.0}]  # fmt: skip
    words = ["-".join(animation_words("width", **o)) for o in options]
    assert words[0] == "" and len(set(words)) == len(options)
    assert animation_words("width", fps=20, hold=1.0, size=(800, 500), dpi=100, writer="auto") == []
    both, mse = ["construct", "train"], ["mse"]
    runs = [(None, 200, both, 1, mse), ([2, 4], 200, ["construct"], 1, mse),
            ([2, 8], 200, ["construct"], 1, mse), (None, 400, both, 1, mse),
            (None, 200, ["train"], 3, mse), (None, 200, ["train"], 1, ["mse", "sup"])]  # fmt: skip
    named = ["-".join(sweep_words(*r)) for r in runs]
    assert named[0] == "" and len(set(named)) == len(runs)
    assert len("-".join(sweep_words(list(range(2, 400, 2)), 200, ["train"], 1, ["mse"]))) < 30


def test_trained_json_says_how_training_went_and_where_the_sup_was_found() -> None:
    from uat.jobs.commands import fit
    from uat.jobs.request import resolve_target

    d = fit(resolve_target("sin"), 6, Settings(method="train", max_iter=7)).to_dict()
    assert d["iterations"] == 7 and d["stopped"] == "iteration cap"
    assert d["sup_found_by"] in ("grid", "local maximum", "jump", "breakpoint", "zoom")
    assert d["sup_error_on_grid"] <= d["sup_error"]
    hand = fit(resolve_target("sin"), 6).to_dict()  # hand-built: no iterations
    assert hand["iterations"] is None and hand["stopped"] is None


def test_no_slope_through_float_rounding_nor_the_optimisers_floor() -> None:
    # "hand-built -1.00" for the constant 5 (errors 9e-16 … 7e-15); the sup-loss slope -1.11
    # on sin fitted over 7.7e-9 … 4.6e-10, the optimiser's own level
    from uat.jobs.commands import convergence
    from uat.jobs.request import resolve_target

    flat = convergence(resolve_target("5"), [2, 4, 8, 16, 32], ["construct"])
    assert flat.slopes["construct"] is None
    assert flat.summary("construct", None)["rounding"] is True
    sin = convergence(resolve_target("sin"), [2, 4, 8, 16, 24, 32, 48], ["train"],
                      losses=["sup"])  # fmt: skip
    r = sin.summary("train", "sup")
    assert r["floor"] is not None
    below = [
        e for w, e in zip(r["widths"], r["median"], strict=True) if w >= r["floor"]["from_width"]
    ]
    assert max(below) <= 1e-8 * 1.0 * 10  # at the level LM reaches, not a rate of the width
    assert all(w < r["floor"]["from_width"] for w in r["slope_widths"])


@pytest.mark.parametrize("spec", ["1e60*sin(x)", "1e299*sin(x)"])
@pytest.mark.parametrize(
    "args",
    [
        ("fit", "--heights", "centre"),
        ("fit", "--activation", "relu"),
        ("explain", "-n", "6"),
        ("animate", "--frames", "2", "-n", "10"),
        ("compare", "-n", "10"),
        ("compare",),  # at N = 50 matplotlib's log scale overflowed in exp()
    ],
)
def test_huge_values_are_drawn_without_a_warning(cli, spec: str, args: tuple[str, ...]) -> None:
    import warnings

    # float32 parts became ±inf (1e60), padded limits and log ticks overflowed (1e299)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = cli(args[0], spec, *args[1:], "-q")
    assert (code, err) == (0, "")
    assert len(list(Path().glob("*.png")) + list(Path().glob("*.gif"))) == 1


def test_eps_searches_odd_and_even_bump_counts() -> None:
    from uat.core.targets import get_target
    from uat.jobs.commands import fit
    from uat.jobs.fitting import smallest_width

    target, s = get_target("sqrt(abs(x))"), Settings()
    n, found = smallest_width(target, 0.02, s)  # an odd count centres a bump on the cusp
    assert found.errors.sup <= 0.02 and n // 2 % 2 == 1
    assert fit(target, n - 4, s).errors.sup > 0.02  # the same family, one narrower: misses
    even = list(range(4, n, 4))  # the widest even counts below it miss as well
    assert all(fit(target, k, s).errors.sup > 0.02 for k in even[-3:])


@pytest.mark.parametrize(
    ("a", "b"),
    [(("0,12344",), ("0,12341",)), (("0,1",), ("0,1.00004",)), (("0,1/3",), ("0,0.3333333334",))],
)
def test_default_names_tell_close_domains_apart(cli, a: tuple[str], b: tuple[str]) -> None:
    names = []
    for domain in (a[0], b[0]):
        code, out, err = cli("fit", "sin", "-n", "10", "--domain", domain, "--json")
        assert code == 0, err
        names.append(json.loads(out)["output"])
    assert names[0] != names[1] and all(Path(n).is_file() for n in names)


def test_default_names_tell_close_steepnesses_apart() -> None:
    from uat.jobs.naming import changes

    assert changes(Settings(steepness=100)) == ["w100"]
    assert changes(Settings(steepness=100.00001)) == ["w100.00001"]


@pytest.mark.parametrize(
    ("errors", "scale"),
    [
        # x³−x trained (lm): at the optimiser's level from N = 16, yet 12× lower by N = 200
        ([0.3, 2.3e-7, 1.5e-8, 4.5e-9, 2.9e-9, 1.4e-9, 8.1e-10, 6.3e-10, 4.2e-10, 3e-10, 2.3e-10],
         0.385),
        # sqrt(x): a lucky 0.006 at N = 8, then 0.02 falling as N^-½ to 0.0042
        ([0.073, 0.0091, 0.006, 0.02, 0.016, 0.0092, 0.0089, 0.0081, 0.0066, 0.0053, 0.0042],
         1.0),
        # a floor: falling as N⁻² to 1e-3, then ±10 % about it
        ([5 / w**2 + 1e-3 * (1 + 0.1 * (-1) ** i) for i, w in enumerate(geometric_widths(200))],
         None),
    ],
)  # fmt: skip
def test_a_floor_is_a_width_past_which_no_wider_net_improves_2x(
    errors: list[float], scale: float | None
) -> None:
    from uat.jobs.rates import optimiser_floor

    widths = geometric_widths(200)
    at = optimiser_floor(widths, errors, scale)
    for i in range(len(widths) - 2):  # the rule, checked directly: the first width that holds
        holds = all(min(errors[j + 1 :]) >= errors[j] / 2 for j in range(i, len(widths) - 1))
        low = scale is not None and max(errors[i:]) <= 1e-8 * scale
        if low:
            holds = min(errors[i + 1 :]) >= errors[i] / 2
        elif widths[-1] < 4 * widths[i]:
            holds = False
        if holds:
            assert at == i
            break
    else:
        assert at is None
    if at is not None:
        assert min(errors[at + 1 :]) >= errors[at] / 2  # no wider net improves on it 2×


def test_convergence_marks_no_floor_where_the_error_still_falls() -> None:
    res = convergence(get_target("log(1+x)", (0.0, 5.0)), [4, 8, 16, 32, 64], ["train"])
    s = res.summary("train", None)
    floor = s["floor"]
    if floor is not None:
        k = s["widths"].index(floor["from_width"])
        assert min(s["median"][k + 1 :]) >= s["median"][k] / 2
