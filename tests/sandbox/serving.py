"""`college-tui sandbox serve` as a subprocess: start, read its ready line, stop with SIGINT."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import threading
from dataclasses import dataclass, field


@dataclass
class Served:
    proc: subprocess.Popen
    lines: queue.Queue = field(default_factory=queue.Queue)
    port: int | None = None
    ssh_port: int | None = None
    info: dict | None = None

    def stop(self) -> tuple[int, str]:
        """SIGINT, wait, and return (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        return self.proc.returncode, self.proc.stderr.read()


def start_serving(args: list[str], env: dict, cwd, timeout: float = 60) -> Served:
    """Start a serve command and wait for its ready line (JSON, or the human-readable lines)."""
    proc = subprocess.Popen(
        args,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    served = Served(proc)

    def pump() -> None:  # readline with a timeout: lines go through a queue
        for line in proc.stdout:
            served.lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    while True:
        try:
            line = served.lines.get(timeout=timeout)
        except queue.Empty:
            code, err = served.stop()
            raise AssertionError(f"no ready line from {args} (exit {code}): {seen} {err}") from None
        seen.append(line)
        if line.startswith("{"):
            served.info = json.loads(line)
            served.port = int(served.info["base_url"].rsplit(":", 1)[1])
            served.ssh_port = served.info["ssh_port"]
            return served
        if m := re.match(r"Sandbox organization: http://127\.0\.0\.1:(\d+)/", line):
            served.port = int(m[1])
        if m := re.match(r"SSH git server: 127\.0\.0\.1:(\d+)", line):
            served.ssh_port = int(m[1])
        if line.startswith("Press Ctrl+C"):
            return served
