"""A request: the target (text of either dimension, or a Target) and the Settings checked
against what the target's networks take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any, cast

from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.records import json_safe
from uat.settings import METHODS, Loss, Settings, check_choice


def resolve_target(
    text: str,
    domain: str | tuple[float, float] | None = None,
    ydomain: str | None = None,
    *,
    dim: int | None = None,
) -> Target:
    """TARGET text (a name, an expression, a CSV path) and domain text ('A,B') as a Target.

    Text that uses y, a named surface or a CSV of x,y,z is a surface (or say so with `dim`);
    its `domain` serves both axes unless `ydomain` ('C,D') gives the y interval.
    """
    from uat.core.targets import get_target, parse_domain, target_dim

    if not isinstance(text, str):
        raise UatError(f"target must be text, not {type(text).__name__}", param="target")
    if (dim or target_dim(text)) == 2:
        if domain is not None and not isinstance(domain, str):
            raise UatError("a surface's domain is text 'A,B' (with ydomain 'C,D')", "domain")
        return _surface(text, domain, ydomain)
    if ydomain is not None:
        raise UatError(
            f"ydomain is for targets of two inputs (x and y); {text!r} is a function of x alone",
            param="ydomain",
        )
    if domain is not None and not isinstance(domain, str):
        ok = isinstance(domain, tuple | list) and len(domain) == 2
        if not ok or not all(_real(v) for v in domain):
            raise UatError(f"domain must be two numbers (a, b) or text 'A,B', got {domain!r:.60}",
                           param="domain")  # fmt: skip
    dom = parse_domain(domain) if isinstance(domain, str) else domain
    return get_target(text, dom)


def _surface(text: str, domain: str | None, ydomain: str | None) -> Target:
    """A surface from TARGET text and --domain/--ydomain text (one --domain serves both axes)."""
    from uat.core.targets import check_finite, get_target, parse_domain

    if domain is not None:
        xdom = parse_domain(domain)
        return get_target(text, (xdom, xdom if ydomain is None else parse_domain(ydomain)), 2)
    target = get_target(text, dim=2)
    if ydomain is None:
        return target
    moved = target.on((target.box[0], parse_domain(ydomain)))
    check_finite(moved)
    return moved


def _names(items: str | Sequence[str]) -> list[str]:
    """A list of names; text is read as the command line reads it, 'a,b' as ['a', 'b']."""
    if isinstance(items, str):
        return [w.strip() for w in items.split(",") if w.strip()]
    return list(items)


def _real(v: Any) -> bool:
    """A real number that is not a bool (numpy's included)."""
    import numbers

    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def targets() -> list[dict[str, Any]]:
    """The named targets (what `uat targets` lists): name, formula, domain, Lipschitz L."""
    from uat.core.targets import TARGETS

    return json_safe(
        [
            {"name": t.name, "formula": t.formula, "domain": t.domain, "lipschitz": t.lipschitz()}
            for t in TARGETS.values()
        ]
    )


TargetLike = str | Target  # TARGET text (a name, an expression, a CSV), or a target


def as_target(
    target: TargetLike,
    domain: str | tuple[float, float] | None = None,
    ydomain: str | None = None,
) -> Target:
    """A target of either dimension: given, or resolved from TARGET text and domain text.

    Text that uses y, a named surface or a CSV of x,y,z is a surface; `ydomain` ('C,D') is
    its y interval (else `domain` serves both axes).
    """
    if not isinstance(target, str):
        if getattr(target, "dim", None) not in (1, 2):
            raise UatError(
                f"target must be text or a Target, not {type(target).__name__}", param="target"
            )
        if domain is not None or ydomain is not None:
            raise UatError("give a domain with TARGET text, not with a Target", param="domain")
        return target
    return resolve_target(target, domain, ydomain)


def request(settings: Settings | None, options: dict[str, object]) -> Settings:
    """The settings (default when None) with `options` (Settings fields by name) applied."""
    if settings is not None and not isinstance(settings, Settings):
        raise UatError(
            f"settings must be a uat.settings.Settings, not {type(settings).__name__}",
            param="settings",
        )
    known = [f.name for f in fields(Settings)]
    for name in options:
        if name not in known:
            raise UatError(f"unknown setting {name!r}; the settings are {', '.join(known)}", name)
    return replace(settings or Settings(), **cast(dict[str, Any], options))


DEFAULT_COMPARE_NEURONS = 48  # over the plane: 6×6 towers, 12 steps + 36 thresholds
SURFACE_ONLY = ("towers", "layers")  # Settings fields of a surface's networks


def surface_settings(s: Settings, allowed: Sequence[str], command: str = "fit") -> Settings:
    """`s`, refused when a setting a surface's command does not take differs from its default."""
    default = Settings()
    for f in fields(Settings):
        if f.name in allowed or getattr(s, f.name) == getattr(default, f.name):
            continue
        if f.name in SURFACE_ONLY:
            raise UatError(f"{command} on a surface takes n_neurons, not {f.name}", param=f.name)
        raise UatError(f"{f.name} is for targets of one input (x alone)", param=f.name)
    return s


def curve_settings(s: Settings) -> Settings:
    """`s`, refused when it holds a surface's option (towers, layers, nielsen, ridges)."""
    if s.method not in METHODS:
        raise UatError(f"method {s.method} is for 2-D targets; a curve takes construct or train",
                       param="method")  # fmt: skip
    for name in SURFACE_ONLY:
        if getattr(s, name) is not None:
            deep = " or a curve's fit and explain (a deep net)" if name == "layers" else ""
            raise UatError(f"{name} is for targets of two inputs (x and y){deep}", param=name)
    return s


def _curve_only(**given: object) -> None:
    """Refuse a curve's options (activations, widths, …) given for a surface."""
    for name, value in given.items():
        if value is not None:
            raise UatError(f"{name} is for targets of one input (x alone)", param=name)


def default_width(command: str, target: Target, n_neurons: int | None) -> int | None:
    """N as given, or a curve's default (explain 10, else 50); a surface's stays None (its
    network then chooses: 12×12 towers, 32 trained neurons, explain's 3×3 towers)."""
    if n_neurons is not None:
        return n_neurons
    if getattr(target, "dim", 1) == 2:
        return DEFAULT_COMPARE_NEURONS if command == "compare" else None
    return 10 if command == "explain" else 50


def check_losses(losses: Sequence[str]) -> list[Loss]:
    """Checked trained losses, each once: a subset of mse, sup."""
    chosen = list(dict.fromkeys(losses))
    if not chosen:
        raise UatError("loss is empty; give mse, sup or mse,sup", param="loss")
    return [cast(Loss, check_choice("loss", loss)) for loss in chosen]
