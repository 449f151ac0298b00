"""ShallowNet: evaluation against a direct formula, contributions, JSON round trip."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.core.construct import bumps
from uat.core.network import ShallowNet
from uat.core.targets import get_target
from uat.errors import UatError


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


def _good() -> dict:
    return bumps(get_target("sin"), 4).to_dict()


BAD_FILES = {
    "malformed JSON": ("{not json", "cannot read"),
    "top-level list": ("[1, 2]", "JSON object"),
    "top-level null": ("null", "JSON object"),
    "wrong format tag": (json.dumps(_good() | {"format": "uat-network/9"}), "uat-network/1"),
    "wrong lengths": (json.dumps(_good() | {"hidden_biases": [0.0]}), "different lengths"),
    "NaN weight": (json.dumps(_good()).replace('"output_bias": 0.0', '"output_bias": NaN'), "NaN"),
    "NaN in a list": (
        json.dumps(_good() | {"hidden_weights": [1.0, 2.0, 3.0, "nan"]}),
        "hidden_weights",
    ),
    "infinite weight": (json.dumps(_good() | {"output_weights": [1e999] * 4}), "Infinity"),
    "boolean weight": (json.dumps(_good() | {"output_weights": [True] * 4}), "output_weights"),
    "5000-digit number": (
        json.dumps(_good()).replace('"output_bias": 0.0', '"output_bias": ' + "9" * 5000),
        "cannot read",
    ),
    "5000-digit float": (
        json.dumps(_good()).replace('"output_bias": 0.0', '"output_bias": 1' + "0" * 5000 + ".0"),
        "finite",
    ),
    "absurd nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "unknown activation": (json.dumps(_good() | {"activation": "gelu"}), "activation"),
    "reversed domain": (json.dumps(_good() | {"domain": [3, -3]}), "reversed"),
    "string group": (json.dumps(_good() | {"group": "2"}), "group"),
    "meta a list": (json.dumps(_good() | {"meta": [1]}), "meta"),
    "not UTF-8": (b"\xff\xfe{}", "cannot read"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_network_file_is_one_clear_error(tmp_path, case: str) -> None:
    text, phrase = BAD_FILES[case]
    p = tmp_path / "net.json"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(UatError, match=phrase):
        ShallowNet.load(p)


def test_a_huge_network_file_is_refused_before_reading(tmp_path) -> None:
    from uat.settings import LIMITS

    p = tmp_path / "huge.json"
    with p.open("wb") as fh:  # sparse: no disk used
        fh.truncate(int(LIMITS["file_bytes"].high) + 1)
    with pytest.raises(UatError, match="larger than"):
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


# -- evaluation through asymptotes (sharp steps in O(grid + N)) --------------------------

ACTIVATIONS = ["sigmoid", "tanh", "step", "relu", "softplus"]


def _extended_sum(net: ShallowNet, x: np.ndarray) -> np.ndarray:
    """Σ v·act(w·x + b) + c summed in 80-bit long double, every neuron at every point.

    w·x + b is rounded to float64 first, as every evaluation does: a hard step's side at a
    point within rounding of its position is the float64 one.
    """
    ld = np.longdouble
    z = (np.multiply.outer(x, net.w) + net.b).astype(ld)
    h = {
        "sigmoid": lambda: 1 / (1 + np.exp(-np.clip(z, -11000, 11000))),
        "tanh": lambda: np.tanh(z),
        "step": lambda: np.where(z > 0, ld(1), np.where(z < 0, ld(0), ld(0.5))),
        "relu": lambda: np.maximum(z, ld(0)),
        "softplus": lambda: np.logaddexp(ld(0), z),
    }[net.activation]()
    return np.asarray(h @ net.v.astype(ld) + ld(net.c), dtype=float)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hand_built_evaluation_equals_dense(activation: str) -> None:
    from uat.core.construct import hand_built
    from uat.core.network import _saturated_sum

    net = hand_built(get_target("gaussian"), 1000, activation=activation)
    x = np.linspace(-3, 3, 4001)
    assert _saturated_sum(net, x) is not None  # sharp steps: the asymptote path is taken
    dense = net.dense_hidden_sum(x) + net.c
    fast = net.hidden_sum(x)
    assert np.max(np.abs(fast - dense)) <= 1e-12 * np.max(np.abs(dense))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_wide_hand_built_evaluation_is_exact(activation: str) -> None:
    # N = 10,000: dense float64 sums drift by ~1e-11 for ramps; measure both against 80 bits
    from uat.core.construct import hand_built

    net = hand_built(get_target("sin"), 10_000, activation=activation)
    x = np.linspace(-np.pi, np.pi, 101)
    exact = _extended_sum(net, x)
    assert np.max(np.abs(net.hidden_sum(x) - exact)) <= 1e-12 * np.max(np.abs(exact))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mixed_sign_steep_neurons_at_unsorted_points(
    activation: str, rng: np.random.Generator
) -> None:
    from uat.core.network import _saturated_sum

    n = 600
    w = rng.choice([-1.0, 1.0], n) * rng.uniform(500, 5000, n)
    w[:3] = 0.0  # constant neurons
    s = rng.uniform(-1, 1, n)
    net = ShallowNet(w, -w * s, rng.normal(size=n), 0.3, activation=activation)
    x = rng.uniform(-1.2, 1.2, 1500)
    x[:20] = s[:20]  # exactly on steps: a hard step is 0.5 there
    assert _saturated_sum(net, x) is not None
    exact = _extended_sum(net, x)
    assert np.max(np.abs(net.hidden_sum(x) - exact)) <= 1e-12 * np.max(np.abs(exact))


def test_soft_neurons_fall_back_to_dense(rng: np.random.Generator) -> None:
    from uat.core.network import _saturated_sum

    net = random_net(rng, n=50)  # weights ~ 1: no neuron saturates on [-2, 2]
    x = np.linspace(-2, 2, 101)
    assert _saturated_sum(net, x) is None
    np.testing.assert_allclose(net.hidden_sum(x), _extended_sum(net, x), rtol=1e-13)


@pytest.mark.parametrize("activation", ["sigmoid", "step", "relu"])
def test_non_finite_points_match_dense(activation: str) -> None:
    from uat.core.construct import hand_built

    net = hand_built(get_target("sin"), 1000, activation=activation)
    x = np.array([-np.inf, 0.5, np.nan] if activation == "relu" else [-np.inf, np.inf, np.nan])
    with np.errstate(invalid="ignore"):
        dense = net.dense_hidden_sum(x) + net.c
    np.testing.assert_allclose(net.hidden_sum(x), dense, atol=1e-15)


def test_transitions_in_many_chunks_equal_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import uat.core.network
    from uat.core.construct import hand_built

    net = hand_built(get_target("sin"), 2000)
    x = np.linspace(-np.pi, np.pi, 20_001)
    whole = net.hidden_sum(x)
    monkeypatch.setattr(uat.core.network, "_CHUNK", 500)  # ~500 chunks of transition pairs
    np.testing.assert_allclose(net.hidden_sum(x), whole, rtol=0, atol=1e-15)


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


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"output_bias": 1e308}, "beyond"),  # its sums overflow before any figure
        ({"hidden_weights": [1e200] * 12}, "beyond"),
        ({"domain": [0, 10**400]}, "domain must be two finite numbers"),
    ],
)
def test_a_network_with_absurd_numbers_is_refused(tmp_path, change, words) -> None:
    from uat.core.construct import hand_built
    from uat.core.targets import get_target

    d = hand_built(get_target("sin"), 12).to_dict() | change
    (tmp_path / "n.json").write_text(json.dumps(d))
    with pytest.raises(UatError, match=words):
        ShallowNet.load(tmp_path / "n.json")


def test_as_many_copies_as_neurons_has_no_bound_and_no_crash(cli, tmp_path) -> None:
    from uat.core.construct import hand_built
    from uat.core.targets import get_target

    d = hand_built(get_target("sin"), 12).to_dict()
    d["meta"]["copies"] = 12  # one neuron a copy: not a bump, so no L·Δ/2
    (tmp_path / "n.json").write_text(json.dumps(d))
    code, out, err = cli("show", str(tmp_path / "n.json"), "--json")
    assert code == 2 and "copies × meta.copy_neurons" in err  # 12 copies of 12 are not 12
    del d["meta"]["copy_neurons"]  # 12 copies of 1 neuron: consistent, yet not the construction
    (tmp_path / "n.json").write_text(json.dumps(d))
    code, out, err = cli("show", str(tmp_path / "n.json"), "--json")
    assert code == 0, err
    assert json.loads(out)["bound"] is None


def test_a_folder_or_a_device_is_not_called_missing(tmp_path) -> None:
    with pytest.raises(UatError, match="it is a directory"):
        ShallowNet.load(tmp_path)
    with pytest.raises(UatError, match="not a regular file"):
        ShallowNet.load("/dev/null")
    with pytest.raises(UatError, match="no such file"):
        ShallowNet.load(tmp_path / "none.json")


# -- one interface for every network, one reader for every format ----------------------------


def _two_nets(rng: np.random.Generator) -> tuple[ShallowNet, Any]:
    from uat.core.layered import Layer, LayeredNet

    shallow = ShallowNet(rng.normal(size=6), rng.normal(size=6), rng.normal(size=6), 0.4)
    hidden = Layer(rng.normal(size=(5, 2)), rng.normal(size=5), "tanh")
    layered = LayeredNet([hidden, Layer(rng.normal(size=(1, 5)), [0.7], "identity")])
    return shallow, layered


def test_both_networks_offer_one_interface(rng: np.random.Generator) -> None:
    from uat.core.network import Network

    shallow, layered = _two_nets(rng)
    x, y = rng.uniform(-1, 1, 9), rng.uniform(-1, 1, 9)
    hidden, out = layered.layers
    # independent readings: the formulas, written out
    one = 1 / (1 + np.exp(-(np.outer(x, shallow.w) + shallow.b))) @ shallow.v + 0.4
    two = np.tanh(np.c_[x, y] @ hidden.weights.T + hidden.biases) @ out.weights[0] + 0.7
    for net, coords, expected, bias in ((shallow, (x,), one, 0.4), (layered, (x, y), two, 0.7)):
        assert isinstance(net, Network) and net.inputs == len(coords)
        assert net.parameters().size == net.n_parameters
        np.testing.assert_allclose(net(*coords), expected, rtol=1e-12)
        np.testing.assert_allclose(net.parts(*coords).sum(axis=0) + bias, expected, rtol=1e-12)
    assert layered.n_parameters == 5 * 2 + 5 + 5 + 1


def _uat(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "UAT_DEBUG"} | {"MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "uat", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


SAVED = {  # what the commands write today, each format and construction
    "bumps": ("sin", "-n", "8"),
    "ramps, copies": ("gaussian", "-n", "8", "--shifts", "2", "--activation", "relu"),
    "tanh, sigmoid out": ("nielsen", "-n", "10", "--activation", "tanh",
                          "--output-activation", "sigmoid"),
    "trained": ("sin", "-n", "4", "--method", "train", "--max-iter", "5"),
    "towers": ("gaussian2d", "--towers", "4"),
    "nielsen": ("x*y", "--towers", "3", "--method", "nielsen"),
    "ridges": ("saddle", "--towers", "3", "--method", "ridges"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(SAVED))
def test_files_written_today_load_and_measure_the_same(cli, tmp_path: Path, case: str) -> None:
    from uat.core.layered import load_network

    code, out, err = cli("fit", *SAVED[case], "--save-net", "n.json", "-o", "f.png", "--json")
    assert code == 0, err
    d = json.loads((tmp_path / "n.json").read_text())
    net = load_network(tmp_path / "n.json")
    assert json.loads(json.dumps(net.to_dict())) == d  # read back, written back: the same file
    assert net.parameters().size == net.n_parameters
    made = json.loads(out)
    code, out, err = cli("show", "n.json", "-o", "s.png", "--json")
    assert code == 0 and err == "", err
    shown = json.loads(out)
    key = "sup_error" if "sup_error" in made else "sup"
    assert shown[key] == pytest.approx(made[key], rel=1e-9)
    assert (shown.get("bound") is None) == (made.get("bound") is None)


@pytest.fixture(scope="module")
def towers_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A 4×4 tower net of gaussian2d as `uat fit gaussian2d --towers 4 --save-net` writes it."""
    from uat.core.targets import TARGETS2D
    from uat.core.towers import towers

    path = tmp_path_factory.mktemp("towers") / "n.json"
    towers(TARGETS2D["gaussian2d"], 4).save(path)
    return path.read_text()


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("uat: error: "), stderr
    return lines[0]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('"abc"', "towers_per_side must be a whole number"),
        ("[2]", "towers_per_side must be a whole number"),
        ("1e999", "towers_per_side must be a whole number"),
        ("1e9", "towers_per_side must be a whole number"),
        ("1000000000", "towers_per_side must be a whole number"),
        ("5", "5×5 towers need widths [10, 25]"),  # the weights hold 4×4
    ],
)
def test_2d_metadata_is_checked_against_the_weights(
    tmp_path: Path, towers_file: str, value: str, words: str
) -> None:
    text = towers_file
    assert '"towers_per_side": 4' in text
    (tmp_path / "bad.json").write_text(
        text.replace('"towers_per_side": 4', f'"towers_per_side": {value}')
    )
    done = _uat("show", "bad.json", "-o", "b.png", cwd=tmp_path)
    assert done.returncode == 2 and words in _one_line(done.stderr)
    assert not (tmp_path / "b.png").exists()


