"""Tests for the 2-D figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from uat.core.targets import TARGETS2D
from uat.core.towers import towers
from uat.jobs.commands import fit
from uat.plot.figures import save_figure
from uat.plot.surfaces import layers_figure, neuron_surfaces, surface_fit_figure
from uat.settings import Settings

GAUSS = TARGETS2D["gaussian2d"]


def test_fit_figure_has_two_surfaces_and_an_error_map(tmp_path: Path) -> None:
    from PIL import Image

    fig = surface_fit_figure(fit(GAUSS, towers=5), size=(9.0, 3.0))
    names = [ax.name for ax in fig.axes]
    assert names.count("3d") == 2 and names.count("rectilinear") == 2  # map and colour bar
    assert "sup (★)" in fig.axes[2].get_title()  # no bound: sigmoid towers claim none
    path = save_figure(fig, tmp_path / "fit.png")
    with Image.open(path) as image:
        width, height = image.size
        assert width == 3 * height >= 900  # 9 × 3 inches, at the figure's dpi or the style's


def test_a_tower_neuron_before_and_after_its_threshold() -> None:
    net = towers(GAUSS, 3, form="nielsen")
    x, y = np.meshgrid([-4 / 3 + 0.1, 0.0, 1.0], [0.0, 0.0, 0.0])
    parts = neuron_surfaces(net, x, y, neuron=4)  # the middle tower of 3 × 3
    big_h = net.meta["threshold_steepness"]
    # 2H − 3H/2 on the tower, H − 3H/2 on its arm (left, same row), within the steps' leak
    assert parts["before"][0, 1] == pytest.approx(big_h / 2, rel=1e-3)
    assert parts["before"][0, 0] == pytest.approx(-big_h / 2, rel=1e-3)
    np.testing.assert_allclose(parts["after"], 1 / (1 + np.exp(-parts["before"])), rtol=1e-12)
    assert len(parts["first"]) == 3 and parts["layer"] == 1


def test_layers_figure_shows_first_layer_then_one_neuron() -> None:
    fig = layers_figure(towers(GAUSS, 3, form="nielsen"), GAUSS)
    assert [ax.name for ax in fig.axes] == ["3d"] * 6
    assert fig.axes[4].get_title().startswith("layer 2")


def test_one_hidden_layer_shows_its_output_sum_once() -> None:
    from uat.core.towers import ridge_sums

    fig = layers_figure(ridge_sums(GAUSS, 3, 4), GAUSS, first=3)
    assert [ax.name for ax in fig.axes] == ["3d"] * 4
    assert fig.axes[3].get_title().startswith("output")


def test_convergence_figure_draws_each_method() -> None:
    from uat.jobs.rates import convergence_surface
    from uat.plot.surfaces import surface_convergence_figure

    study = convergence_surface(GAUSS, {"construct": [2, 3, 4], "ridges": [2, 3]})
    ax = surface_convergence_figure(study).axes[0]
    lines = ax.get_lines()
    assert len(lines) == 2  # towers and ridges: sigmoid towers claim no bound
    np.testing.assert_array_equal(lines[0].get_xdata(), [8, 15, 24])  # 2K + K² neurons
    np.testing.assert_array_equal(lines[0].get_ydata(), [p.sup_error for p in study.points[:3]])
    assert "slope" in lines[0].get_label() and ax.get_xscale() == "log"


def test_only_neurons_that_feed_the_chosen_one_are_drawn() -> None:
    net = towers(GAUSS, 5)  # a quadrant neuron has one x-step and one y-step
    x, y = GAUSS.grid(21)
    parts = neuron_surfaces(net, x, y, first=4)
    fed = np.flatnonzero(net.layers[1].weights[parts["neuron"]])
    assert [i for i, _ in parts["first"]] == fed.tolist()


def test_compare_figure_has_a_surface_and_an_error_map_per_network() -> None:
    from uat.jobs.comparison import compare_surface
    from uat.plot.surfaces import surface_compare_figure

    result = compare_surface(GAUSS, 8, Settings(max_iter=10), variants=("construct", "train"))
    fig = surface_compare_figure(result)
    names = [ax.name for ax in fig.axes]
    assert names.count("3d") == 2 and names.count("rectilinear") == 3  # 2 maps + colour bar
    titles = [ax.get_title() for ax in fig.axes if ax.name == "rectilinear"][:2]
    for title, made in zip(titles, result.fits, strict=True):
        assert f"sup (★) {made.errors.sup:.3g}" in title and f"RMSE {made.errors.rmse:.3g}" in title
    assert "2×2 towers" in fig.axes[0].get_title() and "(8)" in fig.axes[2].get_title()


def test_convergence_figure_has_a_line_and_slope_per_variant() -> None:
    from uat.jobs.rates import convergence_surface
    from uat.plot.surfaces import surface_convergence_figure

    study = convergence_surface(
        GAUSS, {"construct": [2, 3], "train2": [4, 6]}, Settings(max_iter=10)
    )
    labels = surface_convergence_figure(study).axes[0].get_legend_handles_labels()[1]
    assert any(lbl.startswith("trained, two hidden layers: slope") for lbl in labels)
    assert any(lbl.startswith("towers (quadrant form): slope") for lbl in labels)
