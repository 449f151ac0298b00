"""`uat fit --layers L` of a curve: the deep constructions and trained deep nets, each saved
net evaluated again with plain numpy, and `uat show` reading it back."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest


def tent(x: np.ndarray, k: int) -> np.ndarray:
    for _ in range(k):
        x = 2.0 * np.minimum(x, 1.0 - x)
    return x


def forward(d: dict, x: np.ndarray) -> np.ndarray:
    """A saved uat-network/2 of one input evaluated with numpy alone."""
    acts = {"relu": lambda z: np.maximum(z, 0.0), "identity": lambda z: z,
            "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)), "tanh": np.tanh}  # fmt: skip
    a = x[:, None]
    for layer in d["layers"]:
        a = acts[layer["activation"]](a @ np.array(layer["weights"]).T + np.array(layer["biases"]))
    return a[:, 0]


def test_tent5_in_five_layers_of_two_is_exact_and_its_file_agrees(cli, tmp_path: Path) -> None:
    args = ["fit", "tent5", "--layers", "5", "--neurons", "2", "--method", "construct"]
    code, out, err = cli(*args, "--save-net", "t.json")
    assert code == 0, err
    assert "10 [2, 2, 2, 2, 2]" in out and "32 linear pieces" in out
    code, out, _ = cli(*args, "--json")
    rec = json.loads(out)
    assert rec["sup_error"] <= 1e-12 and rec["neurons"] == 10 and rec["widths"] == [2] * 5
    d = json.loads((tmp_path / "t.json").read_text())
    assert d["format"] == "uat-network/2" and d["inputs"] == 1 and len(d["layers"]) == 6
    x = np.linspace(0.0, 1.0, 100_001)
    assert np.max(np.abs(forward(d, x) - tent(x, 5))) <= 1e-12
    # the 2^5 + 1 dyadic points are the kinks: values 0, 1, 0, 1, … exactly
    dyadic = np.arange(33) / 32
    np.testing.assert_allclose(forward(d, dyadic), np.arange(33) % 2, atol=1e-12)
    code, out, _ = cli("show", "t.json", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["sup_error"] <= 1e-12 and shown["widths"] == [2] * 5


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6, 7, 8])
def test_yarotsky_square_reaches_its_bound(cli, tmp_path: Path, m: int) -> None:
    code, out, err = cli("fit", "x**2", "--domain=0,1", "--layers", str(m), "--method",
                         "construct", "--json", "--save-net", "s.json")  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["widths"] == [3] * m
    assert rec["sup_error"] == pytest.approx(2.0 ** (-2 * m - 2), rel=0.01)
    # independently: the saved net on a fine grid and at the piece midpoints (where x² bends
    # furthest from its chord: the error there is exactly (h/2)², h = 2^-m)
    d = json.loads((tmp_path / "s.json").read_text())
    mids = (np.arange(2**m) + 0.5) / 2**m
    x = np.union1d(np.linspace(0.0, 1.0, 20_001), mids)
    assert np.max(np.abs(forward(d, x) - x**2)) == pytest.approx(rec["sup_error"], rel=1e-6)


def test_tent_with_more_layers_than_compositions_is_still_the_tent(cli, tmp_path: Path) -> None:
    code, out, _ = cli("fit", "tent3", "--layers", "5", "--neurons", "2", "--method",
                       "construct", "--json", "--save-net", "t.json")  # fmt: skip
    assert code == 0 and json.loads(out)["widths"] == [2] * 5
    x = np.linspace(0.0, 1.0, 10_001)
    d = json.loads((tmp_path / "t.json").read_text())
    assert np.max(np.abs(forward(d, x) - tent(x, 3))) <= 1e-12


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sin", "--layers", "3", "--method", "construct"], "tent1 … tent12"),
        (["x**2", "--layers", "3", "--method", "construct"], "tent1 … tent12"),  # on [-1, 1]
        (["tent5", "--layers", "3", "--method", "construct"], "--layers 5 or more"),
        (["tent5", "--layers", "5", "--neurons", "4", "--method", "construct"], "--neurons 2"),
        (["sin", "--layers", "3", "--method", "train"], "needs --neurons"),
        (["sin", "--layers", "2", "--neurons", "8,8,8", "--method", "train"], "2 hidden layers"),
        (["sin", "--neurons", "4,6"], "--layers L > 1"),
        (["sin", "--neurons", "4;6"], "N,N,…"),
        (["sin", "--layers", "2", "--neurons", "60", "--method", "train"], "parameters"),
        (["sin", "--layers", "13", "--neurons", "2", "--method", "train"], "layers"),
        (
            ["sin", "--layers", "2", "--neurons", "4", "--method", "train", "--activation", "step"],
            "step",
        ),
    ],
)
def test_deep_requests_without_a_net_are_one_line_and_exit_2(cli, args, says) -> None:
    code, _, err = cli("fit", *args)
    assert code == 2 and err.count("\n") == 1 and says in err, err


def test_a_trained_deep_net_is_saved_shown_and_agrees_with_numpy(cli, tmp_path: Path) -> None:
    code, out, err = cli("fit", "sin", "--layers", "3", "--neurons", "5", "--method", "train",
                         "--activation", "tanh", "--restarts", "1", "--max-iter", "40",
                         "--json", "--save-net", "d.json")  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    d = json.loads((tmp_path / "d.json").read_text())
    assert rec["widths"] == [5, 5, 5] and rec["method"] == "train"
    assert [la["activation"] for la in d["layers"]] == ["tanh"] * 3 + ["identity"]
    # every weight trained: each layer differs from the start's
    assert rec["parameters"] == 10 + 30 + 30 + 6
    a, b = rec["domain"]
    x = np.linspace(a, b, 10_001)
    e = np.abs(forward(d, x) - np.sin(x))
    assert rec["rmse"] == pytest.approx(float(np.sqrt(np.mean(e**2))), rel=1e-6)
    assert float(e.max()) <= rec["sup_error"] <= float(e.max()) * 1.01
    assert rec["sup_error"] < 0.05  # 15 tanh neurons in three layers fit one period
    code, out, _ = cli("show", "d.json", "--json")
    assert code == 0 and json.loads(out)["sup_error"] == pytest.approx(rec["sup_error"], rel=1e-9)


def test_one_layer_is_the_fit_of_today(cli) -> None:
    code, out, _ = cli("fit", "sin", "--neurons", "12", "--layers", "1", "--json")
    _, plain, _ = cli("fit", "sin", "--neurons", "12", "--json")
    rec, same = json.loads(out), json.loads(plain)
    assert code == 0 and rec["widths"] == [12] and rec["sup_error"] == same["sup_error"]


def test_widths_are_a_number_or_a_list_in_python() -> None:
    import uat

    fit = uat.fit("sin", [4, 6], method="train", layers=2, activation="relu", restarts=1,
                  max_iter=20)  # fmt: skip
    assert fit.net.widths == [4, 6] and fit.to_dict()["neurons"] == 10


def _texts(fig) -> list[str]:
    """Every text the figure draws: titles, suptitle and text artists of every axes."""
    out = [fig.get_suptitle()]
    for ax in fig.axes:
        out += [ax.get_title()] + [t.get_text() for t in ax.texts]
    return out


def test_explain_of_a_three_layer_net_names_its_layers_and_weight_shapes(cli, tmp_path) -> None:
    from uat.jobs.commands import explain
    from uat.plot.draw import command_figure

    fit = explain("sin", [4, 3, 5], method="train", layers=3, activation="relu", restarts=1,
                  max_iter=15)  # fmt: skip
    fit.net.save(tmp_path / "n.json")
    d = json.loads((tmp_path / "n.json").read_text())
    fig = command_figure("explain", fit)
    texts = _texts(fig)
    assert fig.get_suptitle().startswith("3 hidden layers")
    for want in ("W₁: 4×1, b₁: 4", "W₂: 3×4, b₂: 3", "W₃: 5×3, b₃: 5", "W₄: 1×5, b₄: 1"):
        assert want in texts
    names = [t for t in texts if t.startswith("hidden layer")]
    assert names.count("hidden layer 1\n4 neurons") == 1 and "hidden layer 3\n5 neurons" in names
    assert [t for t in names if "\n" not in t] == [
        "hidden layer 1: 4 neurons", "hidden layer 2: 3 neurons", "hidden layer 3: 5 neurons"
    ]  # fmt: skip
    # the heat maps hold the saved file's weights and biases, layer by layer
    heat = [ax.images[0].get_array() for ax in fig.axes if ax.images]
    assert len(heat) == 4
    for m, layer in zip(heat, d["layers"], strict=True):
        np.testing.assert_array_equal(m, np.c_[np.array(layer["weights"]), layer["biases"]])


def test_explain_draws_a_deep_fit_and_a_saved_deep_net(cli, tmp_path: Path) -> None:
    code, out, err = cli("explain", "tent3", "--layers", "3", "--neurons", "2", "--method",
                         "construct", "-o", "fit.png")  # fmt: skip
    assert code == 0, err
    assert "3 hidden layers [2, 2, 2]" in out and (tmp_path / "fit.png").stat().st_size > 20_000
    cli("fit", "tent4", "--layers", "4", "--neurons", "2", "--method", "construct",
        "--save-net", "t4.json")  # fmt: skip
    code, out, err = cli("explain", "t4.json", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["widths"] == [2] * 4 and rec["sup_error"] <= 1e-12
    assert (tmp_path / rec["output"]).stat().st_size > 20_000


def test_the_command_line_takes_a_width_per_layer(cli, tmp_path: Path) -> None:
    code, out, err = cli("fit", "sin", "--layers", "3", "--neurons", "4,6,5", "--method", "train",
                         "--activation", "relu", "--restarts", "1", "--max-iter", "20",
                         "--json", "--save-net", "w.json")  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    d = json.loads((tmp_path / "w.json").read_text())
    assert rec["widths"] == [4, 6, 5] and [len(la["biases"]) for la in d["layers"]] == [4, 6, 5, 1]
    assert Path(rec["output"]).name == "sin-train-relu-iter20-layers3-4x6x5.png"
