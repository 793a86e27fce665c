"""Which ssh git really runs, its companions, and where that ssh reads its config.

On Windows two OpenSSH installs are usual: Git for Windows runs its own bundled
`<Git>\\usr\\bin\\ssh.exe` (it puts its `usr\\bin` first for the programs it starts), while
`C:\\Windows\\System32\\OpenSSH\\ssh.exe` is on the user's PATH. The wizard must check, and write
into the clone's `core.sshCommand`, the one git uses: `GIT_SSH_COMMAND`, else `core.sshCommand`,
else `GIT_SSH` when they name an OpenSSH `ssh`; else on Windows the ssh beside Git (found from
`git --exec-path`); else the `ssh` on PATH. Git's MSYS ssh reads `$HOME/.ssh`, with HOME as Git
for Windows sets it (HOME, else HOMEDRIVE+HOMEPATH, else USERPROFILE); Windows' own OpenSSH reads
`%USERPROFILE%\\.ssh`; elsewhere OpenSSH reads the account's home from the password database.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from . import Host, here

_ENV_KEYS = ("PATH", "GIT_SSH_COMMAND", "GIT_SSH", "HOME", "HOMEDRIVE", "HOMEPATH", "USERPROFILE",
             "GIT_CONFIG_GLOBAL", "XDG_CONFIG_HOME")  # fmt: skip


@dataclass(frozen=True)
class SshStack:
    """The OpenSSH programs git runs on this host (absolute paths; None where absent)."""

    ssh: str | None
    why: str  # how it was chosen: "GIT_SSH_COMMAND", "core.sshCommand", "Git for Windows", "PATH"
    keygen: str | None
    add: str | None
    agent: str | None
    home: Path  # the folder whose .ssh/ that ssh reads by default
    bundled_with_git: bool = False  # Git for Windows' own (MSYS) OpenSSH

    @property
    def config(self) -> Path:
        """The ssh config file that ssh reads when not given `-F`."""
        return self.home / ".ssh" / "config"


def git_ssh(host: Host | None = None) -> SshStack:
    """The ssh git runs on `host` (default: this machine) and the programs beside it."""
    host = here(host)
    key = (host.system, host.wsl, tuple(host.env.get(k) for k in _ENV_KEYS))
    with _lock:
        known = _known.get(key)
    if known is None:  # asking git costs a few milliseconds: once per environment
        known = _git_ssh(host)
        with _lock:
            _known[key] = known
    return known


def forget() -> None:
    """Ask again next time (tests that change PATH or the git config under the same names)."""
    with _lock:
        _known.clear()


_known: dict[tuple[object, ...], SshStack] = {}
_lock = threading.Lock()


def _git_ssh(host: Host) -> SshStack:
    named, why = _named_ssh(host)
    bundled = False
    ssh = named
    if ssh is None and host.windows:
        ssh = _git_for_windows_ssh(host)
        bundled, why = ssh is not None, "Git for Windows"
    if ssh is None:
        ssh, why = host.which("ssh"), "PATH"
    if ssh is not None and host.windows and not bundled:
        bundled = _git_root_of(ssh) is not None
    return SshStack(
        ssh=ssh,
        why=why,
        keygen=_beside(host, ssh, "ssh-keygen"),
        add=_beside(host, ssh, "ssh-add"),
        agent=_beside(host, ssh, "ssh-agent"),
        home=ssh_home(host, bundled),
        bundled_with_git=bundled,
    )


def ssh_home(host: Host, msys: bool) -> Path:
    """The home folder an ssh reads `.ssh/` from: `msys` for Git for Windows' own ssh."""
    env = host.env
    if host.windows:
        if msys and env.get("HOME"):
            return Path(env["HOME"])
        drive, path = env.get("HOMEDRIVE", ""), env.get("HOMEPATH", "")
        if msys and drive and path and os.path.isdir(drive + path):
            return Path(drive + path)
        return Path(env.get("USERPROFILE") or os.path.expanduser("~"))
    with contextlib.suppress(ImportError, KeyError, AttributeError):
        import pwd  # OpenSSH takes the account's home, not $HOME

        return Path(pwd.getpwuid(os.getuid()).pw_dir)
    return Path(os.path.expanduser("~"))


def ssh_programs_found(host: Host | None = None) -> list[str]:
    """Every OpenSSH client the doctor can see: on PATH, Git for Windows' own, Windows' own."""
    host = here(host)
    found = [host.which("ssh"), git_ssh(host).ssh]
    if host.windows:
        found.append(_git_for_windows_ssh(host))
        root = host.env.get("SystemRoot") or host.env.get("SYSTEMROOT") or r"C:\Windows"
        system = str(PureWindowsPath(root, "System32", "OpenSSH", "ssh.exe"))
        found.append(system if os.path.isfile(system) else None)
    seen: list[str] = []
    for path in found:
        if path and os.path.normcase(path) not in map(os.path.normcase, seen):
            seen.append(path)
    return seen


def _named_ssh(host: Host) -> tuple[str | None, str]:
    """The ssh named by GIT_SSH_COMMAND, core.sshCommand or GIT_SSH, when it is OpenSSH's."""
    for why, command in (
        ("GIT_SSH_COMMAND", host.env.get("GIT_SSH_COMMAND")),
        ("core.sshCommand", _git_output(host, "config", "--global", "--get", "core.sshCommand")),
        ("GIT_SSH", shlex.quote(host.env["GIT_SSH"]) if host.env.get("GIT_SSH") else None),
    ):
        if not command:
            continue
        try:
            words = shlex.split(command, posix=True)
        except ValueError:
            continue
        if words and _is_openssh_name(words[0]):
            program = words[0]
            path = program if os.path.isabs(program) or "/" in program else host.which(program)
            if path and os.path.isfile(path):
                return os.path.abspath(path), why
    return None, ""


def _is_openssh_name(program: str) -> bool:
    name = PureWindowsPath(program).name.lower()
    return name in ("ssh", "ssh.exe")  # plink or TortoisePlink cannot take OpenSSH's options


def _git_for_windows_ssh(host: Host) -> str | None:
    exec_path = _git_output(host, "--exec-path")
    root = _git_root_of(exec_path) if exec_path else None
    return str(root / "usr" / "bin" / "ssh.exe") if root else None


def _git_root_of(path: str) -> Path | None:
    """The Git for Windows folder holding `path` (the one with `usr/bin/ssh.exe`), or None."""
    for parent in Path(path.replace("\\", "/")).parents:
        if (parent / "usr" / "bin" / "ssh.exe").is_file() and any(
            parent.glob("*/libexec/git-core")
        ):
            return parent
    return None


def _beside(host: Host, ssh: str | None, name: str) -> str | None:
    """`name` in the ssh's own folder (same install), else on PATH."""
    if ssh:
        folder = Path(ssh).parent
        for candidate in (name + ".exe", name) if host.windows else (name,):
            if (folder / candidate).is_file():
                return str(folder / candidate)
    return host.which(name)


def _git_output(host: Host, *args: str) -> str | None:
    git = host.which("git")
    if git is None:
        return None
    from ..childenv import child_env

    try:
        done = subprocess.run(
            [git, *args],
            env=child_env({**host.env, "GIT_TERMINAL_PROMPT": "0"}),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=15,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
