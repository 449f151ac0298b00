"""Shared fixtures: headless matplotlib, closed figures, a seeded rng, a CLI runner, a browser."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> Callable[..., tuple[int, str, str]]:
    """Run `uat ARGS...` in a temporary folder; return (exit code, stdout, stderr)."""
    from uat.cli.app import run

    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one per test module (skipped where it is missing;
    in CI a missing browser fails, see `test_gallery_browser.browser_or_skip`)."""
    from tests.test_gallery_browser import ARGS, browser_or_skip

    exe = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()
