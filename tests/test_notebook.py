"""The example notebook runs headless in a real kernel, and its results display themselves."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).parents[1] / "examples" / "universal-approximation.ipynb"
# the kernel starts as a notebook's would: with its inline backend, not the tests' Agg
KERNEL_ENV = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("nb")
    path = folder / NOTEBOOK.name
    shutil.copy(NOTEBOOK, path)
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})  # fmt: skip
    client.execute(env=KERNEL_ENV)
    return nb


def outputs(nb, mime: str) -> list[str]:
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    kinds = ("display_data", "execute_result")
    return [o["data"][mime] for o in shown if o.get("output_type") in kinds and mime in o["data"]]


def test_every_cell_ran_without_error(executed) -> None:
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_results_show_as_images_and_the_animation_as_a_video(executed) -> None:
    assert len(outputs(executed, "image/png")) >= 4
    videos = [h for h in outputs(executed, "text/html") if "<video" in h]
    assert len(videos) == 1 and "data:video/mp4;base64," in videos[0]


def test_the_explorer_is_a_widget_view(executed) -> None:
    pytest.importorskip("anywidget")
    views = outputs(executed, "application/vnd.jupyter.widget-view+json")
    assert len(views) == 1 and views[0]["model_id"]


def test_after_style_the_inline_backend_is_still_active(tmp_path) -> None:
    first = (
        "import matplotlib.pyplot as plt\nimport uat\nwith uat.plot.style():\n"
        "    uat.fit_figure(uat.fit(uat.resolve_target('sin'), 6))"
    )
    then = "import matplotlib\nprint(matplotlib.get_backend())\nplt.plot([0, 1])\nplt.show()"
    cells = [nbformat.v4.new_code_cell(first), nbformat.v4.new_code_cell(then)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=KERNEL_ENV)
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert "inline" in printed
    assert outputs(nb, "image/png"), "the plt plot after style() did not appear"
