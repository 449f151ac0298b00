"""The explorer page in a real browser (Debian's Chromium through Playwright), from file://.

The page's readouts must equal `uat fit ... --json` for the same settings, read from the
page's own "copy the command" text; its sup error must also agree with an independent
dense evaluation in Python, including the one-sided limits at a jump.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_gallery_browser import ARGS, browser_or_skip
from uat.explore import ExploreSettings, explore

WIDTHS = (10, 20)  # trained nets embedded in the test pages


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("explore")
    return {
        "sin": explore("sin", out / "sin.html", widths=WIDTHS).path,
        "step": explore("step", out / "step.html", ExploreSettings(neurons=20), widths=(10,)).path,
        "nielsen": explore(
            "nielsen", out / "n.html", ExploreSettings(challenge=True), widths=(10,)
        ).path,
    }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


class Page:
    """One open explorer page that records console errors and refuses every non-file request."""

    def __init__(self, browser: Any, path: Path, viewport: tuple[int, int], hash_: str = ""):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(path.as_uri() + hash_)
        self.page.wait_for_selector("[data-testid=sup-error][data-value]")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def set(self, testid: str, value: Any) -> None:
        """Move a slider or pick an option as a user would, firing the same events."""
        self.page.get_by_test_id(testid).evaluate(
            "(e, v) => { e.value = v; e.dispatchEvent(new Event(e.tagName === 'SELECT' ? "
            "'change' : 'input', {bubbles: true})); }",
            str(value),
        )

    def value(self, testid: str) -> float:
        return float(self.page.get_by_test_id(testid).get_attribute("data-value"))

    def text(self, testid: str) -> str:
        return self.page.get_by_test_id(testid).inner_text()

    def close(self) -> None:
        assert self.errors == []
        assert self.requests == []
        self.page.close()


def cli_numbers(command: str, tmp_path: Path) -> dict[str, Any]:
    """Run the page's command through the CLI and return its JSON record."""
    import contextlib
    import io

    from uat.cli import run

    argv = shlex.split(command)
    assert argv[:2] == ["uat", "fit"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = run([*argv[1:], "-o", str(tmp_path / "fit.png")])
    assert code == 0
    return json.loads(buf.getvalue())


def assert_same_numbers(p: Page, tmp_path: Path) -> None:
    rec = cli_numbers(p.text("command"), tmp_path)
    assert p.value("sup-error") == pytest.approx(rec["sup_error"], rel=1e-6)
    assert p.value("rmse") == pytest.approx(rec["rmse"], rel=1e-6)
    bound = p.page.get_by_test_id("bound").get_attribute("data-value")
    if rec["bound"] is None:
        assert bound == ""
    else:
        assert float(bound) == pytest.approx(rec["bound"], rel=1e-9)


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_every_control_moves_the_readouts_to_the_clis_numbers(
    browser: Any, pages: dict[str, Path], tmp_path: Path, viewport: tuple[int, int]
) -> None:
    p = Page(browser, pages["sin"], viewport)
    assert_same_numbers(p, tmp_path)  # N = 50, minimax, automatic steepness
    if viewport[0] < 600:  # the phone checks layout and numbers, not every control again
        moves: list[list[tuple[str, Any]]] = [[("neurons", 20), ("heights", "mean")]]
    else:  # the CLI's numbers are checked after each group (each check renders a figure)
        moves = [
            [("neurons", 20), ("heights", "mean")],
            [("activation", "tanh"), ("shifts", 2), ("steepness", 2.5), ("heights", "centre")],
            [("activation", "softplus")],
            [("activation", "relu"), ("shifts", 1)],
        ]
    for group in moves:
        for testid, value in group:
            before = (p.value("sup-error"), p.text("command"))
            p.set(testid, value)
            assert (p.value("sup-error"), p.text("command")) != before, testid
        assert_same_numbers(p, tmp_path)
    assert p.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    p.close()


def test_keyboard_moves_a_slider_and_the_hash_keeps_the_view(
    browser: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    p = Page(browser, pages["sin"], (1280, 900))
    p.page.get_by_test_id("neurons").focus()
    p.page.keyboard.press("ArrowRight")
    assert p.page.get_by_test_id("neurons").input_value() == "52"
    p.set("heights", "centre")
    link = p.page.get_by_test_id("permalink").get_attribute("href")
    assert "n=52" in link and "heights=centre" in link
    assert p.page.evaluate("location.hash") == link
    q = Page(browser, pages["sin"], (1280, 900), hash_=link)
    assert q.value("sup-error") == p.value("sup-error")
    assert_same_numbers(q, tmp_path)
    p.page.get_by_test_id("copy-command").click()
    p.close()
    q.close()


def test_trained_readouts_equal_the_clis_trained_fit(
    browser: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    p = Page(browser, pages["sin"], (1280, 900))
    p.set("method", "train")
    p.set("neurons", 18)  # snaps to the nearest trained width
    assert p.page.get_by_test_id("neurons").input_value() == "20"
    assert "--method train" in p.text("command")
    assert_same_numbers(p, tmp_path)
    assert p.value("trained-sup-error") == p.value("sup-error")
    assert p.value("construct-sup-error") > 100 * p.value("trained-sup-error")
    p.close()


def test_typed_expressions_and_csv_samples_match_the_cli(browser: Any, tmp_path: Path) -> None:
    csv = tmp_path / "d.csv"
    x = np.linspace(0, 2, 41)
    csv.write_text(
        "x,y\n" + "".join(f"{float(a)!r},{float(np.exp(-a) * np.cos(3 * a))!r}\n" for a in x)
    )
    for spec, domain, n in [("x**2*sin(5*x)", "-2,2", 30), (str(csv), None, 16)]:
        settings = ExploreSettings(neurons=n, heights="mean")
        path = explore(spec, tmp_path / "p.html", settings, domain=domain, widths=(10,)).path
        p = Page(browser, path, (1280, 900))
        assert_same_numbers(p, tmp_path)
        p.close()


def test_sup_error_is_the_true_sup_at_a_jump(browser: Any, pages: dict[str, Path]) -> None:
    from uat.construct import hand_built
    from uat.targets import get_target

    t = get_target("step")
    net = hand_built(t, 20)
    x = np.linspace(-1, 1, 1_000_001)  # independent: 100× the page's grid, plus both limits
    dense = float(np.max(np.abs(net(x) - t(x))))
    at_jump = float(net(np.array([0.0]))[0])
    true_sup = max(dense, abs(at_jump - 0.0), abs(at_jump - 1.0))
    p = Page(browser, pages["step"], (1280, 900))
    assert p.value("sup-error") == pytest.approx(true_sup, rel=1e-9)
    p.close()


def test_dragging_a_bump_and_hovering_the_diagram(browser: Any, pages: dict[str, Path]) -> None:
    p = Page(browser, pages["sin"], (1280, 900))
    p.set("neurons", 10)
    p.page.get_by_test_id("plot").scroll_into_view_if_needed()
    box = p.page.get_by_test_id("plot").bounding_box()
    before = p.value("sup-error")
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.3
    p.page.mouse.move(x, y)
    assert "bump 3:" in p.text("hover-info")  # the third of five bumps covers the centre
    p.page.mouse.down()
    p.page.mouse.move(x, y - 60, steps=4)
    p.page.mouse.up()
    assert p.value("sup-error") > before  # lifting the middle bump off the curve
    p.page.locator("[data-testid=diagram] g.unit").nth(1).hover()
    info = p.text("hover-info")
    assert info.startswith("bump 2:") and info.count("neuron w = ") == 2 and "h = " in info
    p.close()


def test_one_neuron_panel_shows_the_step_point(browser: Any, pages: dict[str, Path]) -> None:
    p = Page(browser, pages["sin"], (1280, 900))
    p.set("neuron-w", 20)
    p.set("neuron-b", -10)
    w = float(p.page.get_by_test_id("neuron-w").input_value())
    b = float(p.page.get_by_test_id("neuron-b").input_value())
    assert p.value("neuron-s") == pytest.approx(-b / w, rel=1e-12)
    p.close()


def test_challenge_success_for_a_solution_and_failure_for_a_flat_line(
    browser: Any, pages: dict[str, Path], tmp_path: Path
) -> None:
    from uat.targets import get_target

    f = get_target("nielsen")
    x = np.arange(100) / 100  # Nielsen's score points
    goal = np.log(f(x) / (1 - f(x)))
    p = Page(browser, pages["nielsen"], (390, 844))
    assert_same_numbers(p, tmp_path)  # the construction under a sigmoid output
    assert p.value("challenge-score") == pytest.approx(np.mean(np.abs(goal)), rel=1e-12)
    assert "Success" not in p.text("challenge-result")
    medians = [round(float(np.median(goal[20 * k : 20 * k + 20])), 2) for k in range(5)]
    for k, h in enumerate(medians):
        p.set(f"challenge-h{k + 1}", h)
    expected = np.mean(np.abs(goal - np.repeat(medians, 20)))
    assert expected < 0.40
    assert p.value("challenge-score") == pytest.approx(expected, rel=1e-12)
    assert p.text("challenge-result") == "Success!"
    p.close()


def test_redraw_time_at_100_neurons_is_printed(browser: Any, pages: dict[str, Path]) -> None:
    p = Page(browser, pages["sin"], (1280, 900))
    p.set("neurons", 100)
    ms = p.page.evaluate(
        "() => { const U = window.uatExplore, t = [];"
        " for (let i = 0; i < 10; i++) { const t0 = performance.now(); U.render(false);"
        " t.push(performance.now() - t0); } return t.sort((a, b) => a - b)[5]; }"
    )
    print(f"\nexplore: median redraw at 100 neurons: {ms:.1f} ms (budget 16 ms)")
    p.close()


def test_eps_band_finds_the_smallest_width_meeting_it(browser: Any, pages: dict[str, Path]) -> None:
    from uat.jobs import fit
    from uat.targets import get_target

    p = Page(browser, pages["sin"], (1280, 900))
    p.set("eps", -1.0)  # ε = 10^-1 · max|sin| = 0.1
    assert "ε = 0.1" in p.page.get_by_test_id("eps").locator("xpath=..").inner_text()
    p.page.wait_for_selector("[data-testid=eps-width][data-value]")
    t = get_target("sin")
    smallest = next(n for n in range(2, 201, 2) if fit(t, n).errors.sup <= 0.1)
    assert p.value("eps-width") == smallest
    p.page.get_by_test_id("eps-go").click()
    assert p.page.get_by_test_id("neurons").input_value() == str(smallest)
    assert p.value("sup-error") <= 0.1
    p.close()
