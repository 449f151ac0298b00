"""Shared fixtures: headless matplotlib, closed figures, a seeded rng, a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

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
