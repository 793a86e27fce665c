"""How the wizard reaches Azure DevOps over SSH: the files, the endpoint, the `GIT_SSH_COMMAND`.

The ssh-key step writes these files; the clone and pull-request steps use the same view of SSH
(`git_ssh` for their git runs, `attendee_ssh_command` for the clone's own `core.sshCommand`). In
sandbox mode "~" is the sandbox home: the alias `ssh.dev.azure.com` points at the sandbox's SSH
server and the real `~/.ssh` is never touched.
"""

from __future__ import annotations

import base64
import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import Context, NotReady, StepError
from .explain import explained

if TYPE_CHECKING:
    from ..target import Target

AZURE_SSH_HOST = "ssh.dev.azure.com"
DEFAULT_KEY_NAME = "college_tui_rsa"
KEY_VALID_DAYS = 365  # Azure DevOps lets SSH keys live one year


# -- where things are --------------------------------------------------------------------------


@dataclass(frozen=True)
class SshPaths:
    """The files this step owns or edits, all under the target's home."""

    ssh_dir: Path
    key: Path
    public: Path
    config: Path
    known_hosts: Path

    @classmethod
    def of(cls, ctx: Context) -> SshPaths:
        ssh_dir = ctx.target.ssh_dir
        key = Path(ctx.answers.key_path) if ctx.answers.key_path else ssh_dir / DEFAULT_KEY_NAME
        return cls(
            ssh_dir=ssh_dir,
            key=key,
            public=key.with_name(key.name + ".pub"),
            config=ssh_dir / "config",
            known_hosts=ssh_dir / "known_hosts",
        )


def ssh_endpoint(target: Target) -> tuple[str, int]:
    """Where SSH really connects: the sandbox's loopback server, or ssh.dev.azure.com:22."""
    return target.ssh_hostname or target.ssh_alias or AZURE_SSH_HOST, target.ssh_port or 22


def redirected(target: Target) -> bool:
    """True when the alias is served elsewhere (the sandbox): HostName/Port/HostKeyAlias needed."""
    return bool(target.ssh_hostname or target.ssh_port)


def pinned_host_key(target: Target) -> tuple[str, str]:
    """(key type, base64 blob) to pin: the target's own key (sandbox) or the shipped Azure key."""
    from ..workstation.knownhosts import AZURE_DEVOPS_HOST_KEY, AZURE_DEVOPS_HOST_KEY_TYPE

    target = _listening(target)
    if not target.ssh_host_key:
        return AZURE_DEVOPS_HOST_KEY_TYPE, AZURE_DEVOPS_HOST_KEY
    parts = target.ssh_host_key.split()
    if len(parts) < 2:
        raise StepError(
            "The SSH host key given for the target is not an OpenSSH key line "
            '("ssh-rsa AAAA..."). Restart the sandbox and run the step again.'
        )
    return parts[0], parts[1]


def _listening(target: Target) -> Target:
    """`target` with its host key: a sandbox whose SSH server is still starting is waited for
    (issue 28), never pinned as ssh.dev.azure.com's key."""
    from ..target import SshNotStarted, ssh_settled

    try:
        return ssh_settled(target)
    except SshNotStarted as exc:
        raise StepError(exc.message) from None


def host_block(ctx: Context, paths: SshPaths) -> dict[str, Any]:
    """The arguments of our `Host` block in ~/.ssh/config (see workstation.sshconfig)."""
    target = ctx.target
    args: dict[str, Any] = {
        "host_alias": target.ssh_alias,
        "identity_file": paths.key,
        "user": "git",
    }
    if redirected(target):
        # HostKeyAlias keeps the known_hosts lookup on the alias name; without it OpenSSH would
        # look for "[127.0.0.1]:PORT" and a pin for ssh.dev.azure.com could never match.
        args.update(
            hostname=target.ssh_hostname, port=target.ssh_port, host_key_alias=target.ssh_alias
        )
    if target.sandbox or redirected(target):
        args["known_hosts_file"] = paths.known_hosts
    return args


