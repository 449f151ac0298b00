"""`LayeredNet`: layers of act(W·a + b), any depth and input count; the `uat-network/2` format."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uat.core.activations import ACTIVATIONS, get_activation
from uat.core.network import FORMAT as FORMAT1
from uat.core.network import ShallowNet, check_claim, check_meta, read_network, write_network
from uat.errors import UatError
from uat.settings import LIMITS
from uat.threads import one_blas_thread

FORMAT = "uat-network/2"
METHODS = ("", "construct", "ridges", "train")  # who made the net (towers and Nielsen's: construct)
_CHUNK = 1_000_000  # evaluate at most this many neuron-point pairs at once (stays in cache)
_SPARSE_MIN = 10_000  # weights in a layer before a sparse product is considered
_SPARSE_DENSITY = 0.1


@dataclass
class Layer:
    """One layer: act(weights @ a + biases), weights of shape (outputs, inputs)."""

    weights: np.ndarray
    biases: np.ndarray
    activation: str = "sigmoid"

    def __post_init__(self) -> None:
        self.weights = np.atleast_2d(np.asarray(self.weights, dtype=float))
        self.biases = np.asarray(self.biases, dtype=float).ravel()
        if self.weights.ndim != 2 or self.weights.shape[0] != self.biases.size:
            raise ValueError(
                f"weights {self.weights.shape} and biases ({self.biases.size},) do not match"
            )
        get_activation(self.activation)
        self._sparse: Any = None
        nonzero = np.count_nonzero(self.weights)
        if self.weights.size > _SPARSE_MIN and nonzero < _SPARSE_DENSITY * self.weights.size:
            from scipy.sparse import csr_matrix

            # A tower layer has 2 or 4 weights per neuron: sparse products measured ~25×
            # faster than dense at 20×20 towers
            self._sparse = csr_matrix(self.weights)

    @property
    def shape(self) -> tuple[int, int]:
        """(outputs, inputs)."""
        return int(self.weights.shape[0]), int(self.weights.shape[1])

    def pre(self, a: np.ndarray) -> np.ndarray:
        """Pre-activations W·a + b for rows a of shape (n, inputs): shape (n, outputs)."""
        if self._sparse is not None:
            return np.asarray((self._sparse @ a.T).T) + self.biases
        return a @ self.weights.T + self.biases

    def __call__(self, a: np.ndarray) -> np.ndarray:
        return get_activation(self.activation).f(self.pre(a))


@dataclass
class LayeredNet:
    """A feed-forward network: hidden layers, then one identity (or sigmoid) output neuron."""

    layers: list[Layer]
    domain: tuple[tuple[float, float], ...] | None = None
    target: str = ""
    method: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.layers:
            raise ValueError("a network needs at least one layer")
        for below, above in zip(self.layers, self.layers[1:], strict=False):
            if above.shape[1] != below.shape[0]:
                raise ValueError(f"layer of shape {above.shape} cannot follow {below.shape}")

    @property
    def inputs(self) -> int:
        """Number of inputs."""
        return self.layers[0].shape[1]

    @property
    def widths(self) -> list[int]:
        """Neurons per hidden layer."""
        return [layer.shape[0] for layer in self.layers[:-1]]

    @property
    def activation(self) -> str:
        """The first hidden layer's activation."""
        return self.layers[0].activation

    @property
    def output_activation(self) -> str:
        """The output neuron's activation."""
        return self.layers[-1].activation

    @property
    def n_neurons(self) -> int:
        """Hidden neurons in all layers (the output neuron not counted, as in 1-D)."""
        return sum(self.widths)

    @property
    def n_parameters(self) -> int:
        """Number of real parameters: every weight and bias."""
        return sum(layer.weights.size + layer.biases.size for layer in self.layers)

    def parameters(self) -> np.ndarray:
        """Every weight and bias as one flat vector, layer by layer (weights row by row)."""
        return np.concatenate([np.r_[la.weights.ravel(), la.biases] for la in self.layers])

    def parts(self, *coords: np.ndarray) -> np.ndarray:
        """Each last-hidden-layer neuron's share v_i·a_i of the output before its bias and
        activation, shape (neurons, points)."""
        arrays = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in coords))
        points = np.stack([c.ravel() for c in arrays], axis=1)
        if len(self.layers) == 1:
            return np.zeros((0, points.shape[0]))
        hidden = self.activations(points)[-2][1]
        return (hidden * self.layers[-1].weights[0]).T

    def activations(self, points: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(pre-activation, activation) of every layer at points of shape (n, inputs)."""
        a = np.asarray(points, dtype=float).reshape(-1, self.inputs)
        out = []
        for layer in self.layers:
            z = layer.pre(a)
            a = get_activation(layer.activation).f(z)
            out.append((z, a))
        return out

    def __call__(self, *coords: np.ndarray) -> np.ndarray:
        """The output at points given coordinate-wise: net(x, y) is shaped like x and y."""
        if len(coords) != self.inputs:
            raise ValueError(f"the network takes {self.inputs} inputs, got {len(coords)}")
        arrays = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in coords))
        points = np.stack([c.ravel() for c in arrays], axis=1)
        out = np.empty(points.shape[0])
        step = max(1, _CHUNK // max(1, max(layer.shape[0] for layer in self.layers)))
        with one_blas_thread(points.shape[0] * self.n_neurons):
            for i in range(0, points.shape[0], step):
                a = points[i : i + step]
                for layer in self.layers:
                    a = layer(a)
                out[i : i + step] = a[:, 0]
        return out.reshape(arrays[0].shape)

    def __repr__(self) -> str:
        acts = "/".join(dict.fromkeys(layer.activation for layer in self.layers[:-1]))
        return (
            f"LayeredNet(inputs={self.inputs}, widths={self.widths}, activation={acts!r}, "
            f"method={self.method!r})"
        )

    # -- JSON round trip -------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The network as a JSON-ready dict in the `uat-network/2` format."""
        return {
            "format": FORMAT,
            "inputs": self.inputs,
            "layers": [
                {
                    "weights": layer.weights.tolist(),
                    "biases": layer.biases.tolist(),
                    "activation": layer.activation,
                }
                for layer in self.layers
            ],
            "domain": None if self.domain is None else [list(d) for d in self.domain],
            "target": self.target,
            "method": self.method,
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, d: Any) -> LayeredNet:
        """Rebuild a network from `to_dict` output, refusing anything malformed or absurd."""
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            got = d.get("format") if isinstance(d, dict) else type(d).__name__
            raise UatError(f"not a {FORMAT} network (format={got!r})")
        inputs, most = d.get("inputs"), int(LIMITS["network_inputs"].high)
        if not isinstance(inputs, int) or isinstance(inputs, bool) or not 1 <= inputs <= most:
            raise UatError(f"invalid {FORMAT}: 'inputs' must be a whole number 1..{most}")
        raw, deepest = d.get("layers"), int(LIMITS["network_layers"].high)
        if not isinstance(raw, list) or not 1 <= len(raw) <= deepest:
            raise UatError(f"invalid {FORMAT}: 'layers' must be a list of 1..{deepest} layers")
        layers, width = [], inputs
        for i, item in enumerate(raw):
            layers.append(_layer_from_dict(item, i, width))
            width = layers[-1].shape[0]
        if width != 1:
            raise UatError(f"invalid {FORMAT}: the last layer has {width} outputs, not 1")
        meta = check_meta(d.get("meta", {}))
        target, method = d.get("target", ""), d.get("method", "")
        if not isinstance(target, str) or len(target) > 1000 or method not in METHODS:
            raise UatError(
                f"invalid {FORMAT}: 'target' is text, 'method' one of {', '.join(METHODS[1:])}"
            )
        _meta_matches(meta, layers, method)
        return cls(layers, _domain_from(d.get("domain"), inputs), target, method, meta)

    def save(self, path: str | Path) -> Path:
        """Write the network as JSON, atomically."""
        return write_network(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | Path) -> LayeredNet:
        """Read a network written by `save` (bounded as every network file: `read_network`)."""
        return cls.from_dict(read_network(path))


def load_network(path: str | Path) -> ShallowNet | LayeredNet:
    """Read a saved network of either format: `uat-network/1` (ShallowNet) or /2 (LayeredNet)."""
    d = read_network(path)
    fmt = d.get("format") if isinstance(d, dict) else None
    if fmt == FORMAT1:
        return ShallowNet.from_dict(d)
    if fmt == FORMAT:
        return LayeredNet.from_dict(d)
    raise UatError(f"{path} is not a uat network: format {str(fmt)[:40]!r} ({FORMAT1} or /2)")


def _meta_matches(meta: dict[str, Any], layers: list[Layer], method: str) -> None:
    """Refuse metadata that contradicts the layers: towers, ridges, widths and steepness are
    what the weights say they are, so `uat show` prints what the network is."""
    widths = [layer.shape[0] for layer in layers[:-1]]

    def refuse(key: str, shown: str) -> UatError:
        return UatError(f"invalid {FORMAT}: meta.{key} {str(meta[key])[:20]} contradicts the "
                        f"layers' widths {widths} ({shown})")  # fmt: skip

    deep = meta.get("construction") in ("tent", "yarotsky-square")  # uat.core.deep's nets
    if method == "construct" and not deep and not {"towers_per_side", "steepness"} <= meta.keys():
        raise UatError(f"invalid {FORMAT}: towers must record meta.towers_per_side and steepness")
    if "towers_per_side" in meta:
        k = meta["towers_per_side"]
        steps = 2 * (k + 1 if meta.get("form") == "nielsen" else k)
        if widths != [steps, k * k]:
            raise refuse("towers_per_side", f"{k}×{k} towers need widths [{steps}, {k * k}]")
        if "tower_heights" in meta and np.size(meta["tower_heights"]) != k * k:
            raise refuse("tower_heights", f"{k * k} towers")
        if "threshold_steepness" in meta:
            w2 = np.abs(layers[1].weights)
            check_claim("threshold_steepness", meta["threshold_steepness"], w2[w2 > 0], "layer 1")
    if "directions" in meta:
        per = meta.get("steps_per_direction", 1)
        if widths != [meta["directions"] * per]:
            raise refuse("directions", f"{meta['directions']} × {per} ridge steps")
    if "widths" in meta and meta["widths"] != widths:
        raise refuse("widths", "the hidden layers")
    if "steepness" in meta and ("towers_per_side" in meta or "directions" in meta):
        w1 = np.abs(layers[0].weights)
        if "directions" in meta:  # a ridge's weights are w·(cos θ, sin θ)
            w1 = np.hypot(*layers[0].weights.T)
        check_claim("steepness", meta["steepness"], w1[w1 > 0], "layer 0")


def _finite_array(value: Any, what: str, ndim: int) -> np.ndarray:
    """value as a float array of `ndim` dimensions, finite and of sane size, else UatError."""
    try:  # numbers only: text, booleans and integers beyond a float have another kind
        a = np.array(value)
        if a.dtype.kind not in "iuf":
            raise TypeError(a.dtype)
        a = a.astype(float)
    except (TypeError, ValueError):
        raise UatError(
            f"invalid {FORMAT}: {what} must be numbers in nested lists of equal lengths"
        ) from None
    if a.ndim != ndim or a.size == 0:
        shape = "a list of equal-length rows" if ndim == 2 else "a list of numbers"
        raise UatError(f"invalid {FORMAT}: {what} must be {shape}")
    if not np.all(np.isfinite(a)):
        raise UatError(f"invalid {FORMAT}: {what} contains NaN or infinity")
    if np.max(np.abs(a)) > LIMITS["weight_abs"].high:
        raise UatError(
            f"invalid {FORMAT}: {what} has a value beyond ±{LIMITS['weight_abs'].high:g}"
        )
    return a


def _layer_from_dict(item: Any, i: int, inputs: int) -> Layer:
    where = f"layer {i}"
    if not isinstance(item, dict) or set(item) - {"weights", "biases", "activation"}:
        raise UatError(f"invalid {FORMAT}: {where} must have weights, biases, activation only")
    act = item.get("activation")
    if act not in ACTIVATIONS:
        raise UatError(f"invalid {FORMAT}: {where} has unknown activation {act!r}")
    w = _finite_array(item.get("weights"), f"{where} weights", 2)
    b = _finite_array(item.get("biases"), f"{where} biases", 1)
    if w.shape[0] > (widest := int(LIMITS["layer_width"].high)):
        raise UatError(f"invalid {FORMAT}: {where} has {w.shape[0]} neurons (at most {widest:,})")
    if w.shape[1] != inputs:
        raise UatError(f"invalid {FORMAT}: {where} weights have {w.shape[1]} columns, not {inputs}")
    if b.size != w.shape[0]:
        raise UatError(f"invalid {FORMAT}: {where} has {w.shape[0]} rows but {b.size} biases")
    return Layer(w, b, act)


def _domain_from(value: Any, inputs: int) -> tuple[tuple[float, float], ...] | None:
    if value is None:
        return None
    from uat.core.targets import check_domain

    def number(x: Any) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    ok = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(map(number, p)) for p in value
    )
    if not ok:
        raise UatError(f"invalid {FORMAT}: 'domain' must be {inputs} pairs of numbers [a, b]")
    if len(value) != inputs:
        raise UatError(f"invalid {FORMAT}: 'domain' has {len(value)} intervals, not {inputs}")
    try:
        return tuple(check_domain((p[0], p[1])) for p in value)
    except UatError as exc:  # the file's domain, not a --domain the user gave
        raise UatError(f"invalid {FORMAT}: {exc}") from None
