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
