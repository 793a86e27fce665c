"""A short-lived ssh-agent of our own, holding one decrypted key, on a private socket.

git runs ssh in batch mode (a prompt would hang behind the TUI), so ssh cannot ask for a key's
passphrase. The key is decrypted in memory and handed to a private `ssh-agent` through a pipe
(never a file); the agent listens on a socket in a new 0700 folder, inherits neither the PAT nor
the passphrase's variable, forgets the key after `KEY_LIFETIME_SECONDS`, and is stopped (its folder
removed) by `stop()` or at the end of a `with` block.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass

from .errors import SshAgentError

KEY_LIFETIME_SECONDS = 300  # ssh-add -t: the agent drops the key even if we were killed
START_TIMEOUT_SECONDS = 10


@dataclass
class PrivateAgent:
    """A running private agent: point ssh at `socket_path` (IdentityAgent), then `stop()` it."""

    socket_path: str
    folder: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the agent and remove its folder (and socket); safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PrivateAgent:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_private_agent(key_path: os.PathLike[str] | str, passphrase: str) -> PrivateAgent:
    """Start an agent holding the key at `key_path` (decrypted with `passphrase`).

    Raises SshAgentError (a sentence saying what to do) when ssh-agent/ssh-add are missing or
    fail, and the key errors of `load_rsa_private_key` for a wrong passphrase or a bad key.
    """
    from cryptography.hazmat.primitives import serialization

    from .childenv import child_env
    from .hostos.agent import WINDOWS_SERVICE_AGENT, private_agent_possible
    from .hostos.sshstack import git_ssh
    from .sshkeys import load_rsa_private_key

    stack = git_ssh()
    if stack.agent and stack.add and not private_agent_possible(stack):
        raise SshAgentError(f"{WINDOWS_SERVICE_AGENT}.")
    agent, add = stack.agent, stack.add
    if not agent or not add:
        raise SshAgentError(
            "A passphrase-protected key needs ssh-agent and ssh-add (part of OpenSSH), which "
            "were not found. Install the OpenSSH client, or use a key without a passphrase, "
            "then run again."
        )
    key = load_rsa_private_key(key_path, passphrase)
    folder = tempfile.mkdtemp(prefix="college-tui-agent-")  # 0700: only we can reach the socket
    socket_path = os.path.join(folder, "agent.sock")
    # Neither the agent nor ssh-add may inherit the PAT or the passphrase's variable.
    env = {
        k: v
        for k, v in child_env(values=[passphrase]).items()
        if k not in ("SSH_ASKPASS", "DISPLAY", "SSH_AUTH_SOCK")
    }
    process = subprocess.Popen(
        [agent, "-D", "-a", socket_path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    running = PrivateAgent(socket_path, folder, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # The socket file appears at bind(), a moment before the agent listens: wait until it
        # answers (on a busy machine ssh-add met "Connection refused" in between).
        while not _answers(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SshAgentError(
                    "ssh-agent did not start, so the passphrase-protected key cannot be used "
                    "for git. Run again; if it persists, use a key without a passphrase."
                )
            time.sleep(0.02)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        added = subprocess.run(
            [add, "-q", "-t", str(KEY_LIFETIME_SECONDS), "-"],
            input=pem,
            env={**env, "SSH_AUTH_SOCK": socket_path},
            capture_output=True,
            timeout=30,
        )
        del pem
        if added.returncode != 0:
            said = added.stderr.decode(errors="replace").strip() or "no message"
            raise SshAgentError(
                f"ssh-add could not load the key into college-tui's private agent ({said}). "
                "Run again; if it persists, use a key without a passphrase."
            )
    except BaseException:
        running.stop()
        raise
    return running


def _answers(socket_path: str) -> bool:
    """Whether something listens on the Unix socket `socket_path`."""
    if not os.path.exists(socket_path):
        return False
    family = getattr(socket, "AF_UNIX", None)
    if family is None:  # no Unix sockets here: the file is all there is to see
        return True
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.connect(socket_path)
    except OSError:
        return False
    finally:
        probe.close()
    return True
