"""The surface explorer (towers over the plane) in a real browser (Chromium through Playwright).

Its sup error and RMSE must equal `uat fit TARGET --towers K --json` (the library's fit2d and
its refined sup) for three surfaces, three K and both tower forms; its command, fed to the
CLI, must give the numbers it shows.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uat.web.explore import explore

pytestmark = pytest.mark.xdist_group("chromium")

SURFACES = ("gaussian2d", "saddle", "disc")  # smooth, a saddle, a jump along a circle
KS = (2, 7, 16)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("towers")
    return {name: explore(name, out / f"{name}.html").path for name in SURFACES}


def open_page(browser: Any, path: Path, viewport: tuple[int, int] = (1280, 800)) -> Any:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    page.errors = errors
    return page


def number(page: Any, testid: str) -> float | None:
    """A readout's value once the page has measured the net on screen."""
    page.evaluate("() => window.uatTowers.settled()")
    text = page.get_attribute(f"[data-testid={testid}]", "data-value")
    return None if text == "" else float(text)


def fit_json(command: str, out: Path) -> dict[str, Any]:
    """The page's command run through the CLI in this process (`uat fit ... --json`)."""
    from typer.testing import CliRunner

    from uat.cli.app import app

    args = shlex.split(command)
    assert args[:2] == ["uat", "fit"]
    result = CliRunner().invoke(app, [*args[1:], "--json", "--out", str(out / "fit.png")])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("name", SURFACES)
def test_the_surface_page_shows_uat_fits_numbers_at_three_k(
    browser: Any, pages: dict[str, Path], name: str
) -> None:
    from uat.core.targets import get_target
    from uat.jobs.commands import fit

    page = open_page(browser, pages[name])
    target = get_target(name)
    # both tower forms on the first surface; the quadrant towers (uat fit's default) on all
    forms = (("quadrant", "construct"), ("nielsen", "nielsen"))[: 2 if name == SURFACES[0] else 1]
    for form, method in forms:
        page.select_option("[data-testid=form]", form)
        for k in KS:
            page.fill("[data-testid=towers]", str(k))
            made = fit(target, towers=k, method=method).to_dict()
            assert number(page, "construct-sup-error") == pytest.approx(made["sup_error"], rel=1e-6)
            assert number(page, "construct-rmse") == pytest.approx(made["rmse"], rel=1e-6)
            assert made["bound"] is None and number(page, "construct-bound") is None
            assert number(page, "sup-error") == number(page, "construct-sup-error")
    assert page.errors == []
    page.close()


def test_the_page_opens_at_uat_fits_defaults_and_its_command_reproduces_it(
    browser: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    page = open_page(browser, pages["gaussian2d"])
    cli = fit_json(page.text_content("[data-testid=command]"), tmp_path)
    default = fit_json("uat fit gaussian2d", tmp_path)  # no K, no steepness: the CLI's own choice
    assert cli["size"] == default["size"] == int(page.input_value("[data-testid=towers]"))
    assert number(page, "sup-error") == pytest.approx(default["sup_error"], rel=1e-6)
    assert number(page, "rmse") == pytest.approx(default["rmse"], rel=1e-6)
    # a steepness of the slider: the command carries it and the CLI agrees
    page.fill("[data-testid=steepness]", "0.7")
    command = page.text_content("[data-testid=command]")
    assert "--steepness" in command
    cli = fit_json(command, tmp_path)
    assert cli["settings"]["steepness"] == pytest.approx(10**0.7)
    assert number(page, "sup-error") == pytest.approx(cli["sup_error"], rel=1e-6)
    assert number(page, "rmse") == pytest.approx(cli["rmse"], rel=1e-6)
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)])
def test_towers_heights_nielsens_holes_and_the_parts_panel(
    browser: Any, pages: dict[str, Path], viewport: tuple[int, int]
) -> None:
    from uat.core.targets import get_target
    from uat.core.towers import towers

    page = open_page(browser, pages["gaussian2d"], viewport)
    target, k = get_target("gaussian2d"), 4
    page.fill("[data-testid=towers]", str(k))
    assert page.locator("[data-testid=plot]").bounding_box()["y"] < 800  # the 3-D view first
    # a corner where four towers meet, and the centre of tower (1, 1): the library's nets there
    corner = (-1.0, -1.0)
    for form, method in (("quadrant", "quadrant"), ("nielsen", "nielsen")):
        page.select_option("[data-testid=form]", form)
        shown = page.evaluate("([x, y]) => window.uatTowers.netAt(x, y)", list(corner))
        built = towers(target, k, form=method)(np.array([corner[0]]), np.array([corner[1]]))[0]
        assert shown == pytest.approx(built, rel=1e-9, abs=1e-12)
    assert shown < 0.01  # Nielsen's hole: all four towers off where they meet
    # keyed: ↑ on the plot raises the selected tower (cell (0, 0)) by 5 % of f's range
    page.select_option("[data-testid=form]", "quadrant")
    before = float(page.input_value("[data-testid=tower-height]"))
    page.focus("[data-testid=plot]")
    page.keyboard.press("ArrowUp")
    after = float(page.input_value("[data-testid=tower-height]"))
    y = np.linspace(-2, 2, 401)
    f_range = float(np.ptp(target(*np.meshgrid(y, y))))
    assert after - before == pytest.approx(0.05 * f_range, rel=1e-3)
    centre = page.evaluate("() => window.uatTowers.netAt(-1.5, -1.5)")
    assert centre == pytest.approx(after, abs=1e-3)  # the tower stands at its new height
    assert "edited" in page.text_content("[data-testid=command]")
    page.fill("[data-testid=tower-height]", "0.25")
    page.dispatch_event("[data-testid=tower-height]", "change")
    assert page.evaluate("() => window.uatTowers.netAt(-1.5, -1.5)") == pytest.approx(
        0.25, abs=1e-3
    )
    page.click("[data-testid=reset-heights]")
    assert float(page.input_value("[data-testid=tower-height]")) == pytest.approx(before)
    assert "--towers 4" in page.text_content("[data-testid=command]")
    for part in ("neuron", "ridge", "tower"):
        page.select_option("[data-testid=parts]", part)
    assert number(page, "sup-error") is not None and page.errors == []
    page.close()


def test_a_surface_on_another_domain_keeps_it_in_the_command(browser: Any, tmp_path: Path) -> None:
    path = explore("ripple", tmp_path / "r.html", domain="-5,5").path
    page = open_page(browser, path)
    command = page.text_content("[data-testid=command]")
    assert "--domain=-5,5" in command
    cli = fit_json(command, tmp_path)
    assert cli["domain"] == [[-5.0, 5.0], [-5.0, 5.0]]
    assert number(page, "sup-error") == pytest.approx(cli["sup_error"], rel=1e-6)
    assert number(page, "rmse") == pytest.approx(cli["rmse"], rel=1e-6)
    assert page.errors == []
    page.close()