def test_a_bound_only_for_the_construction_the_file_claims(tmp_path: Path) -> None:
    from uat.core.construct import hand_built

    hand_built(get_target("sin"), 8).save(tmp_path / "n.json")  # as `uat fit sin -n 8` does
    d = json.loads((tmp_path / "n.json").read_text())  # 4 bumps of Δ = π/2: L·Δ/2 = π/4
    shown = _uat("show", "n.json", "--json", "-o", "s.png", cwd=tmp_path)
    fitted = _uat("fit", "sin", "-n", "8", "--json", "-o", "f.png", cwd=tmp_path)
    # the bound of the file is `uat fit`'s: L·Δ/2 plus the soft steps' leak at this steepness
    bound = json.loads(shown.stdout)["bound"]
    assert bound == pytest.approx(json.loads(fitted.stdout)["bound"], rel=1e-12)
    assert math.pi / 4 <= bound <= 1.1 * math.pi / 4
    # weights 5e-324 and 1e149 beside a steepness of 15.3: metadata that contradicts them
    bad = d | {"hidden_weights": [5e-324] * 4 + [1e149] * 4}
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    done = _uat("show", "bad.json", "-o", "b.png", cwd=tmp_path)
    assert done.returncode == 2 and "meta.steepness" in _one_line(done.stderr)
    # a construction's meta, one output weight changed: measured, with no bound
    (tmp_path / "moved.json").write_text(
        json.dumps(d | {"output_weights": d["output_weights"][:-1] + [3.0]})
    )
    moved = _uat("show", "moved.json", "--json", "-o", "m.png", cwd=tmp_path)
    assert moved.returncode == 0 and moved.stderr == "", moved.stderr
    assert json.loads(moved.stdout)["bound"] is None
    # the same absurd weights in a trained net: shown, no bound, no numpy warning
    trained = bad | {"method": "train", "meta": {}}
    (tmp_path / "t.json").write_text(json.dumps(trained))
    done = _uat("show", "t.json", "--json", "-o", "t.png", cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert json.loads(done.stdout)["bound"] is None


def test_the_layered_reader_is_bounded_like_every_reader(tmp_path: Path) -> None:
    from uat.core.layered import LayeredNet, load_network
    from uat.settings import LIMITS

    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(int(LIMITS["file_bytes"].high) + 1)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for read in (LayeredNet.load, load_network):
        with pytest.raises(UatError, match="larger than"):
            read(big)
        with pytest.raises(UatError, match="not a regular file"):
            read(fifo)  # refused at once: a FIFO never blocks the reader
        with pytest.raises(UatError, match="not a regular file"):
            read("/dev/zero")
