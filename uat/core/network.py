"""`Network`, what every network offers; `ShallowNet`, y(x) = out(Σ v_i·act(w_i·x + b_i) + c),
one type for every method; `read_network`, the one reader of every saved file."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from uat.core.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from uat.errors import UatError
from uat.io import load_json
from uat.settings import LIMITS

FORMAT = "uat-network/1"
_CHUNK = 4_000_000  # evaluate at most this many neuron-point pairs at once
# Beyond |z| = 40 an activation equals its asymptote to within e^{-40} ≈ 4e-18 of its own
# scale (sigmoid 1 − σ(z) < e^{-z}, tanh 2e^{-2z}, softplus log1p(e^{-z})): saturated neurons
# can be summed through their asymptotes far below 1e-12 relative. Step and ReLU are exactly
# their asymptotes away from z = 0.
_SATURATION = {"sigmoid": 40.0, "tanh": 40.0, "softplus": 40.0, "step": 0.0, "relu": 0.0}
# asymptotes as (constant, slope in z) for z → −∞ and z → +∞
_ASYMPTOTES = {
    "sigmoid": ((0.0, 0.0), (1.0, 0.0)),
    "tanh": ((-1.0, 0.0), (1.0, 0.0)),
    "step": ((0.0, 0.0), (1.0, 0.0)),
    "relu": ((0.0, 0.0), (0.0, 1.0)),
    "softplus": ((0.0, 0.0), (0.0, 1.0)),
}


@runtime_checkable
class Network(Protocol):
    """What every network offers, whatever its depth and number of inputs (`ShallowNet`,
    `LayeredNet`): evaluation, per-neuron parts, parameters, and the saved format."""

    target: str
    method: str
    meta: dict[str, Any]

    @property
    def inputs(self) -> int:
        """Number of inputs: 1 for y(x), 2 for y(x, y)."""
        ...

    @property
    def n_neurons(self) -> int:
        """Hidden neurons."""
        ...

    @property
    def widths(self) -> list[int]:
        """Neurons per hidden layer."""
        ...

    @property
    def activation(self) -> str:
        """The (first) hidden layer's activation."""
        ...

    @property
    def output_activation(self) -> str:
        """The output neuron's activation."""
        ...

    @property
    def n_parameters(self) -> int:
        """Number of real parameters (weights and biases)."""
        ...

    def parameters(self) -> np.ndarray:
        """Every weight and bias as one flat vector."""
        ...

    def parts(self, *coords: np.ndarray) -> np.ndarray:
        """Each unit's share of the output before the output bias and activation,
        shape (units, points)."""
        ...

    def __call__(self, *coords: np.ndarray) -> np.ndarray: ...

    def to_dict(self) -> dict[str, Any]:
        """The network as a JSON-ready dict in its saved format."""
        ...

    def save(self, path: str | Path) -> Path:
        """Write the network as JSON, atomically."""
        ...


