"""The explorer page's Python side: targets as trees, embedded data, the page file, the command."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from uat.core.targets import TARGETS, get_target
from uat.errors import UatError
from uat.settings import LIMITS
from uat.web.explore import (
    NAMED_EXPRESSIONS,
    ExploreSettings,
    challenge_rescale,
    explore,
    expression_tree,
)

WIDTHS = (2, 10)  # trained widths for these tests: training all 15 is the CLI's job


def page_data(path: Path) -> dict:
    """The JSON the page embeds, read back from the HTML file."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="uat-data">(.*?)</script>', text, re.S)
    assert m is not None
    return json.loads(m.group(1).replace("<\\/", "</"))


def walk(node: list, x: np.ndarray) -> np.ndarray:
    """An independent evaluator of the page's expression trees, in numpy."""
    kind = node[0]
    if kind == "x":
        return x
    if kind == "num":
        return np.full_like(x, node[1])
    if kind in ("neg", "pos"):
        v = walk(node[1], x)
        return -v if kind == "neg" else v
    if kind == "bin":
        a, b = walk(node[2], x), walk(node[3], x)
        ops = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
               "pow": np.power, "mod": np.mod, "floordiv": np.floor_divide}  # fmt: skip
        return ops[node[1]](a, b)
    if kind == "call":
        args = [walk(a, x) for a in node[2]]
        return getattr(np, node[1])(*args)
    if kind == "cmp":
        vals = [walk(a, x) for a in node[2]]
        ops = {"lt": np.less, "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal}
        out = np.ones_like(x)
        for op, a, b in zip(node[1], vals, vals[1:], strict=False):
            out *= ops[op](a, b)
        return out
    if kind == "if":
        return np.where(walk(node[1], x) != 0, walk(node[2], x), walk(node[3], x))
    raise AssertionError(kind)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_named_target_has_an_expression_equal_to_it(name: str) -> None:
    t = TARGETS[name]
    x = np.linspace(*t.domain, 4001)
    with np.errstate(all="ignore"):
        y = walk(expression_tree(NAMED_EXPRESSIONS[name]), x)
    np.testing.assert_allclose(y, t(x), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "text",
    ["x**2*sin(5*x)", "where(x < 0, -x, x**3)", "abs(x) if x > 0.5 else 1 - x", "2 < x*4 <= 3"],
)
def test_expression_trees_evaluate_like_the_cli(text: str) -> None:
    t = get_target(text, (-1.0, 1.0))
    x = np.linspace(-1, 1, 2001)
    np.testing.assert_allclose(walk(expression_tree(text), x), t(x), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "x.real", "(lambda: 1)()"])
def test_expression_trees_refuse_what_the_whitelist_refuses(text: str) -> None:
    with pytest.raises(UatError):
        expression_tree(text)


def test_page_is_one_file_without_network_and_embeds_what_the_cli_computes(tmp_path: Path) -> None:
    from uat.core.metrics import errors
    from uat.core.network import ShallowNet

    page = explore("gaussian", tmp_path / "g.html", ExploreSettings(neurons=30), widths=WIDTHS)
    text = page.path.read_text(encoding="utf-8")
    assert page.bytes == len(text.encode("utf-8")) <= LIMITS["page_bytes"].high
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing to fetch
    assert "<script src" not in text and "<link" not in text
    d = page_data(page.path)
    t = get_target("gaussian")
    assert d["target"]["domain"] == list(t.domain)
    assert 1 <= d["target"]["lipschitz"] / math.sqrt(2 / math.e) <= 1 + 1e-5  # a bound on L
    assert d["settings"]["neurons"] == 30
    assert [n["neurons"] for n in d["trained"]] == list(WIDTHS)
    for rec in d["trained"]:
        net = ShallowNet(rec["w"], rec["b"], rec["v"], rec["c"], activation=rec["activation"])
        e = errors(net, t)
        assert (e.sup, e.rmse) == (rec["sup_error"], rec["rmse"])
        assert len(rec["w"]) == rec["neurons"]


def test_embedded_trained_net_reproduces_the_clis_json(tmp_path: Path, cli) -> None:
    page = explore("sin", tmp_path / "s.html", widths=(10,))
    rec = page_data(page.path)["trained"][0]
    code, out, _ = cli("fit", "sin", "-n", "10", "--method", "train", "--json", "-o", "f.png")
    assert code == 0
    record = json.loads(out)
    assert rec["sup_error"] == pytest.approx(record["sup_error"], rel=1e-9)
    assert rec["rmse"] == pytest.approx(record["rmse"], rel=1e-9)


