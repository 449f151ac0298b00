"""What the 2-D commands print: plain lines built from a job's numbers (the CLI prints them)."""

from __future__ import annotations

from typing import Any

from uat.cli.report import say


def _g(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def fit_lines(fit: Any) -> list[str]:
    """The numbers of one 2-D fit: network, errors (with their grids) and the tower bound."""
    from uat.jobs.commands2d import net_label

    e, t = fit.errors, fit.target
    (a, b), (c, d) = t.box
    layers = len(fit.net.widths)
    lines = [
        f"target     {t.formula} on [{a:g}, {b:g}] × [{c:g}, {d:g}]",
        f"network    {net_label(fit.method, fit.size, layers)}: {fit.net.n_neurons} hidden "
        f"neurons {fit.net.widths}, {fit.net.n_parameters} parameters",
        f"sup error  {_g(e.sup)} at (x, y) = ({e.at[0]:.4g}, {e.at[1]:.4g}) "
        + (
            f"(refined off the grid; {_g(e.grid_sup)} on it)"
            if e.sup > e.grid_sup
            else "(on the grid; refinement found no larger error)"
        ),
        f"RMSE       {_g(e.rmse)} on the {e.grid}×{e.grid} grid",
    ]
    if fit.bound is not None:
        from uat.core.construct2d import TOWER_BOUND_FORMULA

        lip = t.lipschitz()
        lines.append(
            f"bound      {TOWER_BOUND_FORMULA} = {_g(fit.bound)} (L = {lip:.4g}; exact steps: "
            "sigmoid corners may exceed it by a few %)"
        )
    return lines


def print_fit2d(fit: Any, files: dict[str, str], total_seconds: float | None = None) -> None:
    """`uat fit` (or `uat show`) on a 2-D target."""
    lines = fit_lines(fit)
    if total_seconds is not None:
        lines.append(f"time       {fit.seconds:.2f} s to build, {total_seconds:.2f} s with figure")
    names = {"output": "figure", "network": "network"}
    lines += [f"{names.get(k, k):<10} {v}" for k, v in files.items()]
    say("\n".join(lines))


def print_compare2d(result: Any, path: str) -> None:
    """One row per network of `uat compare` on a 2-D target."""
    from uat.jobs.commands2d import net_label

    rows = [f"{'network':<28} {'neurons':>7} {'params':>7} {'sup error':>10} {'RMSE':>10}"]
    for fit in result.fits:
        label = net_label(fit.method, fit.size, len(fit.net.widths))
        rows.append(
            f"{label:<28} {fit.net.n_neurons:>7} {fit.net.n_parameters:>7} "
            f"{_g(fit.errors.sup):>10} {_g(fit.errors.rmse):>10}"
        )
    say("\n".join([*rows, f"figure: {path}"]))


def print_convergence2d(result: Any, files: dict[str, str]) -> None:
    """Slopes of log error against log neurons per method, and the files written."""
    d = result.to_dict()
    lines = [f"{'method':<10} {'neurons':<18} {'sup slope':>9} {'RMSE slope':>10}"]
    for method, slopes in d["slopes"].items():
        ns = [p.neurons for p in result.points if p.method == method]
        span = f"{min(ns)}–{max(ns)}"
        lines.append(
            f"{method:<10} {span:<18} {slopes['sup_error']:>+9.2f} {slopes['rmse']:>+10.2f}"
        )
    lines.append("towers: error ~ 1/K with K² + 2K neurons, so slope −1/2 in neurons")
    lines += [f"{k}: {v}" for k, v in files.items()]
    say("\n".join(lines))


def print_animation2d(res: Any) -> None:
    """One line on what a 2-D animation wrote, and its last frame's numbers."""
    w, h = res.size_px
    last = res.frames[-1] if res.frames else {}
    tail = f"; last frame sup {_g(last.get('sup_error'))}" if "sup_error" in last else ""
    say(
        f"{res.path}: {len(res.frames)} frames at {res.fps:g} fps, {w}×{h}, "
        f"{res.bytes / 1e6:.2f} MB in {res.seconds:.1f} s{tail}"
    )
