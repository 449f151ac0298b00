"""Networks in other tools' formats: ONNX, safetensors (PyTorch's key names) and raw .npz.

Every uat network is a stack of dense layers act(W·a + b); the last is the output neuron.
ONNX gets Gemm → activation per layer in double precision; onnxruntime's CPU provider has no
double Softplus and ONNX no step, so those are built from elementary operators.
safetensors gets the state dict of `nn.Sequential(Linear, act, Linear, …)` without torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from uat.errors import UatError

if TYPE_CHECKING:
    from onnx import NodeProto

    from uat.core.layered import LayeredNet
    from uat.core.network import ShallowNet

FORMATS = ("onnx", "safetensors", "npz")
SUFFIXES = {"onnx": ".onnx", "safetensors": ".safetensors", "npz": ".npz"}
OPSET = 17  # Gemm, Sigmoid, Tanh, Relu, Sign, Abs, Exp, Log in double on onnxruntime's CPU
# the PyTorch module of each activation (None: identity, no module in the Sequential)
TORCH_MODULES = {"sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()", "relu": "nn.ReLU()",
                 "softplus": "nn.Softplus()", "identity": None}  # fmt: skip


@dataclass(frozen=True)
class DenseLayer:
    """act(weights @ a + biases), weights of shape (outputs, inputs)."""

    weights: np.ndarray
    biases: np.ndarray
    activation: str


def dense_layers(net: ShallowNet | LayeredNet) -> list[DenseLayer]:
    """The network as dense layers, the output neuron last."""
    from uat.core.network import ShallowNet

    if isinstance(net, ShallowNet):
        return [
            DenseLayer(net.w[:, None].copy(), net.b.copy(), net.activation),
            DenseLayer(net.v[None, :].copy(), np.array([net.c]), net.output_activation),
        ]
    return [DenseLayer(lay.weights.copy(), lay.biases.copy(), lay.activation) for lay in net.layers]


def forward(layers: list[DenseLayer], points: np.ndarray) -> np.ndarray:
    """The plain forward pass (no saturation shortcuts) at points of shape (n, inputs)."""
    from uat.core.activations import get_activation

    a = np.asarray(points, dtype=float)
    for layer in layers:
        a = get_activation(layer.activation).f(a @ layer.weights.T + layer.biases)
    return a


def state_dict(layers: list[DenseLayer]) -> dict[str, np.ndarray]:
    """`nn.Sequential` key names: each Linear is followed by its activation's module, if any."""
    out: dict[str, np.ndarray] = {}
    index = 0
    for layer in layers:
        out[f"{index}.weight"] = np.ascontiguousarray(layer.weights)
        out[f"{index}.bias"] = np.ascontiguousarray(layer.biases)
        index += 1 if TORCH_MODULES.get(layer.activation, "") is None else 2
    return out


def torch_snippet(layers: list[DenseLayer], path: str) -> str:
    """Two lines that load a safetensors export into PyTorch."""
    modules = []
    for layer in layers:
        outputs, inputs = layer.weights.shape
        modules.append(f"nn.Linear({inputs}, {outputs})")
        if TORCH_MODULES[layer.activation] is not None:
            modules.append(str(TORCH_MODULES[layer.activation]))
    return (
        "import torch.nn as nn; from safetensors.torch import load_file\n"
        f"net = nn.Sequential({', '.join(modules)}).double(); "
        f"net.load_state_dict(load_file({path!r}))"
    )


def check_exportable(layers: list[DenseLayer], fmt: str) -> None:
    """A UatError when `fmt` cannot hold these layers."""
    if fmt not in FORMATS:
        raise UatError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}", param="to")
    steps = [layer.activation for layer in layers if layer.activation not in TORCH_MODULES]
    if fmt == "safetensors" and steps:
        raise UatError(
            f"PyTorch has no {steps[0]} activation module to load a safetensors export into; "
            "export this network to onnx or npz",
            param="to",
        )


