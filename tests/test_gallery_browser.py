"""The built gallery page in a real browser: every image and video decodes, every caption shows.

Runs headless Chromium (Debian's `chromium` package) through Playwright's Python package,
with no browser download. Without Chromium the test is skipped, except in CI (CI=true),
where `.ci/run` installs it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from uat.gallery import build, load_spec

SMALL = Path(__file__).with_name("gallery_small.toml")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def browser_or_skip() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the browser test: apt-get install chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    return CHROMIUM


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser-gallery")
    shutil.copy(SMALL, out / "gallery.toml")
    outcomes = build(out / "gallery.toml", jobs=2)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return out


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_every_medium_loads_and_every_caption_shows(gallery: Path, viewport) -> None:
    exe = browser_or_skip()
    from playwright.sync_api import sync_playwright

    tmp_path = gallery
    entries, _ = load_spec(tmp_path / "gallery.toml")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto((tmp_path / "index.html").as_uri())
            page.wait_for_load_state("load")
            for e in entries:
                fig = page.locator(f"figure#{e.name}")
                fig.scroll_into_view_if_needed()
                assert fig.locator("figcaption").inner_text() == e.caption
                assert fig.locator("figcaption").is_visible()
                if e.format == "mp4":
                    video = fig.locator("video")
                    video.evaluate(
                        "v => new Promise((ok, bad) => { if (v.readyState >= 2) ok();"
                        " v.onloadeddata = ok; v.onerror = () => bad(v.error && v.error.code); })"
                    )
                    w, h = video.evaluate("v => [v.videoWidth, v.videoHeight]")
                else:
                    img = fig.locator("img")
                    img.evaluate("i => i.decode()")  # rejects if the image cannot be decoded
                    w, h = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
                assert w > 0 and h > 0, e.name
                # the medium fits the viewport: readable on a phone, no sideways scrolling
                box = fig.bounding_box()
                assert box is not None and box["width"] <= viewport[0]
            assert failed == []
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= viewport[0]
        finally:
            browser.close()
