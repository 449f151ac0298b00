"""The gallery: a TOML spec → media, `README.md` and `index.html`; incremental and parallel.

Each entry's output is keyed on its settings and the package version; an entry whose key is
in the manifest (``.gallery.json``) with its file present is not rendered again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import inspect
import json
import os
import re
import shlex
import signal
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from uat import __version__
from uat.errors import UatError
from uat.settings import Settings, how_to_raise, parse_size

# An entry's kind is its command, or for an animation its sweep; its target decides the
# dimension, as on the command line. A curve's sweeps are width, training, compare and
# steepness, a surface's refine (= width), grow, training and turn. Specs of an earlier
# version named a surface's kinds apart (fit2d, …, animate2d with a sweep): read as these.
KINDS: tuple[str, ...] = ("fit", "width", "training", "compare", "convergence", "steepness")
KINDS += ("explain", "explore", "refine", "grow", "turn")
KINDS += ("depth",)  # `uat depth`: one hidden layer against several at equal parameters
DEPTH_OPTIONS = ("domain", "layers_list", "neurons", "seeds")
ANIMATED = {"width", "training", "compare", "steepness", "refine", "grow", "turn"}
_EARLIER_KINDS = {"fit2d": "fit", "explain2d": "explain", "compare2d": "compare",
                  "convergence2d": "convergence", "animate2d": "refine"}  # fmt: skip
MANIFEST = ".gallery.json"
_ENTRY_WORDS = {"name", "kind", "target", "caption", "title"}  # the rest are command options
SETTINGS = [f.name for f in fields(Settings)]
# Job parameters an entry does not set (the gallery supplies them), and the spec's names of
# the others: the command line's (`neurons` for the library's `n_neurons`).
_SUPPLIED = {"target", "settings", "init", "callback", "progress", "out", "sweep", "runs"}
_SPEC_NAMES = {"n_neurons": "neurons", "n": "neurons"}
_CURVE_ONLY = {"method", "towers", "layers"}  # method: a Settings field; the rest: 2-D kinds


def job(kind: str, still: bool = True) -> Callable[..., Any]:
    """The library function that makes an entry of this kind."""
    from uat.jobs import commands as jobs

    if kind in ANIMATED and not (kind == "compare" and still):
        from uat.plot.animate import animate

        return animate
    made: dict[str, Callable[..., Any]] = {
        "fit": jobs.fit, "explain": jobs.explain, "compare": jobs.compare,
        "convergence": jobs.convergence, "explore": explore_page,
    }  # fmt: skip
    return made[kind]


@functools.cache
def options_for(kind: str, still: bool = True) -> tuple[str, ...]:
    """The options an entry of this kind may set: its job's parameters and the Settings.

    A sweep other than width decides the method itself, a comparison or a convergence
    sweep builds both, so those take no `method`.
    """
    if kind == "depth":
        return DEPTH_OPTIONS
    params = inspect.signature(job(kind, still)).parameters.values()
    # a surface's options (towers, layers) and the Settings as keywords are spelled apart
    mine = [p.name for p in params if p.kind != p.VAR_KEYWORD and p.name not in _CURVE_ONLY]
    own = [_SPEC_NAMES.get(p, p) for p in mine if p not in _SUPPLIED]
    takes_method = kind in ("fit", "explain", "width", "explore", "refine", "grow", "turn")
    settings = [k for k in SETTINGS if k != "method" or takes_method]
    return ("domain", "ydomain", *own, *settings)


def _all_keys() -> set[str]:
    keys = {"format", *_ENTRY_WORDS}
    for kind in KINDS:
        keys |= set(options_for(kind, True)) | set(options_for(kind, False))
    return keys


@dataclass(frozen=True)
class Entry:
    """One gallery item: what to make, and the words that go with it."""

    name: str
    kind: str
    target: str
    caption: str
    title: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def format(self) -> str:
        """File extension of the output, without the dot."""
        default = "gif" if self.kind in ANIMATED else "html" if self.kind == "explore" else "png"
        from uat.core.targets import target_dim

        if self.kind == "compare" and target_dim(self.target) == 2:
            default = "png"  # a surface's comparison is a figure (no side-by-side sweep)
        return str(self.options.get("format", default))

    @property
    def filename(self) -> str:
        """The output file's name inside the gallery folder."""
        return f"{self.name}.{self.format}"

    def key(self) -> str:
        """Hash of everything that decides the output: settings, version, a CSV's contents."""
        data = Path(self.target)
        content = ""
        if data.suffix.lower() in (".csv", ".txt") and data.is_file():
            from uat.io import read_limited  # a regular file within the CSV limit

            content = hashlib.sha256(read_limited(data, "CSV file", "csv_bytes")).hexdigest()
        blob = json.dumps(
            {"kind": self.kind, "target": self.target, "options": self.options, "v": __version__,
             "data": content},
            sort_keys=True,
        )  # fmt: skip
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def argv(self) -> list[str]:
        """The `uat` arguments that make this entry's output (without the program name)."""
        o = self.options
        if self.kind in ("fit", "convergence", "explain", "explore", "depth") or (
            self.kind == "compare" and self.still
        ):
            args = [self.kind, self.target]
        else:
            args = ["animate", self.target]
            if self.kind == "compare":
                args.append("--compare")
            elif self.kind != "width":
                args += ["--sweep", self.kind]
        for opt in options_for(self.kind, self.still):
            if opt not in o:
                continue
            val = o[opt]
            text = ",".join(str(v) for v in val) if isinstance(val, list) else str(val)
            flag = "--" + opt.replace("_", "-")
            if isinstance(val, bool):  # an on/off flag takes no value
                args.append(flag if val else "--no-" + flag[2:])
                continue
            args += [f"{flag}={text}"] if text.startswith("-") else [flag, text]
        if self.target.startswith("-"):  # "-x" would read as an option: put it after "--"
            args.remove(self.target)
            return [*args, "--out", self.filename, "--", self.target]
        return [*args, "--out", self.filename]

    @property
    def still(self) -> bool:
        """True when the output is a figure, not an animation."""
        return self.format in ("png", "svg", "pdf") and self.kind not in ANIMATED - {"compare"}

    def command(self) -> str:
        """The shell command that makes the same output."""
        return shlex.join(["uat", *self.argv()])


