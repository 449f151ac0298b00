"""Fit every weight of a one-hidden-layer network to a target: Levenberg–Marquardt or Adam.

Both optimisers start from the evenly spread initialisation of `spread_init`: centres c_i
evenly over the domain, b_i = −w_i·c_i, steepness w = max(N, 15)/(b − a). Over sin, abs,
gaussian, runge and nielsen at N = 5–50 (4 seeds each), that steepness gave the best final
RMSE: the geometric mean was 4.6× lower than with 3·N/(b − a), and 15 keeps small nets from
starting nearly linear. The seed scales all steepnesses by one factor in e^±0.15: centres
stay evenly spread and mirror-symmetric, which matters: jittering each centre by ±¼ of the
spacing slowed LM 2–5× on sin.

``"lm"`` (the default) is Levenberg–Marquardt with analytic Jacobians, Marquardt's column
scaling and Nielsen's damping update, in variable-projection form: at every trial (w, b) the
output weights (v, c) are solved exactly by a QR least-squares solve (with a 1e-9 ridge on v
that keeps them bounded), and LM iterates on (w, b) only with Kaufman's projected Jacobian.
Measured on sin over [−π, π], 50 sigmoid neurons, 500 training points, one core, 3 seeds
(RMSE on the 10 001-point grid):

    variable projection (LM on 100 weights):  ≤ 1e-6 after 5–9 iterations,
        1e-9–1e-8 after 100 (the default), 1e-10 after 300;  3 ms an iteration
    plain LM on all 151 weights:               3e-6–1.4e-5 after 100 iterations,
        ≤ 1e-6 only after 200–260;  2 ms an iteration
    scikit-learn MLPRegressor (lbfgs):         4e-3 in ~0.3 s

With an output sigmoid the model is not linear in (v, c): LM then runs on all 3N + 1 weights.
An LM run stops after ``max_iter`` iterations (default 100), at a training RMSE ≤ tol·RMS(y),
when no step lowers the loss any more, or when 20 iterations gained less than 1 %.

An LM iteration costs ~ M·N² with M ∝ N training points, so "lm" iterates on at most
LM_CORE = 100 neurons: a wider net is a 100-neuron core trained so, plus the other N − 100
neurons spread evenly, with (v, c) re-solved over all N (one more iteration). Its error is
about the core's or lower (sin: 5e-9 at N = 100 in 2 s, 2e-10 at N = 1000 in 4 s).

``"adam"`` is full-batch Adam on the mean squared error, the run learners expect to see
animated. It starts from the same spread hidden layer but with v = 0 and c = 0 (a flat line),
so the animation shows a poor start improving; solving (v, c) first would leave Adam only
a small drift to show. Its step decays as lr/√(1 + t/300): with a constant step the loss spiked
17–90× near the end at N = 50. It is not the default: after 3000 steps it is near 1e-3, where
LM is near 1e-8.

Both work in the normalised input u = (x − m)/h ∈ [−1, 1] (m the midpoint, h the half-width of
the domain) and convert back to x for every net they return. BLAS runs on one thread during
training where threadpoolctl is installed: these matrices are small, and two threads measured
1.2–6× slower per LM iteration (N = 20–200) on a 2-core machine shared with other work.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from uat.activations import get_activation
from uat.errors import UatError
from uat.network import ShallowNet
from uat.targets import Target

OPTIMIZERS = ("lm", "adam")
TRAINABLE_ACTIVATIONS = ("sigmoid", "tanh", "relu", "softplus")
OUTPUT_ACTIVATIONS = ("identity", "sigmoid")

MAX_NEURONS = 2000  # widest net `train` accepts
LM_CORE = 100  # "lm" iterates on at most this many neurons (an iteration costs ~ M·N²)
ADAM_MAX_NEURONS = 500
STEEPNESS = 1.0  # spread init: w = STEEPNESS·max(N, MIN_SPREAD)/(b − a) (tanh: half that)
MIN_SPREAD = 15
JITTER_STEEPNESS = 0.15  # the seed scales the steepness by e^u, u uniform in ±this
LM_MAX_ITER = 100
ADAM_MAX_ITER = 3000
ADAM_LEARNING_RATE = 0.02
ADAM_DECAY = 300.0  # step size lr/√(1 + t/ADAM_DECAY): plain Adam's loss spiked 17–90× at N = 50
RIDGE = 1e-9  # ridge on v in the linear solves, relative to sqrt(number of points)
PLATEAU_WINDOW = 20
PLATEAU_GAIN = 1.01
_DIVERGED = 1e3  # adam: a loss this many times its start (or the target's RMS) has diverged
_LAMBDA_MAX = 1e16
_MIN_TRAIN = 500
_MAX_TRAIN = 10_001


@dataclass
class Snapshot:
    """One recorded moment of a run."""

    iteration: int
    loss: float  # RMSE on the training points
    net: ShallowNet  # a copy of the network at that moment


@dataclass
class TrainResult:
    """What `train` returns: the fitted net, its loss curve and the snapshots asked for."""

    net: ShallowNet
    iterations: int
    loss: float  # final training RMSE
    converged: bool
    seconds: float
    history: list[tuple[int, float]]  # (iteration, training RMSE), iteration 0 = the start
    snapshots: list[Snapshot]


# -- activations: value and slope together, fast and free of subnormals -----------------------


def _value_and_slope(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """act(z) and act'(z) for the trainable activations (sigmoid via one exp)."""
    from scipy.special import expit

    if name == "sigmoid":
        # Clipping at ±60 changes σ by < 1e-26 and keeps products out of slow subnormals.
        s = expit(np.clip(z, -60.0, 60.0))
        return s, s * (1.0 - s)
    if name == "tanh":
        t = 2.0 * expit(np.clip(z, -30.0, 30.0) * 2.0) - 1.0
        return t, 1.0 - t * t
    if name == "softplus":
        return np.logaddexp(0.0, z), expit(np.clip(z, -60.0, 60.0))
    act = get_activation(name)
    return act.f(z), act.df(z)