@dataclass
class ShallowNet:
    """A one-hidden-layer network of scalar input and output."""

    w: np.ndarray  # hidden weights (steepness), shape (N,)
    b: np.ndarray  # hidden biases, shape (N,)
    v: np.ndarray  # output weights, shape (N,)
    c: float = 0.0  # output bias
    activation: str = "sigmoid"
    output_activation: str = "identity"
    domain: tuple[float, float] | None = None
    target: str = ""
    method: str = ""
    group: int = 1  # neurons per drawn unit: 2 for the bumps of a step-pair construction
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.w = np.asarray(self.w, dtype=float).ravel()
        self.b = np.asarray(self.b, dtype=float).ravel()
        self.v = np.asarray(self.v, dtype=float).ravel()
        self.c = float(self.c)
        if not (self.w.shape == self.b.shape == self.v.shape):
            raise ValueError("w, b and v must have the same length")
        get_activation(self.activation)
        get_activation(self.output_activation)

    @property
    def inputs(self) -> int:
        """Number of inputs: one, x."""
        return 1

    @property
    def widths(self) -> list[int]:
        """Neurons per hidden layer: one layer."""
        return [self.n_neurons]

    @property
    def n_neurons(self) -> int:
        """Width N of the hidden layer."""
        return int(self.w.size)

    @property
    def n_parameters(self) -> int:
        """Number of real parameters: 3N + 1."""
        return 3 * self.n_neurons + 1

    @property
    def theta(self) -> np.ndarray:
        """All trainable parameters as one flat vector: (w_1…w_N, b_1…b_N, v_1…v_N, c)."""
        return np.concatenate([self.w, self.b, self.v, [self.c]])

    def parameters(self) -> np.ndarray:
        """Every weight and bias as one flat vector, ordered as `theta`."""
        return self.theta

    def parts(self, *coords: np.ndarray) -> np.ndarray:
        """The units' contributions v_i·act(w_i·x + b_i) (`contributions`)."""
        (x,) = coords
        return self.contributions(x)

    @classmethod
    def from_theta(cls, theta: np.ndarray, like: ShallowNet) -> ShallowNet:
        """A copy of `like` with the parameters of `theta` (ordered as `theta`)."""
        from dataclasses import replace

        theta = np.asarray(theta, dtype=float).ravel()
        n = (theta.size - 1) // 3
        if theta.size != 3 * n + 1:
            raise ValueError(f"theta has {theta.size} entries; a net has 3N + 1")
        w, b, v = theta[:n].copy(), theta[n : 2 * n].copy(), theta[2 * n : 3 * n].copy()
        return replace(like, w=w, b=b, v=v, c=float(theta[3 * n]), meta=dict(like.meta))

    @property
    def step_positions(self) -> np.ndarray:
        """Where each neuron switches: s = −b/w (±inf for a zero weight)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return -self.b / self.w

    def hidden(self, x: np.ndarray) -> np.ndarray:
        """Hidden activations act(w_i·x + b_i), shape (len(x), N)."""
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        return get_activation(self.activation).f(x * self.w + self.b)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-unit contributions v_i·act(w_i·x + b_i), shape (N/group, len(x)).

        Neurons are summed in consecutive groups of `group` (the bumps of a step-pair net).
        """
        x = np.asarray(x, dtype=float).ravel()
        h = saturated_hidden(self, x)
        if h is None:
            h = self.hidden(x).T
        h *= self.v[:, None]
        if self.group > 1:
            h = h.reshape(-1, self.group, x.size).sum(axis=1)
        return np.ascontiguousarray(h)

    def hidden_sum(self, x: np.ndarray) -> np.ndarray:
        """Σ v_i·act(w_i·x + b_i) + c, before the output activation.

        Saturated neurons are summed through their asymptotes (`_saturated_sum`), so sharp
        steps cost O(len(x) + N) plus their transitions; soft ones fall back to dense sums.
        """
        x = np.asarray(x, dtype=float).ravel()
        sparse = _saturated_sum(self, x)
        return (self.dense_hidden_sum(x) if sparse is None else sparse) + self.c

    def dense_hidden_sum(self, x: np.ndarray) -> np.ndarray:
        """Σ v_i·act(w_i·x + b_i), every neuron at every point (in chunks), without c."""
        x = np.asarray(x, dtype=float).ravel()
        out = np.empty_like(x)
        step = max(1, _CHUNK // max(1, self.n_neurons))
        act = get_activation(self.activation).f
        for i in range(0, x.size, step):
            xs = x[i : i + step, None]
            out[i : i + step] = act(xs * self.w + self.b) @ self.v
        return out

    def __call__(self, *coords: np.ndarray) -> np.ndarray:
        (x,) = coords  # one input
        with np.errstate(over="ignore"):  # exp of a huge pre-activation saturates, as it should
            return get_activation(self.output_activation).f(self.hidden_sum(x))

    def __repr__(self) -> str:
        dom = "" if self.domain is None else f", domain=[{self.domain[0]:g}, {self.domain[1]:g}]"
        return (
            f"ShallowNet(N={self.n_neurons}, activation={self.activation!r}, "
            f"output={self.output_activation!r}, method={self.method!r}{dom})"
        )

    # -- JSON round trip -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The network as a JSON-ready dict in the `uat-network/1` format."""
        return {
            "format": FORMAT,
            "activation": self.activation,
            "output_activation": self.output_activation,
            "hidden_weights": self.w.tolist(),
            "hidden_biases": self.b.tolist(),
            "output_weights": self.v.tolist(),
            "output_bias": self.c,
            "domain": None if self.domain is None else list(self.domain),
            "target": self.target,
            "method": self.method,
            "neurons": self.n_neurons,
            "group": self.group,
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, d: Any) -> ShallowNet:
        """Rebuild a network from `to_dict` output, checking every field strictly."""
        if not isinstance(d, dict):
            raise UatError(f"a network must be a JSON object, not {type(d).__name__}")
        if d.get("format") != FORMAT:
            raise UatError(f"not a {FORMAT} network (format={str(d.get('format'))[:40]!r})")
        w, b, v = (_numbers(d, k) for k in ("hidden_weights", "hidden_biases", "output_weights"))
        if not (w.size == b.size == v.size):
            sizes = f"{w.size}, {b.size} and {v.size}"
            raise UatError(f"invalid network: its weight lists have different lengths ({sizes})")
        group = d.get("group", 1)
        if not _whole(group) or group < 1 or w.size % group:
            raise UatError(f"invalid network: group {str(group)[:20]} does not divide {w.size}")
        meta = check_meta(d.get("meta", {}))
        copies: Any = meta.get("copies", 1)
        if w.size % copies or copies * meta.get("copy_neurons", w.size // copies) != w.size:
            raise UatError("invalid network: meta.copies × meta.copy_neurons must be N")
        neurons = d.get("neurons", w.size)
        if not _whole(neurons) or neurons != w.size:
            raise UatError(f"invalid network: neurons {str(neurons)[:20]} is not {w.size}")
        if d.get("method") == "construct":  # uat records the steepness of every construction
            if "steepness" not in meta:
                raise UatError("invalid network: a construction must record meta.steepness")
            check_claim("steepness", meta["steepness"], np.abs(w), "|hidden_weights|")
        return cls(
            w=w,
            b=b,
            v=v,
            c=float(_numbers(d, "output_bias", scalar=True)[0]),
            activation=_name(d, "activation", "sigmoid", HIDDEN_ACTIVATIONS),
            output_activation=_name(d, "output_activation", "identity", OUTPUT_ACTIVATIONS),
            domain=_domain(d.get("domain")),
            target=_name(d, "target", "", None),
            method=_name(d, "method", "", ("", "construct", "train")),
            group=int(group),
            meta=meta,
        )

    def save(self, path: str | Path) -> Path:
        """Write the network as JSON, atomically."""
        return write_network(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | Path) -> ShallowNet:
        """Read a network written by `save`; anything else is one clear UatError."""
        return cls.from_dict(read_network(path))


def write_network(d: dict[str, Any], path: str | Path) -> Path:
    """A network's record as JSON at `path`, atomically (every format: `save` of each net)."""
    from uat.io import atomic_write

    text = json.dumps(d, indent=1, default=_json_default)
    with atomic_write(path, "w") as fh:
        fh.write(text + "\n")
    return Path(path)


def read_network(path: str | Path) -> Any:
    """The parsed JSON of a saved network of any format: a regular file (never a FIFO nor a
    device), at most LIMITS["network_bytes"] long, read in bounded chunks, depth-capped, NaN
    refused, and recorded as an input that no output of the run may overwrite."""
    p = Path(path)
    if not p.is_file():  # the reader below refuses these too; these words say which
        why = "no such file" if not p.exists() else "it is a directory" if p.is_dir() else ""
        raise UatError(f"cannot read network {p}: {why or 'not a regular file'}")
    return load_json(p, "network", "network_bytes")


def network_inputs(path: str | Path) -> int:
    """Inputs of a saved network by its format tag: 2 for a 2-input uat-network/2, else 1."""
    try:  # never blocks on a FIFO nor reads /dev/zero: regular files under the limit only
        d = read_network(path)
    except UatError:
        return 1  # the reader of either format names the fault
    two = isinstance(d, dict) and d.get("format") == "uat-network/2" and d.get("inputs") == 2
    return 2 if two else 1


# -- metadata: checked like the weights ----------------------------------------------------


def _real(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _positive(x: Any) -> bool:
    return _real(x) and 0 < x <= LIMITS["weight_abs"].high


def _count(x: Any) -> bool:
    return _whole(x) and 1 <= x <= LIMITS["layer_width"].high  # no more than a layer holds


def _text(x: Any) -> bool:
    return isinstance(x, str) and len(x) <= 4096


def _table(x: Any) -> bool:
    """A list (of lists) of finite numbers, as a K×K table of heights."""
    if not isinstance(x, list) or not x:
        return False
    rows = x if all(isinstance(r, list) for r in x) else [x]
    return len({len(r) for r in rows}) == 1 and all(r and all(map(_real, r)) for r in rows)


def _choice(*names: str) -> Callable[[Any], bool]:
    return lambda x: x in names


_COUNT = "a whole number from 1 to the layer_width limit"
# meta fields either format may hold, as written by uat: key -> (test, what it must be)
META_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "heights": (_choice("minimax", "mean", "centre", "interpolant"), "a heights rule"),
    "steepness": (_positive, "a positive number"),
    "threshold_steepness": (_positive, "a positive number"),
    "bump_width": (_positive, "a positive number"),
    "edge_margin": (_positive, "a positive number"),
    "copies": (lambda x: _whole(x) and 1 <= x <= LIMITS["shifts"].high, "a whole number ≥ 1"),
    "copy_neurons": (_count, _COUNT),
    "towers_per_side": (_count, _COUNT),
    "directions": (_count, _COUNT),
    "steps_per_direction": (_count, _COUNT),
    "form": (_choice("quadrant", "nielsen"), "quadrant or nielsen"),
    "tower_heights": (_table, "a table of numbers"),
    "cell": (lambda x: isinstance(x, list) and len(x) == 2 and all(map(_positive, x)), "[dx, dy]"),
    "widths": (lambda x: isinstance(x, list) and all(map(_count, x)), "a list of widths"),
    "train_grid": (_count, _COUNT),
    "optimizer": (_choice("lm", "adam"), "lm or adam"),
    "loss": (_choice("mse", "sup"), "mse or sup"),
    "iterations": (lambda x: _whole(x) and x >= 0, "a whole number ≥ 0"),
    "seed": (lambda x: x is None or (_whole(x) and LIMITS["seed"].holds(x)), "a seed"),
    "stopped": (_text, "text"),
    "target_path": (_text, "text"),
}


def check_meta(meta: Any) -> dict[str, Any]:
    """A network file's meta, each field uat reads checked for its type and range."""
    if not isinstance(meta, dict):
        raise UatError("invalid network: meta must be an object")
    for key, (ok, what) in META_FIELDS.items():
        if key in meta and not ok(meta[key]):
            raise UatError(f"invalid network: meta.{key} must be {what}, not {str(meta[key])[:40]}")
    return dict(meta)


def check_claim(key: str, claimed: float, values: np.ndarray, what: str) -> None:
    """Refuse metadata that contradicts the weights: every value must equal `claimed`."""
    if values.size and not np.allclose(values, claimed, rtol=1e-9, atol=0.0):
        lo, hi = float(values.min()), float(values.max())
        raise UatError(
            f"invalid network: meta.{key} {claimed:.6g} contradicts the weights ({what} from "
            f"{lo:.3g} to {hi:.3g})"
        )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a network may hold")


def _whole(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _numbers(d: dict[str, Any], key: str, *, scalar: bool = False) -> np.ndarray:
    """d[key] as finite floats: a list of numbers, or one number when `scalar`."""
    raw = d.get(key)
    items: Any = [raw] if scalar else raw
    ok = isinstance(items, list) and (scalar or 1 <= len(items) <= LIMITS["n_neurons"].high)
    if not ok or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in items):
        what = "a number" if scalar else "a list of 1 to 10,000 numbers"
        raise UatError(f"invalid network: {key} must be {what}")
    try:
        arr = np.array(items, dtype=float)
    except OverflowError:  # an integer beyond float range
        arr = np.array([math.inf])
    if not np.all(np.isfinite(arr)):
        raise UatError(f"invalid network: {key} holds a value that is not a finite number")
    if np.any(np.abs(arr) > (big := LIMITS["weight_abs"].high)):  # sums overflow before a plot
        raise UatError(f"invalid network: {key} holds a value beyond ±{big:g}")
    return arr


def _name(d: dict[str, Any], key: str, default: str, allowed: tuple[str, ...] | None) -> str:
    value = d.get(key, default)
    if not isinstance(value, str) or len(value) > 1000 or (allowed and value not in allowed):
        choices = f" (one of {', '.join(a for a in allowed if a)})" if allowed else ""
        raise UatError(f"invalid network: {key} must be a name{choices}")
    return value


def _domain(dom: Any) -> tuple[float, float] | None:
    if dom is None:
        return None
    from uat.core.targets import check_domain

    if not (isinstance(dom, list) and len(dom) == 2 and all(_whole(x) or isinstance(x, float)
                                                             for x in dom)):  # fmt: skip
        raise UatError("invalid network: domain must be two numbers [a, b]")
    try:
        return check_domain((dom[0], dom[1]))
    except UatError as exc:  # the file's domain, not a --domain the user gave
        raise UatError(f"invalid network: {exc}") from None


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _saturated_sum(net: ShallowNet, x: np.ndarray) -> np.ndarray | None:
    """Σ v_i·act(w_i·x + b_i) with saturated neurons summed through their asymptotes.

    A neuron is saturated where |w·x + b| > T (`_SATURATION`): beyond the x interval
    [p_i, q_i] it equals a linear asymptote, summed for every x at once by prefix sums over
    the sorted interval ends. Only the neurons in transition at x are evaluated. Returns None
    (dense is as cheap) when transitions cover more than a quarter of all neuron-point pairs.
    """
    if net.activation not in _SATURATION or x.size == 0 or net.n_neurons == 0:
        return None
    tab = _tables(net)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    first = np.searchsorted(xs, tab.p_moving, side="left")
    last = np.searchsorted(xs, tab.q_moving, side="right")
    counts = last - first
    if counts.sum() > x.size * net.n_neurons / 4:
        return None
    out = tab.right.at(xs, side="right") + tab.left.at(xs, side="left") + tab.fixed
    out += _transition_sum(net, xs, tab.moving, first, counts)
    result = np.empty_like(out)
    result[order] = out
    result[np.isnan(x)] = np.nan  # sorted last, NaN would count as beyond every step
    return result


@dataclass(frozen=True)
class _Asymptotes:
    """Prefix sums of the asymptotes A_i + B_i·x over neurons sorted by one end of their
    transition: the sum over the neurons saturated at x is then one lookup."""

    ends: np.ndarray  # sorted interval ends
    cum: np.ndarray  # (2, N + 1) prefix sums of (A, B), in extended precision
    flat: bool  # every B is 0 (sigmoid, tanh, step)

    @classmethod
    def build(cls, ends: np.ndarray, ab: np.ndarray) -> _Asymptotes:
        """The table of asymptotes `ab` (rows A and B) beyond the interval ends `ends`."""
        order = np.argsort(ends)
        # extended precision: the prefix sums of ±h pairs must not drift from the dense sum
        cum = np.zeros((2, ends.size + 1), dtype=np.longdouble)
        np.cumsum(ab[:, order].astype(np.longdouble), axis=1, out=cum[:, 1:])
        return cls(ends[order], cum, not ab[1].any())

    def at(self, xs: np.ndarray, side: str) -> np.ndarray:
        """Σ (A_i + B_i·x) over the neurons saturated at each sorted x, beyond `side` ends."""
        cum = self.cum
        if side == "right":  # saturated where x > q: the neurons with q < x
            k = np.searchsorted(self.ends, xs, side="left")
            a, bx = cum[0, k], cum[1, k]
        else:  # saturated where x < p: the neurons with p > x
            k = np.searchsorted(self.ends, xs, side="right")
            a, bx = cum[0, -1] - cum[0, k], cum[1, -1] - cum[1, k]
        if self.flat:
            return np.asarray(a, dtype=float)
        with np.errstate(invalid="ignore"):  # no 0·x: finite at x = ±inf where no ramp rises
            return np.asarray(a + np.where(bx != 0, bx * xs, 0.0), dtype=float)


@dataclass(frozen=True)
class _Tables:
    """What `_saturated_sum` needs of a net whatever the points, built once per weights."""

    p_moving: np.ndarray  # transition intervals [p, q] of the neurons with w ≠ 0
    q_moving: np.ndarray
    moving: np.ndarray  # their indices
    left: _Asymptotes  # x < p
    right: _Asymptotes  # x > q
    fixed: float  # the constant neurons (w = 0)


def _tables(net: ShallowNet) -> _Tables:
    """The net's `_Tables`, cached on it while its activation and weights stay the same.

    The sup error evaluates one net a dozen times (grid, candidates, ten zoom levels): the
    sorted ends and their prefix sums were 40 % of each small evaluation.
    """
    key = (net.activation, net.w.tobytes(), net.b.tobytes(), net.v.tobytes())
    cached = net.__dict__.get("_tables")
    if cached is not None and cached[0] == key:
        return cached[1]
    p, q, lo, hi, moving = _transition_intervals(net)
    fixed = ~moving  # zero weights: constant neurons
    const = 0.0
    if fixed.any():
        act = get_activation(net.activation).f
        const = float(act(net.b[fixed]) @ net.v[fixed])
    tab = _Tables(
        p_moving=p[moving],
        q_moving=q[moving],
        moving=np.flatnonzero(moving),
        left=_Asymptotes.build(p, lo),
        right=_Asymptotes.build(q, hi),
        fixed=const,
    )
    net.__dict__["_tables"] = (key, tab)
    return tab


def saturated_hidden(net: ShallowNet, x: np.ndarray) -> np.ndarray | None:
    """act(w_i·x_j + b_i) as an (N, len(x)) array, saturated pairs set to their asymptotes.

    The activation is evaluated only where |w·x + b| ≤ T (`_SATURATION`) and is within
    e^−40 of its scale elsewhere: a sharp step costs a comparison, not an exp (the faint
    bumps of an animation 3–4× faster). None where the activation has no asymptotes.
    """
    if net.activation not in _SATURATION:
        return None
    t = _SATURATION[net.activation]
    (a_lo, k_lo), (a_hi, k_hi) = _ASYMPTOTES[net.activation]
    x = np.asarray(x, dtype=float).ravel()
    z = net.w[:, None] * x
    z += net.b[:, None]
    inside = np.abs(z) <= t
    if k_lo == k_hi == 0.0:
        out = np.where(z > 0, a_hi, a_lo)
    else:
        out = np.where(z > 0, a_hi + k_hi * z, a_lo + k_lo * z)
    out[inside] = get_activation(net.activation).f(z[inside])
    out[np.isnan(z)] = np.nan
    return out


def _transition_intervals(
    net: ShallowNet,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per neuron: x interval [p, q] of its transition, asymptotes below p and above q."""
    t = _SATURATION[net.activation]
    (a_lo, k_lo), (a_hi, k_hi) = _ASYMPTOTES[net.activation]
    w, b, v = net.w, net.b, net.v
    moving = w != 0
    ws = np.where(moving, w, 1.0)
    e1, e2 = (-t - b) / ws, (t - b) / ws
    p, q = np.minimum(e1, e2), np.maximum(e1, e2)
    # widen by far more than the rounding of w·x + b, so a neuron called saturated is so
    # in floating point too (a hard step's side is decided by the sign of w·x + b)
    pad = 1e-12 * np.maximum(np.abs(p), np.abs(q)) + 1e-300
    p, q = p - pad, q + pad
    # asymptote of v·act(w·x + b) as A + B·x: (a + k·b)·v + k·w·v·x
    below_z, above_z = np.array([a_lo, k_lo]), np.array([a_hi, k_hi])
    left = np.where((w > 0)[:, None], below_z, above_z)  # x < p: z → −∞ when w > 0
    right = np.where((w > 0)[:, None], above_z, below_z)
    lo = np.stack([(left[:, 0] + left[:, 1] * b) * v, left[:, 1] * w * v])
    hi = np.stack([(right[:, 0] + right[:, 1] * b) * v, right[:, 1] * w * v])
    lo[:, ~moving] = 0.0
    hi[:, ~moving] = 0.0
    return p, q, lo, hi, moving


def _transition_sum(
    net: ShallowNet, xs: np.ndarray, idx: np.ndarray, first: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """Σ v_i·act(w_i·x + b_i) over the (neuron, x) pairs in transition, in bounded chunks."""
    act = get_activation(net.activation).f
    out = np.zeros(xs.size)
    total = np.concatenate([[0], np.cumsum(counts)])
    start = 0
    while start < idx.size:
        # neurons start..stop hold at most _CHUNK pairs (at least one neuron)
        stop = max(start + 1, int(np.searchsorted(total, total[start] + _CHUNK, "right")) - 1)
        c = counts[start:stop]
        n = np.repeat(idx[start:stop], c)
        offsets = np.repeat(first[start:stop] - (total[start:stop] - total[start]), c)
        xi = offsets + np.arange(int(c.sum()))
        z = net.w[n] * xs[xi] + net.b[n]
        out += np.bincount(xi, weights=net.v[n] * act(z), minlength=xs.size)
        start = stop
    return out