@dataclass
class Outcome:
    """What building one entry gave."""

    name: str
    ok: bool
    numbers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    error: str = ""
    skipped: bool = False
    user: bool = False  # the error is one the spec can fix (a UatError), not a fault in uat


def default_spec() -> Path:
    """gallery/gallery.toml, or ./gallery.toml when run inside the gallery folder."""
    here = Path("gallery.toml")
    return here if here.is_file() and not Path("gallery").is_dir() else Path("gallery") / here


# The type of every option a spec may set (others: a string, number or boolean).
_INTS = {
    "neurons",
    "frames",
    "seeds",
    "max_neurons",
    "shifts",
    "seed",
    "max_iter",
    "towers",
    "layers",
}
_NUMBERS = {"fps", "hold", "dpi", "steepness", "tol", "learning_rate", "eps"}
_LISTS = {"widths": int, "methods": str, "activations": str, "layers_list": int}
_WORDS = {"name", "kind", "target", "caption", "title", "format", "domain", "ydomain", "size"}
# Output formats: a still is a figure, an animation a GIF, an MP4 or a contact sheet.
FORMATS = {"still": ("png", "svg", "pdf"), "animated": ("gif", "mp4", "png")}
_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _check_value(where: str, key: str, value: Any) -> None:
    """Refuse a spec value of the wrong type, naming the entry and the key."""
    scalar = (str, int, float, bool)
    if key in _INTS:
        ok, want = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif key in _NUMBERS:
        ok, want = isinstance(value, int | float) and not isinstance(value, bool), "a number"
    elif key in _LISTS:
        kind = _LISTS[key]
        ok = isinstance(value, list) and all(
            isinstance(v, kind) and not isinstance(v, bool) for v in value
        )
        want = f"a list of {'whole numbers' if kind is int else 'names'}"
    elif key in _WORDS:
        ok, want = isinstance(value, str), "text"
    else:
        ok, want = isinstance(value, scalar), "text, a number or true/false"
    if not ok:
        raise UatError(f"{where}: {key} must be {want}, got {value!r}")


def _read_spec(p: Path) -> dict[str, Any]:
    """The spec's TOML as a table: a regular UTF-8 file of limited size."""
    from uat.io import load_toml

    return load_toml(p, "gallery spec")


def _table(p: Path, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UatError(f"gallery spec {p}: [{key}] must be a table, got {value!r}")
    return dict(value)


def load_spec(path: str | Path) -> tuple[list[Entry], dict[str, Any]]:
    """Read and validate a gallery spec: `[defaults]` and a list of `[[entry]]` tables."""
    p = Path(path)
    data = _read_spec(p)
    stray = set(data) - {"defaults", "gallery", "entry"}
    if stray:  # a misspelled [galery] was read as nothing at all
        raise UatError(
            f"gallery spec {p}: unknown table(s) {', '.join(sorted(stray))}; "
            "a spec holds [gallery], [defaults] and [[entry]] tables"
        )
    defaults, meta = _table(p, data, "defaults"), _table(p, data, "gallery")
    if set(meta) - {"title", "intro", "start"}:
        odd = ", ".join(sorted(set(meta) - {"title", "intro", "start"}))
        raise UatError(f"gallery spec {p}: [gallery] takes title, intro and start, not {odd}")
    for key in ("title", "intro"):
        if key in meta and not isinstance(meta[key], str):
            raise UatError(f"gallery spec {p}: [gallery] {key} must be text")
    unknown = set(defaults) - _all_keys()
    if unknown:
        raise UatError(f"{p.name}, [defaults]: unknown key(s) {', '.join(sorted(unknown))}")
    for key, value in defaults.items():
        _check_value(f"{p.name}, [defaults]", key, value)
    raw = data.get("entry", [])
    if not isinstance(raw, list) or not raw:
        raise UatError(f"gallery spec {p} has no [[entry]] tables")
    entries: list[Entry] = []
    for i, item in enumerate(raw, 1):
        entry = _entry(f"{p.name}, entry {i}", item, defaults)
        if entry.name in {e.name for e in entries}:
            raise UatError(f"{p.name}, entry {i}: name {entry.name!r} is used twice")
        entries.append(entry)
    _check_start(p, meta.get("start"), {e.name for e in entries})
    return entries, meta


def _check_start(p: Path, start: Any, names: set[str]) -> None:
    """[gallery.start]: each reading step (START_ORDER) a list of the spec's entry names."""
    if start is None:
        return
    if not isinstance(start, dict):
        raise UatError(f"gallery spec {p}: [gallery.start] must be a table of steps")
    for step, listed in start.items():
        if step not in START_ORDER:
            raise UatError(
                f"gallery spec {p}: [gallery.start] has no step {step!r}; "
                f"steps: {', '.join(START_ORDER)}"
            )
        if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
            raise UatError(f"gallery spec {p}: [gallery.start] {step} must be a list of names")
        missing = [n for n in listed if n not in names]
        if missing:
            raise UatError(
                f"gallery spec {p}: [gallery.start] {step} names no entry {missing[0]!r}"
            )


def check_entry(entry: Entry) -> None:
    """Refuse, before anything is built, what an entry asks that uat would refuse anyway.

    The target, the settings, the width and an animation's file options are checked as the
    build will use them; one UatError names the entry and the spec's key.
    """
    from uat.jobs import choice, request, scenes
    from uat.settings import check_width

    try:
        o = {k: v for k, v in entry.options.items() if k in options_for(entry.kind, entry.still)}
        settings = Settings(**{k: o.pop(k) for k in SETTINGS if k in o})
        target = request.as_target(entry.target, o.pop("domain", None), o.pop("ydomain", None))
        moving = entry.kind in ANIMATED and not entry.still
        if target.dim == 2 and entry.kind not in ("compare", "convergence", "explore"):
            command = "animate" if moving else entry.kind
            training = entry.kind == "training" and settings.method == "construct"
            s = replace(settings, method="train") if training else settings
            choice.surface_choice(command, o.get("neurons"), s)
        elif "neurons" in o and target.dim == 1:
            if moving:
                s = scenes.animation_settings(entry.kind, settings, method_given="method" in o)
                scenes.check_animation_width(entry.kind, o["neurons"], s)
            elif entry.kind != "explore":
                check_width(o["neurons"], settings)
        if moving:
            _check_animation(entry, o)
    except UatError as exc:
        raise UatError(f"gallery entry {entry.name!r}: {spec_message(exc)}") from None


def _check_animation(entry: Entry, o: dict[str, Any]) -> None:
    """An animation's file options, checked as `uat.plot.animate.render` will."""
    from uat.plot.animate import check_dwell
    from uat.plot.writers import check_memory, check_output, ffmpeg_exe

    size = parse_size(o["size"]) if "size" in o else (800, 500)
    hold = o.get("hold", 0.0 if o.get("sweep") == "turn" else 1.0)
    check_output(
        Path(entry.filename), o.get("fps", 20), size, o.get("dpi", 100), hold,
        o.get("writer", "auto"),
    )  # fmt: skip
    check_dwell(o.get("dwell"))
    if entry.format == "gif" and ffmpeg_exe() is not None:  # its MP4 (`classroom_media`)
        check_memory(".mp4", "ffmpeg", (size[0] + size[0] % 2, size[1] + size[1] % 2))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _current(item: dict[str, Any]) -> dict[str, Any]:
    """An entry of an earlier spec (kind fit2d, …, or animate2d with a sweep) in today's words:
    the command, or the sweep, as its kind."""
    kind = item.get("kind")
    if kind not in _EARLIER_KINDS:
        return item
    sweep = item.get("sweep") if kind == "animate2d" else None
    rest = {k: v for k, v in item.items() if k != "sweep"}
    if kind == "compare2d":  # a surface's comparison was a figure: never an animation
        rest.setdefault("format", "png")
    return rest | {"kind": sweep if sweep not in (None, "width") else _EARLIER_KINDS[kind]}


def _entry(where: str, item: Any, defaults: dict[str, Any]) -> Entry:
    """One validated [[entry]] table as an Entry."""
    if not isinstance(item, dict):
        raise UatError(f"{where}: entry must be a [[entry]] table, got {item!r}")
    item = _current(item)
    unknown = set(item) - _all_keys()
    if unknown:
        raise UatError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for req in ("name", "kind", "target", "caption"):
        if req not in item:
            raise UatError(f"{where}: missing {req!r}")
    for key, value in item.items():
        _check_value(where, key, value)
    name, kind = item["name"], item["kind"]
    if not _NAME.fullmatch(name):
        raise UatError(f"{where}: name {name!r} may hold only letters, digits, - and _")
    where = f"{where} ({name})"
    if kind not in KINDS:
        raise UatError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    takes = {"format", *_ENTRY_WORDS, *options_for(kind, True), *options_for(kind, False)}
    if set(item) - takes:
        extra = ", ".join(sorted(set(item) - takes))
        raise UatError(f"{where}: a {kind} entry does not take {extra}")
    options = {**defaults, **{k: v for k, v in item.items() if k not in _ENTRY_WORDS}}
    if kind not in ANIMATED and "format" not in item:
        options.pop("format", None)  # defaults' animation format is not for stills
    allowed: tuple[str, ...] = FORMATS["animated" if kind in ANIMATED else "still"]
    if kind == "compare":
        allowed = (*FORMATS["still"], *FORMATS["animated"])
    if "format" in options and options["format"] not in allowed:
        raise UatError(f"{where}: format {options['format']!r} is not one of {', '.join(allowed)}")
    title = item.get("title", "")
    return Entry(name, kind, item["target"], item["caption"], title, options)


def build_entry(entry: Entry, out_dir: str | Path) -> dict[str, str]:
    """Render one entry into `out_dir` by calling its job and drawing; return its numbers."""
    from uat.jobs import request

    o = {k: v for k, v in entry.options.items() if k in options_for(entry.kind, entry.still)}
    settings = Settings(**{k: o.pop(k) for k in SETTINGS if k in o})
    domain = o.pop("domain", None)
    target = request.as_target(entry.target, domain, o.pop("ydomain", None))
    path = Path(out_dir) / entry.filename
    kw = {("n_neurons" if k == "neurons" else k): v for k, v in o.items()}
    if entry.kind == "explore":
        return explore_page(entry.target, settings=settings, out=path, domain=domain, **kw)
    if entry.kind in ANIMATED and not (entry.kind == "compare" and entry.still):
        return _animation(entry, target, settings, path, kw)
    if entry.kind == "depth":
        return _depth(target, path, kw)
    result = job(entry.kind)(target, settings=settings, **kw)
    return _draw(entry.kind, result, path)


def _animation(
    entry: Entry, target: Any, settings: Settings, path: Path, kw: dict[str, Any]
) -> dict[str, str]:
    from uat.jobs import scenes
    from uat.plot.animate import animate

    n, s = kw.pop("n_neurons", None), settings
    if target.dim == 1:  # a surface's sweep chooses its net as `uat animate` does
        s = scenes.animation_settings(entry.kind, settings, method_given="method" in entry.options)
        n = 50 if n is None else n
        scenes.check_animation_width(entry.kind, n, s)
    if "size" in kw:
        kw["size"] = parse_size(kw["size"])
    res = animate(target, n, s, sweep=entry.kind, out=path, **kw)
    numbers = {"last frame": res.last} if res.last else {}
    extra = classroom_media(path) if entry.format == "gif" else {}
    return numbers | {"frames": str(res.frames), "file": f"{res.bytes / 1e6:.2f} MB"} | extra


def explore_page(
    target: str,
    *,
    settings: Settings,
    out: Path | None = None,
    domain: str | None = None,
    n_neurons: int = 50,
    eps: float | None = None,
    challenge: bool = False,
) -> dict[str, str]:
    """An explore entry: `uat explore TARGET` written to `out`; its size as the numbers."""
    from uat.web.explore import ExploreSettings, explore

    s = settings
    page = ExploreSettings(
        neurons=n_neurons, steepness=s.steepness, heights=s.heights, activation=s.activation,
        shifts=s.shifts, output_activation=s.output_activation, method=s.method, eps=eps,
        challenge=challenge,
    )  # fmt: skip
    if out is None:
        raise UatError("an explore entry needs an output path")
    made = explore(target, out, page, domain=domain)
    return {"page": f"{made.bytes / 1e3:.0f} kB"}


def classroom_media(gif: Path) -> dict[str, str]:
    """Beside an animated GIF: an MP4 the page can pause and step, and a poster (last frame).

    A GIF cannot be paused or stepped in a browser; a `<video>` can. The MP4 is the GIF's
    own frames (ffmpeg, yuv420p, even sides), so the page and the README show one animation.
    Returns the companions' file names under the private keys `_video` and `_poster`.
    """
    import subprocess

    from PIL import Image

    from uat.io import atomic_path
    from uat.plot.writers import ffmpeg_exe

    made: dict[str, str] = {}
    poster = gif.with_name(gif.stem + "-poster.png")
    with Image.open(gif) as im:
        frames, fps = getattr(im, "n_frames", 1), 1000.0 / max(im.info.get("duration", 50), 10)
        im.seek(frames - 1)
        with atomic_path(poster) as tmp:
            im.convert("RGB").save(tmp, format="PNG")
    made["_poster"] = poster.name
    exe = ffmpeg_exe()
    if exe is None:
        return made
    video = gif.with_suffix(".mp4")
    with atomic_path(video) as tmp:
        cmd = [exe, "-y", "-loglevel", "error", "-i", str(gif), "-vf",
               "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-movflags",
               "+faststart", "-f", "mp4", str(tmp)]  # fmt: skip
        try:  # a failure fails the entry; a stalled ffmpeg too, after LIMITS["child_seconds"]
            subprocess.run(cmd, capture_output=True, check=True, timeout=_child_seconds())
        except subprocess.TimeoutExpired:
            raise UatError(f"ffmpeg did not finish the MP4 of {gif.name} in time "
                           + how_to_raise("child_seconds")) from None  # fmt: skip
    return made | {"_video": video.name, "_fps": f"{fps:g}"}


def _child_seconds() -> float:
    from uat.settings import LIMITS

    return float(LIMITS["child_seconds"].high)


def _draw(kind: str, result: Any, path: Path) -> dict[str, str]:
    """Draw a still entry's figure from its job's result; return the numbers to show."""
    from uat.plot import figures as plot
    from uat.plot.draw import draw

    draw(kind, result, path)
    numbers: dict[str, str] = {}
    if kind == "convergence":
        for m, slope in result.slopes.items():
            numbers[f"{_NAMES.get(m, m)} slope"] = "—" if slope is None else f"{slope:+.2f}"
    elif kind == "compare":
        for variant, f in zip(result.variants, result.fits, strict=True):
            numbers[f"{_NAMES.get(variant, variant)} sup error"] = plot.format_number(f.errors.sup)
        numbers["ratio"] = plot.format_number(result.sup_error_ratio)
    else:
        numbers["sup error"] = plot.format_number(result.errors.sup)
        numbers["RMSE"] = plot.format_number(result.errors.rmse)
        numbers["neurons"] = str(result.net.n_neurons)
    return numbers


_NAMES = {"construct": "hand-built", "train": "trained"}


def _depth(target: Any, path: Path, kw: dict[str, Any]) -> dict[str, str]:
    """A depth entry: `uat depth TARGET` drawn to `path`; each depth's sup error its numbers."""
    from uat.jobs.depth import depth
    from uat.plot import figures as plot
    from uat.plot.draw import draw

    layers = kw.get("layers_list", [1, 2, 3, 4])
    result = depth(target, layers, kw.get("n_neurons", 32), kw.get("seeds", 3))
    draw("depth", result, path)
    numbers = {f"{len(r.widths)} × {r.widths[0]} sup error": plot.format_number(r.sup)
               for r in result.rows[: len(layers)]}  # fmt: skip
    if result.hand_built is not None:
        numbers["hand-built sup error"] = plot.format_number(result.hand_built.sup)
    if result.shallow_bound is not None:
        found = "none" if result.shallow_width is None else str(result.shallow_width)
        numbers["one layer for sup ≤ 0.1"] = f"{found} (bound ≥ {result.shallow_bound})"
    return numbers


def spec_message(exc: BaseException) -> str:
    """An error's message, a library parameter named as the spec's key (n_neurons → neurons)."""
    text = str(exc)
    param = getattr(exc, "param", None)
    if param and param in _SPEC_NAMES:
        text = re.sub(rf"(?<![\w-]){re.escape(param)}(?![\w-])", _SPEC_NAMES[param], text, count=1)
    return text


_building = False  # in a worker: True while an entry is being made


def _worker_start() -> None:
    """A worker ignores SIGINT (the parent decides) and stops cleanly on SIGTERM or SIGHUP."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)
    signal.signal(signal.SIGHUP, _worker_stop)


def _worker_stop(signum: int, _frame: Any) -> None:
    from uat.io import Interrupted

    if not _building:  # idle between entries: nothing to clean up
        os._exit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)  # unwinds: temporaries removed, ffmpeg killed


def _build_one(entry: Entry, out_dir: str) -> Outcome:
    global _building
    from uat.io import remove_temporaries

    t0 = time.perf_counter()
    _building = True
    try:
        numbers = build_entry(entry, out_dir)
    except KeyboardInterrupt as exc:  # stopped by the parent
        remove_temporaries()
        os._exit(getattr(exc, "exit_code", 130))
    except Exception as exc:  # one failing entry must not stop the others
        message = " ".join(spec_message(exc).split()) or type(exc).__name__
        user = isinstance(exc, UatError | OSError | MemoryError)
        return Outcome(entry.name, False, error=message, seconds=time.perf_counter() - t0,
                       user=user)  # fmt: skip
    finally:
        _building = False
    return Outcome(entry.name, True, numbers, time.perf_counter() - t0)


def _plan(
    entries: list[Entry], out: Path, only: Sequence[str], force: bool
) -> tuple[list[Entry], list[Outcome]]:
    """The entries to build, and the outcomes of those already up to date."""
    manifest = _read_manifest(out)
    todo, outcomes = [], []
    for e in entries:
        if only and e.name not in only:
            continue
        path = out / e.filename
        if path.resolve().parent != out.resolve():
            raise UatError(f"gallery entry {e.name!r}: format: {path} is outside {out}")
        rec = manifest.get(e.name, {})
        if not force and rec.get("key") == e.key() and path.is_file():
            outcomes.append(Outcome(e.name, True, rec.get("numbers", {}), skipped=True))
        else:
            todo.append(e)
    return todo, outcomes


def build(
    spec: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Build the gallery described by `spec` into `out_dir` (default: the spec's folder).

    Each finished entry is recorded in the manifest at once (merged with the file on disk
    under a lock), so an interrupted build keeps it and a concurrent build loses nothing.
    """
    entries, meta = load_spec(spec)
    meta.setdefault("intro", f"Made by `uat gallery` from `{Path(spec).name}`.")
    out = Path(out_dir) if out_dir is not None else Path(spec).parent
    names = {e.name for e in entries}
    for n in only:
        if n not in names:
            raise UatError(
                f"only {n!r}: no such entry; entries: {', '.join(sorted(names))}", param="only"
            )
    for e in entries:  # what the user can fix is refused now, not after the other entries
        if not only or e.name in only:
            check_entry(e)
    out.mkdir(parents=True, exist_ok=True)
    todo, outcomes = _plan(entries, out, only, force)
    done, total = len(outcomes), len(outcomes) + len(todo)
    if progress is not None:
        progress(done, total)
    workers = _run_workers(todo, out, max(1, jobs or os.cpu_count() or 1))
    with contextlib.closing(workers):  # an interrupt here stops the workers at once
        for result in workers:
            outcomes.append(result)
            done += 1
            if progress is not None:
                progress(done, total)
    manifest = _update_manifest(out, {}, names)
    order = {e.name: i for i, e in enumerate(entries)}
    outcomes.sort(key=lambda r: order[r.name])
    _write_text(out / "README.md", render_readme(entries, manifest, meta))
    _write_text(out / "index.html", render_html(entries, manifest, meta))
    return outcomes


def _run_workers(todo: list[Entry], out: Path, jobs: int) -> Generator[Outcome, None, None]:
    """Build the entries in worker processes, recording each as it finishes.

    On any exception (an interrupt included) the workers are stopped and reaped before it
    propagates: no orphan keeps writing, and each removes its own temporaries.
    """
    if not todo:
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_worker_start)
    try:
        futures = {pool.submit(_build_one, e, str(out)): e for e in todo}
        for fut in as_completed(futures):
            e = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # a worker that died
                result = Outcome(e.name, False, error=f"worker failed: {exc}")
            if result.ok:
                record = {"key": e.key(), "file": e.filename, "numbers": result.numbers}
                _update_manifest(out, {e.name: record})
            yield result
    except BaseException:
        _stop_workers(pool)
        _sweep_temporaries(out, todo)
        raise
    pool.shutdown()


