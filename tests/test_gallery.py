"""`uat gallery`: spec → media + README + index.html; incremental, parallel, fault-tolerant."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from PIL import Image

from uat.errors import UatError
from uat.web.gallery import build, load_spec

SMALL = Path(__file__).with_name("gallery_small.toml")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    out = tmp_path_factory.mktemp("gallery")
    shutil.copy(SMALL, out / "gallery.toml")
    outcomes = build(out / "gallery.toml", jobs=2)
    return out, outcomes


def test_every_entry_is_built_with_its_media(built) -> None:
    out, outcomes = built
    assert [o.name for o in outcomes] == ["bumps", "movie", "still", "versus", "rate"]
    assert all(o.ok and not o.skipped for o in outcomes), [o.error for o in outcomes]
    with Image.open(out / "bumps.gif") as im:
        assert im.size == (320, 200) and im.n_frames == 4 and im.info["loop"] == 0
    assert (out / "movie.mp4").read_bytes()[4:8] == b"ftyp"
    for name in ("still.png", "versus.png", "rate.png"):
        with Image.open(out / name) as im:
            assert im.format == "PNG"


def test_readme_and_index_show_every_caption_and_command(built) -> None:
    out, _ = built
    entries, _ = load_spec(out / "gallery.toml")
    readme = (out / "README.md").read_text()
    page = (out / "index.html").read_text()
    for e in entries:
        assert e.caption in readme and e.caption in page
        assert e.command() in readme
        assert f"({e.filename})" in readme or f"]({e.filename})" in readme
        assert f'href="{e.filename}"' in page  # every medium opens full size
        if e.format == "gif":  # shown as a video that pauses and steps, the GIF beside it
            assert f'src="{e.name}.mp4"' in page and f'poster="{e.name}-poster.png"' in page
            with (
                Image.open(out / f"{e.name}-poster.png") as poster,
                Image.open(out / e.filename) as gif,
            ):
                assert poster.size == gif.size
        elif e.format == "png":
            assert f'src="{e.filename}"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing from the network
    assert 'name="viewport"' in page


def test_numbers_are_reported(built) -> None:
    out, outcomes = built
    by = {o.name: o.numbers for o in outcomes}
    assert "sup error" in by["still"] and "RMSE" in by["still"]
    assert by["bumps"]["frames"] == "4"
    assert float(by["rate"]["hand-built slope"]) == pytest.approx(-1.0, abs=0.15)
    manifest = json.loads((out / ".gallery.json").read_text())
    assert set(manifest) == {"bumps", "movie", "still", "versus", "rate"}


def test_the_shown_commands_really_make_the_files(built, cli, tmp_path) -> None:
    out, _ = built
    for e in load_spec(out / "gallery.toml")[0]:
        argv = shlex.split(e.command())
        assert argv[0] == "uat"
        code, _, err = cli(*argv[1:], "-q")
        assert code == 0, (e.name, err)
        assert (tmp_path / e.filename).stat().st_size > 0


def test_rebuild_with_nothing_changed_renders_nothing(tmp_path) -> None:
    spec = tmp_path / "gallery.toml"
    spec.write_text(SMALL.read_text())
    build(spec, only=["still", "bumps"], jobs=1)
    mtimes = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    pages = {n: (tmp_path / n).read_bytes() for n in ("README.md", "index.html")}
    again = build(spec, only=["still", "bumps"], jobs=1)
    assert all(o.skipped for o in again)
    assert (tmp_path / "still.png").stat().st_mtime_ns == mtimes["still.png"]
    assert {n: (tmp_path / n).read_bytes() for n in pages} == pages
    # change one entry: only that one renders
    spec.write_text(SMALL.read_text().replace("neurons = 10", "neurons = 12"))
    third = {o.name: o for o in build(spec, only=["still", "bumps"], jobs=1)}
    assert not third["still"].skipped and third["bumps"].skipped
    forced = build(spec, only=["bumps"], force=True, jobs=1)
    assert not forced[0].skipped


def test_what_the_spec_can_fix_is_refused_before_anything_is_built(cli, tmp_path) -> None:
    text = SMALL.read_text().replace('target = "gaussian"', 'target = "log(x)"\ndomain = "-1,1"')
    (tmp_path / "g.toml").write_text(text)
    code, out, err = cli("gallery", "--spec", "g.toml", "--only", "still", "--only", "bumps")
    assert code == 2 and err.count("\n") == 1
    assert "gallery entry 'still'" in err and "not finite" in err
    assert not (tmp_path / "bumps.gif").exists() and not (tmp_path / "still.png").exists()


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        (("fps = 10", "fps = 3"), "fps 3 cannot be shown exactly in a GIF"),
        (("neurons = 8", "neurons = -4"), "neurons must be"),
        (('target = "sin"', 'target = "__import__(1)"'), "__import__"),
        (("[gallery]", "[galery]"), "unknown table(s) galery"),
        (('title = "test gallery"', 'title = "t"\nstart = {bumps = ["nope"]}'), "no entry 'nope'"),
        (('title = "test gallery"', 'title = "t"\nstart = {dessert = []}'), "no step 'dessert'"),
        (('title = "test gallery"', 'titel = "t"'), "not titel"),
    ],
)
def test_bad_entries_are_one_line_and_exit_2_up_front(cli, tmp_path, change, phrase) -> None:
    # they failed mid-build as "gallery entry 'a' failed: …" with exit 1, or were ignored
    (tmp_path / "g.toml").write_text(SMALL.read_text().replace(*change, 1))
    code, _, err = cli("gallery", "--spec", "g.toml", "--only", "bumps")
    assert code == 2 and err.count("\n") == 1 and phrase in err, err
    assert not (tmp_path / "bumps.gif").exists()


def test_a_failing_entry_does_not_stop_the_others(cli, tmp_path, monkeypatch) -> None:
    import uat.web.gallery as gallery

    real = gallery.build_entry

    def build(entry, out_dir):  # type: ignore[no-untyped-def]
        if entry.name == "still":
            raise UatError("the disk said no")  # found only while building
        return real(entry, out_dir)

    monkeypatch.setattr(gallery, "build_entry", build)
    shutil.copy(SMALL, tmp_path / "g.toml")
    code, out, err = cli("gallery", "--spec", "g.toml", "--only", "still", "--only", "bumps")
    assert code == 2  # the user's to fix; a fault inside uat gives 1
    assert "still" in err and "the disk said no" in err
    assert (tmp_path / "bumps.gif").is_file() and not (tmp_path / "still.png").exists()
    assert "built" in out


def test_cli_says_when_nothing_is_rendered(cli, tmp_path) -> None:
    shutil.copy(SMALL, tmp_path / "g.toml")
    assert cli("gallery", "--spec", "g.toml", "--only", "still")[0] == 0
    code, out, _ = cli("gallery", "--spec", "g.toml", "--only", "still")
    assert code == 0 and "nothing to render" in out


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("[[entry]]\nname='a'\nkind='width'\ntarget='sin'\ncaption='c'\nbogus=1\n", "bogus"),
        ("[[entry]]\nname='a'\nkind='dance'\ntarget='sin'\ncaption='c'\n", "dance"),
        (
            "[[entry]]\nname='a'\nkind='training'\ntarget='sin'\ncaption='c'\nmethod='train'\n",
            "a training entry does not take method",
        ),
        ("[[entry]]\nname='a'\nkind='fit'\ntarget='sin'\ncaption='c'\nfps=5\n", "fps"),
        ("[[entry]]\nname='a'\nkind='fit'\ntarget='sin'\n", "caption"),
        ("[[entry]]\nname='a b'\nkind='fit'\ntarget='sin'\ncaption='c'\n", "letters"),
        ("[[entry]]\nname='a'\nkind='fit'\ntarget='sin'\ncaption='c'\n" * 2, "twice"),
        ("[gallery]\ntitle='x'\n", "no [[entry]]"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_specs_are_clear_errors(tmp_path, text: str, phrase: str) -> None:
    spec = tmp_path / "g.toml"
    spec.write_text(text)
    with pytest.raises(UatError, match=re.escape(phrase)):
        load_spec(spec)


def test_missing_spec_is_exit_2(cli) -> None:
    code, _, err = cli("gallery", "--spec", "nope.toml")
    assert code == 2 and "gallery spec 'nope.toml' not found" in err


def test_committed_gallery_spec_is_valid_and_broad() -> None:
    entries, _ = load_spec(Path(__file__).parents[1] / "gallery" / "gallery.toml")
    kinds = {e.kind for e in entries}
    assert len(entries) >= 10
    assert {"width", "training", "compare", "convergence", "steepness"} <= kinds
    targets = {e.target for e in entries}
    assert {"sin", "gaussian", "abs", "step", "nielsen"} <= targets
    assert {e.options.get("optimizer", "lm") for e in entries if e.kind == "training"} == {
        "lm",
        "adam",
    }


def test_entry_options_are_the_jobs_parameters_and_every_setting() -> None:
    from dataclasses import fields

    from uat.settings import Settings
    from uat.web.gallery import options_for

    names = {f.name for f in fields(Settings)}
    assert names <= set(options_for("fit")) and names <= set(options_for("explain"))
    assert names - {"method"} <= set(options_for("training", still=False))
    assert "method" not in options_for("compare") and "activations" in options_for("compare")
    assert {"frames", "fps", "size", "dpi", "hold", "writer"} <= set(options_for("width", False))
    assert {"widths", "max_neurons", "methods", "seeds"} <= set(options_for("convergence"))
    for kind in ("fit", "explain", "compare"):
        assert "neurons" in options_for(kind) and "n_neurons" not in options_for(kind)


def test_an_entry_sets_a_setting_the_hand_list_never_had(tmp_path) -> None:
    spec = tmp_path / "g.toml"
    spec.write_text(
        "[[entry]]\nname='t'\nkind='fit'\ntarget='sin'\ncaption='c'\nneurons=6\n"
        "method='train'\ntol=1e-3\nloss='mse'\n"
    )
    (entry,), _ = load_spec(spec)
    assert "--tol 0.001" in entry.command() and "--loss mse" in entry.command()
    (outcome,) = build(spec, jobs=1)
    assert outcome.ok, outcome.error
    assert float(outcome.numbers["RMSE"]) > 0


def test_gallery_rebuilds_when_csv_data_change(tmp_path, monkeypatch) -> None:
    from uat.web.gallery import build

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.csv").write_text("0,0\n1,1\n2,0\n")
    spec = tmp_path / "g.toml"
    spec.write_text("[[entry]]\nname='d'\nkind='fit'\ntarget='d.csv'\nneurons=4\ncaption='c'\n")
    assert not build(spec, jobs=1)[0].skipped
    assert build(spec, jobs=1)[0].skipped
    (tmp_path / "d.csv").write_text("0,0\n1,2\n2,0\n")
    assert not build(spec, jobs=1)[0].skipped


def test_a_target_like_an_option_is_shown_after_a_double_dash(tmp_path) -> None:
    spec = tmp_path / "g.toml"
    spec.write_text("[[entry]]\nname='neg'\nkind='fit'\ntarget='-x'\nneurons=6\ncaption='c'\n")
    (entry,), _ = load_spec(spec)
    assert entry.argv()[-2:] == ["--", "-x"]
    assert entry.argv().index("--out") < entry.argv().index("--")


def test_an_explore_entry_is_a_command_with_bare_flags(tmp_path) -> None:
    spec = tmp_path / "gallery.toml"
    spec.write_text(
        '[[entry]]\nname = "n"\nkind = "explore"\ntarget = "nielsen"\nchallenge = true\n'
        'caption = "c"\n'
    )
    (entry,) = load_spec(spec)[0]
    assert entry.filename == "n.html"
    assert entry.command() == "uat explore nielsen --challenge --out n.html"


def test_a_partial_build_links_no_explorer_page_it_did_not_build(cli, tmp_path) -> None:
    text = SMALL.read_text() + (
        '\n[[entry]]\nname = "sin-live"\nkind = "explore"\ntarget = "sin"\ncaption = "The page."\n'
    )
    (tmp_path / "g.toml").write_text(text)
    code, _, err = cli("gallery", "--spec", "g.toml", "--only", "bumps")
    assert code == 0, err
    assert 'href="sin-live.html"' not in (tmp_path / "index.html").read_text()
    assert "](sin-live.html)" not in (tmp_path / "README.md").read_text()
    code, _, err = cli("gallery", "--spec", "g.toml", "--only", "sin-live")
    assert code == 0, err
    assert 'href="sin-live.html"' in (tmp_path / "index.html").read_text()


def test_a_stopped_build_sweeps_what_its_workers_left(tmp_path) -> None:
    # a worker killed mid-unwind (or an ffmpeg finishing after it) leaves `.w1.<hex>.part.mp4`
    from uat.io import temporary_name
    from uat.web.gallery import Entry, _sweep_temporaries

    mine = [temporary_name(n) for n in ("w1.gif", "w1.mp4", "w1-poster.png")]
    other = [temporary_name("w2.gif"), "w1.gif", ".w1.notes"]
    for name in mine + other:
        (tmp_path / name).write_bytes(b"x")
    _sweep_temporaries(tmp_path, [Entry("w1", "width", "sin", "c")])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(other)
