"""The banded engine: every weight of a wide net of step-like neurons, an iteration ~ M·B².

Sorted by centre, the bumps β_0 = 1 − σ_1, β_k = σ_k − σ_{k+1}, β_N = σ_N are a partition of
unity that spans the same functions as (1, σ_1, …, σ_N): c + Σ v_j σ_j = Σ α_k β_k with
c = α_0 and v_j = α_{j+1} − α_j. Each β_k and each ∂/∂(w_j, b_j) is nonzero only near its
neurons (σ is 0 or 1 to 2e-16 beyond |z| > 36), so the Gauss–Newton matrix in the order
(α_0, w_1, b_1, α_1, w_2, …) is banded: summed chunk by chunk from small dense blocks and
factored by banded Cholesky, an iteration costs ~ M·B² for a band B of a few hundred, not M·N².
The heights α are re-solved at every trial (w, b) (variable projection), and the step goes
through the shared LM loop of `uat.core.train.lm`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from uat.core.activations import get_activation, sigmoid
from uat.core.train.common import RIDGE, TINY_STEEPNESS, Run, Solution, rmse
from uat.core.train.lm import LMResult, levenberg_marquardt
from uat.errors import UatError

REACH = 36.0  # |z| > 36: σ(z) is 0 or 1 to within e^−36 = 2.3e-16 (the banded engine's cut)
CHUNK_SPACINGS = 8  # the banded engine walks the rows in chunks of about this many neurons


class Layout:
    """Neurons sorted by centre and, for each chunk of rows, the range of neurons alive on it."""

    def __init__(self, u: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
        n, m = w.size, u.size
        self.order = np.argsort(-b / w, kind="stable")
        self.w, self.b = w[self.order], b[self.order]
        centre = -self.b / self.w
        reach = REACH / np.abs(self.w)
        lo = np.searchsorted(u, centre - reach, "left")
        hi = np.searchsorted(u, centre + reach, "right")  # σ_j is 0 or 1 off rows [lo, hi)
        size = max(1, round(m * CHUNK_SPACINGS / n))
        self.chunks: list[tuple[int, int, int, int, float, float]] = []
        for r0 in range(0, m, size):
            r1 = min(r0 + size, m)
            alive = np.flatnonzero((lo < r1) & (hi > r0))
            # σ̃ = (1, σ_1, …, σ_N, 0) with the neurons off this chunk at their saturated value
            sat = np.concatenate([[1.0], (centre < u[r0]).astype(float), [0.0]])
            j0 = int(alive[0]) if alive.size else int(np.searchsorted(centre, u[r0]))
            j1 = int(alive[-1]) + 1 if alive.size else j0
            jumps = sat[:-1] - sat[1:]  # bumps that are a constant ±1 on this chunk
            jumps[j0 : j1 + 1] = 0.0
            out = np.flatnonzero(jumps)
            k0 = min(j0, int(out.min())) if out.size else j0
            k1 = max(j1, int(out.max())) if out.size else j1
            self.chunks.append((r0, r1, k0, k1, float(sat[k0]), float(sat[k1 + 1])))

    def bumps(self, u: np.ndarray, chunk: tuple[int, int, int, int, float, float]) -> tuple:
        """β_k for k = k0 … k1 on the chunk's rows, and σ of its neurons k0 … k1 − 1."""
        r0, r1, k0, k1, left, right = chunk
        ext = np.empty((r1 - r0, k1 - k0 + 2))
        ext[:, 0], ext[:, -1] = left, right
        ext[:, 1:-1] = sigmoid(np.outer(u[r0:r1], self.w[k0:k1]) + self.b[k0:k1])
        return ext[:, :-1] - ext[:, 1:], ext[:, 1:-1]


class Band:
    """A symmetric banded matrix summed from dense diagonal blocks."""

    def __init__(self, p: int, bw: int) -> None:
        from numpy.lib.stride_tricks import as_strided

        self.bw = bw
        self.strip = np.zeros((p, 2 * bw + 1))  # strip[j, t] = A[j − bw + t, j]
        # view[j, i] = strip[j, i − j + bw], meaningful for |i − j| ≤ bw: a block adds in one call
        step = self.strip.itemsize
        self.view = as_strided(
            self.strip.reshape(-1)[bw:], shape=(p, p), strides=(2 * bw * step, step)
        )

    def add(self, block: np.ndarray, at: int) -> None:
        k = block.shape[0]
        self.view[at : at + k, at : at + k] += block

    def upper(self) -> np.ndarray:
        """LAPACK's upper banded storage: ab[bw + i − j, j] = A[i, j]."""
        return np.ascontiguousarray(self.strip[:, : self.bw + 1].T)


def ridge_band(ab: np.ndarray, stride: int, n: int, rho2: float) -> None:
    """Add ρ²·DᵀD (v = Dα, the ridge on v) to the α entries of a banded matrix, in place."""
    ia = np.arange(0, stride * n + 1, stride)
    diag = np.full(n + 1, 2.0)
    diag[[0, -1]] = 1.0
    bw = ab.shape[0] - 1
    ab[bw, ia] += rho2 * diag
    ab[bw - stride, ia[1:]] -= rho2


