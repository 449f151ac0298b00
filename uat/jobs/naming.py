"""Default output names: one rule for every command and dimension, so that runs that differ
never share a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from uat.core.expr import slug
from uat.core.targets import Target
from uat.errors import UatError
from uat.settings import METHODS, Settings

if TYPE_CHECKING:
    from uat.jobs.choice import Choice


# -- default file names -------------------------------------------------------------------


ANIMATION_DEFAULTS: dict[str, Any] = {
    "fps": 20, "dwell": None, "hold": 1.0, "size": (800, 500), "dpi": 100.0, "writer": "auto",
}  # fmt: skip


def animation_words(
    kind: str,
    *,
    grow: bool = False,
    diagram: bool = False,
    init: str | None = None,
    frames: int | None = None,
    eps: Any = None,
    **file: Any,
) -> list[str]:
    """The animate options that change the file, as words of the default file name.

    `file` holds the options of the file itself (fps, dwell, hold, size, dpi, writer); one
    differing from `ANIMATION_DEFAULTS` is named, so another run's file keeps its name.
    """
    words = ["grow"] if grow else []
    words += ["diagram"] if diagram else []
    words += [f"{init}-start"] if kind == "training" and init is not None else []
    words += [f"frames{frames}"] if frames is not None else []
    words += [f"eps{eps:g}"] if eps is not None else []
    given = ANIMATION_DEFAULTS | file
    for key in ("fps", "dwell", "hold", "dpi"):
        if given[key] is not None and given[key] != ANIMATION_DEFAULTS[key]:
            words.append(f"{key}{float(given[key]):g}")
    if tuple(given["size"]) != tuple(ANIMATION_DEFAULTS["size"]):
        words.append("{}x{}".format(*given["size"]))
    return words + ([given["writer"]] if given["writer"] != "auto" else [])


def sweep_words(
    widths: Sequence[int] | None,
    max_neurons: int,
    methods: Sequence[str],
    seeds: int,
    losses: Sequence[str],
) -> list[str]:
    """The convergence options that change the result, as words of the default file name."""
    words = []
    if widths:
        ws = sorted(set(widths))
        words.append(
            "w" + "_".join(map(str, ws)) if len(ws) <= 6 else f"w{ws[0]}-{ws[-1]}x{len(ws)}"
        )
    elif max_neurons != 200:
        words.append(f"to{max_neurons}")
    if sorted(methods) != sorted(METHODS):
        words.append("-".join(methods))
    words += [f"seeds{seeds}"] if seeds != 1 else []
    return words + (["-".join(losses) + "-loss"] if len(losses) > 1 else [])


def changes(s: Settings, methods: Sequence[str] | None = None) -> list[str]:
    """Words for the settings that differ from the defaults and matter to `methods`."""
    d, used = Settings(), set(methods or [s.method])
    words: list[str] = [s.activation] if s.activation != d.activation else []
    words += [f"{s.output_activation}-output"] if s.output_activation != d.output_activation else []
    if "construct" in used:
        words += [f"shifts{s.shifts}"] if s.shifts != d.shifts else []
        words += [s.heights] if s.heights != d.heights else []
        words += [f"w{exact_word(s.steepness)}"] if s.steepness is not None else []
    if "train" in used:
        words += [s.optimizer] if s.optimizer != d.optimizer else []
        words += [f"{s.loss}-loss"] if s.loss != d.loss else []
        words += [f"seed{s.seed}"] if s.seed != d.seed else []
        words += [f"iter{s.max_iter}"] if s.max_iter is not None else []
        words += [f"tol{exact_word(s.tol)}"] if s.tol != d.tol else []
        words += [f"lr{exact_word(s.learning_rate)}"] if s.learning_rate is not None else []
    return words


def variant(s: Settings) -> str:
    """The method and every setting that differs from the defaults and changes its result."""
    return "-".join([s.method, *changes(s)])


def output_name(
    command: str,
    target: Target,
    settings: Settings,
    n_neurons: int | None = None,
    *,
    sweep: str = "width",
    ext: str = ".png",
    extra: Sequence[str] = (),
    activations: Sequence[str] | None = None,
    network: tuple[str | Path, Any] | None = None,
) -> str:
    """The default output file of a command: every setting that changes the result is in it.

    One rule for every dimension: the target, its domain where it is not the target's own,
    the command (not for fit), the network and each setting that differs from its default,
    `extra` words (a command's own options, e.g. animate's `grow`), then the width. `command`
    is fit, explain, explore, compare, convergence or animate (with its `sweep`); compare's
    `activations` are named too. A surface's network (fit, explain, animate) is the one
    `surface_choice` makes of `n_neurons` and the settings (method, towers, layers, …).
    show's `network` is the file read and its net: its name, then `vs` the target and
    domain measured when they are not the ones the file records (runge-vs-abs.png).
    """
    if command == "show" and network is not None:
        path, net = network
        mine = target.domain if getattr(target, "dim", 1) == 1 else target.box
        own = net.target == target.name and (
            net.domain is None or np.allclose(np.asarray(net.domain, float), mine)
        )
        words = [] if own else ["vs", slug(target.name), *domain_word(target)]
        return "-".join([Path(path).stem, *words]) + ext
    if getattr(target, "dim", 1) == 2 and command in ("fit", "explain", "animate"):
        from uat.jobs.choice import surface_choice

        net = surface_choice(command, n_neurons, settings)
        words, width = _net_words(command, net, sweep), [net.width_word]
    else:
        words = _words(command, settings, sweep, activations)
        width = [] if n_neurons is None else [str(n_neurons)]
        words += [f"layers{settings.layers}"] if (settings.layers or 1) > 1 else []
    return "-".join([slug(target.name), *domain_word(target), *words, *extra, *width]) + ext


def _words(
    command: str, settings: Settings, sweep: str, activations: Sequence[str] | None
) -> list[str]:
    """The command's words and the settings of a network of one input that change it."""
    s = settings
    if activations:  # they replace the settings' one activation
        s = replace(s, activation=Settings().activation)
    if command == "animate":
        from uat.jobs.scenes import animation_settings

        s = animation_settings(sweep, settings)
        return {
            "width": [variant(s)],
            "training": ["training", s.optimizer, *(w for w in changes(s) if w != s.optimizer)],
            "compare": ["compare", *changes(s, METHODS)],
            "steepness": ["steepness", *changes(s)],
            "depth": ["depth", variant(s)],
        }[sweep]
    if command in ("compare", "convergence"):
        return [command, *(activations or []), *changes(s, METHODS)]
    if command == "explore":
        return ["explore", *changes(s, METHODS)]
    return ["explain", variant(s)] if command == "explain" else [variant(s)]


