"""Regression tests of small faults a teacher met: names, messages, titles, legends, glyphs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from matplotlib.colors import to_rgba

from uat.core.targets import get_target
from uat.jobs import scenes as sc
from uat.plot import render as rn
from uat.plot.figures import draw_eps_band, fit_figure, fit_title, style


def test_show_against_other_targets_writes_other_files(cli, tmp_path) -> None:
    """The README: different runs never overwrite each other."""
    assert cli("fit", "runge", "-n", "10", "--save-net", "runge.json", "-q")[0] == 0
    runs = [[], ["--target", "abs"], ["--target", "sin", "--domain=-3,3"], ["--target", "sin"]]
    names = []
    for extra in runs:
        code, out, err = cli("show", "runge.json", *extra, "--json")
        assert code == 0, err
        names.append(Path(json.loads(out)["output"]).name)
    assert names[0] == "runge.png"  # its own target: the network's own name, as before
    assert len(set(names)) == len(runs)
    assert all((tmp_path / n).is_file() for n in names)
    assert all("abs" in n for n in names[1:2]) and "sin" in names[2] and "m3_3" in names[2]


def test_show_of_an_image_says_so_in_one_line(cli, tmp_path) -> None:
    assert cli("fit", "sin", "-n", "6", "-o", "foo.png", "-q")[0] == 0
    code, out, err = cli("show", "foo.png")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "PNG image" in err and "codec" not in err


def test_a_contact_sheet_is_not_reported_as_a_loop(cli) -> None:
    code, out, err = cli("animate", "sin", "-n", "6", "--size", "320x200", "-o", "s.png")
    assert code == 0, err
    assert "contact sheet" in out and "a loop" not in out and "s a loop" not in out


def test_a_net_measured_against_another_target_says_what_it_was_made_for(tmp_path) -> None:
    import uat

    uat.fit("runge", 10).net.save(tmp_path / "r.json")
    assert "for runge" in fit_title(uat.show(tmp_path / "r.json", "sin"))
    assert " for " not in fit_title(uat.show(tmp_path / "r.json"))


def test_every_neuron_of_a_small_trained_net_is_in_view() -> None:
    """3 trained neurons: 3 curves, each with points inside the panel (their offsets are the
    output bias's: each is drawn about the net's mean)."""
    import uat

    fit = uat.fit("sin", 3, method="train")
    x = np.linspace(*fit.target.domain, 1001)
    raw = fit.net.contributions(x)
    with style():
        fig = fit_figure(fit)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    (lc,) = [c for c in ax.collections if c.get_label().startswith("each neuron")]
    segs = lc.get_segments()
    assert len(segs) == 3
    seen = [np.any((s[:, 1] > lo) & (s[:, 1] < hi)) for s in segs]
    assert all(seen)
    for s, y in zip(segs, raw, strict=True):  # the same shape, shifted by a constant
        shift = np.interp(x, s[:, 0], s[:, 1]) - y
        assert np.ptp(shift) < 1e-9 * max(1.0, float(np.abs(y).max()))
    assert sum(bool(np.any((y > lo) & (y < hi))) for y in raw) < 3  # unshifted: not all seen


def test_the_eps_band_is_one_colour_and_one_label_in_fit_and_animate() -> None:
    import matplotlib.pyplot as plt

    import uat

    fit = uat.fit("sin", 10)
    scene = sc.width_sweep(get_target("sin"), sc.default_widths(6, "construct"))
    scene.band = 0.1
    with style():
        fig, (ax, ax_err) = plt.subplots(2)
        from uat.plot.figures import Curves

        (band, *_) = draw_eps_band(ax, ax_err, Curves.of(fit), 0.1)
        with rn.open_renderer(scene, (320, 200), 100) as r:
            moving = r.panels[0].band
    assert moving is not None
    assert band.get_label() == moving.get_label()
    np.testing.assert_allclose(band.get_facecolor()[0], moving.get_facecolor()[0])
    assert to_rgba(band.get_facecolor()[0]) != to_rgba("lightblue")


def test_summary_lines_end_without_spaces(cli) -> None:
    for args in (["fit", "sin", "-n", "10"], ["compare", "sin", "-n", "6"], ["targets"]):
        code, out, err = cli(*args)
        assert code == 0, err
        lines = out.splitlines()
        assert len(lines) > 5 and [ln for ln in lines if ln != ln.rstrip()] == []


def test_the_gallery_buttons_have_glyphs_in_dejavu_sans() -> None:
    """Debian's Chromium draws ⏸ (not in DejaVu Sans) as a box."""
    from matplotlib import font_manager, ft2font

    import uat.web.gallery as gallery

    font = ft2font.FT2Font(font_manager.findfont("DejaVu Sans"))
    source = Path(gallery.__file__).read_text(encoding="utf-8")
    labels = re.findall(r"'([^']*) (?:Play|Pause)'", source)
    assert len(labels) == 2
    assert all(font.get_char_index(ord(c)) != 0 for label in labels for c in label)