def test_csv_targets_embed_their_samples(tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    csv.write_text("x,y\n0,0\n1,2\n3,1\n")
    page = explore(str(csv), tmp_path / "d.html", ExploreSettings(neurons=4), widths=(2,))
    tgt = page_data(page.path)["target"]
    assert tgt["samples"] == [[0.0, 1.0, 3.0], [0.0, 2.0, 1.0]]
    assert "tree" not in tgt
    assert tgt["lipschitz"] == 2.0


def test_challenge_opens_nielsens_setting(tmp_path: Path) -> None:
    settings = ExploreSettings(challenge=True, heights="mean", eps=0.1)
    page = explore("nielsen", tmp_path / "c.html", settings, widths=(2,))
    d = page_data(page.path)
    assert d["settings"]["neurons"] == 10 and d["settings"]["output_activation"] == "sigmoid"
    assert (d["settings"]["heights"], d["settings"]["eps"]) == ("mean", 0.1)  # left as given
    assert d["challenge"] == {"bumps": 5, "points": 100, "goal": 0.4, "rescale": [0.0, 1.0]}
    assert d["target"]["squashed"]["sup_norm"] > d["target"]["sup_norm"]  # logit stretches


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("sin", "x.png"), "must end in .html"),
        (("sin", "x.html", ExploreSettings(neurons=300)), "between 2 and 200"),
        (("sin", "x.html", ExploreSettings(neurons=7)), "odd"),
        (("sin", "x.html", ExploreSettings(eps=math.inf)), "positive finite"),
        (("sin", "x.html", ExploreSettings(eps=math.nan)), "positive finite"),
        (("1e200*x", "x.html"), "up to |f| = 1e+100"),
        (("sin", "x.html", ExploreSettings(steepness=0.5)), "between 1 and 1e6"),
        (("sin", "x.html", ExploreSettings(shifts=9)), "between 1 and 8"),
    ],
)
def test_settings_the_page_cannot_show_are_refused(tmp_path: Path, args, message: str) -> None:
    spec, name, *rest = args
    with pytest.raises(UatError, match=re.escape(message)):
        explore(spec, tmp_path / name, *rest, widths=(2,))
    assert not list(tmp_path.iterdir())  # nothing written


