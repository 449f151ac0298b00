"""The hand-built networks of the constructive proof: bumps made of step pairs.

A neuron act(w·x + b) with a large weight w is a step at s = −b/w. Two such neurons at
s₁ < s₂ with output weights +h and −h make a bump of height h on [s₁, s₂]; K bumps tiling
the domain use N = 2K neurons. Heights are chosen by one of three rules:

- ``minimax`` (default): h = (max f + min f)/2 over the bump, the height that minimises the
  sup error for the layout; with exact steps the sup error is max oscillation/2 ≤ L·Δ/2.
- ``mean``: the target's mean over the bump, the least-squares (L²-optimal) height.
- ``centre``: f at the bump's centre, the textbook choice; also ≤ L·Δ/2 with exact steps.

The two outermost steps sit outside the domain, far enough (`edge_margin`) that their leak
at the end points is a thousandth of the discretisation error: a sigmoid is at half height at
its own step, so a step placed on an end point would halve the first and last bump there.
"""

from __future__ import annotations

import math

import numpy as np

from uat.core.activations import get_activation
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.settings import LIMITS

HEIGHT_RULES = ("minimax", "mean", "centre")
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)
_MINIMAX_SAMPLES = 65
_EDGE_INSET = 1e-9  # the outermost minimax samples, as a share of the bump inside its edges
_EPS = float(np.finfo(float).eps)  # 2⁻⁵², one ulp of 1


def check_neurons(n_neurons: int, *, even: bool = True, limit: int | None = None) -> int:
    """Validate a width before anything is allocated (at most LIMITS["n_neurons"] by default)."""
    high = int(LIMITS["n_neurons"].high) if limit is None else limit
    if n_neurons < 1:
        raise UatError(
            f"n_neurons must be a positive whole number, got {n_neurons}", param="n_neurons"
        )
    if n_neurons > high:
        raise UatError(
            f"n_neurons {n_neurons} is too many; the limit here is {high:,}", param="n_neurons"
        )
    if even and n_neurons % 2:
        both = f"{n_neurons - 1} or {n_neurons + 1}" if n_neurons > 1 else "2"
        raise UatError(
            f"n_neurons {n_neurons} is odd, but bumps use neurons in pairs; try {both}",
            param="n_neurons",
        )
    return n_neurons


def bump_edges(domain: tuple[float, float], n_bumps: int) -> np.ndarray:
    """K+1 equally spaced bump edges tiling [a, b]."""
    return np.linspace(domain[0], domain[1], n_bumps + 1)


def bump_heights(target: Target, edges: np.ndarray, rule: str = "minimax") -> np.ndarray:
    """Height of each bump [edges[k], edges[k+1]] under `rule` (see the module docstring)."""
    lo, hi = edges[:-1, None], edges[1:, None]
    if rule == "centre":
        return target(0.5 * (edges[:-1] + edges[1:]))
    if rule == "mean":
        x = 0.5 * (lo + hi) + 0.5 * (hi - lo) * _GL_NODES
        return 0.5 * (target(x.ravel()).reshape(x.shape) @ _GL_WEIGHTS)
    if rule == "minimax":
        # the bump's open interval: a jump on its edge belongs to the neighbour (the net is
        # halfway between the two there). Sampling the edge itself took sign(sin(2πx)) = −1
        # at x = 1 into the bump on [1, 1.2], height 0: square at N = 20 had sup error 1.5.
        # The domain's own ends stay in: the net covers them fully (its outer steps lie
        # outside), so a jump at an end is the first or last bump's to halve.
        t = np.tile(np.linspace(0.0, 1.0, _MINIMAX_SAMPLES), (lo.shape[0], 1))
        t[1:, 0], t[:-1, -1] = _EDGE_INSET, 1.0 - _EDGE_INSET
        x = lo + (hi - lo) * t
        y = target(x.ravel()).reshape(x.shape)
        return 0.5 * (y.max(axis=1) + y.min(axis=1))
    raise UatError(f"unknown height rule {rule!r}; choose one of: {', '.join(HEIGHT_RULES)}")


