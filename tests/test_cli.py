"""`uat fit` and `uat targets` end to end: outputs read back, exit codes, one-line errors."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from uat.core.network import ShallowNet


def test_fit_writes_a_png_and_reports_honest_numbers(cli) -> None:
    code, out, err = cli("fit", "sin", "--neurons", "50", "--json")
    assert code == 0, err
    rec = json.loads(out)
    png = Path(rec["output"])
    assert png.name == "sin-construct-50.png"
    with Image.open(png) as im:
        assert im.format == "PNG" and im.width >= 800 and im.height >= 600
    assert {"target", "method", "neurons", "domain", "sup_error", "rmse", "seconds", "output"} <= (
        rec.keys()
    )
    assert rec["neurons"] == 50 and rec["method"] == "construct"
    assert rec["domain"] == pytest.approx([-math.pi, math.pi])
    assert 2 * math.pi / 25 / 2 <= rec["bound"] <= 1.05 * 2 * math.pi / 25 / 2  # + the leak
    assert 0 < rec["sup_error"] <= rec["bound"]


def test_fit_summary_table(cli) -> None:
    code, out, _ = cli("fit", "abs", "-n", "20")
    assert code == 0
    for word in ("sup error", "RMSE", "10,001", "L·Δ/2", "abs-construct-20.png"):
        assert word in out


def test_saved_network_reproduces_the_reported_error(cli) -> None:
    code, out, _ = cli("fit", "gaussian", "-n", "30", "--save-net", "g.json", "--json")
    assert code == 0
    rec = json.loads(out)
    net = ShallowNet.load("g.json")
    x = np.linspace(-3, 3, 10_001)
    grid_sup = np.max(np.abs(net(x) - np.exp(-(x**2))))
    # the sup is refined beyond the grid: at least the grid's, within 1 % of a dense one
    dense = np.linspace(-3, 3, 1_000_001)
    assert grid_sup <= rec["sup_error"]
    assert rec["sup_error"] == pytest.approx(
        np.max(np.abs(net(dense) - np.exp(-(dense**2)))), rel=0.01
    )


@pytest.mark.parametrize(("ext", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_out_picks_the_format(cli, ext: str, magic: bytes) -> None:
    code, _, _ = cli("fit", "cos", "-n", "10", "--out", f"figure{ext}", "-q")
    assert code == 0
    assert Path(f"figure{ext}").read_bytes().startswith(magic)


def test_expression_with_constant_domain(cli) -> None:
    code, out, err = cli("fit", "x**2*sin(5*x)", "--domain", "-2,2", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["domain"] == [-2.0, 2.0]
    code, out, _ = cli("fit", "sin(x)", "--domain=0,2*pi", "--json", "-n", "10")
    assert json.loads(out)["domain"] == pytest.approx([0, 2 * math.pi])


def test_csv_target_both_methods(cli, tmp_path) -> None:
    xs = np.linspace(0, 1, 41)
    np.savetxt(tmp_path / "data.csv", np.column_stack([xs, xs**2]), delimiter=",", header="x,y")
    lip = np.max(np.diff(xs**2) / np.diff(xs))  # the interpolant's steepest segment
    code, out, err = cli("fit", "data.csv", "-n", "10", "--json")
    assert code == 0, err
    assert json.loads(out)["sup_error"] <= 1.02 * lip * (1 / 5) / 2
    code, out, err = cli("fit", "data.csv", "--method", "train", "-n", "10", "--json")
    assert code == 0, err
    assert json.loads(out)["sup_error"] < 1e-2


def test_train_method_is_far_more_accurate(cli) -> None:
    code, out, err = cli("fit", "sin", "--method", "train", "-n", "50", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["rmse"] <= 1e-6 and rec["method"] == "train"


def test_targets_lists_every_name(cli) -> None:
    code, out, _ = cli("targets", "--json")
    assert code == 0
    names = {t["name"] for t in json.loads(out)}
    assert {"sin", "step", "nielsen", "runge"} <= names
    code, out, _ = cli("targets")
    assert "nielsen" in out and "jumps" in out


BAD = [
    (["fit", "sinn"], "did you mean 'sin'"),
    (["fit", "os.system('ls')"], "attribute"),
    (["fit", "__import__('os')"], "unknown name"),
    (["fit", "10**10**10"], "exponent too large"),
    (["fit", "sin", "-n", "0"], "positive"),
    (["fit", "sin", "-n", "-5"], "positive"),
    (["fit", "sin", "-n", "1000000000"], "too many"),
    (["fit", "sin", "-n", "51"], "try 50 or 52"),
    (["fit", "sin", "-n", "many"], "valid integer"),
    (["fit", "sin", "--domain", "2,1"], "reversed"),
    (["fit", "sin", "--domain", "1,1"], "empty"),
    (["fit", "log(x)", "--domain", "-1,1"], "not finite at x = -1"),
    (["fit", "missing.csv"], "not found"),
    (["fit", "bad.csv"], "line 3"),
    (["fit", "nan.csv"], "line 1"),
    (["fit", "sin", "--out", "no/such/dir/f.png"], "does not exist"),
    (["fit", "sin", "--out", "f.jpg"], ".png"),
    (["fit", "sin", "--steepness", "-1"], "positive"),
    (["fit", "sin", "--method", "magic"], "magic"),
    (["fit", "sin", "--method", "train", "-n", "5000"], "too many"),
    (
        ["fit", "sin", "--method", "train", "--optimizer", "adam", "--learning-rate", "1e6"],
        "diverg",
    ),
    (["nonsense"], "nonsense"),
    (["fit", "sin", "--method", "train", "--seed", "-1"], "seed"),
    (["fit", "sin", "--steepness", "1e308"], "overflows"),
    (["fit", "sin", "--domain=1,1.0000000000000002"], "too narrow"),
    (["fit", "sin", "--domain=-1.7e308,1.7e308"], "too wide"),
    (["fit", "sin", "-n", "20000"], "too many"),
    (["animate", "sin", "-n", "6", "--dpi", "1e6"], "--dpi"),
    (["animate", "sin", "--sweep", "training", "--method", "construct"], "drop --method"),
]


@pytest.mark.parametrize(("args", "phrase"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(cli, tmp_path, args: list[str], phrase: str) -> None:
    (tmp_path / "bad.csv").write_text("x,y\n0,1\n1,oops\n")
    (tmp_path / "nan.csv").write_text("0,nan\n1,2\n")
    before = set(tmp_path.iterdir())
    code, out, err = cli(*args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("uat: error: ")
    assert phrase.lower() in err.lower()
    assert "Traceback" not in err and out == ""
    assert set(tmp_path.iterdir()) == before  # no partial or temporary file left


def test_failed_run_leaves_an_existing_figure_intact(cli, tmp_path) -> None:
    target = tmp_path / "keep.png"
    target.write_bytes(b"precious")
    args = ["fit", "sin", "--method", "train", "--optimizer", "adam", "--learning-rate", "1e6"]
    code, _, _ = cli(*args, "--out", "keep.png")
    assert code == 2
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]


def test_help_does_not_import_matplotlib() -> None:
    code = (
        "import sys; from uat.cli.app import run; rc = run(['--help']); "
        "assert 'matplotlib' not in sys.modules and 'numpy' not in sys.modules, "
        "sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'numpy')); "
        "sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "fit" in proc.stdout


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "uat", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    from uat import __version__

    assert proc.stdout.strip() == f"uat {__version__}"


def test_usage_error_through_the_real_entry_point_is_one_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "uat", "fit", "sin", "--neurons", "x"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_animate_writes_a_looping_gif(cli) -> None:
    code, out, err = cli("animate", "sin", "-n", "12", "--size", "400x250", "--hold", "0", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert Path(rec["output"]).name == "sin-construct-hold0-400x250-12.gif"  # its file options
    with Image.open(rec["output"]) as im:
        assert im.size == (400, 250) and im.n_frames == 6  # widths 2, 4, …, 12
        # 6 frames: the default dwell is capped at 1.5 s a width (12 s / 6 would be 2 s)
        assert im.info["loop"] == 0 and im.info["duration"] == 1500


def test_animate_training_run_and_mp4(cli) -> None:
    args = ["animate", "gaussian", "--sweep", "training", "--optimizer", "adam", "-n", "8"]
    code, out, err = cli(*args, "--frames", "5", "-o", "run.mp4", "--size", "320x200", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["frames"] == 5 and rec["sweep"] == "training"
    assert Path("run.mp4").read_bytes()[4:8] == b"ftyp"


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--fps", "15"], "10, 20, 25, 50"),
        (["--size", "801x500", "-o", "a.mp4"], "even"),
        (["--size", "big"], "WIDTHxHEIGHT"),
        (["-o", "a.avi"], ".gif"),
        (["--frames", "0"], "frames"),
        (["-n", "7"], "odd"),
    ],
)
def test_animate_bad_input(cli, tmp_path, args: list[str], phrase: str) -> None:
    code, out, err = cli("animate", "sin", *args)
    assert code == 2 and err.count("\n") == 1 and phrase in err
    assert list(tmp_path.iterdir()) == []


def test_explain_writes_the_anatomy_figure(cli) -> None:
    code, out, err = cli("explain", "sin", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert Path(rec["output"]).name == "sin-explain-construct-10.png"
    with Image.open(rec["output"]) as im:
        assert im.format == "PNG" and im.width > 1000
    code, out, err = cli("explain", "gaussian", "--method", "train", "-n", "6", "--json")
    assert code == 0, err
    assert json.loads(out)["rmse"] < 1e-3
    code, _, err = cli("explain", "sin", "-n", "7")
    assert code == 2 and "odd" in err


def test_animate_sigmoid_output_and_relu(cli) -> None:
    code, out, err = cli(
        "animate", "0.5+0.4*sin(x)", "--domain=-3,3", "--output-activation", "sigmoid",
        "-n", "8", "--size", "320x200", "--json",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli(
        "animate", "sin", "--activation", "relu", "-n", "8", "--size", "320x200", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["output"] == "sin-construct-relu-320x200-8.gif"


SHOWN = [
    (method, act, out)
    for method in ("construct", "train")
    for act in ("sigmoid", "tanh", "step", "relu", "softplus")
    for out in ("identity", "sigmoid")
    if not (method == "train" and act == "step")  # a hard step has no gradient to train
]


@pytest.mark.parametrize(("method", "act", "out"), SHOWN, ids=["-".join(c) for c in SHOWN])
def test_show_reproduces_the_numbers_of_fit(cli, method: str, act: str, out: str) -> None:
    args = ["0.5+0.4*sin(x)", "--domain=-3,3", "-n", "6", "--method", method]
    args += ["--activation", act, "--output-activation", out, "--max-iter", "20"]
    code, text, err = cli("fit", *args, "--save-net", "net.json", "--json")
    assert code == 0, err
    fitted = json.loads(text)
    code, text, err = cli("show", "net.json", "--json")
    assert code == 0, err
    shown = json.loads(text)
    for key in ("sup_error", "rmse", "bound", "neurons", "activation", "output_activation"):
        assert shown[key] == fitted[key], key
    assert shown["output"] == "net.png" and Path("net.png").read_bytes()[:4] == b"\x89PNG"


def test_show_prints_the_fit_summary_and_takes_another_target(cli) -> None:
    code, out, _ = cli("fit", "sin", "-n", "10", "--save-net", "n.json", "--json")
    sin_sup = json.loads(out)["sup_error"]
    code, out, err = cli("show", "n.json", "-o", "again.png")
    assert code == 0, err
    assert "sup error" in out and "bound" in out and "hand-built: 5 bumps" in out
    code, out, err = cli("show", "n.json", "--target", "cos", "--json")
    exact = np.max(np.abs(np.cos(np.linspace(-np.pi, np.pi, 10_001))
                          - np.sin(np.linspace(-np.pi, np.pi, 10_001))))  # fmt: skip
    assert code == 0 and json.loads(out)["target"] == "cos"
    # triangle inequality: |sup|net − cos| − sup|sin − cos|| ≤ sup|net − sin|
    assert abs(json.loads(out)["sup_error"] - exact) <= sin_sup + 1e-12


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("{oops", "cannot read"), ("[]", "JSON object"), ('{"format": "x"}', "uat-network/1")],
)
def test_show_of_a_bad_file_is_one_line(cli, text: str, phrase: str) -> None:
    Path("bad.json").write_text(text)
    code, out, err = cli("show", "bad.json")
    assert code == 2 and err.count("\n") == 1 and phrase in err and out == ""
    assert not Path("bad.png").exists()


def test_csv_with_a_narrower_domain_trains_on_that_domain(cli, tmp_path) -> None:
    xs = np.linspace(-10, 10, 201)
    np.savetxt(tmp_path / "wide.csv", np.column_stack([xs, np.sin(xs)]), delimiter=",")
    code, out, err = cli(
        "fit", "wide.csv", "--domain=-1,1", "--method", "train", "-n", "10", "--json"
    )
    assert code == 0, err
    # was 4.6 (trained on every sample); the kinked interpolant itself is off sin by h²/8 ≈ 1e-3
    assert json.loads(out)["sup_error"] < 1e-2


def test_show_asks_for_a_target_when_none_is_recorded(cli) -> None:
    assert cli("fit", "sin", "-n", "6", "--save-net", "n.json", "-q")[0] == 0
    data = json.loads(Path("n.json").read_text())
    Path("anon.json").write_text(json.dumps(data | {"target": ""}))
    code, _, err = cli("show", "anon.json")
    assert code == 2 and "records no function to measure; pass --target" in err
    code, out, err = cli("show", "anon.json", "--target", "sin", "--json")
    assert code == 0, err
    assert (
        json.loads(out)["sup_error"] == json.loads(cli("show", "n.json", "--json")[1])["sup_error"]
    )


# -- two inputs ------------------------------------------------------------------------------


def _forward(path: Path, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Evaluate a saved uat-network/2 file with plain numpy, layer by layer (not LayeredNet)."""
    d = json.loads(path.read_text())
    assert d["format"] == "uat-network/2" and d["inputs"] == 2
    a = np.stack([x.ravel(), y.ravel()])
    for layer in d["layers"]:
        z = np.asarray(layer["weights"]) @ a + np.asarray(layer["biases"])[:, None]
        a = z if layer["activation"] == "identity" else 0.5 * (1 + np.tanh(z / 2))
    return a[0].reshape(x.shape)