@pytest.fixture
def few_widths(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's pages embed two trained nets, not fifteen: training them is tested above."""
    monkeypatch.setattr("uat.web.explore.TRAINED_WIDTHS", WIDTHS)


def test_cli_explore_writes_the_page_and_reports_it(cli, few_widths) -> None:
    code, out, err = cli("explore", "cubic", "-n", "12", "-o", "c.html", "--json")
    assert code == 0, err
    rec = json.loads(out)
    assert rec["output"] == "c.html" and rec["bytes"] == Path("c.html").stat().st_size
    assert [n["neurons"] for n in page_data(Path("c.html"))["trained"]] == list(WIDTHS)


@pytest.mark.parametrize("widths", [(), (3,), (0, 2)])
def test_trained_widths_must_be_even_and_positive(tmp_path: Path, widths) -> None:
    with pytest.raises(UatError, match="even numbers of at least 2"):
        explore("sin", tmp_path / "x.html", widths=widths)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1e200*x",), "up to |f| = 1e+100"),  # not a RuntimeWarning blaming --steepness
        (("sin", "--eps", "inf"), "--eps must be a positive finite number"),
        (("sin", "--eps", "-1"), "--eps must be a positive finite number"),
        (("sin", "-n", "202"), "--neurons must be between 2 and 200"),
        (("sin", "-n", "7"), "odd"),
        (("sin", "--shifts", "0"), "--shifts must be a whole number from 1 to 100"),
        (("sin", "--steepness", "nan"), "--steepness must be positive"),
        (("sin", "--domain=1,1"), "empty"),
        (("1/x",), "not finite"),
        (("x.csv",), "line 3"),  # malformed CSV: 'abc' is not a number
        (("sin", "-o", "/proc/x.html"), "cannot write /proc/x.html"),
        (("sin", "-o", "nodir/x.html"), "folder nodir does not exist"),
        (("sin", "-o", "keep.png"), "the extension must be one of .html"),
        (("nielsen", "--challenge", "-n", "7"), "--challenge uses 10 neurons (5 bumps)"),
        (("nielsen", "--challenge", "--activation", "relu"), "sigmoid neurons"),
        (("sin", "--challenge", "--output-activation", "sigmoid"), "strictly inside (0, 1)"),
    ],
)
def test_cli_refuses_mistakes_in_one_line_and_keeps_existing_pages(cli, args, message) -> None:
    Path("x.csv").write_text("x,y\n0,1\n1,abc\n")
    Path("keep.html").write_text("kept")
    argv = [*args, "-o", "keep.html"] if "-o" not in args else list(args)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would print before the error line
        code, out, err = cli("explore", *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err, err
    assert Path("keep.html").read_text() == "kept"
    assert sorted(p.name for p in Path().iterdir()) == ["keep.html", "x.csv"]  # no temporaries


def test_cli_prints_markup_in_output_names_literally(cli, few_widths) -> None:
    Path("[").mkdir()
    for name in ("[/z].html", "[bold]z.html"):
        code, out, err = cli("explore", "sin", "-n", "4", "-o", name)
        assert code == 0, err
        kb = Path(name).stat().st_size / 1e3
        assert out == f"wrote {name} ({kb:.0f} kB): open it in any browser\n"


@pytest.mark.parametrize("spec", ["sign(x)", "floor(3*x)", "1e-300*x", "tan(x)"])
def test_targets_with_jumps_poles_or_tiny_values_give_a_page(tmp_path: Path, spec: str) -> None:
    t = get_target(spec, (-1.0, 1.0))
    page = explore(spec, tmp_path / "p.html", ExploreSettings(neurons=20), widths=(2,))
    d = page_data(page.path)["target"]
    x = np.linspace(-1, 1, 4001)
    np.testing.assert_allclose(walk(d["tree"], x), t(x), rtol=1e-14, atol=0)
    assert d["sup_norm"] == pytest.approx(float(np.max(np.abs(t(np.linspace(-1, 1, 10001))))))


def best_five(y: np.ndarray) -> float:
    """Nielsen's score of the best five heights, computed here: medians of logit(y) by fifths."""
    g = np.log(y / (1 - y)).reshape(5, 20)
    return float(np.mean(np.abs(g - np.median(g, axis=1, keepdims=True))))


NIELSEN_BEST = best_five(get_target("nielsen")(np.arange(100) / 100))


@pytest.mark.parametrize(("spec", "lo", "hi"), [("sin", -1.0, 1.0), ("square", -1.0, 1.0)])
def test_challenge_rescales_a_target_outside_0_1_to_be_as_hard_as_nielsens(
    tmp_path: Path, spec: str, lo: float, hi: float
) -> None:
    page = explore(spec, tmp_path / "c.html", ExploreSettings(challenge=True), widths=(2,))
    d = page_data(page.path)
    offset, scale = d["challenge"]["rescale"]
    assert offset + scale * lo == pytest.approx(1 - (offset + scale * hi), abs=1e-12)  # about 1/2
    a, b = get_target(spec).domain
    x = a + (b - a) * np.arange(100) / 100
    f = get_target(spec)(x)
    assert best_five(offset + scale * f) == pytest.approx(NIELSEN_BEST, rel=1e-9)
    assert NIELSEN_BEST < 0.40 < best_five(0.5 + 0.4 * f)  # a fixed [0.1, 0.9]: no solution
    # the main panel keeps f itself, with an identity output the CLI accepts
    assert d["settings"]["output_activation"] == "identity" and d["settings"]["neurons"] == 10


def test_challenge_rescale_stops_at_0_05_to_0_95_for_an_easy_shape() -> None:
    offset, scale = challenge_rescale(get_target("x"))  # a line: five steps score 0.28 at most
    assert (offset - scale, offset + scale) == pytest.approx((0.05, 0.95), abs=1e-12)


def test_challenge_leaves_a_target_inside_0_1_and_flattens_a_constant_one() -> None:
    assert challenge_rescale(get_target("nielsen")) == (0.0, 1.0)
    offset, scale = challenge_rescale(get_target("2 + 0*x"))
    assert (offset, scale) == (0.5, 0.0)


# Machado, Oliveira & Fernandes (2009), severity 1: how linear RGB looks without L, M or S cones.
CVD = {
    "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
               [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
               [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
               [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def page_colours() -> dict[str, np.ndarray]:
    """The plot colours of uat/web/explore.js as sRGB in [0, 1], rgba composited over white."""
    from importlib import resources

    js = resources.files("uat.web").joinpath("explore.js").read_text(encoding="utf-8")
    block = re.search(r"const COLORS = \{(.*?)\};", js, re.S)
    assert block is not None
    out = {}
    for name, text in re.findall(r'(\w+): "([^"]+)"', block.group(1)):
        if text.startswith("#"):
            out[name] = np.array([int(text[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        else:
            *rgb, alpha = (float(v) for v in re.findall(r"[\d.]+", text))
            out[name] = (np.array(rgb) / 255) * alpha + (1 - alpha)
    return out


def lab(srgb: np.ndarray, cvd: str | None) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour, as seen with the given colour-vision deficiency."""
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    if cvd is not None:
        lin = np.clip(np.array(CVD[cvd]) @ lin, 0, 1)
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                       [0.0193, 0.1192, 0.9505]])  # fmt: skip
    xyz = to_xyz @ lin / np.array([0.95047, 1.0, 1.08883])  # relative to the D65 white
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("cvd", [None, "protan", "deutan", "tritan"])
def test_the_plot_colours_stay_apart_for_colour_blind_readers(cvd: str | None) -> None:
    c = page_colours()
    for a, b in [("f", "net"), ("f", "hi"), ("net", "hi"), ("parts", "net"), ("parts", "f")]:
        delta = float(np.linalg.norm(lab(c[a], cvd) - lab(c[b], cvd)))  # CIE76 ΔE
        assert delta > 20, (cvd, a, b, delta)  # ~10 is "clearly different" side by side


def test_a_csv_with_too_many_samples_is_refused_before_training(tmp_path) -> None:
    from uat.web.explore import explore

    most = int(LIMITS["explore_samples"].high)

    x = np.linspace(0.0, 1.0, most + 1)
    np.savetxt(tmp_path / "big.csv", np.c_[x, np.sin(20 * x)], delimiter=",")
    with pytest.raises(UatError, match=f"{most + 1:,} samples"):
        explore(str(tmp_path / "big.csv"), tmp_path / "p.html")
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize("spec", ["0*x", "0.5 + 0*x", "0.5 + 1e-3*sin(x)"])
def test_a_challenge_the_flat_start_already_wins_is_refused(spec: str, tmp_path: Path) -> None:
    # "0*x" showed "Success!" before any bump was moved
    with pytest.raises(UatError, match="five flat bumps at 0 already score") as info:
        explore(spec, tmp_path / "c.html", ExploreSettings(challenge=True), widths=(2,))
    assert info.value.param == "challenge" and not any(tmp_path.iterdir())


def test_the_surface_pages_expressions_are_the_named_surfaces() -> None:
    from uat.core.expr import compile_expression2d
    from uat.core.targets import TARGETS2D
    from uat.web.towers import NAMED_SURFACES

    assert set(NAMED_SURFACES) == set(TARGETS2D)
    for name, target in TARGETS2D.items():
        x, y = target.grid(301)
        f = compile_expression2d(NAMED_SURFACES[name])
        np.testing.assert_array_equal(f(x, y), target(x, y), err_msg=name)


def test_a_surface_page_embeds_the_librarys_towers_for_every_k(tmp_path: Path) -> None:
    from uat.core.targets import get_target
    from uat.core.towers import towers
    from uat.settings import LIMITS
    from uat.web.towers import towers_data

    target = get_target("x*y + sin(3*x)")
    data = towers_data(target, "x*y + sin(3*x)", ExploreSettings())
    assert (
        data["target"]["tree"][0] == "bin" and len(data["towers"]) == LIMITS["towers_explored"].high
    )
    for k in (1, 5, 24):
        layout, net = data["towers"][k - 1], towers(target, k, form="nielsen")
        assert layout["steepness"] == net.meta["steepness"]
        assert layout["threshold"]["nielsen"] == net.meta["threshold_steepness"]
        # the page's heights are the cells' (max + min)/2, checked on a finer sampling
        (a, b), (c, d) = target.box
        xs, ys = np.linspace(a, a + (b - a) / k, 65), np.linspace(c, c + (d - c) / k, 65)
        z = target(*np.meshgrid(xs, ys))
        assert layout["heights"][0] == pytest.approx(0.5 * (z.max() + z.min()), abs=1e-3)
    page = explore("saddle", tmp_path / "s.html")
    assert page.bytes < 1_500_000 and "uatTowersMount" in page.path.read_text(encoding="utf-8")
    with pytest.raises(UatError, match="1-D only"):
        explore("saddle", tmp_path / "m.html", ExploreSettings(heights="mean"))
