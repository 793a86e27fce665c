"""A fresh clone, with nothing beside it, passes the contract suite and the fidelity suite's
checks of its own data.

The contract suite runs whole (the sandbox's flows against Microsoft's specs, every recording
validated against them); of the fidelity suite, the tests that load every cassette and check what
the replay compares. The replay of each cassette against a sandbox (a minute of a loaded machine)
runs in the suite itself on the same tracked files: here it would prove nothing more about what
`git clone` gives.

What is tested is what `git clone` gives: the tracked files. The repository is cloned into a new
temp folder (no `../shared` or anything else next to it); when the working tree has uncommitted
changes to tracked files, they are included through `git stash create` (a commit object made from
the working tree, with no ref and no change to the working tree or the stash list), so the clone
matches what committing them would give. Untracked files are never included: a data file that was
forgotten by `git add` fails here, as it would for anyone cloning. The suites run with this
test's Python, without the cache provider and with no environment variable naming the old
`../shared` folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SUITES = [
    "tests/contract",
    "tests/fidelity/test_compare.py",
    "tests/fidelity/test_recordings.py::test_every_skip_and_known_difference_names_a_real_interaction",
]


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr.strip()}"
    return done.stdout.strip()


def commit_to_test() -> tuple[str, str]:
    """(commit id, what it is): HEAD, or HEAD plus the uncommitted changes to tracked files."""
    head = git("rev-parse", "HEAD", cwd=PROJECT_ROOT)
    with_changes = git("stash", "create", cwd=PROJECT_ROOT)
    if with_changes:
        return with_changes, f"HEAD {head[:12]} plus the uncommitted changes to tracked files"
    return head, f"HEAD {head[:12]}"


def clean_env(home: Path) -> dict[str, str]:
    """This run's environment minus whatever points at files outside the clone."""
    outside = str(PROJECT_ROOT.parent / "shared")
    env = {
        key: value
        for key, value in os.environ.items()
        if outside not in value and key not in ("PYTHONPATH", "PYTEST_ADDOPTS")
    }
    env["HOME"] = str(home)
    return env


@pytest.mark.timeout(900)
def test_a_fresh_clone_passes_the_contract_suite_and_the_fidelity_data_checks():
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of college-tui")
    commit, what = commit_to_test()
    folder = Path(tempfile.mkdtemp(prefix="college-tui-fresh-clone-"))
    try:
        clone = folder / "college-tui"
        started = time.monotonic()
        git("clone", "--quiet", "--no-checkout", str(PROJECT_ROOT), str(clone), cwd=folder)
        git("fetch", "--quiet", str(PROJECT_ROOT), commit, cwd=clone)
        git("checkout", "--quiet", "--detach", commit, cwd=clone)
        assert not (folder / "shared").exists()
        (folder / "home").mkdir()
        env = clean_env(folder / "home")

        # The clone's own code and data are the ones used, not this checkout's.
        where = subprocess.run(
            [
                sys.executable,
                "-c",
                "import college_tui, tests.contract.specs as s; "
                "print(college_tui.__file__); print(s.SPEC_DIR)",
            ],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert where.returncode == 0, where.stderr
        assert all(Path(line).is_relative_to(clone) for line in where.stdout.split()), where.stdout

        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *SUITES],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=840,
        )
        took = time.monotonic() - started
        tail = "\n".join(run.stdout.splitlines()[-30:])
        print(f"fresh clone of {what}: {SUITES} took {took:.1f} s\n{tail}")
        assert run.returncode == 0, f"fresh clone of {what}:\n{tail}\n{run.stderr[-2000:]}"
        assert "INTERNALERROR" not in run.stdout + run.stderr
        assert " passed" in tail
    finally:
        shutil.rmtree(folder, ignore_errors=True)
