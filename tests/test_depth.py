"""`uat depth`: every printed number comes from a saved net that plain numpy evaluates again."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from uat.jobs.depth import parameters_of, widths_for


def tent(x: np.ndarray, k: int) -> np.ndarray:
    for _ in range(k):
        x = 2.0 * np.minimum(x, 1.0 - x)
    return x


def forward(d: dict, x: np.ndarray) -> np.ndarray:
    """A saved uat-network/2 of one input evaluated with numpy alone, in chunks."""
    out = []
    for chunk in np.array_split(x, max(1, x.size // 20_000)):
        a = chunk[:, None]
        for layer in d["layers"]:
            a = a @ np.array(layer["weights"]).T + np.array(layer["biases"])
            a = np.maximum(a, 0.0) if layer["activation"] == "relu" else a
        out.append(a[:, 0])
    return np.concatenate(out)


def counted_params(d: dict) -> int:
    return sum(np.size(la["weights"]) + np.size(la["biases"]) for la in d["layers"])


@pytest.fixture(scope="module")
def tent6(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    from uat.cli.app import run

    folder = tmp_path_factory.mktemp("depth")
    import contextlib
    import io
    import os

    here = os.getcwd()
    os.chdir(folder)
    try:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = run(["depth", "tent6", "--json", "--seeds", "1", "--layers-list", "1,2",
                        "--save-nets", "nets"])  # fmt: skip
    finally:
        os.chdir(here)
    assert code == 0
    return json.loads(buf.getvalue()), folder


def test_tent6_needs_at_least_63_neurons_in_one_layer_and_the_deep_net_has_12(tent6) -> None:
    record, folder = tent6
    assert isinstance(record["shallow_width"], int) and record["shallow_width"] >= 63
    assert record["shallow_width_bound"] == 2**6 - 1
    hb = record["hand_built"]
    assert hb["widths"] == [2] * 6 and hb["sup_error"] <= 0.1 and hb["linear_pieces"] == 64
    # the search's widths: the one found reaches 0.1 and the one below it does not
    by_width = {r["widths"][0]: r["sup_error"] for r in record["shallow_search"]}
    assert by_width[record["shallow_width"]] <= 0.1
    assert by_width.get(record["shallow_width"] - 1, 1.0) > 0.1
    assert (folder / "depth-tent6.png").stat().st_size > 10_000
    depths = [r["layers"] for r in record["trained"]]
    assert depths[:2] == [1, 2] and [2] * 6 in [r["widths"] for r in record["trained"]]


def test_every_printed_sup_error_is_reproduced_by_numpy_from_the_saved_net(tent6) -> None:
    record, folder = tent6
    rows = [*record["trained"], record["hand_built"], *record["shallow_search"]]
    x = np.linspace(0.0, 1.0, 2**19 + 1)  # every kink of tent6 is a grid point
    grid = np.linspace(0.0, 1.0, 10_001)
    for row in rows:
        d = json.loads((folder / row["net"]).read_text())
        assert [len(la["biases"]) for la in d["layers"][:-1]] == row["widths"]
        assert counted_params(d) == row["parameters"] == parameters_of(row["widths"])
        err = np.abs(forward(d, x) - tent(x, 6))
        on_grid = np.abs(forward(d, grid) - tent(grid, 6))  # the RMSE's grid: 10,001 points
        sup, rmse = float(err.max()), float(np.sqrt(np.mean(on_grid**2)))
        assert sup == pytest.approx(row["sup_error"], rel=0.01, abs=1e-9), row["net"]
        assert rmse == pytest.approx(row["rmse"], rel=0.02, abs=1e-9), row["net"]


def test_equal_parameter_widths_are_the_nearest_to_the_budget() -> None:
    for layers in (2, 3, 4):
        w = widths_for(layers, 97)[0]
        p = [abs(parameters_of([v] * layers) - 97) for v in (w - 1, w, w + 1) if v >= 1]
        assert abs(parameters_of([w] * layers) - 97) == min(p)
    assert parameters_of([8, 8]) == 2 * 8 + 9 * 8 + 9  # by hand


BAD = [
    ["sin", "--layers-list", "0"],
    ["ripple"],
    ["sin", "--seeds", "0"],
    ["sin", "--layers-list", "a"],
]


@pytest.mark.parametrize("args", BAD)
def test_bad_requests_are_one_line_and_exit_2(cli, args: list[str]) -> None:
    code, _, err = cli("depth", *args)
    assert code == 2 and err.count("\n") == 1


def test_the_layers_figure_names_three_hidden_layers_and_their_shapes(
    rng: np.random.Generator,
) -> None:
    from uat.core.layered import Layer, LayeredNet
    from uat.plot.depth import layers_figure

    sizes = [1, 4, 3, 5, 1]
    layers = [Layer(rng.normal(size=(o, i)), rng.normal(size=o), "relu")
              for i, o in zip(sizes, sizes[1:], strict=False)]  # fmt: skip
    layers[-1].activation = "identity"
    net = LayeredNet(layers, domain=((-1.0, 2.0),))
    fig = layers_figure(net, n=301)
    titles = [ax.get_title() for ax in fig.axes]
    assert fig.get_suptitle().startswith("3 hidden layers")
    for want in ("W₁: 4×1, b₁: 4", "W₂: 3×4, b₂: 3", "W₃: 5×3, b₃: 5", "W₄: 1×5, b₄: 1"):
        assert want in titles
    assert [t for t in titles if t.startswith("hidden layer")] == [
        "hidden layer 1: 4 neurons",
        "hidden layer 2: 3 neurons",
        "hidden layer 3: 5 neurons",
    ]
    # each top panel draws its layer's neurons: numpy's forward pass, layer by layer
    a = np.linspace(-1.0, 2.0, 301)[:, None]
    for i, layer in enumerate(layers):
        a = a @ layer.weights.T + layer.biases
        a = np.maximum(a, 0.0) if i < 3 else a
        drawn = np.array([line.get_ydata() for line in fig.axes[i].lines]).T
        np.testing.assert_allclose(drawn, a, atol=1e-12)
        # the heat map holds the weights then the biases
        np.testing.assert_array_equal(
            fig.axes[len(layers) + i].images[0].get_array(), np.c_[layer.weights, layer.biases]
        )


def test_depth_draws_the_hand_built_net_with_explain(cli, tmp_path: Path) -> None:
    code, out, _ = cli("depth", "x**2", "--domain", "0,1", "--layers-list", "2", "--seeds", "1",
                       "--neurons", "4", "--explain", "layers.png", "--json")  # fmt: skip
    record = json.loads(out)
    assert code == 0 and (tmp_path / "layers.png").stat().st_size > 10_000
    hb = record["hand_built"]
    assert hb["widths"] == [3, 3] and hb["sup_error"] == pytest.approx(2.0**-6, rel=1e-9)
    # Yarotsky's m = 2: the interpolant of x² at the 5 points j/4, so 4 pieces
    assert hb["linear_pieces"] == 4 and record["explain"] == "layers.png"


def test_fit_and_show_print_the_exact_pieces_of_a_relu_net(cli, tmp_path: Path) -> None:
    code, out, _ = cli("fit", "sin", "--neurons", "9", "--activation", "relu", "--method",
                       "train", "--save-net", "n.json")  # fmt: skip
    assert code == 0
    d = json.loads((tmp_path / "n.json").read_text())
    w, b, v = (np.array(d[k]) for k in ("hidden_weights", "hidden_biases", "output_weights"))
    a, c = d["domain"]
    kinks = -b / w
    inside = np.unique(np.round(kinks[(kinks > a) & (kinks < c) & (np.abs(v * w) > 1e-12)], 9))
    # by hand: the slope jumps by Σ v·|w| at a kink; count the kinks where it really jumps
    jumps = [abs(sum(vi * abs(wi) for wi, vi, k in zip(w, v, kinks, strict=True)
                     if abs(k - s) < 1e-9)) for s in inside]  # fmt: skip
    want = 1 + sum(j > 1e-9 for j in jumps)
    assert re.search(rf"pieces +{want} linear pieces", out), out
    code, shown, _ = cli("show", "n.json")
    assert code == 0 and f"{want} linear pieces" in shown