def ridge_gradient(alpha: np.ndarray) -> np.ndarray:
    """DᵀD·α: the gradient of ½‖v‖² with respect to α."""
    v = np.diff(alpha)
    return np.concatenate([[0.0], v]) - np.concatenate([v, [0.0]])


@dataclass
class Fit:
    """The banded model at one (w, b): heights α, the residual and what the Jacobian needs."""

    w: np.ndarray  # in the caller's neuron order, sigmoid coordinates on u
    b: np.ndarray
    layout: Layout
    alpha: np.ndarray  # heights of the sorted bumps
    cache: list[tuple[np.ndarray, np.ndarray]]
    resid: np.ndarray
    loss_sq: float  # Σ ω·r² + ρ²‖v‖²

    def v_c(self) -> tuple[np.ndarray, float]:
        """Output weights in the caller's neuron order, and the output bias."""
        v = np.empty(self.w.size)
        v[self.layout.order] = np.diff(self.alpha)
        return v, float(self.alpha[0])

    @property
    def rmse(self) -> float:
        """The training RMSE (the data rows only)."""
        return rmse(self.resid)


def cholesky_jittered(ab: np.ndarray) -> np.ndarray:
    """Banded Cholesky; where rounding leaves a bump unseen (Lawson weights ~0), a tiny jitter."""
    from scipy.linalg import cholesky_banded

    top = float(np.max(ab[-1])) if ab.size else 1.0
    for jitter in (0.0, 1e-14, 1e-11, 1e-8):
        shifted = ab.copy()
        shifted[-1] += jitter * top
        try:
            return cholesky_banded(shifted, lower=False, check_finite=False)
        except np.linalg.LinAlgError:
            continue
    raise UatError("training failed: the heights' normal equations are singular")


def banded_fit(
    u: np.ndarray, y: np.ndarray, weight: np.ndarray, w: np.ndarray, b: np.ndarray, rho: float
) -> Fit:
    """Heights α minimising Σ ω·(Σ α_k β_k − y)² + ρ²‖Dα‖² by banded normal equations."""
    from scipy.linalg import cho_solve_banded

    layout = Layout(u, w, b)
    n = w.size
    band = Band(n + 1, max(k1 - k0 for _, _, k0, k1, _, _ in layout.chunks) + 1)
    rhs = np.zeros(n + 1)
    cache = []
    for chunk in layout.chunks:
        r0, r1, k0, _, _, _ = chunk
        beta, sig = layout.bumps(u, chunk)
        root = np.sqrt(weight[r0:r1])
        bw_ = beta * root[:, None]
        band.add(bw_.T @ bw_, k0)
        rhs[k0 : k0 + beta.shape[1]] += bw_.T @ (y[r0:r1] * root)
        cache.append((beta, sig))
    ab = band.upper()
    ridge_band(ab, 1, n, rho * rho)
    alpha = cho_solve_banded((cholesky_jittered(ab), False), rhs, check_finite=False)
    resid = np.empty_like(y)
    for (r0, r1, k0, _, _, _), (beta, _) in zip(layout.chunks, cache, strict=True):
        resid[r0:r1] = beta @ alpha[k0 : k0 + beta.shape[1]] - y[r0:r1]
    v = np.diff(alpha)
    loss_sq = float((resid * weight) @ resid) + rho * rho * float(v @ v)
    return Fit(w, b, layout, alpha, cache, resid, loss_sq)


def banded_normal(
    u: np.ndarray, weight: np.ndarray, fit: Fit, rho: float
) -> tuple[np.ndarray, np.ndarray]:
    """Banded JᵀωJ and Jᵀωr over (α_0, w_1, b_1, α_1, …): Gauss–Newton on every weight."""
    layout, n = fit.layout, fit.w.size
    band = Band(3 * n + 1, max(3 * (k1 - k0) for _, _, k0, k1, _, _ in layout.chunks))
    grad = np.zeros(3 * n + 1)
    v = np.diff(fit.alpha)
    for (r0, r1, k0, k1, _, _), (beta, sig) in zip(layout.chunks, fit.cache, strict=True):
        jac = np.empty((r1 - r0, 3 * (k1 - k0) + 1))
        jac[:, 0::3] = beta
        dv = sig * (1.0 - sig) * v[k0:k1]
        jac[:, 2::3] = dv
        jac[:, 1::3] = dv * u[r0:r1, None]
        root = np.sqrt(weight[r0:r1])
        jac *= root[:, None]
        band.add(jac.T @ jac, 3 * k0)
        grad[3 * k0 : 3 * k1 + 1] += jac.T @ (fit.resid[r0:r1] * root)
    ab = band.upper()
    ridge_band(ab, 3, n, rho * rho)
    grad[0::3] += rho * rho * ridge_gradient(fit.alpha)
    return ab, grad


def hidden_mask(p: int) -> np.ndarray:
    """True at the (w, b) entries of the interleaved order (α_0, w_1, b_1, α_1, …)."""
    mask = np.ones(p, dtype=bool)
    mask[0::3] = False
    return mask


