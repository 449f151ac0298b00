"""Tests for LayeredNet and the uat-network/2 format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.core.layered import FORMAT, Layer, LayeredNet
from uat.errors import UatError


def small_net(rng: np.random.Generator) -> LayeredNet:
    return LayeredNet(
        [
            Layer(rng.normal(size=(5, 2)), rng.normal(size=5), "sigmoid"),
            Layer(rng.normal(size=(3, 5)), rng.normal(size=3), "tanh"),
            Layer(rng.normal(size=(1, 3)), rng.normal(size=1), "identity"),
        ],
        domain=((-1.0, 1.0), (0.0, 2.0)),
        target="saddle",
        method="train",
    )


def forward_from_json(d: dict[str, Any], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """An independent reading of the format: plain loops over the JSON lists."""
    acts = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "identity": lambda z: z}
    a = np.stack([x.ravel(), y.ravel()])  # (inputs, points)
    for layer in d["layers"]:
        w, b = np.array(layer["weights"]), np.array(layer["biases"])
        a = acts[layer["activation"]](w @ a + b[:, None])
    return a[0].reshape(x.shape)


def test_shapes_and_counts(rng: np.random.Generator) -> None:
    net = small_net(rng)
    assert net.inputs == 2 and net.widths == [5, 3] and net.n_neurons == 8
    assert net.n_parameters == 5 * 3 + 3 * 6 + 4
    assert "widths=[5, 3]" in repr(net)


def test_saved_file_evaluates_independently(tmp_path: Path, rng: np.random.Generator) -> None:
    net = small_net(rng)
    path = net.save(tmp_path / "net.json")
    d = json.loads(path.read_text())
    assert d["format"] == FORMAT and d["inputs"] == 2
    assert d["domain"] == [[-1.0, 1.0], [0.0, 2.0]]
    x, y = np.meshgrid(np.linspace(-1, 1, 33), np.linspace(0, 2, 17))
    np.testing.assert_allclose(forward_from_json(d, x, y), net(x, y), rtol=1e-13, atol=1e-13)
    again = LayeredNet.load(path)
    np.testing.assert_array_equal(again(x, y), net(x, y))


def test_sparse_layers_give_the_dense_result(rng: np.random.Generator) -> None:
    w = np.zeros((400, 40))
    w[np.arange(400), rng.integers(0, 40, 400)] = rng.normal(size=400)
    layer = Layer(w, rng.normal(size=400))
    a = rng.normal(size=(7, 40))
    assert layer._sparse is not None
    np.testing.assert_allclose(layer.pre(a), a @ w.T + layer.biases, rtol=1e-14, atol=1e-14)


def _valid(rng: np.random.Generator) -> dict[str, Any]:
    return small_net(rng).to_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="uat-network/1"), "not a uat-network/2"),
        (lambda d: d.update(inputs=0), "'inputs'"),
        (lambda d: d.update(inputs=3), "2 columns, not 3"),
        (lambda d: d.update(layers=[]), "'layers'"),
        (lambda d: d["layers"][0]["biases"].pop(), "5 rows but 4 biases"),
        (lambda d: d["layers"][1]["weights"][0].pop(), "nested lists of equal lengths"),
        (lambda d: d["layers"][0]["weights"][0].__setitem__(0, float("nan")), "NaN"),
        (lambda d: d["layers"][2]["biases"].__setitem__(0, 1e300), "beyond"),
        (lambda d: d["layers"][1].update(activation="swish"), "unknown activation 'swish'"),
        (lambda d: d["layers"][1].update(extra=1), "weights, biases, activation only"),
        (lambda d: d["layers"].pop(), "3 outputs, not 1"),
        (lambda d: d["layers"][0].update(weights="abc"), "nested lists"),
        (lambda d: d.update(domain=[[0, 1]]), "1 intervals, not 2"),
        (lambda d: d.update(domain=[[1, 0], [0, 1]]), "reversed"),
    ],
)
def test_malformed_files_are_refused(rng: np.random.Generator, change: Any, message: str) -> None:
    d = _valid(rng)
    change(d)
    with pytest.raises(UatError, match=message):
        LayeredNet.from_dict(json.loads(json.dumps(d)))


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(UatError, match="cannot read network"):
        LayeredNet.load(path)


def test_load_network_reads_both_formats(tmp_path: Path, rng: np.random.Generator) -> None:
    from uat.core.construct import bumps
    from uat.core.layered import load_network
    from uat.core.network import ShallowNet
    from uat.core.targets import TARGETS

    shallow = bumps(TARGETS["sin"], 10).save(tmp_path / "one.json")
    layered = small_net(rng).save(tmp_path / "two.json")
    assert isinstance(load_network(shallow), ShallowNet)
    assert isinstance(load_network(layered), LayeredNet)
    (tmp_path / "other.json").write_text('{"format": "onnx"}')
    with pytest.raises(UatError, match="not a uat network: format 'onnx'"):
        load_network(tmp_path / "other.json")
