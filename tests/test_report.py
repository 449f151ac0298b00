"""What the CLI prints: the compare table at 80 columns, its notes and labelled summaries."""

from __future__ import annotations

import pytest

from uat.core.targets import get_target
from uat.jobs.commands import compare
from uat.jobs.comparison import Comparison
from uat.settings import Settings


@pytest.fixture(scope="module")
def several() -> Comparison:
    settings = Settings(max_iter=15)
    return compare(get_target("sin"), 10, settings, activations=["sigmoid", "tanh", "step", "relu"])


def printed(result: Comparison, capsys: pytest.CaptureFixture[str], monkeypatch) -> list[str]:
    from uat.cli import report

    monkeypatch.setenv("COLUMNS", "80")
    report.print_comparison(result, "figure: x.png")
    return capsys.readouterr().out.splitlines()


def test_several_activations_fit_80_columns_uncut(several, capsys, monkeypatch) -> None:
    lines = printed(several, capsys, monkeypatch)
    table = [ln for ln in lines if ln[:1] in "┏┃┡│└"]
    assert max(len(ln) for ln in lines) <= 80
    assert not any("…" in ln for ln in table)  # nothing truncated
    rows = {ln.split("│")[1].strip(): ln for ln in table if ln.startswith("│")}
    assert list(rows) == ["sigmoid", "tanh", "step", "relu"]
    by = {(f.method, f.net.activation): f for f in several.fits}
    # each row holds the runs' own numbers: hand-built sup, trained sup, …
    cells = [c.strip() for c in rows["relu"].split("│")[2:-1]]
    assert cells[0] == f"{by['construct', 'relu'].errors.sup:.3g}"
    assert cells[1] == f"{by['train', 'relu'].errors.sup:.3g}"


def test_a_missing_cell_has_a_note_that_says_why(several, capsys, monkeypatch) -> None:
    lines = printed(several, capsys, monkeypatch)
    (step,) = [ln for ln in lines if ln.startswith("│ step")]
    assert step.count("—¹") == 2  # trained sup error and trained RMSE
    notes = [ln for ln in lines if ln.startswith("¹ ")]
    assert notes == ["¹ step, trained: a hard step has no gradient, so it cannot be trained"]


def test_summary_lines_name_their_activation(several, capsys, monkeypatch) -> None:
    lines = printed(several, capsys, monkeypatch)
    summaries = [ln for ln in lines if not ln.startswith("¹") and ("built:" in ln or "ned:" in ln)]
    assert len(summaries) == len(several.fits) == 7
    for ln, f in zip(summaries, several.fits, strict=True):
        assert ln.startswith(f"{f.net.activation}, ")
    (ratio,) = [ln for ln in lines if ln.startswith("hand-built / trained")]
    assert ratio.startswith("hand-built / trained (sigmoid):")


def test_two_float_roundings_have_no_ratio(capsys) -> None:
    from dataclasses import replace

    from uat.cli.report import print_comparison
    from uat.core.targets import get_target
    from uat.jobs.commands import compare

    c = compare(get_target("sin"), 4)
    assert c.sup_error_ratio == pytest.approx(c.fits[0].errors.sup / c.fits[1].errors.sup)
    fits = [replace(f, errors=replace(f.errors, rounding=True)) for f in c.fits]
    both = replace(c, fits=fits)  # as a constant target's two roundings are
    assert both.both_rounding and both.sup_error_ratio is None and both.rmse_ratio is None
    print_comparison(both, "figure: f.png")
    out = capsys.readouterr().out
    assert "both errors are float rounding, no ratio" in out and "×" not in out.splitlines()[-2]