def check_steepness(w: float, target: Target) -> float:
    """A steepness whose pre-activations w·(x − s) stay finite over the domain."""
    a, b = target.domain
    reach = 2 * max(abs(a), abs(b), b - a)  # |x − s| for x in [a, b] and s within a margin
    if not (math.isfinite(w) and w > 0):
        raise UatError(f"steepness must be a positive number, got {w:g}", param="steepness")
    if not math.isfinite(w * reach) or w * reach > 1e150:
        raise UatError(
            f"steepness {w:g} overflows on [{a:g}, {b:g}]; try at most 1e100", param="steepness"
        )
    return w


def auto_steepness(target: Target, n_bumps: int) -> float:
    """A steepness w that keeps the sigmoid's leak below the discretisation error.

    The leak of a step at distance δ is below e^{−wδ}; with w·Δ ≥ 2·ln(2‖f‖∞/ε), ε = L·Δ/2,
    it stays under ε at a bump's centre. w·Δ ≥ 24 (transition ≈ Δ/6) so steps look like steps.
    """
    a, b = target.domain
    delta = (b - a) / n_bumps
    fmax = target.sup_norm()
    lip = target.lipschitz()
    eps = lip * delta / 2 if lip else 1e-3 * fmax
    ratio = 2.0 * fmax / eps if eps > 0 else 1.0
    w_delta = max(24.0, 2.0 * math.log(ratio)) if ratio > 1 else 24.0
    return w_delta / delta


def edge_margin(target: Target, n_bumps: int, steepness: float) -> float:
    """How far outside [a, b] the outer steps go: leak ‖f‖·e^{−w·m} ≤ ε/1000, m ≥ Δ/2.

    ε is the discretisation error L·Δ/2; a constant (L = 0) has none, so its leak is held
    under float rounding (‖f‖·2⁻⁵²) and the net is the constant to the last bits, not the
    1e-3·‖f‖ the jump case budgets (`uat fit 5` had a sup error of 5e-6).
    """
    a, b = target.domain
    delta = (b - a) / n_bumps
    fmax = target.sup_norm()
    lip = target.lipschitz()
    if lip is None:  # a jump: the error stays near half the jump whatever the leak
        ratio = 1e6
    elif lip * delta / 2 <= _EPS * fmax:  # nothing to discretise: a constant
        ratio = 1.0 / _EPS
    else:
        ratio = 1000.0 * fmax / (lip * delta / 2)
    m = math.log(ratio) / steepness if fmax > 0 and ratio > 1 else 0.0
    return max(delta / 2, m)


def bumps(
    target: Target,
    n_neurons: int,
    *,
    steepness: float | None = None,
    heights: str = "minimax",
    activation: str = "sigmoid",
    edges: np.ndarray | None = None,
    scale: float = 1.0,
) -> ShallowNet:
    """Hand-build a network of N/2 bumps, each a pair of steep neurons, tiling the domain.

    Parameters
    ----------
    target : the function and interval to approximate.
    n_neurons : even width N; the net has K = N/2 bumps of width Δ = (b−a)/K.
    steepness : the hidden weight w of every neuron; automatic (see `auto_steepness`, divided
        by the activation's gain so tanh steps are as sharp as sigmoid ones) if None.
    heights : "minimax", "mean" or "centre".
    activation : any activation with distinct finite limits at ±∞ (sigmoid, tanh, step).
    edges : the K+1 bump edges from a to b (default: K equal bumps, `bump_edges`).
    scale : multiplies every height (a copy approximating f/M uses 1/M).

    Returns
    -------
    ShallowNet with neurons ordered in (up, down) pairs and ``group=2``.
    """
    check_neurons(n_neurons)
    act = get_activation(activation)
    if not act.makes_steps or act.limits is None:
        raise UatError(
            f"activation {activation!r} has no two distinct limits, so it makes no steps; "
            "use sigmoid, tanh or step"
        )
    k = n_neurons // 2
    edges = bump_edges(target.domain, k) if edges is None else np.asarray(edges, float)
    h = bump_heights(target, edges, heights) * scale
    gain = act.gain if math.isfinite(act.gain) else 1.0  # a hard step has no leak to tune
    w = auto_steepness(target, k) / gain if steepness is None else float(steepness)
    check_steepness(w, target)

    delta = (target.domain[1] - target.domain[0]) / k
    margin = edge_margin(target, k, w * act.gain)
    steps = edges.copy()
    steps[0] -= margin  # keep the outer steps' half height and leak off the domain
    steps[-1] += margin
    left, right = steps[:-1], steps[1:]
    s = np.column_stack([left, right]).ravel()  # up step, down step, bump by bump
    span = act.limits[1] - act.limits[0]  # a step of height 1 is (act − lo)/span
    v = np.column_stack([h, -h]).ravel() / span
    meta = {"heights": heights, "steepness": w, "bump_width": float(delta), "edge_margin": margin}
    # c = 0: the lower limits cancel within each pair
    return ShallowNet(w=np.full(n_neurons, w), b=-w * s, v=v, c=0.0, activation=activation,
                      domain=target.domain, target=target.name, method="construct", group=2,
                      meta=meta)  # fmt: skip