def damped_banded_step(
    ab: np.ndarray, grad: np.ndarray, scale: np.ndarray, lam: float
) -> np.ndarray | None:
    """−(A + λ·D²)⁻¹g, damping (w, b) only (α is re-solved), or None where not positive definite."""
    from scipy.linalg import cho_solve_banded, cholesky_banded

    shifted = ab.copy()
    hidden = hidden_mask(grad.size)
    shifted[-1, hidden] += lam * scale[hidden] ** 2
    try:
        chol = cholesky_banded(shifted, lower=False, check_finite=False)
    except np.linalg.LinAlgError:
        return None
    return -cho_solve_banded((chol, False), grad, check_finite=False)


def moved(fit: Fit, step: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(w, b) after a step; a neuron with w < 0 is mirrored (σ(−z) = 1 − σ(z); α absorbs it)."""
    w, b = fit.w.copy(), fit.b.copy()
    w[fit.layout.order] += step[1::3]
    b[fit.layout.order] += step[2::3]
    flip = w < 0
    w[flip], b[flip] = -w[flip], -b[flip]
    return np.maximum(w, TINY_STEEPNESS), b


class BandedModel:
    """The banded problem for the LM loop: damp (w, b) only, α re-solved at each trial."""

    def __init__(self, u: np.ndarray, y: np.ndarray, weight: np.ndarray, n: int) -> None:
        self.u, self.y, self.weight = u, y, weight
        self.rho = RIDGE * math.sqrt(u.size)
        self.scale = np.zeros(3 * n + 1)
        self.hidden = hidden_mask(self.scale.size)
        self.ab = self.grad = np.zeros(0)

    def linearise(self, fit: Fit) -> None:
        self.ab, self.grad = banded_normal(self.u, self.weight, fit, self.rho)
        # Marquardt's running norms
        self.scale = np.maximum(self.scale, np.sqrt(np.maximum(self.ab[-1], 0.0)))
        self.scale[self.scale == 0] = 1.0

    def step(self, lam: float) -> tuple[np.ndarray, float] | None:
        step = damped_banded_step(self.ab, self.grad, self.scale, lam)
        if step is None:
            return None
        scaled = self.scale[self.hidden] * step[self.hidden]
        return step, lam * float(scaled @ scaled) - float(self.grad @ step)

    def trial(self, fit: Fit, step: np.ndarray) -> Fit:
        return banded_fit(self.u, self.y, self.weight, *moved(fit, step), self.rho)


def banded_lm(
    fit: Fit,
    u: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    max_iter: int,
    stop_rmse: float,
    record: Callable[[Fit], str | None],
) -> LMResult[Fit]:
    """LM on (w, b) with the heights α re-solved at every trial point.

    `record` is called after every iteration and returns why to stop, or None to go on.
    """
    model = BandedModel(u, y, weight, fit.w.size)
    return levenberg_marquardt(model, fit, max_iter, stop_rmse, lambda _, f: record(f))


class Steps:
    """Step-like neurons trained as plain sigmoids: act(z) = low + (high − low)·σ(gain·z)."""

    def __init__(self, activation: str) -> None:
        act = get_activation(activation)
        assert act.limits is not None
        self.low, high = act.limits
        self.gain, self.height = act.gain, high - self.low

    def start(self, wu: np.ndarray, bu: np.ndarray, u: np.ndarray, y: np.ndarray) -> Fit:
        """The banded fit of the heights at hidden weights (wu, bu) of the activation."""
        w, b = self.gain * wu, self.gain * bu
        flip = w < 0
        w[flip], b[flip] = -w[flip], -b[flip]
        rho = RIDGE * math.sqrt(u.size)
        return banded_fit(u, y, np.ones(u.size), np.maximum(w, TINY_STEEPNESS), b, rho)

    def back(self, fit: Fit) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(w, b, v, c) of the activation on u."""
        v, c = fit.v_c()
        v = v / self.height
        return fit.w / self.gain, fit.b / self.gain, v, c - self.low * float(v.sum())


class Recorder:
    """Records every banded iteration of a run (a plateau ends least squares, not Lawson)."""

    def __init__(self, run: Run, steps: Steps) -> None:
        self.run, self.steps = run, steps
        self.count = 0
        self.least_squares = True

    def __call__(self, fit: Fit) -> str | None:
        self.count += 1
        self.run.record(self.count, fit.rmse, *self.steps.back(fit))
        # a plateau ends least squares ("sup" too: its first stage ran 8,000 iterations at
        # N = 20 for nothing); Lawson's rounds stop on their own
        return self.run.stop() if self.least_squares else None


def train_banded(
    wu: np.ndarray,
    bu: np.ndarray,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    max_iter: int,
    tol: float,
    run: Run,
) -> Solution:
    """Least squares on every weight of a net of step-like neurons, by the banded engine."""
    steps = Steps(activation)
    fit = steps.start(wu, bu, u, y)
    run.record(0, fit.rmse, *steps.back(fit))
    out = banded_lm(fit, u, y, np.ones(u.size), max_iter, tol * rmse(y), Recorder(run, steps))
    return Solution(*steps.back(out.state), out.iterations, out.stopped)
