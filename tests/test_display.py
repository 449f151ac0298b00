"""Results show themselves through IPython's display formatters: figures, networks, animations."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest

IPython = pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    from uat.plot.display import register

    sh = InteractiveShell.instance()
    register(sh)
    yield sh
    InteractiveShell.clear_instance()


def shown(shell, obj) -> dict:
    data, _ = shell.display_formatter.format(obj)
    return data


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(data)) as im:
        return im.size


def test_a_fit_shows_its_figure(shell) -> None:
    import uat

    fit = uat.fit(uat.resolve_target("sin"), 10)
    w, h = png_size(shown(shell, fit)["image/png"])
    assert w >= 600 and h >= 300


def test_compare_and_convergence_show_their_figures(shell) -> None:
    import uat

    t = uat.resolve_target("sin")
    for result in (uat.compare(t, 6), uat.convergence(t, [2, 4, 8], ["construct"])):
        assert min(png_size(shown(shell, result)["image/png"])) >= 300


def test_a_network_shows_a_table_of_its_own_numbers_and_a_diagram(shell) -> None:
    import uat

    net = uat.fit(uat.resolve_target("runge"), 12).net
    data = shown(shell, net)
    table = dict(re.findall(r"<th[^>]*>(.*?)</th><td[^>]*>(.*?)</td>", data["text/html"]))
    assert table["parameters"] == f"{3 * net.w.size + 1:,}" and table["neurons"] == "12"
    assert table["target"] == "runge"
    img = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", data["text/html"])
    assert img is not None and base64.b64decode(img.group(1)) == data["image/png"]
    assert min(png_size(data["image/png"])) >= 200


def test_an_mp4_animation_shows_as_an_embedded_video(shell, tmp_path) -> None:
    import uat

    result = uat.animate(uat.resolve_target("sin"), 4, out=tmp_path / "a.mp4", frames=3)
    page = shown(shell, result)["text/html"]
    assert "<video controls" in page
    src = re.search(r"data:video/mp4;base64,([A-Za-z0-9+/=]+)", page)
    assert src is not None and base64.b64decode(src.group(1)) == (tmp_path / "a.mp4").read_bytes()


def test_a_gif_animation_shows_as_an_image_with_its_last_frame_as_png(shell, tmp_path) -> None:
    from PIL import Image

    import uat

    out = tmp_path / "a.gif"
    result = uat.animate(uat.resolve_target("sin"), 4, out=out, frames=3, size=(320, 200))
    data = shown(shell, result)
    assert "data:image/gif;base64," in data["text/html"]
    with Image.open(out) as im:
        im.seek(im.n_frames - 1)
        last = np.asarray(im.convert("RGB"))
    with Image.open(io.BytesIO(data["image/png"])) as png:
        assert np.array_equal(np.asarray(png.convert("RGB")), last)


def test_an_animation_asked_without_a_file_is_an_mp4_that_plays_inline(
    shell, tmp_path, monkeypatch
):
    import uat

    monkeypatch.chdir(tmp_path)
    result = uat.animate("sin", 6, frames=3)  # as in a notebook: no out
    assert (
        result.path.suffix == ".mp4"
        and result.path.parent == tmp_path
        or not result.path.is_absolute()
    )
    assert (tmp_path / result.path.name).stat().st_size > 0
    assert "<video controls" in shown(shell, result)["text/html"]
