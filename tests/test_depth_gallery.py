"""The gallery's depth section: `uat depth` entries and deep fits, with their commands."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from uat.web.gallery import build, load_spec

SPEC = """
[gallery]
title = "depth test"

[[entry]]
name = "deep-tent"
kind = "fit"
target = "tent3"
layers = 3
neurons = 2
method = "construct"
caption = "Caption of the tent."

[[entry]]
name = "levels"
kind = "depth"
target = "sin"
neurons = 4
seeds = 1
layers_list = [1, 2]
caption = "Caption of the comparison."
"""


def test_depth_entries_are_built_shown_and_their_commands_agree(cli, tmp_path: Path) -> None:
    spec = tmp_path / "gallery.toml"
    spec.write_text(SPEC)
    outcomes = build(spec, jobs=1)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    entries, _ = load_spec(spec)
    levels = next(e for e in entries if e.name == "levels")
    assert (
        levels.command() == "uat depth sin --layers-list 1,2 --neurons 4 --seeds 1 --out levels.png"
    )
    readme, page = (tmp_path / "README.md").read_text(), (tmp_path / "index.html").read_text()
    assert "## Depth: what more hidden layers buy, measured" in readme and "Depth:" in page
    numbers = next(o.numbers for o in outcomes if o.name == "levels")
    # the command shown makes the same comparison: its --json numbers are the entry's
    code, out, err = cli(*shlex.split(levels.command())[1:], "--json")
    assert code == 0, err
    rec = json.loads(out)
    shown = [numbers[f"{r['layers']} × {r['widths'][0]} sup error"] for r in rec["trained"]]
    assert shown == [f"{r['sup_error']:.3g}" for r in rec["trained"]]
    tent = next(o.numbers for o in outcomes if o.name == "deep-tent")
    assert float(tent["sup error"]) <= 1e-12
    assert (tmp_path / "deep-tent.png").stat().st_size > 10_000


def test_the_committed_gallery_has_a_depth_section() -> None:
    entries, meta = load_spec(Path(__file__).parents[1] / "gallery" / "gallery.toml")
    named = {e.name: e for e in entries}
    depth = [named[n] for n in meta["start"]["depth"]]
    assert {e.kind for e in depth} == {"explain", "fit", "depth"}
    assert {"tent6", "x**2", "sin", "nielsen"} <= {e.target for e in depth}
    assert all(e.options.get("layers", 1) > 1 for e in depth if e.kind != "depth")
