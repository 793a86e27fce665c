"""Run a sandbox with zero artificial delays until stdin closes; print its info as one JSON line.

Usage: python benchmarks/sandbox_process.py DATA_DIR [--ssh] [--faults SPEC] [--port N --ssh-port N]
       [--project-seconds S --import-seconds S]   (figure 8: the service's own delays)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--ssh", action="store_true")
    parser.add_argument("--faults", default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ssh-port", type=int, default=0)
    parser.add_argument("--project-seconds", type=float, default=0)
    parser.add_argument("--import-seconds", type=float, default=0)
    args = parser.parse_args()

    from college_tui.sandbox.server import SandboxServer
    from college_tui.sandbox.service import SandboxConfig

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    server = SandboxServer(
        args.data,
        ssh=args.ssh,
        faults=args.faults,
        port=args.port,
        ssh_port=args.ssh_port,
        config=SandboxConfig(
            project_create_seconds=args.project_seconds, import_seconds=args.import_seconds
        ),
    )
    info = server.start()
    print(json.dumps(info.as_dict()), flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