def _value(name: str, z: np.ndarray) -> np.ndarray:
    """act(z) only."""
    from scipy.special import expit

    if name == "sigmoid":
        return expit(np.clip(z, -60.0, 60.0))
    if name == "tanh":
        return 2.0 * expit(np.clip(z, -30.0, 30.0) * 2.0) - 1.0
    return get_activation(name).f(z)


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run BLAS on one thread where threadpoolctl is available (small matrices: faster)."""
    # scipy.linalg brings its own BLAS: load it first, or a limit set before its first import
    # misses it (measured: the first training run after importing matplotlib took 8 s, not 0.4).
    import scipy.linalg  # noqa: F401

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - an optional speed-up only
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# -- coordinates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """The normalised input u = (x − mid)/half used while training."""

    mid: float
    half: float

    @classmethod
    def of(cls, domain: tuple[float, float]) -> _Frame:
        a, b = domain
        return cls(0.5 * (a + b), 0.5 * (b - a))

    def u(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=float) - self.mid) / self.half

    def to_x(self, wu: np.ndarray, bu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weights on u → weights on x: w·u + b = (w/h)·x + (b − w·m/h)."""
        return wu / self.half, bu - wu * (self.mid / self.half)

    def to_u(self, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return w * self.half, b + w * self.mid


# -- initialisation ---------------------------------------------------------------------------


def _check_domain(domain: tuple[float, float]) -> tuple[float, float]:
    a, b = float(domain[0]), float(domain[1])
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise UatError(f"domain [{a:g}, {b:g}] must be finite and increasing")
    return a, b


def _spread_u(
    n: int, activation: str, seed: int | None, steepness: float
) -> tuple[np.ndarray, np.ndarray]:
    """Spread hidden weights on u ∈ [−1, 1]; jittered reproducibly when a seed is given."""
    if n == 0:
        return np.zeros(0), np.zeros(0)
    h = 2.0 / n
    centres = -1.0 + (np.arange(n) + 0.5) * h
    k = steepness * (0.5 if activation == "tanh" else 1.0)
    w = np.full(n, k * max(n, MIN_SPREAD) / 2.0)  # k·N/(b − a) on x is k·N/2 on u ∈ [−1, 1]
    if seed is not None and seed < 0:
        raise UatError(f"--seed must be a whole number ≥ 0, got {seed}")
    if seed is not None:  # one common factor: centres stay evenly spread and mirror-symmetric
        w = w * math.exp(np.random.default_rng(seed).uniform(-JITTER_STEEPNESS, JITTER_STEEPNESS))
    return w, -w * centres


def _training_points(target: Target, n_neurons: int, n_train: int | None) -> tuple[np.ndarray, ...]:
    """The training inputs and targets: the CSV samples, or a uniform grid over the domain."""
    if target.samples is not None:
        x, y = (np.asarray(a, dtype=float).ravel() for a in target.samples)
        if x.size != y.size or x.size < 2:
            raise UatError(f"{target.name!r}: need at least 2 samples of equal x and y length")
        a, b = target.domain
        order = np.argsort(x)
        x, y = x[order], y[order]
        ends = np.interp([a, b], x, y)  # the samples' own interpolant at the domain's ends
        inside = (x > a) & (x < b)  # only the samples on the domain, and its end points
        x = np.concatenate([[a], x[inside], [b]])
        y = np.concatenate([ends[:1], y[inside], ends[1:]])
    else:
        if n_train is None:
            n_train = min(max(_MIN_TRAIN, 10 * n_neurons), _MAX_TRAIN)
        if n_train < 2:
            raise UatError(f"n_train must be at least 2, got {n_train}")
        x = np.linspace(*target.domain, int(n_train))
        with np.errstate(all="ignore"):
            y = np.broadcast_to(target(x), x.shape).astype(float)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise UatError(f"{target.name!r} is not finite at every training point; check --domain")
    return x, y


def _linear_target(y: np.ndarray, output_activation: str) -> np.ndarray:
    """What the hidden sum should equal: y itself, or logit(y) through an output sigmoid."""
    if output_activation == "sigmoid":
        yc = np.clip(y, 1e-3, 1.0 - 1e-3)
        return np.log(yc) - np.log1p(-yc)
    return y


def _augmented(hidden: np.ndarray) -> np.ndarray:
    """[H 1; ρI 0]: the hidden outputs and a column of ones over a ridge on v."""
    m, n = hidden.shape
    a = np.zeros((m + n, n + 1), order="F")
    a[:m, :n] = hidden
    a[:m, n] = 1.0
    a[m + np.arange(n), np.arange(n)] = RIDGE * math.sqrt(m)
    return a


def _geqrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Householder QR of a copy of `a`, blocked (the default work size is unblocked: 4× slower)."""
    from scipy.linalg import lapack

    qr, tau, _, info = lapack.dgeqrf(a, lwork=64 * a.shape[1] + 64, overwrite_a=False)
    if info != 0:  # pragma: no cover - argument errors only
        raise UatError(f"QR factorisation failed (LAPACK info {info})")
    return qr, tau


def _solve_output(
    hidden: np.ndarray, y: np.ndarray, want_q: bool = True
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray | None]:
    """(v, c) minimising ‖H·v + c − y‖² + ρ²‖v‖² by QR; the residual rows; Q if wanted."""
    from scipy.linalg import lapack, solve_triangular

    m, n = hidden.shape
    a = _augmented(hidden)
    qr, tau = _geqrf(a)
    lwork = 64 * (n + 1) + 64
    rhs = np.zeros((m + n, 1), order="F")
    rhs[:m, 0] = y
    qty, _, info = lapack.dormqr("L", "T", qr, tau, rhs, lwork=lwork, overwrite_c=True)
    coef = solve_triangular(np.triu(qr[: n + 1]), qty[: n + 1, 0], check_finite=False)
    resid = a @ coef
    resid[:m] -= y
    q = None
    if want_q:
        q, _, info = lapack.dorgqr(qr, tau, lwork=lwork, overwrite_a=True)
    return coef[:n], float(coef[n]), resid, q


def spread_init(
    target_or_domain: Target | tuple[float, float],
    n_neurons: int,
    activation: str = "sigmoid",
    *,
    output_activation: str = "identity",
    seed: int | None = None,
    steepness: float = STEEPNESS,
    n_train: int | None = None,
    solve: bool = True,
) -> ShallowNet:
    """The evenly spread initialisation, with (v, c) by linear least squares on the data.

    Parameters
    ----------
    target_or_domain
        A `Target` (its domain, and its training points for the linear solve) or a bare
        interval (a, b), which gives v = 0 and c = 0.
    n_neurons
        Width N.
    activation
        Hidden activation.
    output_activation
        "identity", or "sigmoid" (then (v, c) fit logit(y), y clipped into (0, 1)).
    seed
        None for the exact spread; an integer scales every steepness by one reproducible
        factor in e^±0.15.
    steepness
        w = steepness·max(N, 15)/(b − a) for a sigmoid (half that for tanh).
    n_train
        Training grid size for the linear solve (default as in `train`).
    solve
        False to leave v = 0 and c = 0.

    Returns
    -------
    ShallowNet
        Centres c_i evenly over [a, b], b_i = −w_i·c_i, method "spread".
    """
    n = _check_width(n_neurons)
    get_activation(activation)
    get_activation(output_activation)
    if isinstance(target_or_domain, Target):
        target: Target | None = target_or_domain
        domain = _check_domain(target_or_domain.domain)
    else:
        target, domain = None, _check_domain(target_or_domain)
    frame = _Frame.of(domain)
    wu, bu = _spread_u(n, activation, seed, steepness)
    v, c = np.zeros(n), 0.0
    if target is not None and solve:
        x, y = _training_points(target, n, n_train)
        hid = _value(activation, np.outer(frame.u(x), wu) + bu)
        v, c, _, _ = _solve_output(hid, _linear_target(y, output_activation), False)
    w, b = frame.to_x(wu, bu)
    return ShallowNet(
        w,
        b,
        v,
        c,
        activation=activation,
        output_activation=output_activation,
        domain=domain,
        target="" if target is None else target.name,
        method="spread",
        meta={"steepness": steepness, "seed": seed},
    )


# -- residual and Jacobian (in the coordinates given: x, or u while training) ------------------


def residual_jacobian(
    net: ShallowNet, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Residual net(x) − y and its analytic Jacobian with respect to (w, b, v, c).

    Parameters
    ----------
    net
        The network; its activation must have a derivative.
    x, y
        Points and values, shape (M,).

    Returns
    -------
    tuple of ndarray
        r of shape (M,) and J of shape (M, 3N + 1), columns ordered w_1..w_N, b_1..b_N,
        v_1..v_N, c.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    return _full_residual_jacobian(
        np.concatenate([net.w, net.b, net.v, [net.c]]),
        x,
        y,
        net.activation,
        net.output_activation,
    )


def _full_residual_jacobian(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> tuple[np.ndarray, np.ndarray]:
    n = (theta.size - 1) // 3
    w, b, v, c = theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], theta[3 * n]
    s, ds = _value_and_slope(activation, np.outer(x, w) + b)
    total = s @ v + c
    out, dout = _value_and_slope(output, total) if output != "identity" else (total, None)
    d = ds * v
    jac = np.empty((x.size, 3 * n + 1))
    np.multiply(d, x[:, None], out=jac[:, :n])
    jac[:, n : 2 * n] = d
    jac[:, 2 * n : 3 * n] = s
    jac[:, 3 * n] = 1.0
    if dout is not None:
        jac *= dout[:, None]
    return out - y, jac


def _residual_gradient(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> tuple[np.ndarray, np.ndarray]:
    """Residual and the gradient of the mean squared error, 2/M·Jᵀr, without forming J."""
    n = (theta.size - 1) // 3
    w, b, v, c = theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], theta[3 * n]
    s, ds = _value_and_slope(activation, np.outer(x, w) + b)
    total = s @ v + c
    if output == "identity":
        out, rr = total - y, None
    else:
        o, do = _value_and_slope(output, total)
        out = o - y
        rr = out * do
    back = (out if rr is None else rr) * (2.0 / x.size)
    t = ds.T @ back
    grad = np.empty_like(theta)
    grad[:n] = v * (ds.T @ (back * x))
    grad[n : 2 * n] = v * t
    grad[2 * n : 3 * n] = s.T @ back
    grad[3 * n] = back.sum()
    return out, grad


def _full_residual(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> np.ndarray:
    n = (theta.size - 1) // 3
    total = _value(activation, np.outer(x, theta[:n]) + theta[n : 2 * n]) @ theta[2 * n : 3 * n]
    total += theta[3 * n]
    return (_value(output, total) if output != "identity" else total) - y


# -- the driver shared by both optimisers ------------------------------------------------------


class _Run:
    """History, snapshots, callback and stopping bookkeeping of one training run."""

    def __init__(
        self,
        make_net: Callable[[np.ndarray, np.ndarray, np.ndarray, float, int], ShallowNet],
        snapshot_at: Sequence[int] | None,
        callback: Callable[[int, float], None] | None,
    ) -> None:
        self.make_net = make_net
        self.wanted = set() if snapshot_at is None else {int(i) for i in snapshot_at}
        self.callback = callback
        self.history: list[tuple[int, float]] = []
        self.snapshots: list[Snapshot] = []

    def record(
        self, it: int, loss: float, wu: np.ndarray, bu: np.ndarray, v: np.ndarray, c: float
    ) -> None:
        self.history.append((it, loss))
        if it in self.wanted:
            self.snapshots.append(Snapshot(it, loss, self.make_net(wu, bu, v, c, it)))
        if it > 0 and self.callback is not None:
            self.callback(it, loss)

    def plateaued(self) -> bool:
        if len(self.history) <= PLATEAU_WINDOW:
            return False
        before, now = self.history[-1 - PLATEAU_WINDOW][1], self.history[-1][1]
        return now * PLATEAU_GAIN > before


def _split(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(w, b, v, c) of a packed 3N + 1 parameter vector."""
    n = (theta.size - 1) // 3
    return theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], float(theta[3 * n])


