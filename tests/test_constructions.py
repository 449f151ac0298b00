"""Issue 6 constructions: ReLU ramps, the sigmoid output, windows of failure, activations."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from uat.core.activations import sigmoid
from uat.core.construct import copy_edges, hand_built, squashed_target
from uat.core.network import ShallowNet
from uat.core.targets import get_target
from uat.errors import UatError
from uat.jobs.commands import fit
from uat.plot.figures import windows
from uat.settings import Settings

X = np.linspace(-math.pi, math.pi, 10_001)


@pytest.mark.parametrize("n", [4, 10, 40, 160])
def test_relu_ramps_are_the_piecewise_linear_interpolant(n: int) -> None:
    net = hand_built(get_target("sin"), n, activation="relu")
    knots = np.linspace(-math.pi, math.pi, n // 2 + 1)
    np.testing.assert_allclose(net(X), np.interp(X, knots, np.sin(knots)), atol=1e-12)
    delta = 2 * math.pi / (n // 2)
    assert np.max(np.abs(net(X) - np.sin(X))) <= delta**2 * 1.0 / 8 + 1e-12  # max|sin''| = 1


def test_ramps_converge_like_one_over_n_squared() -> None:
    widths = np.array([10, 20, 40, 80, 160])
    t = get_target("gaussian")
    x = np.linspace(-3, 3, 10_001)
    sups = [np.max(np.abs(hand_built(t, int(n), activation="relu")(x) - np.exp(-(x**2))))
            for n in widths]  # fmt: skip
    slope = np.polyfit(np.log(widths), np.log(sups), 1)[0]
    assert -2.2 <= slope <= -1.8


def test_softplus_ramps_tend_to_relu_ramps() -> None:
    t = get_target("sin")
    relu = hand_built(t, 20, activation="relu")(X)
    soft = [np.max(np.abs(hand_built(t, 20, activation="softplus", steepness=w)(X) - relu))
            for w in (5.0, 50.0, 500.0)]  # fmt: skip
    assert soft[0] > soft[1] > soft[2] and soft[2] < 1e-2


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "step", "relu", "softplus"])
def test_every_activation_is_within_its_bound(activation: str) -> None:
    f = fit(get_target("nielsen"), 40, Settings(activation=activation))
    assert f.bound is not None and f.errors.sup <= 1.02 * f.bound
    assert f.net.activation == activation


def test_sigmoid_output_approximates_logit_f_and_f() -> None:
    t = get_target("0.5+0.4*sin(x)", (-3.0, 3.0))
    n = 40
    net = hand_built(t, n, output_activation="sigmoid")
    x = np.linspace(-3, 3, 10_001)
    f = 0.5 + 0.4 * np.sin(x)
    np.testing.assert_allclose(net(x), sigmoid(net.hidden_sum(x)))
    # hidden sum vs σ⁻¹∘f: Lipschitz constant of logit(f) by hand, d/dx = f'/(f(1−f))
    lg = np.max(np.abs(0.4 * np.cos(x) / (f * (1 - f))))
    delta = 6 / (n // 2)
    hidden_err = np.max(np.abs(net.hidden_sum(x) - np.log(f / (1 - f))))
    assert hidden_err <= 1.02 * lg * delta / 2
    # σ is ¼-Lipschitz, so the output error is at most a quarter of that
    assert np.max(np.abs(net(x) - f)) <= hidden_err / 4 + 1e-12


def test_sigmoid_output_trained() -> None:
    t = get_target("0.5+0.4*sin(x)", (-3.0, 3.0))
    f = fit(t, 10, Settings(method="train", output_activation="sigmoid"))
    assert f.net.output_activation == "sigmoid" and f.errors.rmse < 1e-4


@pytest.mark.parametrize("name", ["gaussian", "relu", "x**2"])
def test_sigmoid_output_refuses_targets_outside_zero_one(name: str) -> None:
    with pytest.raises(UatError, match=r"strictly inside \(0, 1\).*ranges over \["):
        squashed_target(get_target(name))


@pytest.mark.parametrize("name", ["sin", "nielsen"])
def test_shifts_reduce_the_sup_error_at_modest_steepness(name: str) -> None:
    t = get_target(name)
    a, b = t.domain
    n = 40
    w = 6 / ((b - a) / (n // 2))  # w·Δ = 6: modest, the windows are wide
    sups = {m: fit(t, n, Settings(shifts=m, steepness=w)).errors.sup for m in (1, 2, 4)}
    assert sups[2] < sups[1] and sups[4] < sups[1]
    assert fit(t, n, Settings(shifts=4)).net.n_neurons == 4 * n


@pytest.mark.parametrize("m", [2, 3, 4])
def test_each_point_lies_in_at_most_one_window(m: int) -> None:
    t = get_target("sin")
    k = 10
    width = copy_edges(t.domain, k, 0, m)[1] - t.domain[0]
    w = 4 * m / width * 1.05  # windows 4/w wide: just narrower than the shift Δ'/m
    net = hand_built(t, 2 * k, shifts=m, steepness=w)
    spans = windows(net, t.domain)
    assert len(spans) == m
    cover = np.zeros_like(X)
    for rows in spans:
        for lo, hi in rows:
            cover += (lo <= X) & (X <= hi)
    assert cover.max() == 1
    # and with wider windows they overlap
    wide = windows(hand_built(t, 2 * k, shifts=m, steepness=w / 2), t.domain)
    cover = sum(((lo <= X) & (X <= hi)).astype(int) for rows in wide for lo, hi in rows)
    assert cover.max() >= 2


def test_copy_edges_cover_the_domain_with_equal_shifted_bumps() -> None:
    for j in range(3):
        e = copy_edges((0.0, 1.0), 5, j, 3)
        assert e[0] == 0.0 and e[-1] == 1.0 and len(e) == 6
        inner = np.diff(e[1:-1])
        np.testing.assert_allclose(inner, inner[0])
        assert np.all(np.diff(e) > 0) and np.all(np.diff(e) <= inner[0] + 1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_json_records_activation_and_output(tmp_path, activation: str) -> None:
    t = get_target("0.5+0.3*cos(x)", (-2.0, 2.0))
    net = hand_built(t, 12, activation=activation, output_activation="sigmoid")
    d = json.loads(net.save(tmp_path / "n.json").read_text())
    assert d["activation"] == activation and d["output_activation"] == "sigmoid"
    back = ShallowNet.load(tmp_path / "n.json")
    x = np.linspace(-2, 2, 101)
    assert np.array_equal(back(x), net(x))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "step", "relu", "softplus"])
@pytest.mark.parametrize("method", ["construct", "train"])
def test_every_activation_end_to_end_from_the_cli(cli, activation: str, method: str) -> None:
    args = ["fit", "sin", "-n", "10", "--activation", activation, "--method", method, "--json"]
    code, out, err = cli(*args)
    if method == "train" and activation == "step":
        assert code == 2 and "step" in err  # a hard step has no gradient to train
        return
    assert code == 0, err
    rec = json.loads(out)
    assert rec["sup_error"] < (0.7 if method == "construct" else 0.05)
    assert activation in rec["output"] or activation == "sigmoid"


def test_shifts_and_sigmoid_output_from_the_cli(cli) -> None:
    code, out, err = cli("fit", "sin", "-n", "20", "--shifts", "3", "--json")
    assert code == 0, err
    assert json.loads(out)["neurons"] == 60
    code, _, err = cli("fit", "gaussian", "--output-activation", "sigmoid")
    assert code == 2 and "(0, 1)" in err
    code, _, err = cli("fit", "sin", "--shifts", "0")
    assert code == 2 and "shifts" in err


@pytest.mark.parametrize("name", ["sin", "cubic"])
def test_softplus_stays_within_the_ramp_bound_at_large_widths(name: str) -> None:
    f = fit(get_target(name), 1000, Settings(activation="softplus"))
    assert f.bound is not None and f.errors.sup <= 1.02 * f.bound  # was 4.4x over