def block_in_place(ctx: Context, paths: SshPaths) -> bool:
    """Is our `Host` block the first thing in the ssh config, exactly as we would write it?"""
    from ..workstation.errors import WorkstationError
    from ..workstation.sshconfig import read_block, render_block

    try:
        block = read_block(paths.config)
        wanted = render_block(**host_block(ctx, paths))
    except WorkstationError:
        return False
    return (
        block is not None and block.start_line == 1 and block.text.replace("\r\n", "\n") == wanted
    )


def host_key_in_place(ctx: Context, paths: SshPaths) -> bool:
    """Is the pinned host key in the known_hosts file for the alias?"""
    from ..workstation.errors import WorkstationError
    from ..workstation.knownhosts import find_host_keys

    key_type, blob = pinned_host_key(ctx.target)
    try:
        entries = find_host_keys(paths.known_hosts, ctx.target.ssh_alias)
    except WorkstationError:
        return False
    wanted = base64.b64decode(blob)
    for entry in entries:
        with contextlib.suppress(ValueError):
            if entry.key_type == key_type and base64.b64decode(entry.key_base64) == wanted:
                return True
    return False


def login(ctx: Context, paths: SshPaths) -> str:
    """Log in as git twice: paramiko against the pinned host key (which key, which fingerprint),
    then OpenSSH exactly as git will run it (same program, ssh config and key), since only that
    proves the clone can use SSH. A summary, or a WorkstationError saying what stopped it."""
    from ..workstation.sshcheck import verify_ssh
    from ..workstation.sshlogin import openssh_login, require_ssh

    ctx.ssh_ready()  # nothing connects before the server listens
    host, port = ssh_endpoint(ctx.target)
    checked = verify_ssh(
        host,
        port,
        paths.key,
        ctx.secrets.key_passphrase,
        paths.known_hosts,
        expected_host_key_alias=ctx.target.ssh_alias if redirected(ctx.target) else None,
    )
    require_ssh()  # no ssh program: said now, before an agent is started for nothing
    with git_ssh(ctx) as ssh_command:
        return f"{checked}; {openssh_login(ssh_command, ctx.target.ssh_alias)} too"


def check_settings(ctx: Context, paths: SshPaths) -> None:
    """Stop when ssh would not connect where the wizard's block says (`ssh -G`, as git runs it).

    A `Host` block of the user's own below ours (or a `Match`, an `Include`, the system config)
    may set HostName or Port for the alias where our block does not: ssh takes the first value
    it meets, and would then take git somewhere else.
    """
    from ..workstation.sshlogin import effective_settings

    target = ctx.target
    with explained():
        settings = effective_settings(git_ssh_command(ctx), target.ssh_alias)
    if settings is None:  # no ssh program: the login check names it
        return
    wanted = (target.ssh_hostname or target.ssh_alias, str(target.ssh_port or 22))
    found = (settings.get("hostname", ""), settings.get("port", ""))
    if (found[0].lower(), found[1]) == (wanted[0].lower(), wanted[1]):
        return
    raise StepError(
        f"ssh would connect to {found[0]}:{found[1]} for {target.ssh_alias}, not to "
        f"{wanted[0]}:{wanted[1]} as the wizard's block in {paths.config} says: another "
        f"`Host {target.ssh_alias}` (or `Host *`, `Match`, `Include`) block in your ssh config "
        "sets HostName or Port, and ssh uses the first value it meets (`ssh -G "
        f"{target.ssh_alias}` shows it). Remove those lines or move them under another Host "
        "name, then run the step again."
    )


def ssh_config_file(ctx: Context, paths: SshPaths) -> Path | None:
    """The ssh config git's ssh must read (`-F`), or None for ssh's own default.

    The sandbox: its home's config only. Otherwise ssh's default (~/.ssh/config of the account,
    plus the system config) when that is the file the wizard writes; when the target's home is
    another folder (HOME set elsewhere; on Windows, Git's ssh reading a HOMEDRIVE/HOMEPATH home
    on a network drive), that folder's config, so git uses what the step wrote.
    """
    from ..workstation.hostos.sshstack import git_ssh

    if ctx.target.sandbox:
        return paths.config
    own = git_ssh().config
    if os.path.realpath(own) == os.path.realpath(paths.config):
        return None
    return paths.config


