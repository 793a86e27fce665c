"""The doctor's local checks: Python, git, OpenSSH, the agent, the keyring, the terminal, ~/.ssh.

None needs the network and none changes the machine; each returns one `Check` row.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .doctor_check import HTTPS_FALLBACK, Check, ok, problem, warning

if TYPE_CHECKING:
    from ..workstation.openssh import SshClient


MIN_PYTHON = (3, 11)
MIN_GIT = (2, 20)  # older gits lack options the clone and push steps pass
MIN_TERMINAL = (80, 24)  # columns, lines: the wizard's panels need this much
AZURE_SSH_ALIAS = "ssh.dev.azure.com"


def check_python() -> Check:
    """The running Python (college-tui needs 3.11 or later)."""
    found = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] < MIN_PYTHON:
        return problem(
            "python",
            "Python",
            found,
            "Install Python 3.11 or later and reinstall college-tui with it.",
        )
    return ok("python", "Python", found)


def check_git() -> Check:
    """git on PATH and its version."""
    from ..workstation.errors import GitError, GitNotFoundError
    from ..workstation.git import git_version

    try:
        version = git_version()
    except GitNotFoundError:
        return problem(
            "git",
            "git",
            "not found on PATH",
            "Install git from https://git-scm.com/downloads and open a new terminal.",
        )
    except GitError as exc:
        if "xcrun: error" in str(exc):  # macOS: /usr/bin/git without the Command Line Tools
            return problem(
                "git",
                "git",
                str(exc),
                "Install Apple's Command Line Tools: run `xcode-select --install`, then open a "
                "new terminal.",
            )
        return problem("git", "git", str(exc), "Reinstall git from https://git-scm.com/downloads.")
    found = "git " + ".".join(map(str, version))
    if version < MIN_GIT:
        return warning(
            "git",
            "git",
            found,
            "This git is old: update it to 2.20 or later "
            "(https://git-scm.com/downloads) before the day.",
        )
    return ok("git", "git", found)


def check_ssh_client() -> Check:
    """The OpenSSH client, and whether it signs with rsa-sha2 (Azure DevOps refuses SHA-1)."""
    from ..workstation.openssh import find_ssh_client

    title = "OpenSSH client"
    client = find_ssh_client()
    if client is None:
        return problem(
            "ssh-client",
            title,
            "ssh not found on PATH",
            "Install the OpenSSH client "
            "(Windows: Settings → Optional features → OpenSSH Client; Debian/Ubuntu: "
            "apt install openssh-client).",
        )
    if client.version is None:
        return warning(
            "ssh-client",
            title,
            client.banner or f"{client.path} printed no version",
            "This ssh is not OpenSSH; if cloning over SSH fails, install the OpenSSH "
            "client or " + HTTPS_FALLBACK + ".",
        )
    if not client.signs_rsa_sha2:
        return problem(
            "ssh-client",
            title,
            f"{client.banner} (signs with SHA-1 only)",
            "Azure DevOps refuses SHA-1 signatures: update OpenSSH to 7.2 or later "
            "(8.8 or later is best).",
        )
    return ok("ssh-client", title, f"{client.banner} (signs with rsa-sha2){_which_ssh(client)}")


def _which_ssh(client: SshClient) -> str:
    """ "" where one ssh is all there is; else which one git runs, and the others found."""
    from ..workstation.hostos.sshstack import git_ssh, ssh_programs_found

    found = ssh_programs_found()
    if len(found) < 2:
        return ""
    others = ", ".join(path for path in found if path != client.path)
    return f"; git runs {client.path} ({git_ssh().why}); also found: {others}"


def check_ssh_agent() -> Check:
    """The user's ssh-agent (college-tui starts a private one for a passphrase-protected key)."""
    from ..workstation.hostos.agent import WINDOWS_AGENT_PIPE, WINDOWS_SERVICE_AGENT
    from ..workstation.openssh import agent_programs_present, agent_status

    title = "ssh-agent"
    status = agent_status()
    if status.reachable:
        return ok("ssh-agent", title, f"reachable at $SSH_AUTH_SOCK ({status.keys} key(s) loaded)")
    if status.socket == WINDOWS_AGENT_PIPE:  # Windows' own agent: a service, off by default
        return ok(
            "ssh-agent",
            title,
            status.detail,
            "Nothing to do for a key without a passphrase (the wizard creates one so); for a "
            f"passphrase: {WINDOWS_SERVICE_AGENT}.",
        )
    if status.socket is None:
        if agent_programs_present():
            return ok(
                "ssh-agent",
                title,
                "no agent running; ssh-agent and ssh-add are installed",
                "Nothing to do: college-tui starts a private agent when your key has a passphrase.",
            )
        return warning(
            "ssh-agent",
            title,
            "ssh-agent / ssh-add not installed",
            "A key with a passphrase needs them: install the full OpenSSH client, or "
            "create the key without a passphrase.",
        )
    return warning(
        "ssh-agent",
        title,
        f"$SSH_AUTH_SOCK is set but {status.detail}",
        'Start your agent again (eval "$(ssh-agent)") or unset SSH_AUTH_SOCK; the '
        "wizard itself does not need it.",
    )