def _rmse(r: np.ndarray) -> float:
    return float(math.sqrt(float(r @ r) / r.size)) if r.size else 0.0


def _lm_step(
    jac: np.ndarray, r: np.ndarray, scale: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Marquardt-scaled normal equations: (JᵀJ/DD, Jᵀr/D, D) with D the running column norms."""
    a = jac.T @ jac
    g = jac.T @ r
    norms = np.sqrt(np.maximum(a.diagonal(), 0.0))
    d = norms if scale is None else np.maximum(scale, norms)
    d = np.where(d > 0, d, 1.0)
    return a / np.outer(d, d), g / d, d


def _damped_solve(a: np.ndarray, g: np.ndarray, lam: float) -> np.ndarray | None:
    """−(A + λI)⁻¹g by Cholesky, or None where rounding leaves A + λI indefinite."""
    from scipy.linalg import cho_factor, cho_solve

    shifted = a + lam * np.eye(a.shape[0])
    try:
        return -cho_solve(cho_factor(shifted, check_finite=False), g, check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        return None


class _State:
    """The model at one point of an LM run: data residual (plus ridge rows) and what J needs."""

    def __init__(
        self, resid: np.ndarray, m: int, v: np.ndarray, c: float, extra: tuple[np.ndarray, ...]
    ) -> None:
        self.resid = resid
        self.loss_sq = float(resid @ resid)
        self.rmse = _rmse(resid[:m])
        self.v = v
        self.c = c
        self.extra = extra


def _levenberg_marquardt(
    theta: np.ndarray,
    evaluate: Callable[[np.ndarray], _State],
    jacobian: Callable[[np.ndarray, _State], np.ndarray],
    record: Callable[[int, np.ndarray, _State], None],
    max_iter: int,
    stop_rmse: float,
    run: _Run,
) -> tuple[np.ndarray, _State, int, bool]:
    """Levenberg–Marquardt with Marquardt's scaling and Nielsen's damping update."""
    state = evaluate(theta)
    if not math.isfinite(state.loss_sq):
        raise UatError("training cannot start: the loss at the initialisation is not finite")
    record(0, theta, state)
    lam, nu, scale = 1e-3, 2.0, None
    it = 0
    while it < max_iter:
        if state.rmse <= stop_rmse:
            return theta, state, it, True
        a, g, scale = _lm_step(jacobian(theta, state), state.resid, scale)
        while True:
            step = _damped_solve(a, g, lam)
            if step is not None:
                trial = theta + step / scale
                t_state = evaluate(trial)
                predicted = lam * float(step @ step) - float(g @ step)
                gain = (state.loss_sq - t_state.loss_sq) / predicted if predicted > 0 else -1.0
                if gain > 0 and math.isfinite(t_state.loss_sq):
                    theta, state = trial, t_state
                    lam *= max(1.0 / 3.0, 1.0 - (2.0 * gain - 1.0) ** 3)
                    nu = 2.0
                    break
            lam *= nu
            nu *= 2.0
            if lam > _LAMBDA_MAX:  # no step lowers the loss: stationary up to rounding
                return theta, state, it, True
        it += 1
        record(it, theta, state)
        if run.plateaued():
            return theta, state, it, True
    return theta, state, it, False


def _varpro_state(th: np.ndarray, u: np.ndarray, y: np.ndarray, activation: str) -> _State:
    """The variable-projection residual at hidden weights th = (w, b): (v, c) solved exactly."""
    n = th.size // 2
    s, ds = _value_and_slope(activation, np.outer(u, th[:n]) + th[n:])
    v, c, resid, q = _solve_output(s, y)
    assert q is not None
    return _State(resid, u.size, v, c, (ds, q))


def _varpro_jacobian(u: np.ndarray, state: _State, out: np.ndarray | None = None) -> np.ndarray:
    """Kaufman's Jacobian of the projected residual: P⊥·∂(H·v)/∂(w, b), ridge rows included."""
    ds, q = state.extra
    m, n = ds.shape
    jac = np.zeros((m + n, 2 * n)) if out is None else out
    dv = ds * state.v
    np.multiply(dv, u[:, None], out=jac[:m, :n])
    jac[:m, n:] = dv
    jac[m:] = 0.0
    jac -= q @ (q.T @ jac)  # project out the span of the linear basis
    return jac


def _varpro(
    wu: np.ndarray,
    bu: np.ndarray,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    max_iter: int,
    tol: float,
    run: _Run,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int, bool]:
    """LM on (w, b) with (v, c) solved exactly at every point: Kaufman's variable projection."""
    n = wu.size
    buffer = np.zeros((u.size + n, 2 * n))

    def record(it: int, th: np.ndarray, st: _State) -> None:
        run.record(it, st.rmse, th[:n], th[n:], st.v, st.c)

    theta, state, it, converged = _levenberg_marquardt(
        np.concatenate([wu, bu]),
        lambda th: _varpro_state(th, u, y, activation),
        lambda th, st: _varpro_jacobian(u, st, buffer),
        record,
        max_iter,
        tol * _rmse(y),
        run,
    )
    return theta[:n], theta[n:], state.v, state.c, it, converged


def _lm_full(
    wu: np.ndarray,
    bu: np.ndarray,
    v: np.ndarray,
    c: float,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    output: str,
    max_iter: int,
    tol: float,
    run: _Run,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int, bool]:
    """Plain LM on all 3N + 1 weights (needed with an output sigmoid)."""
    m, n = u.size, wu.size

    def evaluate(th: np.ndarray) -> _State:
        return _State(_full_residual(th, u, y, activation, output), m, th[2 * n : 3 * n], 0.0, ())

    def jacobian(th: np.ndarray, st: _State) -> np.ndarray:
        return _full_residual_jacobian(th, u, y, activation, output)[1]

    def record(it: int, th: np.ndarray, st: _State) -> None:
        run.record(it, st.rmse, *_split(th))

    theta, _, it, converged = _levenberg_marquardt(
        np.concatenate([wu, bu, v, [c]]), evaluate, jacobian, record, max_iter, tol * _rmse(y), run
    )
    return (*_split(theta), it, converged)


def _adam(
    wu: np.ndarray,
    bu: np.ndarray,
    v: np.ndarray,
    c: float,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    output: str,
    max_iter: int,
    tol: float,
    learning_rate: float,
    run: _Run,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int, bool]:
    """Full-batch Adam (β = 0.9, 0.999) on the MSE of all 3N + 1 weights, step lr/√(1 + t/300)."""
    theta = np.concatenate([wu, bu, v, [c]])
    first = np.zeros_like(theta)
    second = np.zeros_like(theta)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    target_rms = _rmse(y)
    resid, grad = _residual_gradient(theta, u, y, activation, output)
    loss0 = _rmse(resid)
    if not math.isfinite(loss0):
        raise UatError("training diverged at iteration 0 (loss is not finite)")
    limit = _DIVERGED * max(loss0, target_rms, np.finfo(float).tiny)
    run.record(0, loss0, *_split(theta))
    it, converged = 0, False
    while it < max_iter:
        if _rmse(resid) <= tol * target_rms:
            converged = True
            break
        first = beta1 * first + (1.0 - beta1) * grad
        second = beta2 * second + (1.0 - beta2) * grad * grad
        it += 1
        mhat = first / (1.0 - beta1**it)
        vhat = second / (1.0 - beta2**it)
        step_size = learning_rate / math.sqrt(1.0 + it / ADAM_DECAY)
        theta = theta - step_size * mhat / (np.sqrt(vhat) + eps)
        with np.errstate(all="ignore"):
            resid, grad = _residual_gradient(theta, u, y, activation, output)
        loss = _rmse(resid)
        if not (math.isfinite(loss) and np.all(np.isfinite(theta))) or loss > limit:
            what = "not finite" if not math.isfinite(loss) else f"{loss:.3g}, from {loss0:.3g}"
            raise UatError(
                f"training diverged at iteration {it} (loss is {what}); "
                f"try a smaller --learning-rate than {learning_rate:g}"
            )
        run.record(it, loss, *_split(theta))
    return (*_split(theta), it, converged)


# -- the public entry point --------------------------------------------------------------------


def _check_width(n_neurons: int) -> int:
    if isinstance(n_neurons, bool) or int(n_neurons) != n_neurons or n_neurons < 1:
        raise UatError(f"the number of neurons must be a positive whole number, got {n_neurons}")
    if n_neurons > MAX_NEURONS:
        raise UatError(
            f"training {n_neurons} neurons is too wide (at most {MAX_NEURONS}); a few hundred "
            "trained neurons already reach rounding error; the hand-built construction scales "
            "further"
        )
    return int(n_neurons)


def _initial_u(
    init: ShallowNet | None,
    n: int,
    frame: _Frame,
    activation: str,
    output_activation: str,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Hidden weights on u (and v, c) from `init`, extended with spread neurons if narrower."""
    wu, bu = _spread_u(n, activation, seed, STEEPNESS)
    if init is None:
        return wu, bu, np.zeros(n), 0.0
    if init.n_neurons > n:
        raise UatError(f"cannot warm-start {n} neurons from a wider net of {init.n_neurons}")
    if (init.activation, init.output_activation) != (activation, output_activation):
        raise UatError(
            f"the warm-start net uses {init.activation}/{init.output_activation} activations, "
            f"not {activation}/{output_activation}"
        )
    k = init.n_neurons
    iw, ib = frame.to_u(init.w, init.b)
    if k < n:  # new neurons at evenly spread places, contributing nothing yet
        extra = _spread_u(n - k, activation, seed, STEEPNESS)
        iw, ib = np.concatenate([iw, extra[0]]), np.concatenate([ib, extra[1]])
    v = np.concatenate([init.v, np.zeros(n - k)])
    return iw, ib, v, init.c


def train(
    target: Target,
    n_neurons: int,
    *,
    optimizer: str = "lm",
    max_iter: int | None = None,
    tol: float = 1e-12,
    seed: int = 0,
    init: ShallowNet | None = None,
    snapshot_at: Sequence[int] | None = None,
    callback: Callable[[int, float], None] | None = None,
    activation: str = "sigmoid",
    output_activation: str = "identity",
    n_train: int | None = None,
    learning_rate: float | None = None,
) -> TrainResult:
    """Fit every weight of a width-N network to the target.

    Parameters
    ----------
    target
        What to fit: on a uniform grid over its domain, or on its CSV samples.
    n_neurons
        Width N, 1 to 2000 (adam: 500). Above 100, "lm" trains 100 neurons, adds the
        other N − 100 spread evenly and re-solves (v, c) over all of them as a last iteration.
    optimizer
        "lm" (Levenberg–Marquardt, variable projection with the identity output) or "adam".
    max_iter
        Iteration limit; default 100 for "lm", 3000 for "adam".
    tol
        Stop once the training RMSE is at most tol·RMS(y).
    seed
        Jitters the spread initialisation: other seeds give different, equally good runs;
        the same seed gives a bit-identical result.
    init
        Warm start from this net (same activations, at most N neurons; new ones are spread).
        With "lm" above 100 neurons, its hidden layer is kept and only (v, c) re-solved.
    snapshot_at
        Iterations (0 = the start) to keep a copy of the net at; the final one is always
        kept, and iterations past the end are skipped.
    callback
        Called as callback(iteration, training RMSE) after every iteration.
    activation
        Hidden activation: sigmoid, tanh, relu or softplus.
    output_activation
        "identity" or "sigmoid" (then targets should lie in (0, 1)).
    n_train
        Training grid size (default max(500, 10·N), at most 10 001); ignored for CSV samples.
    learning_rate
        Adam's step size (default 0.02); ignored by "lm".

    Returns
    -------
    TrainResult
        The fitted net (method "train"), the loss at every iteration and the snapshots.
    """
    t0 = time.perf_counter()
    n = _check_width(n_neurons)
    if optimizer not in OPTIMIZERS:
        raise UatError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    if activation not in TRAINABLE_ACTIVATIONS:
        get_activation(activation)
        why = " (its slope is zero almost everywhere)" if activation == "step" else ""
        raise UatError(
            f"cannot train {activation!r} neurons by gradients{why}; "
            f"choose one of: {', '.join(TRAINABLE_ACTIVATIONS)}"
        )
    if output_activation not in OUTPUT_ACTIVATIONS:
        raise UatError(
            f"unknown output activation {output_activation!r}; "
            f"choose one of: {', '.join(OUTPUT_ACTIVATIONS)}"
        )
    if max_iter is not None and (isinstance(max_iter, bool) or max_iter < 1):
        raise UatError(f"max_iter must be at least 1, got {max_iter}")
    if not (tol >= 0 and math.isfinite(tol)):
        raise UatError(f"tol must be a finite number ≥ 0, got {tol}")
    lr = ADAM_LEARNING_RATE if learning_rate is None else float(learning_rate)
    if not (lr > 0 and math.isfinite(lr)):
        raise UatError(f"the learning rate must be positive, got {learning_rate}")
    if optimizer == "adam" and n > ADAM_MAX_NEURONS:
        raise UatError(
            f"Adam on {n} neurons would take minutes; use at most {ADAM_MAX_NEURONS} "
            "neurons with adam, or the default lm optimiser"
        )
    if snapshot_at is not None and any(int(i) < 0 for i in snapshot_at):
        raise UatError("snapshot iterations must be ≥ 0")

    domain = _check_domain(target.domain)
    frame = _Frame.of(domain)
    x, y = _training_points(target, n, n_train)
    u = frame.u(x)
    # "lm" iterates on at most LM_CORE neurons; a wider net adds the rest spread, then re-solves.
    wide = optimizer == "lm" and n > LM_CORE
    core = LM_CORE if wide and init is None else n
    if max_iter is not None:
        iters = int(max_iter)
    else:
        iters = ADAM_MAX_ITER if optimizer == "adam" else LM_MAX_ITER
    wu, bu, v, c = _initial_u(init, core, frame, activation, output_activation, seed)
    pad_w, pad_b = _spread_u(n - core, activation, seed, STEEPNESS)

    def make_net(
        w_u: np.ndarray, b_u: np.ndarray, v_: np.ndarray, c_: float, it: int
    ) -> ShallowNet:
        extra = n - w_u.size  # a wide net's core: show it with the spread neurons still at v = 0
        w_u, b_u = np.concatenate([w_u, pad_w[:extra]]), np.concatenate([b_u, pad_b[:extra]])
        w, b = frame.to_x(w_u, b_u)
        return ShallowNet(
            w,
            b,
            np.concatenate([v_, np.zeros(extra)]),
            float(c_),
            activation=activation,
            output_activation=output_activation,
            domain=domain,
            target=target.name,
            method="train",
            meta={"optimizer": optimizer, "iterations": it, "seed": seed},
        )

    run = _Run(make_net, snapshot_at, callback)
    with _one_blas_thread(), np.errstate(over="ignore", under="ignore"):
        if wide and init is not None:  # too wide to iterate on: keep its hidden layer
            start = _full_residual(
                np.concatenate([wu, bu, v, [c]]), u, y, activation, output_activation
            )
            run.record(0, _rmse(start), wu, bu, v, c)
            out = (wu, bu, v, c, 0, False)
        else:
            cx, cy = (x, y) if core == n else _training_points(target, core, n_train)
            cu = frame.u(cx)
            if optimizer == "adam":
                out = _adam(
                    wu, bu, v, c, cu, cy, activation, output_activation, iters, tol, lr, run
                )
            elif output_activation != "identity":
                if init is None:
                    hid = _value(activation, np.outer(cu, wu) + bu)
                    v, c, _, _ = _solve_output(hid, _linear_target(cy, output_activation), False)
                out = _lm_full(wu, bu, v, c, cu, cy, activation, output_activation, iters, tol, run)
            else:
                out = _varpro(wu, bu, cu, cy, activation, iters, tol, run)
        wu, bu, v, c, it, converged = out
        if wide:
            wu, bu, v, c, loss = _grow(
                wu, bu, v, c, pad_w, pad_b, u, y, activation, output_activation
            )
            it += 1
            run.record(it, loss, wu, bu, v, c)
    if not (np.all(np.isfinite(wu)) and np.all(np.isfinite(bu)) and np.all(np.isfinite(v))):
        raise UatError(f"training diverged by iteration {it} (weights are not finite)")
    loss = run.history[-1][1]
    if not math.isfinite(loss):
        raise UatError(f"training diverged at iteration {it} (loss is {loss})")
    net = make_net(wu, bu, v, c, it)
    if wide:
        net.meta["note"] = (
            f"LM on {LM_CORE} neurons, then {n - LM_CORE} more spread and (v, c) re-solved"
            if init is None
            else "too wide to iterate: the warm start's hidden layer with (v, c) re-solved"
        )
    snapshots = [s for s in run.snapshots if s.iteration != it]
    snapshots.append(Snapshot(it, loss, make_net(wu, bu, v, c, it)))
    return TrainResult(
        net=net,
        iterations=it,
        loss=loss,
        converged=converged,
        seconds=time.perf_counter() - t0,
        history=run.history,
        snapshots=snapshots,
    )


def _grow(
    wu: np.ndarray,
    bu: np.ndarray,
    v: np.ndarray,
    c: float,
    pad_w: np.ndarray,
    pad_b: np.ndarray,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    output: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """Add the spread neurons to a trained core; re-solve (v, c) on all of them."""
    wu = np.concatenate([wu, pad_w])
    bu = np.concatenate([bu, pad_b])
    if output == "identity":
        v, c, resid, _ = _solve_output(_value(activation, np.outer(u, wu) + bu), y, False)
        return wu, bu, v, c, _rmse(resid[: u.size])
    # Through an output sigmoid the fit is not linear in (v, c): the new neurons start silent.
    v = np.concatenate([v, np.zeros(wu.size - v.size)])
    theta = np.concatenate([wu, bu, v, [c]])
    return wu, bu, v, c, _rmse(_full_residual(theta, u, y, activation, output))
