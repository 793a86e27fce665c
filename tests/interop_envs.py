"""The environments of the interop tests (tests marked `interop`): Microsoft's Azure CLI with its
azure-devops extension (a virtualenv, pip install azure-cli: ~660 MB) and Microsoft's Node.js
client (npm install azure-devops-node-api). Each is built once per machine in a cache folder and
reused while its `complete` marker is there.

The default `pytest` deselects the interop tests (pyproject.toml: `-m "not interop"`), so it
downloads nothing. `.ci/run` builds both environments first, with its own time limit, then runs
them as a second command:

    .venv/bin/python -m tests.interop_envs --seconds 1500   # build (a minute or more the first time)
    .venv/bin/python -m pytest -m interop                   # Microsoft's clients against the sandbox
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.cachelock import building

CLI_VERSION = "2.91.0"
NODE_CLIENT_VERSION = "17.0.1"
WHEEL = Path(__file__).parent / "data" / "azure-cli" / "azure_devops-1.0.5-py2.py3-none-any.whl"
_CACHE_ROOT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "college-tui-tests"
AZURE_CLI_CACHE = _CACHE_ROOT / f"azure-cli-{CLI_VERSION}+{WHEEL.stem.split('-')[1]}"
NODE_CLIENT_CACHE = _CACHE_ROOT / f"azure-devops-node-api-{NODE_CLIENT_VERSION}"
BUILD_SECONDS = 900  # one build's limit when nothing else says

CONFIG = """[core]
collect_telemetry = false
survey_message = false
first_run = yes
no_color = true
"""
# What pip and npm print when their registry cannot be reached (the tests then skip).
_PIP_UNREACHABLE = (
    "Could not find a version",
    "No matching distribution",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ConnectTimeout",
    "ReadTimeout",
)
_NPM_UNREACHABLE = ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN")


class Unreachable(Exception):
    """The registry could not be reached: the tests that need the client are skipped."""


class BuildFailed(Exception):
    """The client could not be installed for another reason: the tests fail."""


def azure_cli_env(root: Path, config_dir: Path, pat: str, home: Path) -> dict[str, str]:
    """The environment of an az run: its own config copy, the sandbox's PAT, no telemetry."""
    if not config_dir.exists():
        shutil.copytree(root / "config", config_dir)
    _version_cache(root / "venv" / "bin" / "python", config_dir)
    return {
        "PATH": f"{root / 'venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(home),
        "LC_ALL": "C.UTF-8",
        "AZURE_CONFIG_DIR": str(config_dir),
        "AZURE_EXTENSION_DIR": str(root / "extensions"),
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


def _run(args: list, seconds: float, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=seconds, **kwargs)


def build_azure_cli(seconds: float = BUILD_SECONDS) -> tuple[Path, float | None]:
    """The Azure CLI with the extension in its cache folder (built now if need be) and how long
    the build took (None: reused)."""
    root = AZURE_CLI_CACHE
    with building(root):
        if (root / "complete").exists():
            return root, None
        started = time.monotonic()
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        _run([sys.executable, "-m", "venv", root / "venv"], seconds).check_returncode()
        pip = _run(
            [root / "venv" / "bin" / "pip", "install", "-q", f"azure-cli=={CLI_VERSION}"], seconds
        )
        if pip.returncode != 0:
            if any(word in pip.stderr for word in _PIP_UNREACHABLE):
                raise Unreachable(
                    f"pip cannot install azure-cli {CLI_VERSION}: {pip.stderr[-300:]}"
                )
            raise BuildFailed(f"pip install azure-cli failed:\n{pip.stderr[-2000:]}")
        (root / "config").mkdir()
        (root / "config" / "config").write_text(CONFIG)
        env = azure_cli_env(root, root / "config", pat="", home=root)
        add = _run(["az", "extension", "add", "--source", WHEEL, "-y"], seconds, env=env)
        if add.returncode != 0:
            raise BuildFailed(f"az extension add failed:\n{add.stderr[-2000:]}")
        # The per-run files of that first run are not part of the template.
        for name in ("versionCheck.json", "commandIndex.json", "logs", "telemetry", "cache"):
            path = root / "config" / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        took = time.monotonic() - started
        (root / "complete").write_text(f"built in {took:.0f} s\n")
    return root, took


def build_node_client(seconds: float = BUILD_SECONDS) -> Path:
    """A folder whose node_modules holds azure-devops-node-api (installed now if need be)."""
    root = NODE_CLIENT_CACHE
    if not shutil.which("node") or not shutil.which("npm"):
        raise Unreachable("Node.js and npm are not installed on this machine")
    with building(root):
        if (root / "complete").exists():
            return root
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        (root / "package.json").write_text('{"private": true}\n')
        npm = _run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                f"azure-devops-node-api@{NODE_CLIENT_VERSION}",
            ],
            seconds,
            cwd=root,
        )
        if npm.returncode != 0:
            if any(word in npm.stderr for word in _NPM_UNREACHABLE):
                raise Unreachable(f"npm cannot reach its registry: {npm.stderr.strip()[-300:]}")
            raise BuildFailed(f"npm install failed:\n{npm.stderr[-2000:]}")
        (root / "complete").write_text("installed\n")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2 * BUILD_SECONDS, help="time limit")
    limit = parser.parse_args(argv).seconds
    deadline = time.monotonic() + limit
    failed = False
    for name, build in (("Azure CLI", build_azure_cli), ("Node.js client", build_node_client)):
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise subprocess.TimeoutExpired(name, limit)
            built = build(left)
            print(f"{name}: ready ({built[0] if isinstance(built, tuple) else built})")
        except Unreachable as exc:  # the tests skip, saying so
            print(f"{name}: not built, its tests will be skipped: {exc}")
        except (BuildFailed, subprocess.SubprocessError, OSError) as exc:
            print(f"{name}: the build failed: {exc}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
