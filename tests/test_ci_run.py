"""`.ci/run` starts from a new virtualenv and runs the README's test command as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CI_RUN = PROJECT_ROOT / ".ci" / "run"


def readme_test_command() -> str:
    """The command in the README's "Run the tests" block."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Run the tests\s+```sh\n(.+?)\n```", readme, re.DOTALL)
    assert block, "README.md has no ```sh block under “## Run the tests”"
    return block.group(1).strip()


def test_ci_run_runs_the_readme_test_command_literally():
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    assert readme_test_command() in lines


def test_the_virtualenv_ci_run_makes_is_new_even_when_one_exists(tmp_path):
    # The first command of .ci/run that makes .venv, run as written on a folder whose .venv
    # holds something an earlier run left behind.
    make_venv = next(
        line.strip()
        for line in CI_RUN.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("python3 -m venv")
    )
    leftover = tmp_path / ".venv" / "lib" / "left-by-an-earlier-run"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("installed by hand\n")

    python = Path(sys.executable).resolve()
    done = subprocess.run(
        ["bash", "-c", make_venv.replace("python3", str(python), 1)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr
    assert (tmp_path / ".venv" / "bin" / "python").exists()
    assert not leftover.exists(), f"{make_venv!r} kept the old virtualenv"


def test_the_interop_tests_are_left_out_by_default_and_run_by_ci_as_a_second_command():
    """The README's command downloads nothing: every test module that installs a client of
    Microsoft's (through tests/interop_envs.py) is marked `interop`, which the default
    options deselect; .ci/run builds those environments, then runs them, after the README's."""
    import tomllib

    options = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = options["tool"]["pytest"]["ini_options"]["addopts"]
    assert "-m 'not interop'" in addopts
    import ast

    def installs(path: Path) -> bool:  # a function asks for a client's environment
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return any(
            arg.arg in ("azure_cli", "node_client")
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for arg in node.args.args
        )

    installers = [
        path for path in sorted((PROJECT_ROOT / "tests").rglob("test_*.py")) if installs(path)
    ]
    assert len(installers) >= 2
    for path in installers:
        assert "pytestmark = pytest.mark.interop" in path.read_text(), path
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    build = lines.index(".venv/bin/python -m tests.interop_envs --seconds 1500")
    interop = lines.index(".venv/bin/python -m pytest -m interop")
    assert lines.index(readme_test_command()) < build < interop
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "-m pytest -m interop" in readme  # the line that says how to run them


def test_the_default_run_keeps_pip_and_npm_off_their_registries():
    import os

    assert os.environ.get("PIP_NO_INDEX") == "1"
    assert os.environ.get("NPM_CONFIG_OFFLINE") == "true"
