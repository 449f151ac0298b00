"""The README's examples are commands that really run."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
SKIP = ("uat gallery", "uat convergence", "uat show", "uat export")  # run elsewhere or below


def readme_commands() -> list[str]:
    blocks = re.findall(r"```(?:sh|console)\n(.*?)```", README.read_text(), flags=re.S)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            line = line.removeprefix("$ ").split("  #")[0].strip()
            if line.startswith("uat ") and not line.startswith(SKIP):
                commands.append(line)
    return commands


def test_the_readme_shows_the_quick_start() -> None:
    text = README.read_text()
    assert "uat fit sin --neurons 50" in text
    assert 'pip install -e ".[test]" && .venv/bin/python -m pytest' in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert (
        'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'
        in ci
    )
    assert len(readme_commands()) >= 12


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(cli, command: str) -> None:
    argv = shlex.split(command)[1:]
    code, _, err = cli(*argv, "--quiet")
    assert code == 0, err


def test_readme_python_examples_run(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "sin.png").stat().st_size > 0 and (tmp_path / "sin.gif").is_file()


def test_readme_show_commands_run_in_order(cli) -> None:
    lines = [c for c in readme_commands() if "runge.json" in c]
    block = re.search(r"```sh\n(uat fit runge.*?)```", README.read_text(), flags=re.S)
    assert block is not None
    for line in block.group(1).splitlines():
        code, out, err = cli(*shlex.split(line)[1:])
        assert code == 0, (line, err)
    assert json.loads(out)["target"] == "abs" and lines


def test_readme_export_commands_run_in_order(cli, tmp_path) -> None:
    block = re.search(
        r"```sh\n(uat fit sin --neurons 20 --save-net.*?)```", README.read_text(), re.S
    )
    assert block is not None
    for line in block.group(1).splitlines():
        code, _, err = cli(*shlex.split(line.split("  #")[0])[1:])
        assert code == 0, (line, err)
    assert {p.suffix for p in tmp_path.iterdir()} >= {".json", ".onnx", ".safetensors", ".npz"}