def _sweep_temporaries(out: Path, todo: list[Entry]) -> None:
    """Remove what a stopped worker may have left of this run's entries: each cleans up its own
    temporaries, but one killed mid-unwind (or an ffmpeg finishing after it) cannot."""
    import fnmatch

    from uat.io import temporary_name

    patterns = []
    for e in todo:  # the entry's file, its MP4 and its poster: `.name.<8 hex>.part.ext`
        for name in (e.filename, f"{e.name}.mp4", f"{e.name}-poster.png"):
            patterns.append(re.sub(r"\.[0-9a-f]{8}\.part", ".????????.part", temporary_name(name)))
    for p in out.iterdir():
        if any(fnmatch.fnmatchcase(p.name, pat) for pat in patterns):
            with contextlib.suppress(OSError):
                p.unlink()


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's processes (SIGTERM: they clean up) and reap them."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle
    for proc in processes:
        with contextlib.suppress(OSError, ValueError):
            proc.terminate()
    deadline = time.monotonic() + 1.5
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join()
    # now the pool finds its workers gone and its manager thread ends at once
    pool.shutdown(wait=True, cancel_futures=True)


def _read_manifest(out: Path) -> dict[str, Any]:
    """The manifest on disk; a missing or damaged one is empty (everything is rebuilt)."""
    from uat.io import load_json_or_none

    data = load_json_or_none(out / MANIFEST, "gallery manifest")  # a FIFO, /dev/zero: empty
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and isinstance(k, str)}