def check_keyring() -> Check:
    """The keyring backend: usable, and not one that writes the PAT in plain text."""
    title = "Keyring"
    try:
        import keyring

        from ..workstation.secrets import SERVICE_NAME, backend_name, insecure_reason

        backend = keyring.get_keyring()
        name = backend_name(backend)
        reason = insecure_reason(backend)
        if reason is not None:
            return warning(
                "keyring",
                title,
                name,
                f"The PAT cannot be saved between runs: "
                f"{reason}. The wizard asks for it each run; a desktop session with "
                "a system keyring would remember it.",
            )
        backend.get_password(SERVICE_NAME, "college-tui-doctor-probe")  # may it be read at all?
    except Exception as exc:  # a broken D-Bus, a locked store: the wizard falls back to memory
        return warning(
            "keyring",
            title,
            f"the keyring failed ({type(exc).__name__})",
            "The wizard keeps the PAT in memory for each run instead; unlock or "
            "repair your system keyring if you want it remembered.",
        )
    return ok("keyring", title, name)


def terminal_size() -> tuple[int, int] | None:
    """(columns, lines) of the terminal on stdout, stderr or stdin; None when there is none."""
    for fd in (1, 2, 0):
        try:
            size = os.get_terminal_size(fd)
        except (OSError, ValueError):
            continue
        return size.columns, size.lines
    return None


def check_terminal_size(size: tuple[int, int] | None = None) -> Check:
    """The terminal must fit the wizard's panels (80×24 or larger)."""
    title = "Terminal size"
    size = size if size is not None else terminal_size()
    if size is None:
        return warning(
            "terminal-size",
            title,
            "not run in a terminal",
            "Run college-tui doctor in the terminal window you will use for the "
            "wizard to check its size.",
        )
    columns, lines = size
    found = f"{columns}×{lines}"
    if columns < MIN_TERMINAL[0] or lines < MIN_TERMINAL[1]:
        return warning(
            "terminal-size",
            title,
            found,
            "Make the window at least 80×24 (or use a "
            "smaller font) so no panel of the wizard is cut off.",
        )
    return ok("terminal-size", title, found)


def check_colours(environ: dict[str, str] | None = None) -> Check:
    """Colours the terminal announces (TERM, COLORTERM, NO_COLOR)."""
    from ..workstation.hostos import here

    env = os.environ if environ is None else environ
    title = "Colours"
    term = env.get("TERM", "")
    if env.get("NO_COLOR"):
        return ok(
            "colours",
            title,
            "off (NO_COLOR is set)",
            "Nothing to do; unset NO_COLOR if you want the wizard in colour.",
        )
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit") or env.get("WT_SESSION"):
        return ok("colours", title, "true colour")
    if "256color" in term:
        return ok("colours", title, "256 colours")
    if term == "dumb" or (not term and not here().windows):  # Windows' console sets no TERM
        return warning(
            "colours",
            title,
            f"TERM={term or '(unset)'}: no colours or cursor control",
            "Use a real terminal emulator, or set TERM=xterm-256color.",
        )
    return ok(
        "colours",
        title,
        f"basic colours (TERM={term or 'console'})",
        "Nothing to do; TERM=xterm-256color looks better if your terminal supports it.",
    )


def check_ssh_config(home: Path, alias: str = AZURE_SSH_ALIAS) -> Check:
    """Blocks in ~/.ssh/config (other than college-tui's) that would also apply to `alias`."""
    from ..workstation.errors import WorkstationError
    from ..workstation.sshconfig import other_blocks_for

    title = "~/.ssh/config"
    path = home / ".ssh" / "config"
    try:
        blocks = other_blocks_for(path, alias)
    except WorkstationError as exc:
        return warning(
            "ssh-config",
            title,
            str(exc),
            "Make the file readable so ssh (and the wizard) can use it.",
        )
    if not blocks:
        found = "absent" if not path.exists() else f"nothing else applies to {alias}"
        return ok("ssh-config", title, found)
    parts = []
    for block in blocks:
        where = f"line {block.line}: Host {block.patterns}" if block.line else "top of the file"
        sets = f" sets {', '.join(block.options)}" if block.options else ""
        parts.append(where + sets)
    return warning(
        "ssh-config",
        title,
        f"{path}: " + "; ".join(parts),
        f"These lines also apply to {alias}; college-tui writes its block above them, "
        "but options it does not set there still apply: remove or narrow them if "
        "the clone over SSH fails.",
    )


def check_existing_key(home: Path) -> Check:
    """The key at the wizard's default path: absent (it is created), or an RSA key it can reuse."""
    from ..workstation.errors import KeyPassphraseError, SshKeyError, WorkstationError
    from ..workstation.sshkeys import load_key_info
    from .answers import DEFAULT_KEY_NAME

    title = "SSH key"
    path = home / ".ssh" / DEFAULT_KEY_NAME
    if not os.path.lexists(path):
        others = (
            sorted(p.name for p in (home / ".ssh").glob("id_*") if p.suffix != ".pub")
            if (home / ".ssh").is_dir()
            else []
        )
        kept = f"; your {', '.join(others)} stay untouched" if others else ""
        return ok(
            "ssh-key",
            title,
            f"none at {path} yet{kept}",
            "Nothing to do: the wizard creates an RSA key there.",
        )
    try:
        info = load_key_info(path)
    except KeyPassphraseError:
        return ok(
            "ssh-key",
            title,
            f"{path} (protected by a passphrase)",
            "Nothing to do: the wizard asks for the passphrase and reuses the key.",
        )
    except (SshKeyError, WorkstationError) as exc:
        return problem(
            "ssh-key",
            title,
            str(exc),
            "Move that file away or set key_path in your answers file to another name.",
        )
    return ok(
        "ssh-key",
        title,
        f"{path} (RSA {info.bits}, {info.fingerprint_sha256})",
        "Nothing to do: the wizard reuses this key.",
    )
