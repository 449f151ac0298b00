"""Pages built from hostile text, in a real browser: the page's script runs, no injected code does.

A target's expression comment, a CSV file's name, a --domain comment and a gallery's title,
intro and caption each hold `<!--<script>` (which kept the HTML parser inside the explorer's
data block, so the page loaded blank) and markup that would run code if it were parsed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from uat.web.explore import ExploreSettings, explore

# One Chromium at a time (one xdist worker): two headless browsers contending for the
# clipboard left a copy button's promise unsettled under load.
pytestmark = pytest.mark.xdist_group("chromium")

OPEN = "<!--<script>"
# no slash, so that it can be part of a file name too
RUN = "<img src=x onerror=window.pwned=1><svg onload=window.pwned=1>"
CLOSE = "</script><script>window.pwned=1</script>"
HOSTILE = f"{OPEN}{RUN}{CLOSE} \u2028 \u2029 & ]]> `"


def _open(browser: Any, path: Path) -> tuple[Any, list[str]]:
    """A tab on `path` recording page errors and dialogs (an injected alert would show)."""
    errors: list[str] = []
    page = browser.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    return page, errors


@pytest.fixture(scope="module")
def explorer_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Explorer pages whose target text holds HOSTILE: (page, the text shown as its name)."""
    out = tmp_path_factory.mktemp("hostile-explore")
    csv = out / f"{OPEN}{RUN}.csv"
    csv.write_text("x,y\n" + "".join(f"{i / 10},{(i / 10) ** 2}\n" for i in range(11)))
    few = ExploreSettings(neurons=8)
    made = {
        "expression": explore(f"sin(x)  # {HOSTILE}", out / "e.html", few, widths=(2,)),
        "csv": explore(str(csv), out / "c.html", few, widths=(2,)),
        "domain": explore("sin", out / "d.html", few, domain=f"0, 3 # {HOSTILE}", widths=(2,)),
    }
    return {k: (v.path, OPEN) for k, v in made.items()}


@pytest.mark.parametrize("kind", ["expression", "csv", "domain"])
def test_an_explorer_page_of_hostile_text_runs_its_script_only(
    kind: str, explorer_pages, browser
) -> None:
    path, shown = explorer_pages[kind]
    page, errors = _open(browser, path)
    try:
        # the page's own script ran: it rendered the sup error of the net it built
        page.wait_for_selector("[data-testid=sup-error][data-value]", timeout=15_000)
        assert float(page.get_by_test_id("sup-error").get_attribute("data-value")) >= 0
        assert page.evaluate("window.pwned") is None  # no injected code ran
        assert page.locator("body img[src=x], body svg[onload]").count() == 0
        assert errors == []
        if kind != "domain":  # the target's name is shown as typed
            assert shown in page.title()
    finally:
        page.close()


@pytest.fixture(scope="module")
def hostile_gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from uat.web.gallery import build

    out = tmp_path_factory.mktemp("hostile-gallery")
    text = HOSTILE.replace("\\", "").replace('"', "")
    spec = f"""[gallery]
title = "T {text}"
intro = "I {text}"

[defaults]
size = "320x200"

[[entry]]
name = "fit"
kind = "fit"
target = "sin(x)  # {text}"
neurons = 6
title = "Ti {text}"
caption = "C {text}"

[[entry]]
name = "page"
kind = "explore"
target = "sin(x)  # {text}"
neurons = 8
caption = "E {text}"
"""
    (out / "gallery.toml").write_text(spec)
    outcomes = build(out / "gallery.toml", jobs=1)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return out


def test_a_gallery_of_hostile_text_shows_it_as_typed(hostile_gallery: Path, browser) -> None:
    page, errors = _open(browser, hostile_gallery / "index.html")
    try:
        page.wait_for_load_state("load")
        body = page.inner_text("body")
        for word in ("T ", "I ", "Ti ", "C ", "E "):
            assert f"{word}{OPEN}" in body  # every text shown, not parsed
        # the page's own script ran: its copy button answers
        fig = page.locator("figure#fit")
        fig.locator("button[data-command]").click()
        page.wait_for_function(
            "() => document.querySelector('figure#fit .status').textContent !== ''"
        )
        assert page.evaluate("window.pwned") is None
        assert page.locator("img[src=x], svg[onload]").count() == 0
        assert errors == []
    finally:
        page.close()
    explorer, errors = _open(browser, hostile_gallery / "page.html")
    try:
        explorer.wait_for_selector("[data-testid=sup-error][data-value]", timeout=15_000)
        assert explorer.evaluate("window.pwned") is None
        assert errors == []
    finally:
        explorer.close()


def test_the_gallery_readme_escapes_every_text(hostile_gallery: Path) -> None:
    import html

    readme = (hostile_gallery / "README.md").read_text()
    text = " ".join(HOSTILE.replace("\\", "").replace('"', "").split())
    fence = False
    seen = set()
    for line in readme.splitlines():
        fence = fence != line.startswith("```")
        if fence or line.startswith("```"):
            continue  # the command, in a code block: shown as typed by Markdown itself
        assert "<" not in line and ">" not in line, line  # no tag, comment or autolink
        for word in ("# T", "I", "### Ti", "C", "E"):
            if html.unescape(line) == f"{word} {text}":  # the reader sees what was typed
                seen.add(word)
    assert seen == {"# T", "I", "### Ti", "C", "E"}
    alt = html.escape("C ", quote=False)
    assert f"[![{alt}" in readme and "](fit.png)](fit.png)" in readme  # still an image