def can_log_in(ctx: Context, paths: SshPaths, quiet: bool = False) -> bool:
    """Does the server accept the key? A wrong host key stops the step unless `quiet`."""
    from ..workstation.errors import (
        HostKeyVerificationError,
        SshCheckError,
        SshKeyError,
        WorkstationError,
    )

    try:
        login(ctx, paths)
    except HostKeyVerificationError as exc:
        if quiet:
            return False
        raise StepError(str(exc)) from None
    except (SshCheckError, SshKeyError, WorkstationError):
        return False  # refused or unreachable for now: keep waiting
    return True


def git_ssh_command(ctx: Context, identity_agent: str | None = None) -> str:
    """GIT_SSH_COMMAND for the wizard's own git runs: one key, the pinned host key, no prompts.

    In sandbox mode ssh reads only the sandbox home's config (`-F`, see `ssh_config_file`), so the alias reaches the
    sandbox's server and the real ~/.ssh is neither read nor created. `identity_agent` is the
    socket of the agent holding a passphrase-protected key; None means no agent at all.
    """
    from ..workstation.gitssh import ssh_command_for

    paths = SshPaths.of(ctx)
    target = ctx.target
    with explained():
        return ssh_command_for(
            paths.key,
            paths.known_hosts,
            port=target.ssh_port,
            hostname=target.ssh_hostname,
            host_key_alias=target.ssh_alias if redirected(target) else None,
            config_file=ssh_config_file(ctx, paths),
            identity_agent=identity_agent,
        )


def attendee_ssh_command(ctx: Context) -> str:
    """The `core.sshCommand` a clone keeps: the ssh the SSH-key step logged in with (by absolute
    path), and the config that step wrote when ssh would not read it by itself (the sandbox's
    home, another HOME), so the attendee's own git behaves as the wizard's did."""
    from ..workstation.gitssh import attendee_command

    paths = SshPaths.of(ctx)
    with explained():
        return attendee_command(ssh_config_file(ctx, paths))


@contextlib.contextmanager
def git_ssh(ctx: Context) -> Iterator[str]:
    """GIT_SSH_COMMAND for a clone or push; a passphrase-protected key goes into a private agent.

    git runs ssh in batch mode (a prompt would hang behind the TUI), so ssh cannot ask for the
    passphrase: the key goes into a short-lived private ssh-agent (workstation/sshagent.py),
    stopped afterwards.
    """
    from ..workstation.sshkeyfiles import sniff_private_key

    ctx.ssh_ready()  # git's ssh connects only once the server listens
    paths = SshPaths.of(ctx)
    if not paths.key.exists():
        raise NotReady(f"There is no SSH key at {paths.key} yet: run the ssh-key step first.")
    with explained():
        encrypted = sniff_private_key(paths.key).encrypted
    if not encrypted:  # ssh reads the key itself; no agent needed
        yield git_ssh_command(ctx)
        return
    if not ctx.secrets.key_passphrase:
        raise StepError(
            f"The key {paths.key} is protected by a passphrase, but none was given. "
            "Set key_passphrase_env in the answers (the NAME of an environment "
            "variable holding it) or enter it in the wizard, then run again."
        )
    from ..workstation.childenv import hide_from_children
    from ..workstation.sshagent import start_private_agent

    hide_from_children(values=[ctx.secrets.key_passphrase])  # git and its ssh must not see it
    with explained():  # only the agent's own failures become StepErrors, not the caller's
        agent = start_private_agent(paths.key, ctx.secrets.key_passphrase)
    with agent:
        yield git_ssh_command(ctx, identity_agent=agent.socket_path)
