"""One schema and one naming rule for every dimension: `--json` keys and default file names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Each command on a curve and on a surface, as cheap as it runs.
RUNS = {
    "fit": (["fit", "sin", "-n", "10"], ["fit", "gaussian2d", "--towers", "3"]),
    "explain": (["explain", "sin", "-n", "4"], ["explain", "gaussian2d", "--towers", "2"]),
    "compare": (
        ["compare", "sin", "-n", "6", "--max-iter", "5"],
        ["compare", "gaussian2d", "-n", "8", "--max-iter", "5"],
    ),
    "convergence": (
        ["convergence", "sin", "--widths", "4,8", "--methods", "construct"],
        ["convergence", "gaussian2d", "--methods", "construct", "--max-neurons", "24"],
    ),
}


def _keys(record: dict, nested: str | None = None) -> set[str]:
    """The record's keys, and those of the first item of its list `nested` (as 'nested.key')."""
    keys = set(record)
    if nested is not None:
        keys |= {f"{nested}.{k}" for k in record[nested][0]}
    return keys


@pytest.mark.parametrize("command", list(RUNS))
def test_json_has_the_same_keys_in_one_and_two_dimensions(cli, command: str) -> None:
    records = []
    for argv in RUNS[command]:
        code, out, err = cli(*argv, "--json")
        assert code == 0, err
        records.append(json.loads(out))
    nested = {"compare": "networks", "convergence": "points"}.get(command)
    one, two = (_keys(r, nested) for r in records)
    assert one == two, f"only 1-D: {sorted(one - two)}; only 2-D: {sorted(two - one)}"
    assert [r["inputs"] for r in records] == [1, 2]
    for r in records:  # each names the figure it wrote, and the figure is there
        assert Path(r["output"]).is_file()


def test_show_has_the_keys_of_fit_in_both_dimensions(cli) -> None:
    records = {}
    for name, argv in (("sin", ["sin", "-n", "10"]), ("g", ["gaussian2d", "--towers", "3"])):
        code, out, err = cli("fit", *argv, "--save-net", f"{name}.json", "--json")
        assert code == 0, err
        fitted = json.loads(out)
        code, out, err = cli("show", f"{name}.json", "--json")
        assert code == 0, err
        records[name] = shown = json.loads(out)
        # the numbers read back are the numbers built (an independent evaluation of the file)
        assert shown["sup_error"] == pytest.approx(fitted["sup_error"], rel=1e-9)
        assert shown["neurons"] == fitted["neurons"]
    assert set(records["sin"]) == set(records["g"])


def test_fit_json_of_a_surface_reports_its_grid_and_layers(cli) -> None:
    code, out, err = cli("fit", "gaussian2d", "--towers", "3", "--json")
    assert code == 0, err
    r = json.loads(out)
    # 3×3 towers: 2·3 steps in the first layer, 9 thresholds in the second
    assert r["widths"] == [6, 9] and r["neurons"] == 15 and r["size"] == 3
    assert r["grid_points"] == r["grid"] ** 2
    assert r["sup_error_on_grid"] <= r["sup_error"]
    assert r["float_rounding"] is False and r["eps"] is None and r["network"] is None
    (a, b), (c, d) = r["domain"]
    assert (a, b, c, d) == (-2, 2, -2, 2) and r["lipschitz"] > 0
    # sigmoid towers' corners break L·√(Δx²+Δy²)/2 (by 23 % at K = 4): no bound is claimed
    assert r["bound"] is None and r["bound_formula"] is None


def _name(cli, *argv: str) -> str:
    code, out, err = cli(*argv, "--json")
    assert code == 0, err
    return Path(json.loads(out)["output"]).name


def test_default_names_of_a_surface_carry_its_domain(cli) -> None:
    plain = _name(cli, "fit", "sin(x)*cos(y)", "--towers", "2")
    moved = _name(cli, "fit", "sin(x)*cos(y)", "--towers", "2", "--ydomain=0,pi")
    assert plain != moved and "on" in moved
    names = [
        _name(cli, "fit", "exp(-(x**2+y**2))", "--towers", "2", *d)
        for d in ([], ["--domain=-1,1"], ["--domain=-2,2"])
    ]
    # no domain is the expression's own [-1, 1]²: the same network, so the same file
    assert names[0] == names[1] != names[2]
    assert _name(cli, "fit", "sin", "-n", "4", "--domain=0,1") == "sin-on0_1-construct-4.png"


def test_one_naming_rule_names_every_setting_of_a_surface() -> None:
    from uat.jobs.naming import output_name
    from uat.jobs.request import resolve_target as resolve_target2d
    from uat.settings import Settings

    t = resolve_target2d("gaussian2d")
    s, trained = Settings(), Settings(method="train")
    names = [
        output_name("fit", t, Settings(towers=8)),
        output_name("fit", t, Settings(heights="centre", towers=8)),
        output_name("fit", t, Settings(steepness=80.0, towers=8)),
        output_name("fit", t, Settings(method="nielsen", towers=8)),
        output_name("fit", t, trained, 8),
        output_name("fit", t, Settings(method="train", layers=2), 8),
        output_name("fit", t, Settings(method="train", seed=3), 8),
        output_name("explain", t, Settings(towers=8)),
        output_name("compare", t, s, 48),
        output_name("compare", t, Settings(seed=2), 48),
    ]
    assert len(set(names)) == len(names)
    assert names[0] == "gaussian2d-construct-K8.png" and names[4] == "gaussian2d-train-8.png"
    on = resolve_target2d("gaussian2d", "0,1")
    assert output_name("fit", on, Settings(towers=8)) == "gaussian2d-on0_1x0_1-construct-K8.png"


@pytest.mark.parametrize(
    "argv", [["fit", "sin", "-n", "4"], ["fit", "gaussian2d", "--towers", "3"]]
)
def test_the_text_report_has_one_style(cli, argv: list[str]) -> None:
    code, out, err = cli(*argv)
    assert code == 0, err
    rows = [line.split()[0] for line in out.splitlines() if line.strip()]
    for row in ("target", "domain", "method", "neurons", "sup", "RMSE", "grid", "time", "figure"):
        assert row in rows
    assert "output" not in out


def test_the_api_takes_text_and_settings_as_keywords() -> None:
    import uat

    curve = uat.fit("sin", 10, heights="mean")
    assert curve.net.meta["heights"] == "mean" and curve.net.n_neurons == 10
    surface = uat.fit("gaussian2d", towers=3)  # a Settings field, as on the command line
    assert surface.size == 3 and surface.net.widths == [6, 9]
    again = uat.fit(uat.as_target("gaussian2d"), 15, uat.Settings())  # 15 = 3² + 2·3
    assert again.errors.sup == surface.errors.sup
    for bad, param in (({"towers": 3}, "towers"), ({"colour": 1}, "colour")):
        with pytest.raises(uat.UatError) as exc:
            uat.fit("sin", 10, **bad)
        assert exc.value.param == param