def _net_words(command: str, net: Choice, sweep: str) -> list[str]:
    """The command's words and a surface's network: method, layers and changed options."""
    o, words = net.options, [net.method] if net.method else []
    words += [f"layers{net.layers}"] if net.method == "train" and net.layers != 1 else []
    words += [str(o["heights"])] if o.get("heights", "minimax") != "minimax" else []
    words += [f"w{exact_word(o['steepness'])}"] if o.get("steepness") is not None else []
    words += [f"seed{o['seed']}"] if o.get("seed") else []
    words += [f"iter{o['max_iter']}"] if o.get("max_iter") is not None else []
    if command == "animate":
        return [sweep, *words] if sweep not in ("width", "refine") else words
    return words if command == "fit" else [command, *words]


def domain_word(target: Target) -> list[str]:
    """['on0_1'] for sin on [0, 1], ['onm1_1x0_2'] for a surface on [−1, 1] × [0, 2]; []
    on the target's own domain (or when it has none)."""
    try:
        if getattr(target, "dim", 1) == 1:
            from uat.jobs.request import resolve_target

            own: Any = resolve_target(target.name).domain
        else:
            from uat.core.targets import get_target

            own = get_target(target.name, dim=2).box
    except (UatError, OSError):
        return []
    mine: Any = target.domain if target.dim == 1 else target.box
    if np.allclose(own, mine, rtol=1e-12, atol=0.0):
        return []
    box: list[Any] = [target.domain] if target.dim == 1 else list(target.box)
    text = "x".join("_".join(exact_word(v) for v in side) for side in box)
    return ["on" + text.replace("-", "m").replace(".", "p").replace("+", "")]


def exact_word(v: float) -> str:
    """A number for a file name: 4 digits where they are exact, else every digit needed.

    --domain 0,12344 and 0,12341 both read 1.234e+04 and one run overwrote the other's file.
    """
    short = f"{v:.4g}"
    if float(short) == v:
        return short
    full = repr(float(v)).replace("e+", "e")
    return full[:-2] if full.endswith(".0") else full
