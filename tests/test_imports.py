"""The module graph: no import cycles (imports inside functions count), compute never draws."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "uat"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__"))
COMPUTE = {"settings", "jobs", "network", "construct", "train", "metrics", "targets", "expr"}
COMPUTE |= {"activations", "data", "scenes", "errors", "io"}
DRAWING = {"plot", "anatomy", "animate", "render", "writers", "report", "cli", "gallery"}
HEAVY_DRAWING = ("matplotlib", "PIL", "imageio_ffmpeg")


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(module: str) -> set[str]:
    """Every module `module` imports at run time, at top level or inside functions."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    skip = {id(n) for top in ast.walk(tree) if _type_checking_only(top) for n in ast.walk(top)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "uat":  # `from uat import jobs` imports the module uat.jobs
                found |= {f"uat.{alias.name}" for alias in node.names}
    return found


def uat_imports(module: str) -> set[str]:
    """The uat modules `module` imports (the package itself left out)."""
    names = {m.removeprefix("uat.").split(".")[0] for m in imports(module) if m.startswith("uat.")}
    return names & set(MODULES)


def test_no_import_cycles_among_uat_modules() -> None:
    graph = {m: uat_imports(m) for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle = path[path.index(n) :] + [n]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if n not in state:
                visit(n, [*path, n])
        state[m] = 2

    for m in MODULES:
        if m not in state:
            visit(m, [m])


@pytest.mark.parametrize("module", sorted(COMPUTE & set(MODULES)))
def test_compute_modules_never_import_drawing(module: str) -> None:
    found = imports(module)
    heavy = {m for m in found if m.split(".")[0] in HEAVY_DRAWING}
    assert not heavy, f"{module} imports {heavy}"
    assert not uat_imports(module) & DRAWING, f"{module} imports {uat_imports(module) & DRAWING}"


def test_settings_is_standard_library_only() -> None:
    stdlib = {"__future__", "math", "numbers", "dataclasses", "typing", "uat", "os"}
    assert {m.split(".")[0] for m in imports("settings")} <= stdlib
    assert uat_imports("settings") == {"errors"}


def test_gallery_does_not_import_the_cli() -> None:
    assert "cli" not in uat_imports("gallery") and "report" not in uat_imports("gallery")


def test_jobs_import_neither_matplotlib_nor_scipy_at_load() -> None:
    code = (
        "import sys, uat.jobs, uat.settings; "
        "bad = [m for m in ('matplotlib', 'scipy', 'PIL') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("args", [["fit", "sin", "-n", "6"], ["animate", "sin", "-n", "4"]])
def test_figures_and_animations_never_import_pyplot(args: list[str], tmp_path: Path) -> None:
    # pyplot's import cost 0.45 s of every fit and animate process, and no figure needs it
    out = tmp_path / ("f.png" if args[0] == "fit" else "a.gif")
    code = (
        "import sys; from uat.cli import run; "
        f"rc = run({[*args, '-o', str(out), '--quiet']!r}); "
        "assert rc == 0, rc; assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert out.stat().st_size > 0
