"""Fake layouts of the three operating systems, on Linux: a Git for Windows tree whose
`usr/bin/ssh.exe` records its arguments, a recording `icacls`, `sc`, `taskkill`, clipboard tools."""

from __future__ import annotations

from pathlib import Path

from college_tui.workstation.hostos import Host
from tests.doctor.conftest import write_program as program


def recorder(folder: Path, name: str, log: Path, then: str = "") -> Path:
    """A program that appends its arguments (and its standard input) to `log`."""
    return program(
        folder,
        name,
        f'echo "{name} $*" >> "{log}"\n'
        f'[ -t 0 ] || {{ input=$(cat); [ -n "$input" ] && echo "stdin: $input" >> "{log}"; }}\n'
        + then,
    )


class GitForWindows:
    """`<root>/cmd/git` (on PATH) answering `--exec-path`, and `<root>/usr/bin/ssh*.exe`."""

    def __init__(self, tmp: Path, core_ssh_command: str = "") -> None:
        self.root = tmp / "Program Files" / "Git"
        self.log = tmp / "ssh.log"
        exec_path = self.root / "mingw64" / "libexec" / "git-core"
        exec_path.mkdir(parents=True)
        bin_dir = self.root / "usr" / "bin"
        answer = f'echo "{core_ssh_command}"; exit 0' if core_ssh_command else "exit 1"
        self.git = program(
            self.root / "cmd",
            "git",
            f'case "$*" in\n  --exec-path) echo "{exec_path}";;\n'
            f'  "config --global --get core.sshCommand") {answer};;\n  *) exit 2;;\nesac',
        )
        self.ssh = recorder(
            bin_dir, "ssh.exe", self.log, 'echo "Shell access is not supported" >&2; exit 1'
        )
        for name in ("ssh-keygen.exe", "ssh-add.exe", "ssh-agent.exe"):
            recorder(bin_dir, name, self.log)
        self.path = str(self.root / "cmd")

    def host(self, **env: str) -> Host:
        return Host("win32", {"PATH": self.path, "USERPROFILE": "/profile", **env})


def windows_openssh(tmp: Path) -> Path:
    """`C:\\Windows\\System32\\OpenSSH\\ssh.exe`'s stand-in (with ssh-add, ssh-agent beside it)."""
    folder = tmp / "Windows" / "System32" / "OpenSSH"
    for name in ("ssh-add.exe", "ssh-agent.exe", "ssh-keygen.exe"):
        program(folder, name, "exit 0")
    return program(folder, "ssh.exe", "exit 0")


def unix(system: str, tmp: Path, *tools: str, **env: str) -> Host:
    """A macOS or Linux host whose PATH holds recording `tools` (and nothing else)."""
    folder = tmp / f"{system}-bin"
    for tool in tools:
        recorder(folder, tool, tmp / f"{system}.log")
    return Host(system, {"PATH": str(folder), **env})


def log_lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
