"""uat export: ONNX, safetensors and .npz read back by their own libraries and checked.

Each file is evaluated by another program (onnxruntime) or read by its format's library, and
compared with a forward pass written here from the saved JSON alone, in plain numpy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from uat.cli.app import run

onnxruntime = pytest.importorskip("onnxruntime")
safetensors_numpy = pytest.importorskip("safetensors.numpy")

ACT = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "softplus": lambda z: np.logaddexp(0.0, z),
    "step": lambda z: np.heaviside(z, 0.5),
    "identity": lambda z: z,
}

NETS = {  # name: the `uat fit` arguments that save it
    "sigmoid": ["sin", "-n", "20"],
    "relu": ["sin", "-n", "20", "--activation", "relu"],
    "tanh": ["runge", "-n", "16", "--activation", "tanh"],
    "softplus": ["abs", "-n", "12", "--activation", "softplus"],
    "step": ["sin", "-n", "10", "--activation", "step"],
    "sigmoid-output": ["0.5+0.4*sin(x)", "-n", "20", "--output-activation", "sigmoid"],
    "trained": ["sin", "-n", "8", "--method", "train"],
    "towers": ["gaussian2d", "--towers", "4"],
}


def layers_from_json(path: Path) -> list[tuple[np.ndarray, np.ndarray, str]]:
    """(W, b, activation) of each layer, read from the saved file as the formats define it."""
    d = json.loads(path.read_text())
    if d["format"] == "uat-network/1":
        names = ("hidden_weights", "hidden_biases", "output_weights")
        w, b, v = (np.asarray(d[name], dtype=float) for name in names)
        c = np.array([float(d["output_bias"])])
        return [(w[:, None], b, d["activation"]), (v[None, :], c, d["output_activation"])]
    return [(np.atleast_2d(np.asarray(x["weights"], float)), np.asarray(x["biases"], float),
             x["activation"]) for x in d["layers"]]  # fmt: skip


def numpy_forward(layers: list[tuple[np.ndarray, np.ndarray, str]], x: np.ndarray) -> np.ndarray:
    a = x
    with np.errstate(over="ignore"):
        for w, b, act in layers:
            a = ACT[act](a @ w.T + b)
    return a


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("nets")
    out = {}
    for name, args in NETS.items():
        path = d / f"{name}.json"
        assert run(["fit", *args, "--save-net", str(path), "-o", str(d / f"{name}.png"), "-q"]) == 0
        out[name] = path
    return out


def points(path: Path) -> np.ndarray:
    """10,001 points over the saved domain (a 101² grid for a surface)."""
    d = json.loads(path.read_text())
    if d["format"] == "uat-network/1":
        a, b = d["domain"]
        return np.linspace(a, b, 10_001)[:, None]
    (a, b), (c, e) = d["domain"]
    gx, gy = np.meshgrid(np.linspace(a, b, 101), np.linspace(c, e, 101))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


@pytest.mark.parametrize("name", sorted(NETS))
def test_onnx_runs_in_onnxruntime_as_uat_evaluates(name: str, saved: dict[str, Path]) -> None:
    import onnx

    from uat.core.layered import load_network

    src = saved[name]
    out = src.with_suffix(".onnx")
    assert run(["export", str(src), "--to", "onnx", "-o", str(out), "-q"]) == 0
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)
    x = points(src)
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    (inp,), (outp,) = session.get_inputs(), session.get_outputs()
    assert (inp.name, inp.type, outp.type) == ("x", "tensor(double)", "tensor(double)")
    y = session.run(None, {"x": x})[0]
    assert y.shape == (x.shape[0], 1)
    net = load_network(src)
    ours = net(x[:, 0]) if x.shape[1] == 1 else net(x[:, 0], x[:, 1])
    scale = max(1.0, float(np.max(np.abs(ours))))
    assert np.max(np.abs(y[:, 0] - ours)) <= 1e-6 * scale
    plain = numpy_forward(layers_from_json(src), x)[:, 0]
    assert np.max(np.abs(y[:, 0] - plain)) <= 1e-9 * scale


@pytest.mark.parametrize("name", ["sigmoid", "sigmoid-output", "towers"])
def test_safetensors_holds_pytorchs_sequential_state_dict(
    name: str, saved: dict[str, Path]
) -> None:
    src = saved[name]
    out = src.with_suffix(".safetensors")
    proc = subprocess.run(
        [sys.executable, "-m", "uat", "export", str(src), "-o", str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    tensors = safetensors_numpy.load_file(str(out))
    layers = layers_from_json(src)
    # nn.Sequential(Linear, act, Linear[, Sigmoid]): Linear k sits at index 2k
    assert sorted(tensors) == sorted(
        f"{2 * i}.{k}" for i in range(len(layers)) for k in ("weight", "bias")
    )
    for i, (w, b, _) in enumerate(layers):
        assert tensors[f"{2 * i}.weight"].dtype == np.float64
        np.testing.assert_array_equal(tensors[f"{2 * i}.weight"], w)
        np.testing.assert_array_equal(tensors[f"{2 * i}.bias"], b)
    assert "nn.Sequential(nn.Linear(" in proc.stdout and "load_state_dict" in proc.stdout
    torch = pytest.importorskip("torch")
    code = proc.stdout[proc.stdout.index("import torch.nn") :]
    scope: dict[str, object] = {}
    exec(code, scope)  # the two printed lines, as a user pastes them
    x = points(src)
    y = scope["net"](torch.from_numpy(x)).detach().numpy()[:, 0]  # type: ignore[operator]
    assert np.max(np.abs(y - numpy_forward(layers, x)[:, 0])) <= 1e-9


def test_npz_has_the_raw_arrays_and_activations(saved: dict[str, Path]) -> None:
    src = saved["relu"]
    out = src.with_suffix(".npz")
    assert run(["export", str(src), "-o", str(out), "-q"]) == 0
    with np.load(out, allow_pickle=False) as z:
        layers = layers_from_json(src)
        assert list(z["activations"]) == [act for _, _, act in layers]
        for i, (w, b, _) in enumerate(layers):
            np.testing.assert_array_equal(z[f"{i}.weight"], w)
            np.testing.assert_array_equal(z[f"{i}.bias"], b)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["{}", "--to", "safetensors"], "PyTorch has no step activation"),
        (["{}", "-o", "net.bin"], "cannot tell the format"),
        (["{}", "--to", "npz", "-o", "{}"], "its own input"),
        (["notes.txt"], "cannot read network"),
        (["other.json"], "not a uat network"),
    ],
)
def test_bad_exports_are_one_line_and_exit_2(
    args: list[str], words: str, saved: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("not json")
    (tmp_path / "other.json").write_text('{"format": "something/1"}')
    src = saved["step"]
    before = src.read_bytes()
    argv = [a.format(src) for a in args]
    proc = subprocess.run(
        [sys.executable, "-m", "uat", "export", *argv], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert src.read_bytes() == before
    assert not (tmp_path / "net.bin").exists()
