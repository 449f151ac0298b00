"""Gallery entries on a surface: the same kinds as a curve's, their commands, one built and read
back, and a spec of an earlier version (kinds fit2d, …, animate2d) read as today's."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from PIL import Image

from uat.web.gallery import Entry, build, load_spec


def test_the_spec_holds_surface_entries_whose_commands_are_the_same_commands() -> None:
    from uat.core.targets import target_dim

    entries, _ = load_spec(Path(__file__).parent.parent / "gallery" / "gallery.toml")
    two = {e.name: e for e in entries if target_dim(e.target) == 2}
    assert {e.kind for e in two.values()} >= {"grow", "explain", "compare", "convergence"}
    grow = shlex.split(two["towers-grow"].command())
    assert grow[:5] == ["uat", "animate", "gaussian2d", "--sweep", "grow"]
    assert grow[grow.index("--method") + 1] == "construct"
    assert grow[-2:] == ["--out", "towers-grow.gif"]
    assert "--fps" in grow  # the spec's defaults reach animations, not stills
    assert "--fps" not in shlex.split(two["neurons-as-surfaces"].command())


def test_a_2d_entry_builds_its_figure_and_numbers(tmp_path) -> None:
    spec = tmp_path / "g.toml"
    spec.write_text(
        '[[entry]]\nname = "sq"\nkind = "fit"\ntarget = "x*y"\ndomain = "-1,1"\n'
        'towers = 4\ncaption = "c"\n'
    )
    [outcome] = build(spec, tmp_path / "out", jobs=1)
    assert outcome.ok, outcome.error
    assert outcome.numbers["neurons"] == "24"
    # x·y: L = max |(y, x)| = √2, cells of side ½: bound √2·√(½² + ½²)/2 = ½
    assert 0.3 < float(outcome.numbers["sup error"]) <= 1.05 * 0.5
    with Image.open(tmp_path / "out" / "sq.png") as im:
        assert im.format == "PNG"
    assert Entry("sq", "fit", "x*y", "c", options={"towers": 4}).argv() == [
        "fit",
        "x*y",
        "--towers",
        "4",
        "--out",
        "sq.png",
    ]


def test_a_surface_entry_is_refused_before_any_build_as_a_curves_is(tmp_path) -> None:
    from uat.errors import UatError

    spec = tmp_path / "g.toml"
    spec.write_text(
        '[[entry]]\nname = "bad"\nkind = "fit"\ntarget = "gaussian2d"\nneurons = 50\n'
        'caption = "c"\n'
    )
    with pytest.raises(UatError, match=r"gallery entry 'bad': neurons 50 does not fit.*try 48"):
        build(spec, tmp_path / "out", jobs=1)
    assert not (tmp_path / "out" / "bad.png").exists()


def test_a_2d_animation_has_its_mp4_and_poster_like_a_1d_one(tmp_path) -> None:
    from uat.plot.writers import ffmpeg_exe

    spec = tmp_path / "g.toml"
    spec.write_text(
        '[[entry]]\nname = "grow"\nkind = "grow"\ntarget = "gaussian2d"\n'
        'towers = 2\nframes = 2\nsize = "320x200"\ndwell = 0.5\nhold = 0\ncaption = "c"\n'
    )
    [outcome] = build(spec, tmp_path / "out", jobs=1)
    assert outcome.ok, outcome.error
    out = tmp_path / "out"
    with Image.open(out / "grow.gif") as gif, Image.open(out / "grow-poster.png") as poster:
        assert gif.n_frames == 2 and gif.info["duration"] == 500  # the dwell asked
        gif.seek(1)
        assert poster.size == gif.size == (320, 200)
        assert poster.convert("RGB").tobytes() == gif.convert("RGB").tobytes()  # the last
    if ffmpeg_exe() is None:
        return
    import imageio_ffmpeg

    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out / "grow.mp4"))
    assert seconds == pytest.approx(1.0, abs=0.11)  # two frames of 0.5 s
    page = (out / "index.html").read_text()
    assert 'src="grow.mp4"' in page and 'poster="grow-poster.png"' in page


def test_a_spec_of_an_earlier_version_reads_its_surface_kinds_as_todays(tmp_path) -> None:
    spec = tmp_path / "g.toml"
    old = {"fit2d": "fit", "explain2d": "explain", "compare2d": "compare"}
    text = "".join(
        f'[[entry]]\nname = "{k}"\nkind = "{k}"\ntarget = "gaussian2d"\ncaption = "c"\n'
        for k in old
    )
    text += '[[entry]]\nname = "a"\nkind = "animate2d"\ntarget = "saddle"\nsweep = "turn"\n'
    text += 'caption = "c"\n[[entry]]\nname = "b"\nkind = "animate2d"\ntarget = "saddle"\n'
    spec.write_text(text + 'caption = "c"\n')
    entries, _ = load_spec(spec)
    assert [e.kind for e in entries] == [*old.values(), "turn", "refine"]
    assert entries[2].still and entries[2].argv()[0] == "compare"  # a figure, as it was
    assert entries[3].argv()[:4] == ["animate", "saddle", "--sweep", "turn"]