def to_onnx(layers: list[DenseLayer], name: str = "uat") -> bytes:
    """An ONNX model (opset OPSET): input x (batch, inputs), output y (batch, 1), doubles."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[NodeProto] = []
    inits = []
    a = "x"
    for i, layer in enumerate(layers):
        w, b = f"W{i}", f"b{i}"
        inits += [
            numpy_helper.from_array(layer.weights, w),
            numpy_helper.from_array(layer.biases, b),
        ]
        z = f"z{i}"
        nodes.append(helper.make_node("Gemm", [a, w, b], [z], transB=1))
        a = "y" if i == len(layers) - 1 else f"a{i}"
        nodes += _activation_nodes(layer.activation, z, a, f"act{i}")
    inputs = layers[0].weights.shape[1]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["batch", inputs])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["batch", 1])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.producer_name = "uat"
    onnx.checker.check_model(model, full_check=True)
    return bytes(model.SerializeToString())


def _activation_nodes(act: str, z: str, out: str, p: str) -> list[NodeProto]:
    """ONNX nodes computing out = act(z); names of intermediates start with `p`."""
    from onnx import TensorProto, helper

    def const(name: str, value: float) -> NodeProto:
        return helper.make_node(
            "Constant", [], [name],
            value=helper.make_tensor(name, TensorProto.DOUBLE, [], [value]),
        )  # fmt: skip

    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "identity": "Identity"}
    if act in simple:
        return [helper.make_node(simple[act], [z], [out])]
    if act == "step":  # heaviside(z, ½) = (sign(z) + 1)/2
        return [
            helper.make_node("Sign", [z], [f"{p}_s"]),
            const(f"{p}_one", 1.0),
            const(f"{p}_half", 0.5),
            helper.make_node("Add", [f"{p}_s", f"{p}_one"], [f"{p}_t"]),
            helper.make_node("Mul", [f"{p}_t", f"{p}_half"], [out]),
        ]
    if act == "softplus":  # log(1 + e^z) = relu(z) + log(1 + e^−|z|): no overflow at large z
        return [
            helper.make_node("Relu", [z], [f"{p}_r"]),
            helper.make_node("Abs", [z], [f"{p}_a"]),
            helper.make_node("Neg", [f"{p}_a"], [f"{p}_n"]),
            helper.make_node("Exp", [f"{p}_n"], [f"{p}_e"]),
            const(f"{p}_one", 1.0),
            helper.make_node("Add", [f"{p}_e", f"{p}_one"], [f"{p}_1e"]),
            helper.make_node("Log", [f"{p}_1e"], [f"{p}_l"]),
            helper.make_node("Add", [f"{p}_r", f"{p}_l"], [out]),
        ]
    raise UatError(f"no ONNX form for the activation {act!r}")


def to_safetensors(layers: list[DenseLayer]) -> bytes:
    """The state dict of `nn.Sequential` (float64), written without torch."""
    from safetensors.numpy import save

    return bytes(save(state_dict(layers), metadata={"format": "pt", "producer": "uat"}))


def to_npz(layers: list[DenseLayer]) -> bytes:
    """The raw arrays (`0.weight`, `0.bias`, …) and the activations, in order, as .npz."""
    import io

    buf = io.BytesIO()
    arrays = {"activations": np.array([layer.activation for layer in layers])}
    for i, layer in enumerate(layers):
        arrays[f"{i}.weight"], arrays[f"{i}.bias"] = layer.weights, layer.biases
    np.savez(buf, **arrays)  # type: ignore[arg-type]  # numpy's stub types allow_pickle as a key
    return buf.getvalue()


def export_bytes(layers: list[DenseLayer], fmt: str, name: str = "uat") -> bytes:
    """The file's contents in `fmt` (checked first)."""
    check_exportable(layers, fmt)
    try:
        if fmt == "onnx":
            return to_onnx(layers, name)
        if fmt == "safetensors":
            return to_safetensors(layers)
    except ModuleNotFoundError as e:
        raise UatError(
            f'exporting to {fmt} needs the package {e.name!r}: pip install "uat-visible[export]"'
        ) from None
    return to_npz(layers)