def copy_edges(domain: tuple[float, float], k: int, copy: int = 0, copies: int = 1) -> np.ndarray:
    """Edges of K equal bumps of copy j of M, shifted left by j·Δ'/M, clipped to [a, b].

    Δ' = (b−a)/(K − (M−1)/M) is just wide enough that every shifted copy still covers
    [a, b] with K bumps; for one copy it is (b−a)/K, the plain tiling.
    """
    a, b = domain
    width = (b - a) / (k - (copies - 1) / copies)
    edges = a - copy * width / copies + width * np.arange(k + 1)
    edges[0], edges[-1] = a, b
    return edges


def ramps(
    target: Target,
    n_neurons: int,
    *,
    steepness: float | None = None,
    activation: str = "relu",
    edges: np.ndarray | None = None,
    scale: float = 1.0,
) -> ShallowNet:
    """Hand-build the piecewise-linear interpolant from ramps, each a pair of ReLU neurons.

    relu(x − s₁) − relu(x − s₂) rises linearly from 0 to s₂ − s₁ and then stays: a step with
    a linear transition. With output weights ±m_k, m_k the slope of f between knots x_k and
    x_{k+1}, the K = N/2 ramps plus the output bias f(a) sum to the interpolant through the
    knots, whose error is about Δ²·max|f″|/8: it converges like 1/N², not 1/N.

    Parameters
    ----------
    target : the function and interval.
    n_neurons : even width N, K = N/2 segments of width Δ = (b−a)/K.
    steepness : the hidden weight w; relu(w·z)/w = relu(z), so for ReLU it only rescales, and
        softplus(w·z)/w tends to relu(z) as w grows (automatic: w·Δ = 1000).
    activation : "relu" or "softplus".
    edges, scale : as for `bumps`: the K+1 knots, and a factor on f.

    Returns
    -------
    ShallowNet with neurons in (up, down) pairs, ``group=2``.
    """
    check_neurons(n_neurons)
    if activation not in ("relu", "softplus"):
        raise UatError(f"ramps are made of relu or softplus neurons, not {activation!r}")
    k = n_neurons // 2
    a, b = target.domain
    delta = (b - a) / k
    knots = bump_edges(target.domain, k) if edges is None else np.asarray(edges, float)
    y = target(knots) * scale
    m = np.diff(y) / np.diff(knots)
    default = 1.0 if activation == "relu" else SOFTPLUS_STEEPNESS / delta
    w = check_steepness(default if steepness is None else float(steepness), target)
    s = np.column_stack([knots[:-1], knots[1:]]).ravel()
    # A softplus hinge has leaked ln2/w at its own knot: move the two outer knots 10/w off
    # the domain (the first ramp then starts early, which the output bias takes back).
    margin = 0.0 if activation == "relu" else 10.0 / w
    s[0], s[-1] = s[0] - margin, s[-1] + margin
    return ShallowNet(
        w=np.full(n_neurons, w),
        b=-w * s,
        v=np.column_stack([m, -m]).ravel() / w,
        c=float(y[0] - m[0] * margin),
        activation=activation,
        domain=target.domain,
        target=target.name,
        method="construct",
        group=2,
        meta={"heights": "interpolant", "steepness": w, "bump_width": float(delta)},
    )


