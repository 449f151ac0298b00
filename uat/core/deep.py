"""What depth buys, built by hand: Telgarsky's tent map and Yarotsky's square, and the count of
linear pieces that separates deep ReLU nets from shallow ones.

- tent(x) = 2·min(x, 1 − x) = 2·relu(x) − 4·relu(x − ½) on [0, 1]: two ReLU neurons a layer.
  Composed k times it has 2^k linear pieces with 2k neurons (Telgarsky, "Benefits of depth in
  neural networks", 2016); a one-hidden-layer ReLU net with n neurons has at most n + 1 pieces,
  so it needs n ≥ 2^k − 1 for the same function.
- x² = x − Σ_{s≥1} g_s(x)/4^s on [0, 1] with g_s the tent composed s times; after m terms the
  sup error is exactly 2^(−2m−2) (Yarotsky, "Error bounds for approximations with deep ReLU
  networks", 2017). Each hidden layer carries the tent chain and the running sum: 3 neurons.
"""

from __future__ import annotations

import numpy as np

from uat.core.layered import Layer, LayeredNet
from uat.errors import UatError

# the tent as a combination of its two ReLUs: tent(a) = 2·relu(a) − 4·relu(a − ½)
_TENT_OUT = np.array([2.0, -4.0])
_TENT_BIAS = np.array([0.0, -0.5])


def tent(x: np.ndarray, k: int = 1) -> np.ndarray:
    """The tent map composed k times, evaluated directly: 2·min(a, 1 − a), k times."""
    a = np.asarray(x, dtype=float)
    for _ in range(k):
        a = 2.0 * np.minimum(a, 1.0 - a)
    return a


def yarotsky_square(x: np.ndarray, m: int) -> np.ndarray:
    """x − Σ_{s=1..m} tent^s(x)/4^s: the interpolant of x² at the 2^m + 1 dyadic points."""
    x = np.asarray(x, dtype=float)
    return x - sum((tent(x, s) / 4.0**s for s in range(1, m + 1)), np.zeros_like(x))


def yarotsky_error(m: int) -> float:
    """The exact sup error of `yarotsky_square(·, m)` against x² on [0, 1]: 2^(−2m−2)."""
    return 2.0 ** (-2 * m - 2)


def tent_net(k: int) -> LayeredNet:
    """tent composed k times on [0, 1] as k hidden ReLU layers of 2 neurons."""
    if not (isinstance(k, int) and k >= 1):
        raise UatError(f"the tent needs at least one layer, got {k!r}", param="layers")
    layers = [Layer(np.ones((2, 1)), _TENT_BIAS, "relu")]
    # each further layer reads the tent of the layer below: a = 2·h₁ − 4·h₂
    layers += [Layer(np.vstack([_TENT_OUT, _TENT_OUT]), _TENT_BIAS, "relu") for _ in range(k - 1)]
    layers.append(Layer(_TENT_OUT[None, :], np.zeros(1), "identity"))
    meta = {"construction": "tent", "compositions": k}
    return LayeredNet(
        layers, domain=((0.0, 1.0),), target=f"tent{k}", method="construct", meta=meta
    )


def yarotsky_net(m: int) -> LayeredNet:
    """x² on [0, 1] within 2^(−2m−2): m hidden ReLU layers of 3 neurons.

    Neurons of layer k: relu(g), relu(g − ½) (the tent chain, g = tent^(k−1)(x)) and relu(S),
    the running sum S = x − Σ_{s<k} tent^s/4^s, which stays ≥ x² ≥ 0, so relu passes it as is.
    """
    if not (isinstance(m, int) and m >= 1):
        raise UatError(f"Yarotsky's square needs at least one layer, got {m!r}", param="layers")
    layers = [Layer(np.ones((3, 1)), np.array([0.0, -0.5, 0.0]), "relu")]
    for k in range(1, m):
        # from (h₁, h₂, h_S): g_k = 2h₁ − 4h₂, S_k = h_S − g_k/4^k
        g = np.array([2.0, -4.0, 0.0])
        s = np.array([0.0, 0.0, 1.0]) - g / 4.0**k
        layers.append(Layer(np.vstack([g, g, s]), np.array([0.0, -0.5, 0.0]), "relu"))
    out = np.array([0.0, 0.0, 1.0]) - np.array([2.0, -4.0, 0.0]) / 4.0**m
    layers.append(Layer(out[None, :], np.zeros(1), "identity"))
    meta = {"construction": "yarotsky-square", "terms": m}
    return LayeredNet(layers, domain=((0.0, 1.0),), target="x**2", method="construct", meta=meta)


def breakpoints(net: LayeredNet, domain: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """The kinks of a 1-input piecewise-linear net on [a, b], exactly: (x, net(x)) at each.

    Every pre-activation is linear between consecutive points of the list, so its zeros are
    found by interpolation and added, layer by layer; the net is then linear between points.
    """
    for layer in net.layers:
        if layer.activation not in ("relu", "identity"):
            raise UatError(f"linear pieces are counted for ReLU nets, not {layer.activation}")
    if net.inputs != 1:
        raise UatError("linear pieces are counted for networks of one input")
    x = np.array([float(domain[0]), float(domain[1])])
    a = x[:, None]
    for layer in net.layers:
        z = layer.pre(a)
        x, z = _split_at_zeros(x, z)
        a = np.maximum(z, 0.0) if layer.activation == "relu" else z
    return x, a[:, 0]


def _split_at_zeros(x: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points x with the zero crossings of every column of z (linear between points) added."""
    lo, hi = z[:-1], z[1:]
    cross = (lo * hi < 0).nonzero()  # (interval, neuron) pairs whose sign flips inside
    if cross[0].size == 0:
        return x, z
    i, j = cross
    t = lo[i, j] / (lo[i, j] - hi[i, j])
    new_x = x[i] + t * (x[i + 1] - x[i])
    new_z = z[i] + t[:, None] * (z[i + 1] - z[i])
    order = np.argsort(np.concatenate([x, new_x]), kind="stable")
    xs, zs = np.concatenate([x, new_x])[order], np.concatenate([z, new_z])[order]
    keep = np.concatenate([[True], np.diff(xs) > 0])
    return xs[keep], zs[keep]


def linear_pieces(net: LayeredNet, domain: tuple[float, float], rtol: float = 1e-9) -> int:
    """The number of linear pieces of a 1-input ReLU net on the domain (collinear runs merged)."""
    x, y = breakpoints(net, domain)
    # kinks closer than rounding (two neurons switching at one x) are one kink: a slope over
    # an interval of 1e-16 is noise
    end = x[-1]
    x = x[np.concatenate([[True], np.diff(x) > 1e-9 * (end - x[0])])]
    x[-1] = end
    y = net(x)
    slopes = np.diff(y) / np.diff(x)
    scale = max(1.0, float(np.max(np.abs(slopes)))) if slopes.size else 1.0
    return 1 + int(np.count_nonzero(np.abs(np.diff(slopes)) > rtol * scale))


def shallow_width_bound(pieces: int) -> int:
    """The fewest neurons of a one-hidden-layer ReLU net with `pieces` pieces (n + 1 ≥ pieces)."""
    return max(0, pieces - 1)
