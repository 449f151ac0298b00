"""The shallow net's residual, analytic Jacobian and gradient, and LM on all its 3N + 1 weights."""

from __future__ import annotations

import numpy as np

from uat.core.network import ShallowNet
from uat.core.train.common import Run, Solution, act_value, rmse, split, value_and_slope
from uat.core.train.lm import State, dense_lm

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
    return full_residual_jacobian(
        net.theta,
        x,
        y,
        net.activation,
        net.output_activation,
    )


def full_residual_jacobian(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> tuple[np.ndarray, np.ndarray]:
    n = (theta.size - 1) // 3
    w, b, v, c = theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], theta[3 * n]
    s, ds = value_and_slope(activation, np.outer(x, w) + b)
    total = s @ v + c
    out, dout = value_and_slope(output, total) if output != "identity" else (total, None)
    d = ds * v
    jac = np.empty((x.size, 3 * n + 1))
    np.multiply(d, x[:, None], out=jac[:, :n])
    jac[:, n : 2 * n] = d
    jac[:, 2 * n : 3 * n] = s
    jac[:, 3 * n] = 1.0
    if dout is not None:
        jac *= dout[:, None]
    return out - y, jac


def residual_gradient(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> tuple[np.ndarray, np.ndarray]:
    """Residual and the gradient of the mean squared error, 2/M·Jᵀr, without forming J."""
    n = (theta.size - 1) // 3
    w, b, v, c = theta[:n], theta[n : 2 * n], theta[2 * n : 3 * n], theta[3 * n]
    s, ds = value_and_slope(activation, np.outer(x, w) + b)
    total = s @ v + c
    if output == "identity":
        out, rr = total - y, None
    else:
        o, do = value_and_slope(output, total)
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


def full_residual(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, activation: str, output: str
) -> np.ndarray:
    n = (theta.size - 1) // 3
    total = act_value(activation, np.outer(x, theta[:n]) + theta[n : 2 * n]) @ theta[2 * n : 3 * n]
    total += theta[3 * n]
    return (act_value(output, total) if output != "identity" else total) - y


def lm_full(
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
    run: Run,
) -> Solution:
    """Plain LM on all 3N + 1 weights (needed with an output sigmoid)."""
    m, n = u.size, wu.size

    def evaluate(th: np.ndarray) -> State:
        resid = full_residual(th, u, y, activation, output)
        return State(th, resid, m, th[2 * n : 3 * n], 0.0, ())

    def jacobian(th: np.ndarray, st: State) -> np.ndarray:
        return full_residual_jacobian(th, u, y, activation, output)[1]

    def record(it: int, st: State) -> str | None:
        run.record(it, st.rmse, *split(st.theta))
        return run.stop()

    out = dense_lm(
        np.concatenate([wu, bu, v, [c]]), evaluate, jacobian, record, max_iter, tol * rmse(y)
    )
    return Solution(*split(out.state.theta), out.iterations, out.stopped)