def squashed_target(target: Target) -> Target:
    """σ⁻¹∘f, what the hidden sum must approximate under a sigmoid output; f must be in (0, 1)."""
    from dataclasses import replace

    from uat.core.activations import logit

    y = target(target.grid())
    lo, hi = float(y.min()), float(y.max())
    if not (lo > 0 and hi < 1):
        raise UatError(
            f"a sigmoid output needs the target strictly inside (0, 1), but {target.name!r} "
            f"ranges over [{lo:.4g}, {hi:.4g}] on [{target.domain[0]:g}, {target.domain[1]:g}]"
        )
    df = target.df

    def g(x: np.ndarray) -> np.ndarray:
        return logit(np.clip(target(x), 1e-15, 1 - 1e-15))

    def dg(x: np.ndarray) -> np.ndarray:
        assert df is not None
        fx = target(x)
        return df(x) / (fx * (1 - fx))

    return replace(
        target,
        name=f"logit({target.name})",
        f=g,
        df=None if df is None else dg,
        formula=f"σ⁻¹({target.formula})",
        label=r"$\sigma^{-1}\circ f$",
        samples=None,
    )


# softplus ramps: w·Δ = 1000 keeps the rounding of each hinge (≈ ln2·|Δslope|/w) under 1 % of
# the interpolation error Δ²·max|f″|/8
SOFTPLUS_STEEPNESS = 1000.0


