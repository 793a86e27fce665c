"""Microsoft's Azure CLI (2.91.0) with its azure-devops extension (1.0.5, tests/data/azure-cli),
in a virtualenv built once per machine (tests/interop_envs.py) and reused while its `complete`
marker is there. These are interop tests: the default `pytest` deselects them; `.ci/run` builds
the environment first, then runs them with `pytest -m interop`.

Only a registry that pip cannot reach skips the tests that need it. Each test gets a fresh copy
of the CLI's configuration folder, set so that az asks no Microsoft host for anything it can
avoid: no telemetry, no survey, and a version cache dated now, so it does not look up the latest
version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.interop_envs import BuildFailed, Unreachable, azure_cli_env, build_azure_cli


@dataclass
class AzureCli:
    """The built CLI: its virtualenv, the extension folder and the configuration template."""

    root: Path
    build_seconds: float | None  # None: reused from an earlier session

    @property
    def bin(self) -> Path:
        return self.root / "venv" / "bin"

    def env(self, config_dir: Path, pat: str, home: Path) -> dict[str, str]:
        """The environment of an az run: its own config copy, the sandbox's PAT, no telemetry."""
        return azure_cli_env(self.root, config_dir, pat, home)


@pytest.fixture(scope="session")
def azure_cli() -> AzureCli:
    """The Azure CLI with the extension: built in its cache folder on first use, then reused."""
    try:
        root, seconds = build_azure_cli()
    except Unreachable as exc:
        pytest.skip(str(exc))
    except BuildFailed as exc:
        pytest.fail(str(exc))
    if seconds is not None:
        print(f"\nazure-cli + azure-devops extension built in {seconds:.0f} s")
    return AzureCli(root, seconds)