def _gauss(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.exp(-(x**2 + y**2))


def test_fit_on_a_surface_reports_numbers_a_saved_net_reproduces(cli) -> None:
    code, out, err = cli(
        "fit", "exp(-(x**2+y**2))", "--domain=-2,2", "--towers", "6", "--save-net", "g.json",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    with Image.open(rec["output"]) as im:
        assert im.format == "PNG" and im.width >= 1000
    assert rec["neurons"] == 6 * 6 + 2 * 6 and rec["widths"] == [12, 36]
    assert rec["domain"] == [[-2, 2], [-2, 2]]
    lip = math.sqrt(2) * math.exp(-0.5)  # max |∇f| of the Gaussian, at r = 1/√2
    assert rec["lipschitz"] == pytest.approx(lip, rel=0.01)
    assert rec["bound"] is None  # sigmoid towers' corners: none claimed
    # the RMSE on the 201² grid and the sup against a 601² grid, evaluated independently
    xs = np.linspace(-2, 2, 201)
    x, y = np.meshgrid(xs, xs)
    e = _forward(Path("g.json"), x, y) - _gauss(x, y)
    assert rec["rmse"] == pytest.approx(float(np.sqrt(np.mean(e**2))), rel=1e-9)
    xs = np.linspace(-2, 2, 601)
    x, y = np.meshgrid(xs, xs)
    dense = float(np.max(np.abs(_forward(Path("g.json"), x, y) - _gauss(x, y))))
    assert 0.97 * rec["sup_error"] <= dense <= rec["sup_error"] * (1 + 1e-9)


def test_fit_neurons_must_fit_the_tower_layout(cli) -> None:
    code, out, _ = cli("fit", "gaussian2d", "--neurons", "48", "--json")
    assert code == 0 and json.loads(out)["size"] == 6
    code, _, err = cli("fit", "gaussian2d", "--neurons", "50")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "try 48 (K = 6) or 63 (K = 7)" in err and "--neurons" in err


def test_trained_two_layer_surface_is_saved_and_shown(cli) -> None:
    code, out, err = cli(
        "fit", "saddle", "--method", "train", "--neurons", "8", "--layers", "2",
        "--save-net", "t.json", "--json",
    )  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["widths"] == [8, 8] and len(json.loads(Path("t.json").read_text())["layers"]) == 3
    xs = np.linspace(-1, 1, 201)
    x, y = np.meshgrid(xs, xs)
    e = _forward(Path("t.json"), x, y) - (x**2 - y**2)
    assert rec["rmse"] == pytest.approx(float(np.sqrt(np.mean(e**2))), rel=1e-9)
    code, out, err = cli("show", "t.json", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["sup_error"] == pytest.approx(rec["sup_error"], rel=1e-12)
    assert Path(shown["output"]).name == "t.png" and Path("t.png").stat().st_size > 0


def test_show_reads_both_formats(cli) -> None:
    assert cli("fit", "sin", "-n", "10", "--save-net", "one.json", "-q")[0] == 0
    assert cli("fit", "ripple", "--towers", "4", "--save-net", "two.json", "-q")[0] == 0
    code, out, _ = cli("show", "one.json", "--json")
    assert code == 0 and json.loads(out)["neurons"] == 10
    code, out, _ = cli("show", "two.json", "--json")
    assert code == 0 and json.loads(out)["widths"] == [8, 16]


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["fit", "sin(z)"], "'z'"),
        (["fit", "xyw.csv"], "no column named 'z'"),
        (["fit", "x*y", "--domain", "1,pie"], "'pie'"),
        (["fit", "x*y", "--domain", "0,1", "--ydomain", "2,1"], "2"),
        (["fit", "sin", "--ydomain", "0,1"], "--ydomain is for targets of two inputs"),
        (["fit", "gaussian2d", "--layers", "2"], "--layers is for trained nets"),
        (["fit", "gaussian2d", "--method", "train", "--towers", "3"], "--towers"),
        (["fit", "gaussian2d", "--activation", "relu"], "--activation"),
        (["fit", "sin", "--method", "ridges"], "for 2-D targets"),
        (["animate", "gaussian2d", "--sweep", "steepness"], "refine"),
    ],
)
def test_bad_surface_input_is_one_line_exit_2(cli, tmp_path, args: list[str], phrase: str) -> None:
    (tmp_path / "xyw.csv").write_text("x,y,w\n0,0,1\n1,0,2\n0,1,3\n")
    code, out, err = cli(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("uat: error:")
    assert phrase in err


def test_explain_animate_compare_convergence_on_a_surface(cli) -> None:
    code, out, err = cli("explain", "gaussian2d", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["method"] == "nielsen" and Path(rec["output"]).name.endswith("nielsen-K3.png")
    code, out, err = cli(
        "animate", "gaussian2d", "--towers", "3", "--frames", "3", "--size", "320x200",
        "-o", "a.gif", "--json",
    )  # fmt: skip
    assert code == 0, err
    rec = json.loads(out)
    assert rec["sweep"] == "refine" and [f["K"] for f in rec["steps"]] == [1, 2, 3]
    with Image.open("a.gif") as im:
        assert im.n_frames >= 3
    code, out, err = cli("compare", "gaussian2d", "--neurons", "15", "--json")
    assert code == 0, err
    nets = {n["variant"]: n for n in json.loads(out)["networks"]}
    assert nets["construct"]["neurons"] == 15 and nets["train"]["neurons"] == 15
    assert nets["train"]["sup_error"] < nets["construct"]["sup_error"]  # trained beats towers
    code, out, err = cli("convergence", "saddle", "--methods", "construct", "--json")
    assert code == 0, err
    assert json.loads(out)["slopes"]["construct"] == pytest.approx(-0.5, abs=0.15)


def _gif_delays(path: str) -> list[int]:
    with Image.open(path) as im:
        delays = []
        for i in range(im.n_frames):
            im.seek(i)
            delays.append(im.info["duration"])
        return delays


def test_animate_help_lists_the_pace_and_teaching_options(cli) -> None:
    code, out, _ = cli("animate", "--help")
    assert code == 0
    for flag in ("--dwell", "--grow", "--diagram", "--init", "--eps", "--fps"):
        assert flag in out


def test_animate_fps_and_dwell_set_every_delay(cli) -> None:
    args = ["-n", "8", "--size", "320x200", "--hold", "0", "--json"]
    code, out, err = cli("animate", "sin", "--fps", "5", "--dwell", "0.6", *args)
    assert code == 0, err
    rec = json.loads(out)
    assert rec["dwell"] == pytest.approx(0.6)
    assert _gif_delays(rec["output"]) == [600] * 4  # ms: 3 frames at 5 fps, stored once


def test_animate_json_lists_every_frame_and_the_error_falls(cli) -> None:
    code, out, err = cli("animate", "sin", "-n", "40", "--size", "320x200", "--json")
    assert code == 0, err
    steps = json.loads(out)["steps"]
    assert [s["width"] for s in steps] == list(range(2, 42, 2))
    sups = [s["sup_error"] for s in steps]
    falls = sum(b < a for a, b in zip(sups, sups[1:], strict=False))
    assert falls >= 0.8 * (len(sups) - 1)
    # sin is 1-Lipschitz: the hand-built bound L·Δ/2 with Δ = 2π/20
    assert sups[-1] <= 1.02 * math.pi / 20
    assert all(0 < s["rmse"] <= s["sup_error"] for s in steps)


def test_animate_training_starts_far_and_converges(cli) -> None:
    args = ["--sweep", "training", "-n", "12", "--frames", "8", "--size", "320x200", "--json"]
    code, out, err = cli("animate", "runge", *args)
    assert code == 0, err
    rec = json.loads(out)
    steps = rec["steps"]
    assert steps[0]["iteration"] == 0 and len(steps) == rec["frames"] <= 8
    its = [s["iteration"] for s in steps]
    assert its == sorted(set(its))
    rms = math.sqrt(np.mean((1 / (1 + 25 * np.linspace(-1, 1, 10_001) ** 2)) ** 2))
    assert steps[0]["rmse"] > 0.3 * rms  # a start the viewer can see being improved
    assert steps[-1]["rmse"] < 1e-3 * steps[0]["rmse"]


def test_animate_grow_adds_one_visible_bump_a_frame(cli) -> None:
    args = ["-n", "20", "--grow", "--diagram", "--size", "480x300", "--hold", "0", "--json"]
    code, out, err = cli("animate", "sin", *args)
    assert code == 0, err
    rec = json.loads(out)
    assert Path(rec["output"]).name == "sin-construct-grow-diagram-hold0-480x300-20.gif"
    assert [s["bumps"] for s in rec["steps"]] == list(range(1, 11))
    with Image.open(rec["output"]) as im:
        assert im.n_frames == 10
        im.seek(0)
        px = np.asarray(im.convert("RGB")).astype(int)
    orange = np.array([0xE6, 0x9F, 0x00])  # the new bump's highlight
    assert np.count_nonzero(np.all(np.abs(px - orange) <= 30, axis=-1)) > 30


def test_animate_eps_picks_the_smallest_width(cli) -> None:
    args = ["--eps", "0.1", "--size", "320x200", "--frames", "3", "--json"]
    code, out, err = cli("animate", "sin", *args)
    assert code == 0, err
    n = json.loads(out)["neurons"]
    assert json.loads(out)["steps"][-1]["sup_error"] <= 0.1
    code, out, err = cli("fit", "sin", "-n", str(n - 2), "--json", "-o", "narrower.png")
    assert code == 0, err
    assert json.loads(out)["sup_error"] > 0.1
    code, out, err = cli("animate", "sin", "--eps", "1e-9")
    assert code == 2 and "no width up to N = " in err


def help_text(*command: str) -> str:
    """`uat COMMAND --help` as a user sees it in an 80-column terminal."""
    import os

    env = os.environ | {"COLUMNS": "80", "TERM": "dumb", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "uat", *command, "--help"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def help_words(text: str) -> str:
    """The help with its box drawing and line breaks gone: the words in reading order."""
    cells = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.strip("│ ").split("  ") if p.strip()]
        cells.append(parts[-1] if parts else "")
    return " ".join(" ".join(cells).split())


@pytest.mark.parametrize("command", ["fit", "compare", "explain", "animate", "convergence"])
def test_help_shows_usage_target_and_bare_flags(command: str) -> None:
    text = help_text(command)
    assert f"Usage: uat {command} [OPTIONS] TARGET" in text
    assert "{target}" not in text and "<bool>" not in text
    for line in text.splitlines():
        assert len(line) <= 80
        if "--quiet" in line or "--help" in line:
            assert "<" not in line  # a flag takes no value


def test_help_keeps_every_settings_help_and_its_default() -> None:
    """Rich ate `[default: …]` as markup ("… hand-built steps ."): every word must survive."""
    from uat.settings import FIELD_HELP

    words = help_words(help_text("fit"))
    for name, text in FIELD_HELP.items():
        assert " ".join(text.split()) in words, name
    # --neurons names its defaults for both kinds of target in its help
    assert "Hidden neurons N (50; a surface: 12×12 towers" in words
    assert "[default: construct]" in words


def test_fit_eps_picks_the_smallest_width_and_draws_the_band(cli) -> None:
    code, out, err = cli("fit", "sin", "--eps", "0.05", "--json")
    assert code == 0, err
    rec = json.loads(out)
    n = rec["smallest_width"]
    assert rec["neurons"] == n and rec["eps"] == 0.05 and rec["sup_error"] <= 0.05
    assert Path(rec["output"]).name == f"sin-construct-{n}-eps0.05.png"
    x = np.linspace(-math.pi, math.pi, 200_001)
    code, out, _ = cli("fit", "sin", "-n", str(n - 2), "--json", "--save-net", "narrow.json")
    assert np.max(np.abs(ShallowNet.load("narrow.json")(x) - np.sin(x))) > 0.05
    with Image.open(rec["output"]) as im:
        rgb = np.asarray(im.convert("RGB")).reshape(-1, 3).astype(int)
    band = np.array([0x00, 0x9E, 0x73])  # Okabe–Ito green at 22 % over white, and the lines
    tinted = 255 - 0.22 * (255 - band)
    assert (np.abs(rgb - tinted).max(axis=1) < 6).sum() > 5_000  # the band's pixels


def test_fit_eps_that_no_width_reaches_is_one_clear_line(cli) -> None:
    code, _, err = cli("fit", "step", "--eps", "0.1")
    assert code == 2
    assert err.count("\n") == 1 and "no width up to N = 10,000" in err


def test_animate_json_counts_the_files_frames_and_hold(cli) -> None:
    # "frames": 25 beside a GIF of 27 (the hold as two more frames) and an MP4 of 270
    import subprocess

    from uat.plot.writers import ffmpeg_exe

    args = ["animate", "sin", "-n", "12", "--size", "320x200", "--json"]
    code, out, err = cli(*args, "--fps", "25")
    assert code == 0, err
    rec = json.loads(out)
    with Image.open(rec["output"]) as im:
        assert im.n_frames == rec["file_frames"] == rec["frames"] == 6
    assert rec["hold"] == 1.0 and rec["dwell"] == pytest.approx(38 / 25)
    exe = ffmpeg_exe()
    if exe is None:
        return
    code, out, err = cli(*args, "--dwell", "0.33", "-o", "a.mp4")
    rec = json.loads(out)
    run = subprocess.run([exe, "-hide_banner", "-nostdin", "-i", "a.mp4", "-f", "null", "-"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    decoded = int(re.findall(r"frame=\s*(\d+)", run.stderr)[-1])
    assert decoded == rec["file_frames"] == 6 * 7 + 20  # 0.35 s at 20 fps a width, 1 s hold
    assert rec["dwell"] == pytest.approx(0.35)
    code, out, err = cli("animate", "sin", "-n", "12", "--size", "320x200", "--dwell", "0.33",
                         "-o", "b.mp4")  # fmt: skip
    assert "--dwell 0.33 rounded to whole frames at 20 fps" in out


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["animate", "sin", "--sweep", "nonsense"], "unknown --sweep 'nonsense'"),
        (["animate", "sin", "--sweep", "turn"], "sweep turn is for 2-D targets"),
        (["animate", "sin", "--method", "ridges"], "method ridges is for 2-D targets"),
        (["animate", "sin", "--towers", "4"], "towers is for targets of two inputs"),
        (["animate", "gaussian2d", "--grow"], "grow is for targets of one input"),
        (["animate", "sin", "--writer", "foo"], "'--writer': 'foo' is not one of"),
        (["fit", "step", "--eps", "0.1"], "no width brings the sup error below half a jump"),
        (["fit", "sin", "-o", "."], "it is a folder"),
        (["animate", "sin", "-o", "."], "it is a folder"),
        (["gallery", "--spec", "nonexist.toml"], "gallery spec 'nonexist.toml' not found"),
    ],
)
def test_mistakes_read_as_what_they_are(cli, args: list[str], phrase: str) -> None:
    code, _, err = cli(*args)
    assert code == 2 and err.count("\n") == 1 and phrase in err, err
    assert "Value error" not in err and "cannot read gallery spec" not in err


def test_help_names_choices_and_flags_take_no_negation() -> None:
    # --method showed <str>; --animate, --force and --challenge came with --no-… twins
    compare, gallery, explore = help_text("compare"), help_text("gallery"), help_text("explore")
    lines = [ln for ln in help_text("animate").splitlines() if "--method" in ln or "--sweep" in ln]
    assert len(lines) >= 2 and not any("<str>" in ln for ln in lines)
    assert "<mse|sup|mse,sup>" in compare and "<list[str]>" not in gallery
    for text, flag in ((compare, "--animate"), (gallery, "--force"), (explore, "--challenge")):
        assert flag in text and "--no-" + flag[2:] not in text


def test_explain_draws_thousands_of_hand_built_pairs_but_budgets_trained_curves(cli) -> None:
    # `uat explain sin -n 3000` (the case: under 10 s and 1 GB) was refused
    code, out, err = cli("explain", "sin", "-n", "3000", "--json", "-o", "big.png")
    assert code == 0, err
    assert json.loads(out)["neurons"] == 3000 and Path("big.png").stat().st_size > 0
    code, _, err = cli("explain", "sin", "-n", "2000", "--method", "train")
    assert code == 2 and "budget" in err


@pytest.mark.parametrize("size", ["320x200", "640x400"])
def test_small_animations_lay_out_without_a_warning(cli, size: str) -> None:
    import warnings

    args = ["animate", "gaussian", "--sweep", "training", "-n", "8", "--frames", "3"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "axes sizes collapsed to zero" under a long caption
        code, out, err = cli(*args, "--size", size, "-o", "t.gif", "--json")
    assert code == 0, err
    assert json.loads(out)["frames"] == 3


def test_compare_of_a_lone_step_names_the_option_given(cli) -> None:
    code, _, err = cli("compare", "sin", "-n", "10", "--activation", "step")
    assert code == 2 and err.count("\n") == 1 and "choose another --activation" in err
    code, _, err = cli("compare", "sin", "-n", "10", "--activations", "step")
    assert code == 2 and "add another one to --activations" in err
