"""Whole-flow figures: `college-tui apply --sandbox --yes` on a fresh sandbox, then again.

Run: python benchmarks/apply_bench.py [--runs N] [--real-clocks]
Prints wall time of the first run (all nine steps), of a second run (nothing to do), of `check`,
and the HTTP round trips per step of the first run. Everything happens in a temporary HOME.
By default the sandbox's clocks are shortened (project creation 0.5 s, import 0.3 s) so the figures
show our own cost; --real-clocks keeps the sandbox's default 3 s / 2 s progressions.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

_HTTP = re.compile(r"^\[(?P<step>[\w-]+)\] http (?P<method>[A-Z]+) ")


def run(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "college_tui.cli", *args], env=env,
                            capture_output=True, text=True, timeout=600)
    return time.perf_counter() - started, result


def one_round(real_clocks: bool) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="college-apply-bench-"))
    env = {**os.environ, "HOME": str(tmp / "home"), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_STATE_HOME": str(tmp / "state"), "XDG_CACHE_HOME": str(tmp / "cache"),
           "AZURE_DEVOPS_CACHE_DIR": str(tmp / "sdk-cache"),
           "PYTHON_KEYRING_BACKEND": "college_tui.workstation.memory_keyring.MemoryKeyring"}
    if not real_clocks:
        env["COLLEGE_TUI_SANDBOX_FAST"] = "1"
    (tmp / "home").mkdir()
    target = ["--sandbox", "--data", str(tmp / "sandbox")]
    first, result = run(["apply", *target, "--yes", "-v"], env)
    if result.returncode != 0:
        raise SystemExit(f"apply failed:\n{result.stdout}\n{result.stderr}")
    trips = Counter(m.group("step") for line in result.stdout.splitlines()
                    if (m := _HTTP.match(line)))
    second, again = run(["apply", *target, "--yes"], env)
    check, checked = run(["check", *target], env)
    assert again.returncode == 0 and checked.returncode == 0
    return {"first": first, "second": second, "check": check, "trips": trips}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--real-clocks", action="store_true")
    args = parser.parse_args()
    rounds = [one_round(args.real_clocks) for _ in range(args.runs)]
    for name in ("first", "second", "check"):
        values = sorted(r[name] for r in rounds)
        print(f"{name:>6} run: median {statistics.median(values):.2f} s "
              f"(min {values[0]:.2f}, max {values[-1]:.2f}, {args.runs} runs)")
    trips = rounds[0]["trips"]
    print(f"HTTP round trips of a first run: {sum(trips.values())} in all; per step: "
          + ", ".join(f"{step} {count}" for step, count in trips.items()))


if __name__ == "__main__":
    main()
