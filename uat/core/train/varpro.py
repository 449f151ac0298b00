"""Variable projection: the output weights (v, c) solved exactly, LM on the hidden (w, b) only.

At every trial (w, b) the output weights are solved by QR (with a 1e-9 ridge on v that keeps
them bounded), and LM iterates on (w, b) with Kaufman's projected Jacobian.
"""

from __future__ import annotations

import math

import numpy as np

from uat.core.train.common import RIDGE, Run, Solution, rmse, value_and_slope
from uat.core.train.lm import State, dense_lm
from uat.errors import UatError


def augmented(hidden: np.ndarray) -> np.ndarray:
    """[H 1; ρI 0]: the hidden outputs and a column of ones over a ridge on v."""
    m, n = hidden.shape
    a = np.zeros((m + n, n + 1), order="F")
    a[:m, :n] = hidden
    a[:m, n] = 1.0
    a[m + np.arange(n), np.arange(n)] = RIDGE * math.sqrt(m)
    return a


def geqrf(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Householder QR of a copy of `a`, blocked (the default work size is unblocked: 4× slower)."""
    from scipy.linalg import lapack

    qr, tau, _, info = lapack.dgeqrf(a, lwork=64 * a.shape[1] + 64, overwrite_a=False)
    if info != 0:  # pragma: no cover - argument errors only
        raise UatError(f"QR factorisation failed (LAPACK info {info})")
    return qr, tau


def solve_output(
    hidden: np.ndarray, y: np.ndarray, want_q: bool = True
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray | None]:
    """(v, c) minimising ‖H·v + c − y‖² + ρ²‖v‖² by QR; the residual rows; Q if wanted."""
    from scipy.linalg import lapack, solve_triangular

    m, n = hidden.shape
    a = augmented(hidden)
    qr, tau = geqrf(a)
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


def varpro_state(th: np.ndarray, u: np.ndarray, y: np.ndarray, activation: str) -> State:
    """The variable-projection residual at hidden weights th = (w, b): (v, c) solved exactly."""
    n = th.size // 2
    s, ds = value_and_slope(activation, np.outer(u, th[:n]) + th[n:])
    v, c, resid, q = solve_output(s, y)
    assert q is not None
    return State(th, resid, u.size, v, c, (ds, q))


def varpro_jacobian(u: np.ndarray, state: State, out: np.ndarray | None = None) -> np.ndarray:
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


def varpro(
    wu: np.ndarray,
    bu: np.ndarray,
    u: np.ndarray,
    y: np.ndarray,
    activation: str,
    max_iter: int,
    tol: float,
    run: Run,
) -> Solution:
    """LM on (w, b) with (v, c) solved exactly at every point: Kaufman's variable projection."""
    n = wu.size
    buffer = np.zeros((u.size + n, 2 * n))

    def record(it: int, st: State) -> str | None:
        run.record(it, st.rmse, st.theta[:n], st.theta[n:], st.v, st.c)
        return run.stop()

    out = dense_lm(
        np.concatenate([wu, bu]),
        lambda th: varpro_state(th, u, y, activation),
        lambda th, st: varpro_jacobian(u, st, buffer),
        record,
        max_iter,
        tol * rmse(y),
    )
    theta, state = out.state.theta, out.state
    return Solution(theta[:n], theta[n:], state.v, state.c, out.iterations, out.stopped)
