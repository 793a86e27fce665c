"""Sandbox figures: start time, SDK round-trip latency, and the round trips of a project creation.

Run: python benchmarks/sandbox_bench.py [--calls N]
Prints plain lines; nothing here asserts (targets live in the issue notes, not in timed tests).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_TMP = tempfile.mkdtemp(prefix="college-bench-")
os.environ.setdefault("AZURE_DEVOPS_CACHE_DIR", os.path.join(_TMP, "sdk-cache"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    from college_tui.sandbox.server import SandboxServer
    from college_tui.sandbox.service import SandboxConfig

    started = time.perf_counter()
    server = SandboxServer(Path(_TMP) / "data", ssh=False,
                           config=SandboxConfig(project_create_seconds=0.5))
    info = server.start()
    print(f"sandbox start (first, empty data dir): {1000 * (time.perf_counter() - started):.0f} ms")
    try:
        from azure.devops.connection import Connection
        from azure.devops.v7_1.core.models import TeamProject
        from msrest.authentication import BasicAuthentication

        clients = Connection(base_url=info.org_url,
                             creds=BasicAuthentication("", info.pat)).clients_v7_1
        core = clients.get_core_client()
        core.get_processes()  # discovery happens once
        samples = []
        for _ in range(args.calls):
            t = time.perf_counter()
            core.get_processes()
            samples.append(1000 * (time.perf_counter() - t))
        samples.sort()
        print(f"GET processes via SDK, {args.calls} calls: p50 {statistics.median(samples):.2f} ms, "
              f"p95 {samples[int(0.95 * len(samples)) - 1]:.2f} ms")

        before = server.sandbox.stats()["total"]
        t = time.perf_counter()
        op = core.queue_create_project(TeamProject(name="College", capabilities={
            "versioncontrol": {"sourceControlType": "Git"},
            "processTemplate": {"templateTypeId": "adcc42ab-9882-485e-a3ed-7678f01f66bc"}}))
        ops = clients.get_operations_client()
        while ops.get_operation(op.id).status != "succeeded":
            time.sleep(0.1)
        core.get_project("College", include_capabilities=True)
        elapsed = time.perf_counter() - t
        trips = server.sandbox.stats()["total"] - before
        print(f"create College + poll (0.5 s operation, 100 ms polls): {elapsed:.2f} s, "
              f"{trips} round trips")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process (sandbox + SDK client): {rss:.0f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
