"""The GitHub Actions workflow cannot run here: this test keeps it saying what the README says
(the three systems attendees bring, the project installed with its test extras, the suite run)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"


def test_the_workflow_runs_the_suite_on_windows_macos_and_linux():
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = flow["jobs"]["suite"]
    matrix = job["strategy"]["matrix"]
    assert set(matrix["os"]) == {"ubuntu-latest", "windows-latest", "macos-latest"}
    assert job["runs-on"] == "${{ matrix.os }}" and job["strategy"]["fail-fast"] is False
    assert all(float(v) >= 3.11 for v in matrix["python"])
    runs = [step.get("run", "") for step in job["steps"]]
    assert 'python -m pip install -e ".[test]"' in runs
    assert any(run.startswith("python -m pytest") and "interop" not in run for run in runs)
    assert "cannot run" in (ROOT / "README.md").read_text(encoding="utf-8")