def _update_manifest(
    out: Path, records: dict[str, Any], keep: set[str] | None = None
) -> dict[str, Any]:
    """Merge `records` into the manifest on disk under an fcntl lock; return the result.

    `keep`: drop the entries not named in it (those no longer in the spec).
    """
    import fcntl

    folder = os.open(out, os.O_RDONLY)  # the lock is on the folder: no lock file left behind
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        manifest = _read_manifest(out) | records
        if keep is not None:
            manifest = {k: v for k, v in manifest.items() if k in keep}
        # entries sorted, each entry's numbers in the order they were made (README stays put)
        _write_text(out / MANIFEST, json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")
    finally:
        os.close(folder)  # releases the lock
    return manifest


def _write_text(path: Path, text: str) -> None:
    from uat.io import atomic_write

    with atomic_write(path, "w") as fh:
        fh.write(text)


def _numbers_text(numbers: dict[str, str]) -> str:
    """The numbers a reader sees (keys starting with _ name companion files, not numbers)."""
    return " · ".join(f"{k}: {v}" for k, v in numbers.items() if not k.startswith("_"))


START_ORDER = ("anatomy", "bumps", "compare", "convergence", "depth", "beyond")


def reading_order(entries: list[Entry], meta: dict[str, Any]) -> list[tuple[str, list[Entry]]]:
    """Entries grouped in the order a class meets them: anatomy → bumps → … → beyond.

    The spec's `[gallery] start` table names each step's entries (`anatomy = ["…"]`);
    without it, explain entries are the anatomy, width sweeps the bumps, compare and
    convergence their own step, and everything else lies beyond. Spec order within a step.
    """
    named = meta.get("start", {})
    by_name = {e.name: e for e in entries}
    steps: dict[str, list[Entry]] = {k: [] for k in START_ORDER}
    placed: set[str] = set()
    if isinstance(named, dict):
        for step in START_ORDER:
            for n in named.get(step, []):
                if n in by_name and n not in placed:
                    steps[step].append(by_name[n])
                    placed.add(n)
    guess = {"explain": "anatomy", "width": "bumps", "compare": "compare",
             "convergence": "convergence", "depth": "depth"}  # fmt: skip
    for e in entries:
        if e.name not in placed:
            steps[guess.get(e.kind, "beyond") if not named else "beyond"].append(e)
    return [(k, v) for k, v in steps.items() if v]


STEP_TITLES = {
    "anatomy": "Start here: the anatomy of a network",
    "bumps": "Bumps: the construction, one width at a time",
    "compare": "Hand-built against trained",
    "convergence": "How fast the error falls",
    "depth": "Depth: what more hidden layers buy, measured",
    "beyond": "Beyond: harder targets, other activations, the explorer",
}


def _command_html(command: str) -> str:
    """A shell command as HTML that wraps only between its words ("--" / "fps" broke on
    phones): each word in a nowrap span, the spaces between them the only breaks."""
    return " ".join(f'<span class="w">{html.escape(w)}</span>' for w in command.split(" "))


def explorer_links(entries: list[Entry], manifest: dict[str, Any] | None = None) -> dict[str, str]:
    """Each entry's explorer page: the explore entry of the same target and domain, where
    that page is built (in `manifest`, when given): a partial build links no missing page."""
    pages = {(e.target, str(e.options.get("domain"))): e.filename for e in entries
             if e.kind == "explore" and (manifest is None or e.name in manifest)}  # fmt: skip
    return {
        e.name: pages[e.target, str(e.options.get("domain"))]
        for e in entries
        if e.kind != "explore" and (e.target, str(e.options.get("domain"))) in pages
    }


def render_readme(entries: list[Entry], manifest: dict[str, Any], meta: dict[str, Any]) -> str:
    """The gallery's README.md: every entry with its media, caption, numbers and command."""
    from uat.text import markdown_code
    from uat.text import markdown_text as md

    title = meta.get("title", "uat gallery")
    lines = [
        f"# {md(title)}",
        "",
        md(meta.get("intro", "Made by uat gallery from gallery.toml.")),
        "",
        "Also as a web page: [index.html](index.html), where animations pause and step.",
        "",
    ]
    steps = reading_order(entries, meta)
    lines += ["Start here: " + " → ".join(
        f"[{k}](#{_anchor(STEP_TITLES[k])})"
        for k, _ in steps), ""]  # fmt: skip
    links = explorer_links(entries, manifest)
    for step, group in steps:
        lines += [f"## {STEP_TITLES[step]}", ""]
        for e in group:
            rec = manifest.get(e.name)
            lines += [f"### {md(e.title or e.name)}", ""]
            if rec is None:
                lines += ["*(not built yet)*", ""]
            elif e.format in ("mp4", "html"):
                what = "open the explorer" if e.format == "html" else e.filename
                lines += [f"[▶ {what}]({e.filename})", ""]
            else:
                lines += [f"[![{md(e.caption)}]({e.filename})]({e.filename})", ""]
            lines += [md(e.caption), ""]
            if e.name in links:
                lines += [f"Explore it live: [{links[e.name]}]({links[e.name]})", ""]
            if rec is not None and _numbers_text(rec.get("numbers", {})):
                lines += [md(_numbers_text(rec["numbers"])), ""]
            lines += [*markdown_code(e.command(), "sh"), ""]
    return "\n".join(lines)


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, spaces as -, punctuation dropped."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -")
    return kept.replace(" ", "-")


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d1d1f;background:#fafafa}
header,nav.start,section>h2{padding:0 1rem;max-width:1200px;margin-left:auto;margin-right:auto}
header{padding-top:1.5rem}
h1{margin:.2rem 0;font-size:1.7rem}
nav.start ol{display:flex;flex-wrap:wrap;gap:.4rem 2.2rem;padding-left:1.2rem;margin:.3rem 0 0}
nav.start li{padding-left:.2rem}
section>h2{font-size:1.35rem;margin-top:1.6rem}
.grid{display:grid;gap:1.2rem;padding:1rem;max-width:1200px;margin:auto;
grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr))}
figure{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:10px;padding:.8rem;
display:flex;flex-direction:column;gap:.4rem;min-width:0}
figure img,figure video{width:100%;height:auto;border-radius:6px;background:#fff;display:block}
h3{font-size:1.1rem;margin:.2rem 0}
figcaption{font-size:.95rem}
.numbers{font-size:.85rem;color:#555;overflow-wrap:anywhere}
a:focus-visible,button:focus-visible,video:focus-visible{outline:3px solid #0072B2;
outline-offset:2px}
.zoom{display:block;cursor:zoom-in}
.controls,.command{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
button{font:inherit;font-size:.85rem;padding:.25rem .7rem;border:1px solid #888;border-radius:6px;
background:#f6f6f6;color:#1d1d1f;cursor:pointer;min-height:2.2rem}
button:hover{background:#e9e9e9}
code{flex:1 1 16rem;display:block;font:.8rem/1.4 ui-monospace,Menlo,Consolas,monospace;
background:#f3f3f3;padding:.4rem .5rem;border-radius:6px;white-space:normal;
overflow-wrap:anywhere;min-width:0}
code .w{white-space:nowrap}
.explore{font-weight:600}
.status{font-size:.8rem;color:#0a6b4b;min-width:4rem}
"""

# Copy buttons and frame stepping; plain JavaScript, no network. A copy falls back to a
# selected textarea where the Clipboard API is refused (file:// pages in some browsers).
_JS = """
function copyText(text){
  if(navigator.clipboard&&window.isSecureContext){return navigator.clipboard.writeText(text);}
  const t=document.createElement('textarea');t.value=text;document.body.appendChild(t);
  t.select();const ok=document.execCommand('copy');t.remove();
  return ok?Promise.resolve():Promise.reject(new Error('copy refused'));
}
document.addEventListener('click',e=>{
  const b=e.target.closest('button');if(!b)return;
  const fig=b.closest('figure');const v=fig&&fig.querySelector('video');
  if(b.dataset.command!==undefined){
    const s=fig.querySelector('.status');
    copyText(b.dataset.command).then(()=>{s.textContent='Copied';},
      ()=>{s.textContent='Select and copy';});
  }else if(b.dataset.step&&v){
    v.pause();const dt=1/Number(v.dataset.fps||10);
    v.currentTime=Math.min(Math.max(v.currentTime+Number(b.dataset.step)*dt,0),v.duration||0);
  }else if(b.dataset.play!==undefined&&v){
    if(v.paused){v.play();}else{v.pause();}
  }
});
document.querySelectorAll('video').forEach(v=>{
  const b=v.closest('figure').querySelector('button[data-play]');
  const show=()=>{if(b){b.textContent=v.paused?'▶ Play':'‖ Pause';}};
  v.addEventListener('play',show);v.addEventListener('pause',show);show();
});
"""


def _media_html(e: Entry, rec: dict[str, Any] | None) -> str:
    """The entry's medium: a zoomable image, a steppable video, or a link to an explorer."""
    esc = html.escape
    if rec is None:
        return "<p><em>not built yet</em></p>"
    numbers = rec.get("numbers", {})
    video = e.filename if e.format == "mp4" else numbers.get("_video")
    if e.format == "html":
        return (f'<p><a class="explore" href="{esc(e.filename)}">Open the explorer: '
                f"drag the bumps yourself ▸</a></p>")  # fmt: skip
    if video:
        poster = numbers.get("_poster")
        fps = numbers.get("_fps", "10")
        return (
            f'<video src="{esc(video)}" controls loop muted playsinline preload="auto" '
            + (f'poster="{esc(poster)}" ' if poster else "")
            + f'data-fps="{esc(fps)}" aria-label="{esc(e.caption)}"></video>\n'
            '<div class="controls" role="group" aria-label="animation controls">'
            '<button type="button" data-play>▶ Play</button>'
            '<button type="button" data-step="-1" aria-label="previous frame">◀ frame</button>'
            '<button type="button" data-step="1" aria-label="next frame">frame ▶</button>'
            f'<a href="{esc(e.filename)}">open full size</a></div>'
        )
    return (
        f'<a class="zoom" href="{esc(e.filename)}" title="open full size">'
        f'<img src="{esc(e.filename)}" alt="{esc(e.caption)}" loading="lazy"></a>'
    )


def render_html(entries: list[Entry], manifest: dict[str, Any], meta: dict[str, Any]) -> str:
    """A self-contained index.html (no network) for a classroom: media beside it, inline CSS/JS.

    Every image opens full size; animations are videos that pause and step frame by frame;
    commands wrap and have a copy button; a "start here" order leads the page.
    """
    esc = html.escape
    title = esc(meta.get("title", "uat gallery"))
    intro = esc(meta.get("intro", "Made by uat gallery from gallery.toml."))
    links = explorer_links(entries, manifest)
    steps = reading_order(entries, meta)
    nav = "".join(f'<li><a href="#step-{k}">{esc(k.capitalize())}</a></li>' for k, _ in steps)
    sections = []
    for step, group in steps:
        items = []
        for e in group:
            rec = manifest.get(e.name)
            numbers = _numbers_text(rec.get("numbers", {})) if rec else ""
            link = (f'<a class="explore" href="{esc(links[e.name])}">Explore it live ▸</a>\n'
                    if e.name in links else "")  # fmt: skip
            items.append(
                f'<figure id="{esc(e.name)}" class="entry">\n<h3>{esc(e.title or e.name)}</h3>\n'
                f"{_media_html(e, rec)}\n<figcaption>{esc(e.caption)}</figcaption>\n{link}"
                f'<div class="numbers">{esc(numbers)}</div>\n<div class="command">'
                f"<code>{_command_html(e.command())}</code>"
                f'<button type="button" data-command="{esc(e.command())}" '
                f'aria-label="copy the command of {esc(e.title or e.name)}">Copy</button>'
                '<span class="status" role="status" aria-live="polite"></span></div>\n'
                "</figure>"
            )
        sections.append(
            f'<section id="step-{step}"><h2>{esc(STEP_TITLES[step])}</h2>\n<div class="grid">\n'
            + "\n".join(items)
            + "\n</div></section>"
        )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{title}</h1><p>{intro}</p></header>\n"
        '<nav class="start" aria-label="start here"><strong>Start here:</strong>'
        f"<ol>{nav}</ol></nav>\n"
        "<main>\n" + "\n".join(sections) + f"\n</main>\n<script>{_JS}</script>\n</body>\n</html>\n"
    )
