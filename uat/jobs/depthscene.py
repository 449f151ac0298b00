"""`uat animate TARGET --sweep depth`: one more hidden layer each frame, as data.

tentK: the tent composed 1, 2, …, K times (the folding doubles the pieces each frame, the last
frame is tentK exactly); x² on [0, 1]: Yarotsky's net of 1, 2, … layers, its sup error falling
by 4 each frame; any other curve (or `--method train`): ReLU nets of 1, 2, 3 … hidden layers of
`--neurons` each, every weight trained by the layered LM. Each frame's numbers are measured as
`uat fit --layers L` measures them (`deepfit.deep_errors`); the curve renderer draws the frames
with the error strip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from uat.core.layered import LayeredNet
from uat.core.targets import Target
from uat.errors import UatError
from uat.jobs.scenes import METHOD_NAMES, PanelFrame, Scene, format_number, step_record, y_limits
from uat.settings import LIMITS, Settings

DEPTH_FRAMES = {"square": 6, "train": 4}  # default depths of Yarotsky's net and trained nets
TRAIN_ITERATIONS = 150  # LM iterations of each trained frame


def depth_nets(
    target: Target,
    n: int,
    settings: Settings,
    frames: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[LayeredNet], str]:
    """The nets of the sweep, shallowest first, and what they are ("construct" or "train")."""
    from uat.core.deep import tent_net, yarotsky_net
    from uat.jobs.deepfit import check_trained
    from uat.jobs.depth import is_square, tent_order, train_deep

    most = int(LIMITS["layers"].high)
    k = tent_order(target) if tuple(target.domain) == (0.0, 1.0) else None
    if settings.method == "construct" and k is not None:
        depths = list(range(1, k + 1))[-(frames or k) :]  # the deepest frames, ending at tentK
        return [tent_net(d) for d in depths], "construct"
    if settings.method == "construct" and is_square(target):
        count = min(frames or DEPTH_FRAMES["square"], most)
        return [yarotsky_net(m) for m in range(1, count + 1)], "construct"
    count = min(frames or DEPTH_FRAMES["train"], most)
    s = replace(settings, method="train", activation="relu", layers=count)
    check_trained([n] * count, s)  # the deepest net within the layered LM's budget
    nets = []
    for depth in range(1, count + 1):
        iterations = s.max_iter or TRAIN_ITERATIONS
        nets.append(train_deep(target, [n] * depth, s.seed, iterations))
        if progress is not None:
            progress(depth, count)
    return nets, "train"


def depth_grid(nets: list[LayeredNet], domain: tuple[float, float]) -> np.ndarray:
    """2,001 even points and every breakpoint of every net: each kink drawn sharp."""
    from uat.core.deep import breakpoints

    x = np.linspace(*domain, 2001)
    for net in nets:
        x = np.union1d(x, breakpoints(net, domain)[0])
    return x


def depth_sweep(
    target: Target,
    n: int,
    settings: Settings | None = None,
    frames: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Scene:
    """One frame per depth: the net of L hidden layers against the target, its error strip."""
    from uat.core.deep import linear_pieces
    from uat.jobs.deepfit import deep_errors

    if target.dim != 1:
        raise UatError("--sweep depth is for targets of one input", param="sweep")
    nets, method = depth_nets(target, n, settings or Settings(), frames, progress)
    x = depth_grid(nets, target.domain)
    yt = target(x)
    panels = []
    for net in nets:
        e = deep_errors(net, target)
        pieces = linear_pieces(net, target.domain)
        layers = f"{len(net.widths)} hidden layer{'s' * (len(net.widths) > 1)}"
        text = f"{layers} of {net.widths[0]} · {pieces} pieces · sup error {format_number(e.sup)}"
        frame = PanelFrame(y=net(x), parts=np.empty((0, x.size)), method=method,
                           label=METHOD_NAMES[method], text=text)  # fmt: skip
        frame.step = step_record("layers", len(net.widths), e) | {"linear_pieces": pieces}
        panels.append(frame)
    name = METHOD_NAMES[method]
    return Scene(
        x=x,
        target=yt,
        target_label=target.label,
        frames=[[p] for p in panels],
        ylims=[y_limits(yt, *(p.y for p in panels))],
        title=f"{target.label}: {name} ReLU nets, one more hidden layer each frame",
        meta={
            "sweep": "depth",
            "method": method,
            "strip": True,
            "layers": [len(net.widths) for net in nets],
        },  # fmt: skip
    )
