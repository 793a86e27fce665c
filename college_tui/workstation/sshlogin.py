"""Log in with the ssh git will use: the same program, ssh config, key and pinned host keys.

paramiko (:mod:`.sshcheck`) proves the key and the host key, but git runs OpenSSH, which also
reads the ssh config (a ``ProxyCommand``, another ``Host`` block's ``HostName``/``Port``) and
may not be installed at all. :func:`openssh_login` runs ``GIT_SSH_COMMAND`` as git would
(``-T git@alias``: Azure DevOps, like the sandbox, answers an authenticated shell request with
"Shell access is not supported"); :func:`effective_settings` asks ``ssh -G`` which host and port
ssh will really connect to.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

from .childenv import child_env
from .errors import HostKeyVerificationError, SshAuthError, SshCheckError, SshConnectError

SSH_MISSING = (
    "ssh (OpenSSH) is not installed (or not on PATH), so git cannot use SSH; install the "
    "OpenSSH client to use SSH"
)
_AUTHENTICATED = "Shell access is not supported"  # the service's answer to a shell request
_LOGIN_TIMEOUT = 45  # seconds: ssh's own ConnectTimeout (15) plus the handshake
_HOST_KEY_WORDS = (
    "REMOTE HOST IDENTIFICATION HAS CHANGED",
    "Host key verification failed",
    "host key is known",  # "No RSA host key is known for ... and you have requested strict checking"
)
_AUTH_WORDS = ("Permission denied", "Public key authentication failed", "SSH key has expired")


class SshProgramMissingError(SshConnectError):
    """There is no ``ssh`` program: git cannot use SSH on this machine."""


def require_ssh() -> str:
    """The ssh git runs (absolute path); SshProgramMissingError when there is none."""
    from .hostos.sshstack import git_ssh

    found = git_ssh().ssh
    if found is None:
        raise SshProgramMissingError(f"{SSH_MISSING}.")
    return found


def ssh_argv(ssh_command: str) -> list[str]:
    """``GIT_SSH_COMMAND`` as a list, its program resolved on PATH; SshProgramMissingError if absent."""
    argv = shlex.split(ssh_command)
    program = shutil.which(argv[0]) if argv else None
    if program is None:
        raise SshProgramMissingError(f"{SSH_MISSING}.")
    return [program, *argv[1:]]


def openssh_login(ssh_command: str, host_alias: str, user: str = "git") -> str:
    """Authenticate as ``user`` on ``host_alias`` with OpenSSH run as ``ssh_command``; a summary.

    Raises :class:`SshProgramMissingError` (no ssh), :class:`HostKeyVerificationError`,
    :class:`SshAuthError` (key refused or expired), :class:`SshConnectError` (refused, timed
    out, closed by a proxy) with ssh's own last line, never a traceback.
    """
    argv = [*ssh_argv(ssh_command), "-T", f"{user}@{host_alias}"]
    env = {**child_env(), "LC_ALL": "C"}
    try:
        result = subprocess.run(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=_LOGIN_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise SshConnectError(
            f"ssh to {host_alias} did not answer within {_LOGIN_TIMEOUT} s: check your network "
            "(company networks often block SSH on port 22) and try again."
        ) from None
    except OSError as exc:
        raise SshProgramMissingError(f"{SSH_MISSING} ({exc.strerror}).") from None
    said = result.stderr + result.stdout
    if _AUTHENTICATED in said or result.returncode == 0:
        return f"ssh (as git runs it) logged in as {user} on {host_alias}"
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit code {result.returncode}"
    if any(word in said for word in _HOST_KEY_WORDS):
        raise HostKeyVerificationError(
            f"ssh (as git runs it) did not accept the server of {host_alias}: {last}. Its host "
            "key is not the pinned one: do not continue on this network; run the wizard's "
            "“SSH key” step again, or ask your trainer."
        )
    if "UNPROTECTED PRIVATE KEY FILE" in said or "bad permissions" in said:
        raise SshAuthError(
            f"ssh (as git runs it) would not use your private key for {host_alias} because other "
            "users may read it: run the wizard's “SSH key” step again (it makes the key "
            "private), or restrict the file to yourself."
        )
    if any(word in said for word in _AUTH_WORDS):
        raise SshAuthError(
            f"The server refused your SSH key when ssh (as git runs it) logged in to "
            f"{host_alias}: {last}. Check the key is registered in Azure DevOps → User "
            "settings → SSH public keys."
        )
    raise SshConnectError(
        f"ssh (as git runs it, with your ssh config) could not get through to {host_alias}: "
        f"{last}. A firewall, or a ProxyCommand/ProxyJump in your ssh config, may stop it."
    )


def effective_settings(ssh_command: str, host_alias: str) -> dict[str, str] | None:
    """What ``ssh -G`` says ssh run as ``ssh_command`` uses for ``host_alias`` (first values).

    None when there is no ssh program. Raises :class:`SshCheckError` when ssh rejects its
    configuration (its message says which line).
    """
    try:
        argv = ssh_argv(ssh_command)
    except SshProgramMissingError:
        return None
    result = subprocess.run(
        [*argv, "-G", host_alias],
        env={**child_env(), "LC_ALL": "C"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=30,
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        raise SshCheckError(
            f"ssh cannot read its configuration ({lines[-1] if lines else 'no message'}): fix "
            "that line of your ssh config, then run the step again."
        )
    settings: dict[str, str] = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition(" ")
        settings.setdefault(name.lower(), value.strip())
    return settings
