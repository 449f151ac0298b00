"""`ShallowNet`: y(x) = out(Σ v_i·act(w_i·x + b_i) + c), one type for every method."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from uat.activations import get_activation
from uat.errors import UatError

FORMAT = "uat-network/1"
_CHUNK = 4_000_000  # evaluate at most this many neuron-point pairs at once


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
        h = self.hidden(x) * self.v
        if self.group > 1:
            h = h.reshape(h.shape[0], -1, self.group).sum(axis=2)
        return np.ascontiguousarray(h.T)

    def hidden_sum(self, x: np.ndarray) -> np.ndarray:
        """Σ v_i·act(w_i·x + b_i) + c, before the output activation."""
        x = np.asarray(x, dtype=float).ravel()
        out = np.empty_like(x)
        step = max(1, _CHUNK // max(1, self.n_neurons))
        act = get_activation(self.activation).f
        for i in range(0, x.size, step):
            xs = x[i : i + step, None]
            out[i : i + step] = act(xs * self.w + self.b) @ self.v
        return out + self.c

    def __call__(self, x: np.ndarray) -> np.ndarray:
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
    def from_dict(cls, d: dict[str, Any]) -> ShallowNet:
        """Rebuild a network from `to_dict` output, checking the format."""
        if d.get("format") != FORMAT:
            raise UatError(f"not a {FORMAT} network (format={d.get('format')!r})")
        try:
            dom = d.get("domain")
            return cls(
                w=np.array(d["hidden_weights"], dtype=float),
                b=np.array(d["hidden_biases"], dtype=float),
                v=np.array(d["output_weights"], dtype=float),
                c=float(d["output_bias"]),
                activation=d.get("activation", "sigmoid"),
                output_activation=d.get("output_activation", "identity"),
                domain=None if dom is None else (float(dom[0]), float(dom[1])),
                target=d.get("target", ""),
                method=d.get("method", ""),
                group=int(d.get("group", 1)),
                meta=dict(d.get("meta", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UatError(f"invalid network JSON: {exc}") from None

    def save(self, path: str | Path) -> Path:
        """Write the network as JSON, atomically."""
        from uat.io import atomic_write

        text = json.dumps(self.to_dict(), indent=1, default=_json_default)
        with atomic_write(path, "w") as fh:
            fh.write(text + "\n")
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> ShallowNet:
        """Read a network written by `save`."""
        try:
            d = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise UatError(f"cannot read network {path}: {exc}") from None
        return cls.from_dict(d)


def _json_default(o: Any) -> Any:
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
