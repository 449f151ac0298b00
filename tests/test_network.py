"""ShallowNet: evaluation against a direct formula, contributions, JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from uat.construct import bumps
from uat.errors import UatError
from uat.network import ShallowNet
from uat.targets import get_target


def random_net(rng: np.random.Generator, n: int = 7, **kw: object) -> ShallowNet:
    return ShallowNet(rng.normal(size=n), rng.normal(size=n), rng.normal(size=n), 0.3, **kw)


def test_output_matches_the_formula(rng: np.random.Generator) -> None:
    net = random_net(rng)
    x = np.linspace(-2, 2, 101)
    expected = (1 / (1 + np.exp(-(np.outer(x, net.w) + net.b)))) @ net.v + 0.3
    np.testing.assert_allclose(net(x), expected, rtol=1e-12, atol=1e-12)


def test_sigmoid_output_squashes_the_hidden_sum(rng: np.random.Generator) -> None:
    net = random_net(rng, output_activation="sigmoid")
    x = np.linspace(-1, 1, 11)
    np.testing.assert_allclose(net(x), 1 / (1 + np.exp(-net.hidden_sum(x))), rtol=1e-12)


def test_chunked_evaluation_equals_direct(rng: np.random.Generator) -> None:
    net = random_net(rng, n=3000)
    x = np.linspace(-3, 3, 5001)  # 15 M neuron-points: evaluated in chunks
    direct = net.hidden(x) @ net.v + net.c
    np.testing.assert_allclose(net(x), direct, rtol=1e-10, atol=1e-10)


def test_contributions_sum_to_the_output(rng: np.random.Generator) -> None:
    net = random_net(rng, n=8)
    x = np.linspace(-1, 1, 50)
    assert net.contributions(x).shape == (8, 50)
    np.testing.assert_allclose(net.contributions(x).sum(axis=0) + net.c, net(x))


def test_bump_contributions_are_pairs() -> None:
    net = bumps(get_target("sin"), 10)
    x = np.linspace(-np.pi, np.pi, 200)
    parts = net.contributions(x)
    assert parts.shape == (5, 200)
    np.testing.assert_allclose(parts.sum(axis=0), net(x), atol=1e-12)
    assert np.all(np.sign(parts[:, ::10]) * np.sign(net.v[0::2])[:, None] >= 0)


def test_json_round_trip_gives_an_identical_network(tmp_path) -> None:
    net = bumps(get_target("gaussian"), 12)
    path = net.save(tmp_path / "net.json")
    d = json.loads(path.read_text())
    required = {
        "format",
        "activation",
        "output_activation",
        "hidden_weights",
        "hidden_biases",
        "output_weights",
        "output_bias",
        "domain",
        "target",
        "method",
    }
    assert required <= d.keys()
    assert d["format"] == "uat-network/1"
    assert d["activation"] == "sigmoid" and d["output_activation"] == "identity"
    assert len(d["hidden_weights"]) == len(d["hidden_biases"]) == len(d["output_weights"]) == 12
    assert isinstance(d["output_bias"], float)
    assert d["domain"] == [-3.0, 3.0] and d["target"] == "gaussian" and d["method"] == "construct"
    back = ShallowNet.load(path)
    x = np.linspace(-3, 3, 1001)
    assert np.array_equal(back(x), net(x))
    assert np.array_equal(back.w, net.w) and np.array_equal(back.b, net.b)
    assert back.group == 2 and back.domain == net.domain


def test_loading_something_else_is_a_clear_error(tmp_path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"format": "other"}')
    with pytest.raises(UatError, match="uat-network/1"):
        ShallowNet.load(p)
    p.write_text("{not json")
    with pytest.raises(UatError, match="cannot read"):
        ShallowNet.load(p)


def test_repr_and_counts() -> None:
    net = bumps(get_target("sin"), 6)
    assert net.n_neurons == 6 and net.n_parameters == 19
    assert "N=6" in repr(net) and "construct" in repr(net)


def test_saved_files_get_ordinary_permissions(tmp_path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        path = bumps(get_target("sin"), 4).save(tmp_path / "n.json")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_theta_packs_every_parameter_and_from_theta_round_trips(rng: np.random.Generator) -> None:
    net = random_net(rng, n=4, activation="tanh")
    theta = net.theta
    assert theta.shape == (net.n_parameters,)
    np.testing.assert_array_equal(theta, np.r_[net.w, net.b, net.v, net.c])
    moved = ShallowNet.from_theta(theta + 1.0, like=net)
    assert moved.activation == "tanh" and moved.n_neurons == 4
    np.testing.assert_array_equal(moved.w, net.w + 1.0)
    assert moved.c == net.c + 1.0 and net.theta[0] == theta[0]  # `like` is left untouched
    with pytest.raises(ValueError, match="3N"):
        ShallowNet.from_theta(np.zeros(5), like=net)
