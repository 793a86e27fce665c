"""The ``GIT_SSH_COMMAND`` git runs for Azure DevOps: one key, only the pinned host keys."""

from __future__ import annotations

import os
import shlex

from .errors import GitError


def ssh_command_for(
    identity_file: os.PathLike[str] | str,
    known_hosts_file: os.PathLike[str] | str,
    port: int | None = None,
    hostname: str | None = None,
    host_key_alias: str | None = None,
    config_file: os.PathLike[str] | str | None = None,
    connect_timeout: int = 15,
    identity_agent: os.PathLike[str] | str | None = None,
    program: str | None = None,
) -> str:
    """Build a ``GIT_SSH_COMMAND`` that uses exactly one key and only the pinned host keys.

    Strict host key checking, batch mode (never prompts), no global known_hosts.
    ``identity_agent`` None means no agent at all (``IdentityAgent=none``); a socket path
    makes ssh use that agent (``IdentityAgent=<path>``), which is how a passphrase-protected
    key works: batch mode cannot ask for the passphrase, so the key must sit decrypted in an
    agent. ``IdentitiesOnly`` still limits the agent to this key. The special value
    ``"SSH_AUTH_SOCK"`` means the agent named by that environment variable.
    ``hostname``/``port``/``host_key_alias`` let the URL keep ``ssh.dev.azure.com`` while
    connecting elsewhere (the sandbox). ``config_file`` is passed as ``-F`` (``os.devnull``
    ignores ~/.ssh/config). ``program`` is the ssh to run: by default the one git itself runs
    (:func:`ssh_program`), by absolute path. The result is shell-quoted for ``sh``, which is how
    git runs it.
    """
    parts = [program or ssh_program()]
    if config_file is not None:
        parts += ["-F", _command_path(config_file)]
    if identity_agent is None:
        agent = "none"
    elif os.fspath(identity_agent) == "SSH_AUTH_SOCK":
        agent = "SSH_AUTH_SOCK"
    else:
        agent = _ssh_option_path(identity_agent)
    # ssh keeps the first value it sees for an option, so each one is given exactly once.
    parts += [
        # -o IdentityFile rather than -i: -i checks the file before %-token expansion, so a
        # path containing "%" (escaped as "%%") would be dropped.
        "-o", f"IdentityFile={_ssh_option_path(identity_file)}",
        "-o", "IdentitiesOnly=yes",
        "-o", f"IdentityAgent={agent}",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", f"UserKnownHostsFile={_ssh_option_path(known_hosts_file)}",
        "-o", f"GlobalKnownHostsFile={os.devnull}",
        "-o", f"ConnectTimeout={int(connect_timeout)}",
    ]  # fmt: skip
    if port is not None:
        parts += ["-p", str(int(port))]
    if hostname:
        parts += ["-o", f"HostName={hostname}"]
    if host_key_alias:
        parts += ["-o", f"HostKeyAlias={host_key_alias}"]
    return " ".join(shlex.quote(part) for part in parts)


def ssh_program() -> str:
    """The ssh git runs here, as git's shell names it (absolute; bare ``ssh`` when none is found,
    so that git's own "ssh: not found" is what the attendee reads)."""
    from .hostos import here
    from .hostos.sshstack import git_ssh

    host = here()
    found = git_ssh(host).ssh
    return host.command_path(found) if found else "ssh"


def attendee_command(config_file: os.PathLike[str] | str | None = None) -> str:
    """The ``core.sshCommand`` a clone keeps: the ssh the wizard checked, by absolute path, and
    the config file it read when that is not ssh's default one."""
    parts = [ssh_program()]
    if config_file is not None:
        parts += ["-F", _command_path(config_file)]
    return " ".join(shlex.quote(part) for part in parts)


def _command_path(path: os.PathLike[str] | str) -> str:
    from .hostos import here

    return here().command_path(os.fspath(path))  # Windows: forward slashes for git's sh


def _ssh_option_path(path: os.PathLike[str] | str) -> str:
    # ssh expands %-tokens in IdentityFile, UserKnownHostsFile and IdentityAgent: "%%" is a
    # literal "%". It also expands ${VAR}, which has no escape.
    from .hostos import here

    # Windows: forward slashes, which Git's own ssh and Windows' OpenSSH both read.
    text = here().command_path(os.path.abspath(os.fspath(path))).replace("%", "%%")
    if '"' in text or "${" in text:
        raise GitError(
            f'The path {text!r} contains a double quote or "${{", which ssh options cannot express; choose another path.'
        )
    # ssh splits -o values on spaces (UserKnownHostsFile takes a list), so quote them.
    return f'"{text}"' if any(ch.isspace() for ch in text) else text
