"""The explorer as a notebook widget: its model's traitlets, the net round trip, its ESM."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("anywidget")

from uat.core.construct import hand_built  # noqa: E402
from uat.core.targets import get_target  # noqa: E402
from uat.web.explore import ExploreSettings, explore_data  # noqa: E402
from uat.web.widget import explore_widget, net_from_state, net_state, widget_esm  # noqa: E402

# One Chromium at a time (one xdist worker): two headless browsers contending for the
# clipboard left a copy button's promise unsettled under load.
pytestmark = pytest.mark.xdist_group("chromium")

WEB = Path(__file__).resolve().parents[1] / "uat" / "web"
JS = WEB / "explore.js"


@pytest.fixture(scope="module")
def widget():
    return explore_widget("sin", ExploreSettings(neurons=20), widths=(2,))


def test_the_widget_syncs_the_pages_data_and_runs_the_same_script(widget) -> None:
    t = get_target("sin")
    data = explore_data(t, "sin", ExploreSettings(neurons=20), widths=(2,))
    state = widget.get_state()
    assert state["data"]["settings"] == data["settings"]
    assert state["data"]["target"]["tree"] == data["target"]["tree"]
    scripts = "".join((WEB / n).read_text(encoding="utf-8") for n in ("helpers.js", "expr.js"))
    scripts += JS.read_text(encoding="utf-8")
    assert widget._esm.startswith(scripts)  # the page's own scripts
    assert "export function render({ model, el })" in widget_esm()


def test_w_net_is_the_net_on_screen_and_round_trips(widget) -> None:
    built = hand_built(get_target("sin"), 20)  # the view opens on it
    net = widget.net
    for k in ("w", "b", "v"):
        assert np.array_equal(getattr(net, k), getattr(built, k))
    assert net.c == built.c and net.domain == (-np.pi, np.pi)
    moved = net_state(built) | {"v": (2 * built.v).tolist(), "c": 0.25}  # as the view sends it
    widget.net_state = moved
    x = np.linspace(-np.pi, np.pi, 101)
    assert np.allclose(widget.net(x), 2 * (built(x) - built.c) + 0.25, rtol=1e-12, atol=1e-12)


def test_a_bad_state_is_refused_in_one_line() -> None:
    from uat.errors import UatError

    with pytest.raises(UatError, match="not a network"):
        net_from_state({"w": [1.0]})


def test_the_esm_renders_with_a_fake_model(tmp_path: Path) -> None:
    from tests.test_gallery_browser import ARGS, browser_or_skip

    exe = browser_or_skip()
    from playwright.sync_api import sync_playwright

    w = explore_widget("sin", ExploreSettings(neurons=20), widths=(2,))
    import json

    esm = (
        widget_esm()
        + """
const sent = [];
const data = JSON.parse(document.getElementById("data").textContent);
const model = { get: (k) => (k === "data" ? data : null), set: (k, v) => sent.push([k, v]),
  save_changes: () => {} };
render({ model, el: document.body.appendChild(document.createElement("div")) });
window.sent = sent;
"""
    )
    page = tmp_path / "w.html"
    payload = json.dumps(w.data).replace("</", "<\\\\/")
    page.write_text(
        f'<!doctype html><meta charset="utf-8"><style>{w._css}</style>'
        f'<script type="application/json" id="data">{payload}</script>'
        f'<script type="module">{esm}</script>'
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        pg = b.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(page.as_uri())
        pg.wait_for_function("window.sent && window.sent.length > 0")
        key, state = pg.evaluate("window.sent[window.sent.length - 1]")
        sup = float(pg.get_by_test_id("sup-error").get_attribute("data-value"))
        b.close()
    assert errors == [] and key == "net_state"
    from uat.core.metrics import errors as errs

    net = net_from_state(state)
    assert net.n_neurons == 20
    assert sup == pytest.approx(errs(net, get_target("sin")).sup, rel=1e-6)
