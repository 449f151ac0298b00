"""Adam: full-batch gradient descent on the mean squared error, the run learners expect to see.

It starts from the spread hidden layer with v = 0 and c = 0 (a flat line), so the animation
shows a poor start improving. Its step decays as lr/√(1 + t/300): with a constant step the
loss spiked 17–90× near the end at N = 50. It is not the default: after 3000 steps it is near
1e-3, where LM is near 1e-8.
"""

from __future__ import annotations

import math

import numpy as np

from uat.core.train.common import CAP, TOLERANCE, Run, Solution, rmse, split
from uat.core.train.shallow import residual_gradient
from uat.errors import UatError

ADAM_ITERATIONS = 3000  # the default budget
ADAM_LEARNING_RATE = 0.02
ADAM_DECAY = 300.0  # step size lr/√(1 + t/ADAM_DECAY): plain Adam's loss spiked 17–90× at N = 50
DIVERGED = 1e3  # a loss this many times its start (or the target's RMS) has diverged
BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8


def adam(
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
    run: Run,
) -> Solution:
    """Full-batch Adam (β = 0.9, 0.999) on the MSE of all 3N + 1 weights, step lr/√(1 + t/300)."""
    theta = np.concatenate([wu, bu, v, [c]])
    first = np.zeros_like(theta)
    second = np.zeros_like(theta)
    target_rms = rmse(y)
    resid, grad = residual_gradient(theta, u, y, activation, output)
    loss0 = rmse(resid)
    if not math.isfinite(loss0):
        raise UatError("training diverged at iteration 0 (loss is not finite)")
    limit = DIVERGED * max(loss0, target_rms, np.finfo(float).tiny)
    run.record(0, loss0, *split(theta))
    it, stopped = 0, CAP
    while it < max_iter:
        if rmse(resid) <= tol * target_rms:
            stopped = TOLERANCE
            break
        first = BETA1 * first + (1.0 - BETA1) * grad
        second = BETA2 * second + (1.0 - BETA2) * grad * grad
        it += 1
        mhat = first / (1.0 - BETA1**it)
        vhat = second / (1.0 - BETA2**it)
        step_size = learning_rate / math.sqrt(1.0 + it / ADAM_DECAY)
        theta = theta - step_size * mhat / (np.sqrt(vhat) + EPSILON)
        with np.errstate(all="ignore"):
            resid, grad = residual_gradient(theta, u, y, activation, output)
        loss = rmse(resid)
        if not (math.isfinite(loss) and np.all(np.isfinite(theta))) or loss > limit:
            what = "not finite" if not math.isfinite(loss) else f"{loss:.3g}, from {loss0:.3g}"
            raise UatError(
                f"training diverged at iteration {it} (loss is {what}); "
                f"try a smaller learning_rate than {learning_rate:g}",
                param="learning_rate",
            )
        run.record(it, loss, *split(theta))
    return Solution(*split(theta), it, stopped)
