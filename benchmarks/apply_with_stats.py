"""`college-tui apply ...` exactly, plus the embedded sandbox's request counter written to a file.

Usage: python benchmarks/apply_with_stats.py STATS_JSON apply --sandbox ...
The sandbox runs inside the apply process and its counter (`/_sandbox/stats`) dies with it, so
this wrapper saves `stats()` just before the sandbox stops. Nothing else differs from the command.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    stats_path = sys.argv[1]
    from college_tui import cli
    from college_tui.sandbox.server import SandboxServer

    stop = SandboxServer.stop

    def stop_and_save(self) -> None:
        if self.sandbox is not None:
            with open(stats_path, "w", encoding="utf-8") as out:
                json.dump(self.sandbox.stats(), out)
        stop(self)

    SandboxServer.stop = stop_and_save
    sys.argv = ["college-tui", *sys.argv[2:]]
    cli.main()


if __name__ == "__main__":
    main()
