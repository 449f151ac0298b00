"""The gallery: a TOML spec → media, `README.md` and `index.html`; incremental and parallel.

Each entry's output is keyed on its settings and the package version; an entry whose key is
in the manifest (``.gallery.json``) with its file present is not rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import html
import inspect
import json
import os
import re
import shlex
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from uat import __version__
from uat.errors import UatError
from uat.gallery2d import KINDS2D, OPTIONS2D, argv2d, build_entry2d
from uat.settings import Settings, parse_size

KINDS = ("fit", "width", "training", "compare", "convergence", "steepness", "explain", *KINDS2D)
ANIMATED = {"width", "training", "compare", "steepness", "animate2d"}
MANIFEST = ".gallery.json"
_ENTRY_WORDS = {"name", "kind", "target", "caption", "title"}  # the rest are command options
SETTINGS = [f.name for f in fields(Settings)]
# Job parameters an entry does not set (the gallery supplies them), and the spec's names of
# the others: the command line's (`neurons` for the library's `n_neurons`).
_SUPPLIED = {"target", "settings", "init", "callback", "progress", "out", "sweep", "runs"}
_SPEC_NAMES = {"n_neurons": "neurons", "n": "neurons"}


def job(kind: str, still: bool = True) -> Callable[..., Any]:
    """The library function that makes an entry of this kind."""
    from uat import jobs

    if kind in ANIMATED and not (kind == "compare" and still):
        from uat.animate import animate

        return animate
    made: dict[str, Callable[..., Any]] = {
        "fit": jobs.fit, "explain": jobs.explain, "compare": jobs.compare,
        "convergence": jobs.convergence,
    }  # fmt: skip
    return made[kind]


@functools.cache
def options_for(kind: str, still: bool = True) -> tuple[str, ...]:
    """The options an entry of this kind may set: its job's parameters and the Settings.

    A sweep other than width decides the method itself, a comparison or a convergence
    sweep builds both, so those take no `method`.
    """
    if kind in KINDS2D:
        return OPTIONS2D[kind]
    params = inspect.signature(job(kind, still)).parameters
    own = [_SPEC_NAMES.get(p, p) for p in params if p not in _SUPPLIED]
    takes_method = kind in ("fit", "explain", "width")
    settings = [k for k in SETTINGS if k != "method" or takes_method]
    return ("domain", *own, *settings)


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
        default = "gif" if self.kind in ANIMATED else "png"
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
            content = hashlib.sha256(data.read_bytes()).hexdigest()
        blob = json.dumps(
            {"kind": self.kind, "target": self.target, "options": self.options, "v": __version__,
             "data": content},
            sort_keys=True,
        )  # fmt: skip
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def argv(self) -> list[str]:
        """The `uat` arguments that make this entry's output (without the program name)."""
        if self.kind in KINDS2D:
            return argv2d(self)
        o = self.options
        if self.kind in ("fit", "convergence", "explain") or (
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
            args += [f"{flag}={text}"] if text.startswith("-") else [flag, text]
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


def default_spec() -> Path:
    """gallery/gallery.toml, or ./gallery.toml when run inside the gallery folder."""
    here = Path("gallery.toml")
    return here if here.is_file() and not Path("gallery").is_dir() else Path("gallery") / here


def load_spec(path: str | Path) -> tuple[list[Entry], dict[str, Any]]:
    """Read and validate a gallery spec: `[defaults]` and a list of `[[entry]]` tables."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text())
    except OSError as exc:
        raise UatError(f"cannot read gallery spec {p}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UatError(f"gallery spec {p} is not valid TOML: {exc}") from None
    defaults = dict(data.get("defaults", {}))
    meta = dict(data.get("gallery", {}))
    raw = data.get("entry", [])
    if not isinstance(raw, list) or not raw:
        raise UatError(f"gallery spec {p} has no [[entry]] tables")
    entries: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, 1):
        where = f"{p.name}, entry {i}"
        unknown = set(item) - _all_keys()
        if unknown:
            raise UatError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for req in ("name", "kind", "target", "caption"):
            if req not in item:
                raise UatError(f"{where}: missing {req!r}")
        name, kind = str(item["name"]), str(item["kind"])
        if not name.replace("-", "").replace("_", "").isalnum():
            raise UatError(f"{where}: name {name!r} may hold only letters, digits, - and _")
        if name in seen:
            raise UatError(f"{where}: name {name!r} is used twice")
        if kind not in KINDS:
            raise UatError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        takes = {"format", *_ENTRY_WORDS, *options_for(kind, True), *options_for(kind, False)}
        if set(item) - takes:
            extra = ", ".join(sorted(set(item) - takes))
            raise UatError(f"{where}: a {kind} entry does not take {extra}")
        seen.add(name)
        options = {**defaults, **{k: v for k, v in item.items() if k not in _ENTRY_WORDS}}
        if kind not in ANIMATED and "format" not in item:
            options.pop("format", None)  # defaults' animation format is not for stills
        entries.append(
            Entry(
                name,
                kind,
                str(item["target"]),
                str(item["caption"]),
                str(item.get("title", "")),
                options,
            )  # fmt: skip
        )
    return entries, meta


def build_entry(entry: Entry, out_dir: str | Path) -> dict[str, str]:
    """Render one entry into `out_dir` by calling its job and drawing; return its numbers."""
    from uat import jobs

    if entry.kind in KINDS2D:
        return build_entry2d(entry, out_dir)
    o = {k: v for k, v in entry.options.items() if k in options_for(entry.kind, entry.still)}
    settings = Settings(**{k: o.pop(k) for k in SETTINGS if k in o})
    target = jobs.resolve_target(entry.target, o.pop("domain", None))
    path = Path(out_dir) / entry.filename
    kw = {("n_neurons" if k == "neurons" else k): v for k, v in o.items()}
    if entry.kind in ANIMATED and not (entry.kind == "compare" and entry.still):
        return _animation(entry, target, settings, path, kw)
    result = job(entry.kind)(target, settings=settings, **kw)
    return _draw(entry.kind, result, path)


def _animation(
    entry: Entry, target: Any, settings: Settings, path: Path, kw: dict[str, Any]
) -> dict[str, str]:
    from uat import jobs
    from uat.animate import animate

    given = "method" in entry.options
    s = jobs.animation_settings(entry.kind, settings, method_given=given)
    n = kw.pop("n_neurons", 50)
    jobs.check_animation_width(entry.kind, n, s)
    if "size" in kw:
        kw["size"] = parse_size(kw["size"])
    res = animate(target, n, s, sweep=entry.kind, out=path, **kw)
    numbers = {"last frame": res.last} if res.last else {}
    return numbers | {"frames": str(res.frames), "file": f"{res.bytes / 1e6:.2f} MB"}


def _draw(kind: str, result: Any, path: Path) -> dict[str, str]:
    """Draw a still entry's figure from its job's result; return the numbers to show."""
    from uat import plot

    numbers: dict[str, str] = {}
    with plot.style():
        if kind == "convergence":
            fig = plot.convergence_figure(result.target, result.points, result.settings)
            for m, slope in result.slopes.items():
                numbers[f"{_NAMES[m]} slope"] = "—" if slope is None else f"{slope:+.2f}"
        elif kind == "compare":
            fig = plot.compare_figure(result.fits, columns=len(result.activations))
            for f in result.fits:
                numbers[f"{_NAMES[f.method]} sup error"] = plot.format_number(f.errors.sup)
            numbers["ratio"] = plot.format_number(result.sup_error_ratio)
        else:
            from uat.anatomy import anatomy_figure

            fig = anatomy_figure(result) if kind == "explain" else plot.fit_figure(result)
            numbers["sup error"] = plot.format_number(result.errors.sup)
            numbers["RMSE"] = plot.format_number(result.errors.rmse)
        plot.save_figure(fig, path)
    return numbers


_NAMES = {"construct": "hand-built", "train": "trained"}


def spec_message(exc: BaseException) -> str:
    """An error's message, a library parameter named as the spec's key (n_neurons → neurons)."""
    text = str(exc)
    param = getattr(exc, "param", None)
    if param and param in _SPEC_NAMES:
        text = re.sub(rf"(?<![\w-]){re.escape(param)}(?![\w-])", _SPEC_NAMES[param], text, count=1)
    return text


def _build_one(entry: Entry, out_dir: str) -> Outcome:
    t0 = time.perf_counter()
    try:
        numbers = build_entry(entry, out_dir)
    except Exception as exc:  # one failing entry must not stop the others
        message = " ".join(spec_message(exc).split()) or type(exc).__name__
        return Outcome(entry.name, False, error=message, seconds=time.perf_counter() - t0)
    return Outcome(entry.name, True, numbers, time.perf_counter() - t0)


def build(
    spec: str | Path,
    out_dir: str | Path | None = None,
    *,
    jobs: int | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Build the gallery described by `spec` into `out_dir` (default: the spec's folder)."""
    entries, meta = load_spec(spec)
    meta.setdefault("intro", f"Made by `uat gallery` from `{Path(spec).name}`.")
    out = Path(out_dir) if out_dir is not None else Path(spec).parent
    out.mkdir(parents=True, exist_ok=True)
    names = {e.name for e in entries}
    for n in only:
        if n not in names:
            raise UatError(f"--only {n!r}: no such entry; entries: {', '.join(sorted(names))}")
    manifest = _read_manifest(out)
    todo, outcomes = [], []
    for e in entries:
        if only and e.name not in only:
            continue
        rec = manifest.get(e.name, {})
        if not force and rec.get("key") == e.key() and (out / e.filename).is_file():
            outcomes.append(Outcome(e.name, True, rec.get("numbers", {}), skipped=True))
        else:
            todo.append(e)
    jobs = max(1, jobs or os.cpu_count() or 1)
    done, total = len(outcomes), len(outcomes) + len(todo)
    if progress is not None:
        progress(done, total)
    if todo:
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            futures: list[tuple[Entry, Future[Outcome]]] = [
                (e, pool.submit(_build_one, e, str(out))) for e in todo
            ]
            for e, fut in futures:
                try:
                    result = fut.result()
                except Exception as exc:  # a worker that died
                    result = Outcome(e.name, False, error=f"worker failed: {exc}")
                outcomes.append(result)
                if result.ok:
                    manifest[e.name] = {
                        "key": e.key(),
                        "file": e.filename,
                        "numbers": result.numbers,
                    }
                done += 1
                if progress is not None:
                    progress(done, total)
    order = {e.name: i for i, e in enumerate(entries)}
    outcomes.sort(key=lambda r: order[r.name])
    manifest = {k: v for k, v in manifest.items() if k in names}
    # entries sorted, each entry's numbers in the order they were made (so README.md stays put)
    _write_text(out / MANIFEST, json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")
    _write_text(out / "README.md", render_readme(entries, manifest, meta))
    _write_text(out / "index.html", render_html(entries, manifest, meta))
    return outcomes


def _read_manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_text(path: Path, text: str) -> None:
    from uat.io import atomic_write

    with atomic_write(path, "w") as fh:
        fh.write(text)


def _numbers_text(numbers: dict[str, str]) -> str:
    return " · ".join(f"{k}: {v}" for k, v in numbers.items())


def render_readme(entries: list[Entry], manifest: dict[str, Any], meta: dict[str, Any]) -> str:
    """The gallery's README.md: every entry with its media, caption, numbers and command."""
    title = meta.get("title", "uat gallery")
    lines = [
        f"# {title}",
        "",
        meta.get("intro", "Made by `uat gallery` from `gallery.toml`."),
        "",
        "Also as a web page: [index.html](index.html).",
        "",
    ]
    for e in entries:
        rec = manifest.get(e.name)
        lines += [f"## {e.title or e.name}", ""]
        if rec is None:
            lines += ["*(not built yet)*", ""]
        elif e.format == "mp4":
            lines += [f"[▶ {e.filename}]({e.filename})", ""]
        else:
            lines += [f"![{e.caption}]({e.filename})", ""]
        lines += [e.caption, ""]
        if rec is not None and rec.get("numbers"):
            lines += [_numbers_text(rec["numbers"]), ""]
        lines += ["```sh", e.command(), "```", ""]
    return "\n".join(lines)


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#1d1d1f;background:#fafafa}
header{padding:1.5rem 1rem .5rem;max-width:1200px;margin:auto}
h1{margin:.2rem 0;font-size:1.7rem}
main{display:grid;gap:1.2rem;padding:1rem;max-width:1200px;margin:auto;
grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr))}
figure{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:10px;padding:.8rem;
display:flex;flex-direction:column;gap:.4rem}
figure img,figure video{width:100%;height:auto;border-radius:6px;background:#fff}
h2{font-size:1.1rem;margin:.2rem 0}
figcaption{font-size:.95rem}
.numbers{font-size:.85rem;color:#555}
code{display:block;font:.8rem/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f3f3f3;
padding:.4rem .5rem;border-radius:6px;overflow-x:auto;white-space:pre}
"""


def render_html(entries: list[Entry], manifest: dict[str, Any], meta: dict[str, Any]) -> str:
    """A self-contained index.html (no network): media beside it, CSS inline, phone-friendly."""
    esc = html.escape
    title = esc(meta.get("title", "uat gallery"))
    intro = esc(meta.get("intro", "Made by uat gallery from gallery.toml."))
    items = []
    for e in entries:
        rec = manifest.get(e.name)
        if rec is None:
            media = "<p><em>not built yet</em></p>"
        elif e.format == "mp4":
            media = (
                f'<video src="{esc(e.filename)}" autoplay loop muted playsinline controls '
                f'aria-label="{esc(e.caption)}"></video>'
            )
        else:
            media = f'<img src="{esc(e.filename)}" alt="{esc(e.caption)}" loading="lazy">'
        numbers = _numbers_text(rec.get("numbers", {})) if rec else ""
        items.append(
            f'<figure id="{esc(e.name)}" class="entry">\n<h2>{esc(e.title or e.name)}</h2>\n'
            f"{media}\n<figcaption>{esc(e.caption)}</figcaption>\n"
            f'<div class="numbers">{esc(numbers)}</div>\n<code>{esc(e.command())}</code>\n'
            "</figure>"
        )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{title}</h1><p>{intro}</p></header>\n<main>\n"
        + "\n".join(items)
        + "\n</main>\n</body>\n</html>\n"
    )
