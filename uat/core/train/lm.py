"""The one Levenberg–Marquardt loop: accept a step that lowers the loss, damp by Nielsen's rule.

Every LM solver of the trainer runs through `levenberg_marquardt`: variable projection and the
full-weights LM of shallow nets (`DenseModel`), the banded engine (`uat.core.train.banded`),
Lawson's rounds (through the banded engine) and the layered nets of two inputs. A model
supplies the linearisation, the damped step and the trial point; the loop owns the damping
(λ starts at 1e-3; an accepted step of gain ratio ρ scales it by max(1/3, 1 − (2ρ − 1)³), a
rejected one by ν = 2, 4, 8, …) and the stopping rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from uat.core.train.common import CAP, CONVERGED, TOLERANCE, rmse

LAMBDA_START = 1e-3
LAMBDA_GIVE_UP = 1e16  # no step lowers the loss even this damped: stationary up to rounding


class LMState(Protocol):
    """A point of an LM run: its loss (sum of squares, ridge rows included) and training RMSE."""

    @property
    def loss_sq(self) -> float: ...

    @property
    def rmse(self) -> float: ...


S = TypeVar("S", bound=LMState)


class Model(Protocol[S]):
    """What the loop needs of a problem: linearise at a state, a damped step, its trial point."""

    def linearise(self, state: S) -> None: ...

    def step(self, lam: float) -> tuple[np.ndarray, float] | None: ...

    def trial(self, state: S, step: np.ndarray) -> S: ...


@dataclass
class LMResult(Generic[S]):
    """Where an LM run ended, after how many accepted steps, and why."""

    state: S
    iterations: int
    stopped: str


def damping_factor(gain: float) -> float:
    """Nielsen's update of the LM damping after an accepted step of gain ratio `gain`."""
    return max(1.0 / 3.0, 1.0 - (2.0 * gain - 1.0) ** 3)


def levenberg_marquardt(
    model: Model[S],
    state: S,
    max_iter: int,
    stop_rmse: float,
    record: Callable[[int, S], str | None],
) -> LMResult[S]:
    """LM from `state`; `record(iteration, state)` after each step says why to stop, or None."""
    lam, nu = LAMBDA_START, 2.0
    for it in range(max_iter):
        if state.rmse <= stop_rmse:
            return LMResult(state, it, TOLERANCE)
        model.linearise(state)
        while True:
            found = model.step(lam)
            if found is not None:
                step, predicted = found
                trial = model.trial(state, step)
                gain = (state.loss_sq - trial.loss_sq) / predicted if predicted > 0 else -1.0
                if gain > 0 and math.isfinite(trial.loss_sq):
                    state = trial
                    lam *= damping_factor(gain)
                    nu = 2.0
                    break
            lam *= nu
            nu *= 2.0
            if lam > LAMBDA_GIVE_UP:
                return LMResult(state, it, CONVERGED)
        why = record(it + 1, state)
        if why is not None:
            return LMResult(state, it + 1, why)
    return LMResult(state, max_iter, CAP)


# -- the dense model: J formed, Marquardt's running column scaling --------------------------------


class State:
    """A point of a dense LM run: the parameters, residual (plus ridge rows) and what J needs."""

    def __init__(
        self,
        theta: np.ndarray,
        resid: np.ndarray,
        m: int,
        v: np.ndarray,
        c: float,
        extra: tuple[np.ndarray, ...],
    ) -> None:
        self.theta = theta
        self.resid = resid
        self.loss_sq = float(resid @ resid)
        self.rmse = rmse(resid[:m])
        self.v = v
        self.c = c
        self.extra = extra


def scaled_normal(
    jac: np.ndarray, r: np.ndarray, scale: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Marquardt-scaled normal equations: (JᵀJ/DD, Jᵀr/D, D) with D the running column norms."""
    a = jac.T @ jac
    g = jac.T @ r
    norms = np.sqrt(np.maximum(a.diagonal(), 0.0))
    d = norms if scale is None else np.maximum(scale, norms)
    d = np.where(d > 0, d, 1.0)
    return a / np.outer(d, d), g / d, d


def damped_solve(a: np.ndarray, g: np.ndarray, lam: float) -> np.ndarray | None:
    """−(A + λI)⁻¹g by Cholesky, or None where rounding leaves A + λI indefinite."""
    from scipy.linalg import cho_factor, cho_solve

    shifted = a + lam * np.eye(a.shape[0])
    try:
        return -cho_solve(cho_factor(shifted, check_finite=False), g, check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        return None


class DenseModel:
    """LM on a parameter vector with J formed: the normal equations scaled by column norms."""

    def __init__(
        self,
        evaluate: Callable[[np.ndarray], State],
        jacobian: Callable[[np.ndarray, State], np.ndarray],
    ) -> None:
        self.evaluate = evaluate
        self.jacobian = jacobian
        self.scale: np.ndarray | None = None
        self.a = self.g = np.zeros(0)

    def linearise(self, state: State) -> None:
        self.a, self.g, self.scale = scaled_normal(
            self.jacobian(state.theta, state), state.resid, self.scale
        )

    def step(self, lam: float) -> tuple[np.ndarray, float] | None:
        step = damped_solve(self.a, self.g, lam)
        if step is None:
            return None
        return step, lam * float(step @ step) - float(self.g @ step)

    def trial(self, state: State, step: np.ndarray) -> State:
        assert self.scale is not None
        return self.evaluate(state.theta + step / self.scale)


def dense_lm(
    theta: np.ndarray,
    evaluate: Callable[[np.ndarray], State],
    jacobian: Callable[[np.ndarray, State], np.ndarray],
    record: Callable[[int, State], str | None],
    max_iter: int,
    stop_rmse: float,
) -> LMResult[State]:
    """LM from θ with J formed, `record(0, start)` first; a start of infinite loss is refused."""
    from uat.errors import UatError

    state = evaluate(theta)
    if not math.isfinite(state.loss_sq):
        raise UatError("training cannot start: the loss at the initialisation is not finite")
    record(0, state)
    return levenberg_marquardt(DenseModel(evaluate, jacobian), state, max_iter, stop_rmse, record)
