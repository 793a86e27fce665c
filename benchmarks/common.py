"""What every figure of benchmarks/run.py shares: temp environments, statistics, a sandbox process.

Every process a figure starts gets its own temporary HOME, XDG dirs, SDK cache and an in-memory
keyring, so a run never touches the user's files and never reuses another run's caches.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
KEYRING = "college_tui.workstation.memory_keyring.MemoryKeyring"
# The sandbox's artificial delays (project creation, import) set to zero: figures show our cost.
ZERO_DELAYS = {
    "COLLEGE_TUI_SANDBOX_PROJECT_SECONDS": "0",
    "COLLEGE_TUI_SANDBOX_IMPORT_SECONDS": "0",
}


class BenchmarkError(Exception):
    """A benchmark could not run (as opposed to a figure missing its target)."""


@dataclass
class Row:
    """One line of the table."""

    figure: str
    measure: str
    value: str
    baseline: str = "—"
    target: str = "—"
    status: str = "info"  # met | missed | info | n/a


def spread(values: list[float], unit: str = "s", digits: int = 2) -> str:
    """`median (min–max, n=N)` of `values`."""
    if not values:
        return "—"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.{digits}f} {unit} (n=1)"
    return (
        f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f}, "
        f"n={len(values)})"
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def met(ok: bool) -> str:
    return "met" if ok else "missed"


def clean_env() -> dict[str, str]:
    """This environment without our own knobs, and with bytecode caching as a user has it
    (PYTHONDONTWRITEBYTECODE would make every run compile our modules from source)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COLLEGE_TUI_", "AZURE_DEVOPS_")) and k != "PYTHONDONTWRITEBYTECODE"
    }


def compile_bytecode(root: Path = ROOT) -> None:
    """Write the .pyc files of college_tui, as `pip install` does, so no figure pays for it.

    The bundled course (college_tui/sandbox/course) is data the sandbox serves, not code
    college-tui runs: a cache written into it would end up in a wheel built afterwards.
    """
    import compileall
    import re

    course = re.compile(re.escape(os.sep + os.path.join("sandbox", "course") + os.sep))
    compileall.compile_dir(str(root / "college_tui"), quiet=1, rx=course)
    compileall.compile_dir(str(root / "benchmarks"), quiet=1)


class Workspace:
    """A temporary folder with its own HOME and caches; removed by `close()`."""

    def __init__(self, prefix: str = "college-bench-") -> None:
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.home = self.root / "home"
        self.home.mkdir()

    def env(self, **extra: str) -> dict[str, str]:
        env = clean_env()
        env.update(
            {
                "HOME": str(self.home),
                "XDG_DATA_HOME": str(self.root / "data"),
                "XDG_STATE_HOME": str(self.root / "state"),
                "XDG_CACHE_HOME": str(self.root / "cache"),
                "XDG_CONFIG_HOME": str(self.root / "config"),
                "AZURE_DEVOPS_CACHE_DIR": str(self.root / "sdk-cache"),
                "COLLEGE_TUI_STATE_DIR": str(self.root / "state" / "college-tui"),
                "PYTHON_KEYRING_BACKEND": KEYRING,
                "GIT_CONFIG_NOSYSTEM": "1",
                "PYTHONPATH": str(ROOT),
                **ZERO_DELAYS,
            }
        )
        env.update(extra)
        return env

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def timed_child(
    args: list[str], env: dict[str, str], *, timeout: float = 120, cwd: Path | None = None
) -> tuple[float, int, str, str]:
    """Run a process: (wall seconds, peak RSS in MiB of that very process, stdout, stderr)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BenchmarkError(f"{' '.join(args[:4])} did not finish in {timeout:g} s") from None
    elapsed = time.perf_counter() - started
    rss = _child_rss.get(proc.pid, 0)
    if proc.returncode != 0:
        raise BenchmarkError(f"{' '.join(args[:5])} failed ({proc.returncode}):\n{out}\n{err}")
    return elapsed, rss, out, err


_child_rss: dict[int, int] = {}


def _reap_with_rusage() -> None:
    """Make Popen reap through os.wait4 so the peak RSS of each child is known (Linux: KiB)."""
    original = subprocess.Popen._try_wait

    def _try_wait(self, wait_flags):
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return original(self, wait_flags)
        if pid:
            _child_rss[pid] = round(usage.ru_maxrss / 1024)
        return pid, status

    subprocess.Popen._try_wait = _try_wait  # type: ignore[method-assign]


_reap_with_rusage()


class SandboxProcess:
    """A sandbox in its own process (so its CPU is not the client's), zero artificial delays
    unless `delays` gives the service's own."""

    SCRIPT = ROOT / "benchmarks" / "sandbox_process.py"

    def __init__(
        self,
        data_dir: Path,
        *,
        ssh: bool = False,
        faults: str | None = None,
        ports: tuple[int, int] = (0, 0),
        delays: tuple[float, float] = (0.0, 0.0),  # project creation, import (seconds)
    ) -> None:
        args = [
            PYTHON,
            str(self.SCRIPT),
            str(data_dir),
            "--port",
            str(ports[0]),
            "--ssh-port",
            str(ports[1]),
        ]
        if ssh:
            args.append("--ssh")
        if any(delays):
            args += ["--project-seconds", str(delays[0]), "--import-seconds", str(delays[1])]
        if faults:
            args += ["--faults", faults]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**clean_env(), "PYTHONPATH": str(ROOT)},
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise BenchmarkError(f"the sandbox process did not start:\n{err}")
        self.info = json.loads(line)

    def stats(self) -> dict:
        import urllib.request

        with urllib.request.urlopen(self.info["base_url"] + "/_sandbox/stats", timeout=10) as r:
            return json.loads(r.read())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # the script stops the sandbox when its stdin closes
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
