"""`uat explore` on a surface: K×K towers over the plane, in 3-D, rebuilt live in the browser.

The page (uat/web/towers.js, with explore.css and expr.js, inlined) assembles the network of
`uat.core.towers.towers` from what the library computed for every K its slider reaches
(the minimax heights, the automatic steepness, the second layer's threshold steepness), and
measures it with a port of `uat.core.metrics.errors` (the grid, its local maxima refined,
the net's own step lines and their crossings, both sides of the target's jumps), so its sup
error and RMSE are those of `uat fit TARGET --towers K --json`. Nothing is trained: a surface
page builds in about a second.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from uat.core.targets import Target
from uat.errors import UatError

# The named surfaces as expressions the page evaluates (tests check each against
# uat.core.targets on a grid): the same tree walker as a typed expression in x and y.
NAMED_SURFACES: dict[str, str] = {
    "gaussian2d": "exp(-(x**2 + y**2))",
    "saddle": "x**2 - y**2",
    "ripple": "sinc(hypot(x, y)/pi)",
    "tower": "heaviside(0.5 - abs(x), 0.0)*heaviside(0.5 - abs(y), 0.0)",
    "disc": "where(x**2 + y**2 < 0.6**2, 1.0, 0.25*x)",
}
FORMS = {"construct": "quadrant", "nielsen": "nielsen"}  # `uat fit --method` → tower form


def surface_spec(target: Target, spec: str) -> dict[str, Any]:
    """The surface as the page needs it: its expression, rectangle, jumps and facts."""
    from uat.web.expressions import expression_tree

    if target.samples is not None:
        raise UatError(
            f"the explorer draws surfaces given by a name or an expression in x and y; "
            f"{target.name!r} is sampled (see it with `uat fit`)",
            param="target",
        )
    points, normals = target.jumps()
    lip = target.lipschitz()
    return {
        "name": target.name,
        "spec": spec,
        "formula": target.formula,
        "box": [list(map(float, side)) for side in target.box],
        "tree": expression_tree(NAMED_SURFACES.get(target.name, target.name), dim=2),
        "jumps": [np.asarray(points).tolist(), np.asarray(normals).tolist()],
        "lipschitz": None if lip is None or not math.isfinite(lip) else float(lip),
        "sup_norm": target.sup_norm(),
    }


def tower_layouts(target: Target, most: int, heights: str) -> list[dict[str, Any]]:
    """For K = 1..most, what `uat.core.towers.towers` computes before it lays the layers out:
    the heights, the automatic steepness and each form's threshold steepness."""
    from uat.core.towers import towers

    out = []
    for k in range(1, most + 1):
        built = {
            form: towers(target, k, heights=heights, form=form).meta for form in FORMS.values()
        }
        meta = built["quadrant"]
        out.append(
            {
                "k": k,
                "heights": np.asarray(meta["tower_heights"]).ravel().tolist(),  # row j (y), col i
                "steepness": meta["steepness"],
                "threshold": {form: m["threshold_steepness"] for form, m in built.items()},
            }
        )
    return out


def metric_constants() -> dict[str, Any]:
    """The refined sup's constants (uat.core.metrics), so that the page's are the CLI's."""
    from uat.core import metrics as m
    from uat.core.targets import GRID2

    return {
        "grid": GRID2,
        "peaks": m.PLANE_PEAKS,
        "zooms": m.PLANE_ZOOMS,
        "zoom_points": m.PLANE_ZOOM_POINTS,
        "across": m.PLANE_ACROSS,
        "jump_offset": m.PLANE_JUMP_OFFSET,
    }


def opening(target: Target, settings: Any) -> tuple[int, str]:
    """K and the tower form the page opens at: `uat fit`'s own choice for this target."""
    from uat.jobs.choice import choose

    method = "construct" if settings.method in ("construct", "train") else settings.method
    if method not in FORMS:
        raise UatError(f"unknown tower method {method!r}; choose construct or nielsen")
    chosen = choose(method, None, None, None, {"steepness": settings.steepness})
    return chosen.size, FORMS[method]


def towers_data(
    target: Target, spec: str, settings: Any, *, domain_text: str | None = None
) -> dict[str, Any]:
    """Everything the surface page embeds."""
    from uat.core.towers import TOWERS_NO_BOUND, check_plane_steepness
    from uat.settings import LIMITS

    if settings.heights not in ("minimax", "centre"):
        raise UatError(
            f"heights {settings.heights!r} is 1-D only; towers take minimax or centre",
            param="heights",
        )
    if settings.steepness is not None:
        check_plane_steepness(settings.steepness, target)
    most = int(LIMITS["towers_explored"].high)
    k, form = opening(target, settings)
    k = min(k, most)
    return {
        "format": "uat-towers/1",
        "target": surface_spec(target, spec),
        "domain_text": domain_text,
        "settings": {
            "towers": k,
            "form": form,
            "steepness": settings.steepness,
            "heights": settings.heights,
        },
        "limits": {"towers": most},
        "metrics": metric_constants(),
        "towers": tower_layouts(target, most, settings.heights),
        "bound_note": TOWERS_NO_BOUND,
    }
