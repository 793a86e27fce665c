"""Microsoft's Azure CLI (2.91.0) with its azure-devops extension (1.0.5, tests/data/azure-cli),
in a virtualenv built once per machine and reused while its `complete` marker is there.

Building it takes about a minute (pip install azure-cli); later sessions reuse it. Only a registry
that pip cannot reach skips the tests that need it. Each test gets a fresh copy of the CLI's
configuration folder, set so that az asks no Microsoft host for anything it can avoid: no
telemetry, no survey, and a version cache dated now, so it does not look up the latest version.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cachelock import building

CLI_VERSION = "2.91.0"
WHEEL = Path(__file__).parents[1] / "data" / "azure-cli" / "azure_devops-1.0.5-py2.py3-none-any.whl"
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "college-tui-tests"
    / f"azure-cli-{CLI_VERSION}+{WHEEL.stem.split('-')[1]}"
)
_UNREACHABLE = (
    "Could not find a version",
    "No matching distribution",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ConnectTimeout",
    "ReadTimeout",
)
CONFIG = """[core]
collect_telemetry = false
survey_message = false
first_run = yes
no_color = true
"""


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
        if not config_dir.exists():
            shutil.copytree(self.root / "config", config_dir)
        _version_cache(self.bin / "python", config_dir)
        return {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(home),
            "LC_ALL": "C.UTF-8",
            "AZURE_CONFIG_DIR": str(config_dir),
            "AZURE_EXTENSION_DIR": str(self.root / "extensions"),
            "AZURE_DEVOPS_EXT_PAT": pat,
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_SURVEY_MESSAGE": "false",
            "AZURE_CORE_NO_COLOR": "true",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        }


def _version_cache(python: Path, config_dir: Path) -> None:
    """versionCheck.json with the installed versions, dated now: az's start-up check then finds a
    fresh cache and asks no storage account for the latest version (azure/cli/core/util.py)."""
    script = (
        "import json; from azure.cli.core.util import _get_local_versions as v; "
        "print(json.dumps(v()))"
    )
    cache = config_dir / "local_versions.json"
    if not cache.exists():
        out = subprocess.run([python, "-c", script], check=True, capture_output=True, text=True)
        cache.write_text(out.stdout)
    versions = json.loads(cache.read_text())
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    (config_dir / "versionCheck.json").write_text(
        json.dumps({"versions": versions, "update_time": now})
    )


def _run(args: list, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)


def _build(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    _run([sys.executable, "-m", "venv", root / "venv"]).check_returncode()
    pip = _run([root / "venv" / "bin" / "pip", "install", "-q", f"azure-cli=={CLI_VERSION}"])
    if pip.returncode != 0:
        if any(word in pip.stderr for word in _UNREACHABLE):
            pytest.skip(f"pip cannot install azure-cli {CLI_VERSION}: {pip.stderr.strip()[-300:]}")
        pytest.fail(f"pip install azure-cli failed:\n{pip.stderr[-2000:]}")
    (root / "config").mkdir()
    (root / "config" / "config").write_text(CONFIG)
    cli = AzureCli(root, None)
    env = cli.env(root / "config", pat="", home=root)
    add = _run(["az", "extension", "add", "--source", WHEEL, "-y"], env=env)
    assert add.returncode == 0, add.stderr
    # The per-run files of that first run are not part of the template.
    for name in ("versionCheck.json", "commandIndex.json", "logs", "telemetry", "cache"):
        path = root / "config" / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


@pytest.fixture(scope="session")
def azure_cli() -> AzureCli:
    """The Azure CLI with the extension: built in CACHE on first use, then reused."""
    marker = CACHE / "complete"
    with building(CACHE):
        if marker.exists():
            return AzureCli(CACHE, None)
        started = time.monotonic()
        _build(CACHE)
        seconds = time.monotonic() - started
        marker.write_text(f"built in {seconds:.0f} s\n")
    print(f"\nazure-cli {CLI_VERSION} + azure-devops extension built in {seconds:.0f} s")
    return AzureCli(CACHE, seconds)
