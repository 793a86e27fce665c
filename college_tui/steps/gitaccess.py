"""How a step's git reaches a repository: SSH or HTTPS, the credential for one command, progress.

The clone and pull-request steps share these: which of a repository's URLs a folder is a clone
of, `git_access` (the `GIT_SSH_COMMAND` from sshaccess.py, or the signed-in credential handed to
git for one HTTPS command), the quick test for a blocked SSH port, and git's progress lines as
step progress.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import Context, Step, StepError
from .explain import explained
from .sshaccess import git_ssh, ssh_endpoint

if TYPE_CHECKING:
    from ..azdo.models import Repository
    from ..workstation.git import CloneTarget
    from ..workstation.gitcredential import HttpsCredential

# What ssh (through git) says when it cannot get through: a firewall refusing or dropping port 22,
# or a proxy that accepts the connection and closes it.
SSH_BLOCKED_WORDS = (
    "SSH authentication is disabled",  # the organisation's SSH policy is off
    "Connection refused",
    "Connection timed out",
    "Operation timed out",
    "kex_exchange_identification",
    "Connection closed by remote host",
    "Network is unreachable",
    "No route to host",
    "ssh: not found",  # git runs GIT_SSH_COMMAND through sh: there is no ssh program
    "cannot run ssh",
)


def is_https(url: str) -> bool:
    """Whether git reaches `url` over HTTP(S) (the remoteUrl) rather than SSH (the sshUrl)."""
    return url.lower().startswith(("https://", "http://"))


def protocol_name(url: str) -> str:
    """ "SSH", "HTTPS", or "HTTP" (the sandbox's plain loopback HTTP), as a sentence names it."""
    if not is_https(url):
        return "SSH"
    return "HTTPS" if url.lower().startswith("https://") else "HTTP"


def clone_of(dest: Path, repo: Repository) -> tuple[CloneTarget, str]:
    """What `dest` holds, and which URL of `repo` (sshUrl, else remoteUrl) it is a clone of."""
    from ..workstation.git import inspect_clone_target

    kind: CloneTarget = "other"
    for url in (repo.ssh_url, repo.remote_url):
        if url:
            kind = inspect_clone_target(dest, url)
            if kind != "other":
                return kind, url
    return kind, repo.ssh_url or ""


def https_credential(ctx: Context) -> HttpsCredential:
    """The signed-in credential as git's HTTPS password (a PAT, or an Entra access token)."""
    from ..workstation.gitcredential import HttpsCredential

    secret = ctx.credential.git_password() if ctx.credential is not None else ctx.secrets.pat
    if not secret:
        raise StepError(
            "git over HTTPS needs your sign-in, and there is none yet: run the sign-in step first."
        )
    with explained():
        return HttpsCredential(secret)


@contextlib.contextmanager
def git_access(ctx: Context, url: str) -> Iterator[dict[str, Any]]:
    """How git reaches `url`: `ssh_command` for SSH, or `credential` for HTTPS (one command)."""
    if is_https(url):
        yield {"credential": https_credential(ctx)}
        return
    with git_ssh(ctx) as ssh_command:
        yield {"ssh_command": ssh_command}


def ssh_blocked(ctx: Context) -> str | None:
    """Why SSH cannot be used to reach the target (no ssh program, or a quick TCP test), or None."""
    from ..workstation.hostos.sshstack import git_ssh
    from ..workstation.sshcheck import ssh_blocked as probe
    from ..workstation.sshlogin import SSH_MISSING

    if git_ssh().ssh is None:  # git would say only "ssh: not found"
        return SSH_MISSING
    return probe(*ssh_endpoint(ctx.ssh_ready()))


def switch_to_ssh_command(dest: Path, ssh_url: str) -> str:
    """The command that makes an HTTPS clone use SSH (the key is registered already)."""
    return f"git -C {shlex.quote(str(dest))} remote set-url origin {ssh_url}"


class GitProgress:
    """git's progress lines as StepProgress events, at most one per phase and 5% step."""

    def __init__(self, step: Step, ctx: Context, verb: str) -> None:
        self.step, self.ctx, self.verb = step, ctx, verb
        self.last: tuple[str, float] | None = None
        self.count = 0

    def __call__(self, phase: str, fraction: float) -> None:
        if (
            self.last is not None
            and self.last[0] == phase
            and fraction < 1.0
            and fraction - self.last[1] < 0.05
        ):
            return
        if self.last is not None and self.last == (phase, fraction):
            return
        self.last = (phase, fraction)
        self.count += 1
        self.step.progress(self.ctx, f"{self.verb}: {phase}", fraction)
