"""Whether a saved network is the construction its file names: only then does its bound hold."""

from __future__ import annotations

import numpy as np

from uat.core.layered import LayeredNet
from uat.core.network import ShallowNet
from uat.core.targets import Target
from uat.errors import UatError


def is_construction(net: ShallowNet | LayeredNet, target: Target) -> bool:
    """Whether rebuilding the recorded construction for `target` reproduces the weights."""
    m = net.meta
    if net.method != "construct" or "steepness" not in m:
        return False
    try:
        built = _rebuilt(net, target)
    except UatError:
        return False
    mine, theirs = net.parameters(), built.parameters()
    return mine.shape == theirs.shape and bool(np.allclose(mine, theirs, rtol=1e-9, atol=0))


def _rebuilt(net: ShallowNet | LayeredNet, target: Target) -> ShallowNet | LayeredNet:
    """The construction the meta names: `hand_built` bumps or ramps, or `towers`."""
    m = net.meta
    if isinstance(net, LayeredNet):
        from uat.core.towers import towers

        if "towers_per_side" not in m:
            raise UatError("not towers")
        return towers(
            target, m["towers_per_side"], steepness=m["steepness"],
            heights=m.get("heights", "minimax"), form=m.get("form", "quadrant"),
        )  # fmt: skip
    from uat.core.construct import hand_built

    copies = m.get("copies", 1)
    heights = m.get("heights", "minimax")
    return hand_built(
        target, m.get("copy_neurons", net.n_neurons // copies),
        steepness=m["steepness"], activation=net.activation, shifts=copies,
        heights="minimax" if heights == "interpolant" else heights,
        output_activation=net.output_activation,
    )  # fmt: skip
