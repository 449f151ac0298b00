"""The module graph: no import cycles (imports inside functions count), compute never draws."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "uat"
# The layers, lowest first: a module may import its own layer and those below, never above.
# `base` is the package's top-level modules (the request: settings, errors, files); each other
# layer is a folder of the package, so that moving a file moves it between layers.
LAYERS = ("base", "core", "jobs", "plot", "web", "cli")
HEAVY_DRAWING = ("matplotlib", "PIL", "imageio_ffmpeg")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _name(p): p
    for p in sorted(PACKAGE.rglob("*.py"))
    if p.name != "__main__.py" and p.parent.name != "__pycache__"
}


def layer(module: str) -> str:
    """The layer of a module: its folder under uat/, or `base` for uat/*.py itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else "base"


def test_every_folder_is_a_layer() -> None:
    folders = {
        p.parent.relative_to(PACKAGE).parts[0] for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE
    }
    assert folders - {"__pycache__"} <= set(LAYERS), folders


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(module: str) -> set[str]:
    """Every module `module` imports at run time, at top level or inside functions."""
    tree = ast.parse(MODULES[module].read_text())
    skip = {id(n) for top in ast.walk(tree) if _type_checking_only(top) for n in ast.walk(top)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from uat.core import train` imports the module uat.core.train
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith("import_module"):
            for arg in ast.walk(node):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def uat_imports(module: str) -> set[str]:
    """The uat modules `module` imports (the package `uat` itself left out)."""
    return {m for m in imports(module) if m in MODULES and m != "uat"}


def test_no_import_cycles_among_uat_modules() -> None:
    # a package's __init__ that re-exports its modules is part of each of them
    graph = {m: uat_imports(m) - {m} for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if m.startswith(n + "."):  # a module importing its own package's __init__
                continue
            if state.get(n) == 1:
                cycle = path[path.index(n) :] + [n]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if n not in state:
                visit(n, [*path, n])
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m, [m])


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "uat"))
def test_no_module_imports_a_higher_layer(module: str) -> None:
    rank = LAYERS.index(layer(module))
    above = {m for m in uat_imports(module) if LAYERS.index(layer(m)) > rank}
    assert not above, f"{module} ({layer(module)}) imports {sorted(above)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if layer(m) in ("base", "core", "jobs"))
)
def test_compute_modules_never_import_drawing(module: str) -> None:
    heavy = {m for m in imports(module) if m.split(".")[0] in HEAVY_DRAWING}
    assert not heavy, f"{module} imports {heavy}"


def test_settings_is_standard_library_only() -> None:
    stdlib = {"__future__", "math", "numbers", "dataclasses", "typing", "uat", "os"}
    assert {m.split(".")[0] for m in imports("uat.settings")} <= stdlib
    assert uat_imports("uat.settings") == {"uat.errors"}


def test_the_web_pages_do_not_import_the_cli() -> None:
    for m in MODULES:
        if layer(m) == "web":
            assert not {n for n in uat_imports(m) if layer(n) == "cli"}, m


def test_jobs_import_neither_matplotlib_nor_scipy_at_load() -> None:
    code = (
        "import sys, uat.jobs.commands, uat.settings; "
        "bad = [m for m in ('matplotlib', 'scipy', 'PIL') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("args", [["fit", "sin", "-n", "6"], ["animate", "sin", "-n", "4"]])
def test_figures_and_animations_never_import_pyplot(args: list[str], tmp_path: Path) -> None:
    # pyplot's import cost 0.45 s of every fit and animate process, and no figure needs it
    out = tmp_path / ("f.png" if args[0] == "fit" else "a.gif")
    code = (
        "import sys; from uat.cli.app import run; "
        f"rc = run({[*args, '-o', str(out), '--quiet']!r}); "
        "assert rc == 0, rc; assert 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert out.stat().st_size > 0


# -- one concept, one place: the layout's own rules ------------------------------------------


def test_no_module_is_a_dimensions_twin() -> None:
    # a dimension is a parameter of the target and the network, not a module (`fit2d.py`)
    twins = [m for m, p in MODULES.items() if p.stem.endswith(("2d", "3d"))]
    assert twins == []


def test_every_limit_lives_in_the_limits_table() -> None:
    # a limit on what a user may ask is an entry of uat.settings.LIMITS, not a MAX_ constant
    import re

    pattern = re.compile(r"^\s*_?(?:[A-Z0-9]+_)*MAX_[A-Z0-9_]*\s*[:=]", re.M)
    found = [
        f"{m}: {hit.strip()}"
        for m, p in MODULES.items()
        if m != "uat.settings"
        for hit in pattern.findall(p.read_text())
    ]
    assert found == []


def test_no_function_is_longer_than_sixty_lines() -> None:
    long = [
        f"{m}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for m, p in MODULES.items()
        for node in ast.walk(ast.parse(p.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []
