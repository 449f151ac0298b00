"""`uat.web.widget`: the explorer as a notebook widget, from the page's own explore.js.

`explore_widget("sin")` returns an anywidget (JupyterLab, Notebook 7, VS Code, Colab) whose
view is the explorer page: the same explore.js, loaded as an ES module with a `render`
appended, and the same data `uat explore` embeds. The network on screen is synced back after
every redraw: `w.net` is it as a ShallowNet (`uat.show(w.net)` draws it). anywidget is the
optional extra `notebook` (pip install ".[notebook]").
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import numpy as np

from uat.core.network import ShallowNet
from uat.errors import UatError
from uat.web.explore import SHARED_SCRIPTS, ExploreSettings, check_settings, explore_data

# What explore.js needs as a module: mount the explorer in the widget's element and hand
# every net it draws to the model (the page itself never runs this).
RENDER = """
export function render({ model, el }) {
  const app = document.createElement("main");
  el.append(app);
  uatExploreMount(model.get("data"), app, {
    onNet: (net) => { model.set("net_state", net); model.save_changes(); },
  });
}
"""

WIDGET_WIDTHS = (2, 4, 10, 20, 50)  # LM reference nets a widget embeds (trained on creation)


def widget_esm() -> str:
    """The widget's ES module: the page's scripts, as the page runs them, and `render`."""
    web = resources.files("uat.web")
    names = (*SHARED_SCRIPTS, "explore.js")
    return "".join(web.joinpath(n).read_text(encoding="utf-8") for n in names) + RENDER


def net_state(net: ShallowNet) -> dict[str, Any]:
    """A net as the widget syncs it (plain lists, JSON-ready)."""
    return {
        "w": net.w.tolist(),
        "b": net.b.tolist(),
        "v": net.v.tolist(),
        "c": float(net.c),
        "activation": net.activation,
        "output_activation": net.output_activation,
        "domain": None if net.domain is None else list(net.domain),
    }


def net_from_state(state: dict[str, Any]) -> ShallowNet:
    """The ShallowNet a synced state describes; UatError if it is not one."""
    try:
        w, b, v = (np.asarray(state[k], dtype=float) for k in ("w", "b", "v"))
        domain = state.get("domain")
        return ShallowNet(
            w,
            b,
            v,
            c=float(state["c"]),
            activation=str(state["activation"]),
            output_activation=str(state["output_activation"]),
            domain=None if domain is None else (float(domain[0]), float(domain[1])),
            method="explore",
        )
    except (KeyError, TypeError, ValueError) as err:
        raise UatError(f"the widget's network state is not a network: {err}") from err


@functools.cache
def _widget_class() -> type:
    try:
        import anywidget
        import traitlets
    except ImportError as err:
        raise UatError(
            "the explorer widget needs anywidget: pip install '.[notebook]'", param="notebook"
        ) from err

    class ExploreWidget(anywidget.AnyWidget):
        """The explorer in a notebook; `net` is the network on screen."""

        _esm = widget_esm()
        _css = resources.files("uat.web").joinpath("explore.css").read_text(encoding="utf-8")
        data = traitlets.Dict().tag(sync=True)
        net_state = traitlets.Dict().tag(sync=True)

        @property
        def net(self) -> ShallowNet:
            return net_from_state(self.net_state)

    return ExploreWidget


def explore_widget(
    spec: str,
    settings: ExploreSettings | None = None,
    *,
    domain: str | None = None,
    widths: tuple[int, ...] = WIDGET_WIDTHS,
) -> Any:
    """The explorer for TARGET `spec` as a notebook widget, opening at `settings`."""
    from uat.core.construct import hand_built
    from uat.core.targets import get_target, parse_domain

    cls = _widget_class()
    target = get_target(spec, None if domain is None else parse_domain(domain))
    s = check_settings(settings or ExploreSettings(), target)
    data = explore_data(target, spec, s, domain_text=domain, widths=widths)
    first = hand_built(
        target, s.neurons, steepness=s.steepness, heights=s.heights, activation=s.activation,
        shifts=s.shifts, output_activation=s.output_activation,
    )  # fmt: skip  # the net on screen before the view first draws
    return cls(data=data, net_state=net_state(first))