def hand_built(
    target: Target,
    n_neurons: int,
    *,
    steepness: float | None = None,
    heights: str = "minimax",
    activation: str = "sigmoid",
    shifts: int = 1,
    output_activation: str = "identity",
) -> ShallowNet:
    """The constructive proof for any activation: bumps of step pairs, or ramps of ReLU pairs.

    Parameters
    ----------
    target : the function and interval.
    n_neurons : even width N of one copy.
    steepness, heights : as for `bumps` (ramps interpolate, so `heights` does not apply).
    activation : sigmoid, tanh or step make bumps; relu or softplus make ramps.
    shifts : M copies approximating f/M, each copy's edges shifted by Δ'/M more than the
        last (see `copy_edges`), so every point lies in the window of failure of at most one
        copy; the net has M·N neurons.
    output_activation : "identity", or "sigmoid": the hidden sum approximates σ⁻¹∘f.

    Returns
    -------
    ShallowNet of M·N neurons, in (up, down) pairs, ``group=2``.
    """
    _check_copies(n_neurons, shifts, output_activation)
    inner = squashed_target(target) if output_activation == "sigmoid" else target
    ramp = not get_activation(activation).makes_steps
    copies = []
    for j in range(shifts):
        e, sc = copy_edges(target.domain, n_neurons // 2, j, shifts), 1 / shifts
        if ramp:
            net = ramps(
                inner, n_neurons, steepness=steepness, activation=activation, edges=e, scale=sc
            )
        else:
            net = bumps(
                inner, n_neurons, steepness=steepness, heights=heights, activation=activation,
                edges=e, scale=sc,
            )  # fmt: skip
        copies.append(net)
    width = float(np.diff(copy_edges(target.domain, n_neurons // 2, 0, shifts))[0])
    meta = copies[0].meta | {"copies": shifts, "copy_neurons": n_neurons, "bump_width": width}
    w, b, v = (np.concatenate([getattr(c, k) for c in copies]) for k in ("w", "b", "v"))
    return ShallowNet(w=w, b=b, v=v, c=sum(c.c for c in copies), activation=activation,
                      output_activation=output_activation, domain=target.domain,
                      target=target.name, method="construct", group=2, meta=meta)  # fmt: skip


def _check_copies(n_neurons: int, shifts: int, output_activation: str) -> None:
    """Refuse a width, a number of shifted copies or an output activation before building."""
    check_neurons(n_neurons)
    most_shifts, most = int(LIMITS["shifts"].high), int(LIMITS["n_neurons"].high)
    if not 1 <= shifts <= most_shifts:
        raise UatError(f"shifts must be between 1 and {most_shifts}, got {shifts}", param="shifts")
    if shifts * n_neurons > most:
        raise UatError(
            f"shifts {shifts} × n_neurons {n_neurons} = {shifts * n_neurons:,} neurons; "
            f"the limit is {most:,}",
            param="shifts",
        )
    if output_activation not in ("identity", "sigmoid"):
        raise UatError(f"unknown output activation {output_activation!r}: identity or sigmoid")


def inverse_output(y: np.ndarray, output_activation: str) -> np.ndarray | None:
    """out⁻¹(y): what the hidden sum must be for the output to be y (σ⁻¹∘f under a sigmoid).

    Values are clipped into (1e-6, 1 − 1e-6) first, so a target touching 0 or 1 stays finite;
    None for an output activation without an inverse.
    """
    out = get_activation(output_activation)
    if output_activation == "identity":
        return np.asarray(y, dtype=float)
    if out.inverse is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(out.inverse(np.clip(y, 1e-6, 1 - 1e-6)), dtype=float)


def windows(net: ShallowNet, domain: tuple[float, float]) -> list[np.ndarray]:
    """Per copy, the intervals (rows of [lo, hi]) where a step neuron is between 0.12 and 0.88.

    Those are the windows of failure: σ(z) is neither 0 nor 1 for |z| < 2, so a neuron of
    steepness w (gain g) is not yet a step within 2/(g·w) of its position. Empty for hard
    steps and for ramps.
    """
    act = get_activation(net.activation)
    if not act.makes_steps or not np.isfinite(act.gain) or net.n_neurons == 0:
        return []
    a, b = domain
    copies = int(net.meta.get("copies", 1))
    per = net.n_neurons // copies
    out = []
    for j in range(copies):
        w = np.abs(net.w[j * per : (j + 1) * per])
        s = net.step_positions[j * per : (j + 1) * per]
        half = 2.0 / (act.gain * w)
        inside = (s + half > a) & (s - half < b)
        lo, hi = (s - half)[inside], (s + half)[inside]
        order = np.argsort(lo)
        out.append(np.unique(np.column_stack([lo[order], hi[order]]), axis=0))
    return out


def pair_curves(net: ShallowNet, x: np.ndarray) -> list[tuple[int, slice, np.ndarray]]:
    """Each step pair's contribution (j, where, y) on x[where] only: where it is not negligible.

    For steps of gain g a pair is below e^{−40} of its height farther than 40/(g·|w|)
    outside its two steps, so each pair costs its own few grid points: O(grid + N) in all
    instead of a dense (points × pairs) matrix (`uat explain sin -n 3000` built a 1500 × 40,001
    one). Pairs that do not vanish away from their steps (ramps) are evaluated on all of x.
    """
    act = get_activation(net.activation)
    s = net.step_positions
    out = []
    for j in range(net.n_neurons // 2):
        i = slice(2 * j, 2 * j + 2)
        wmin = float(np.min(np.abs(net.w[i])))
        reach = math.inf  # ramps, and zero weights, reach everywhere
        if act.makes_steps and wmin > 0:
            reach = 40.0 / (act.gain * wmin) if math.isfinite(act.gain) else 0.0
        where = slice(0, x.size)
        if math.isfinite(reach):
            lo, hi = np.searchsorted(x, [float(np.min(s[i])) - reach, float(np.max(s[i])) + reach])
            where = slice(max(int(lo) - 1, 0), int(hi) + 1)
        y = act.f(np.outer(x[where], net.w[i]) + net.b[i]) @ net.v[i]
        out.append((j, where, y))
    return out


def pair_sum(net: ShallowNet, x: np.ndarray) -> np.ndarray:
    """The hidden sum c + Σ pairs of a step-pair net on sorted x, in O(grid + N) for steps.

    Equal to `net.hidden_sum(x)` up to the neglected e^{−40} leaks (see `pair_curves`).
    """
    total = np.full(x.size, net.c, dtype=float)
    for _, where, y in pair_curves(net, x):
        total[where] += y
    return total
