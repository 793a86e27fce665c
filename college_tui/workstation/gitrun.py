"""The subprocess runner under :mod:`.git`: how ``git`` is started, read and stopped.

Every call runs ``git`` without a shell, with ``GIT_TERMINAL_PROMPT=0`` (never ask on a
terminal the TUI owns), ``LC_ALL=C`` (messages we can parse), no secret in its environment
(see :mod:`.childenv`) and, for network commands, the ``GIT_SSH_COMMAND`` the caller built
(:func:`.gitssh.ssh_command_for`). Failures raise :class:`GitError` with git's last stderr
lines (redacted) and a hint from :data:`_HINTS`. The verbs themselves live in :mod:`.git`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..azdo.redact import redact  # the one redactor, shared with the azdo layer
from .childenv import child_env
from .errors import GitCancelledError, GitError, GitNotFoundError
from .hostos.processes import git_cleans_up, own_group, stop_tree

if TYPE_CHECKING:
    from .gitcredential import HttpsCredential

ProgressCallback = Callable[[str, float], None]

_LOCAL_TIMEOUT = 120  # seconds; local git commands finish in well under a second
_TAIL_LINES = 20
_PROGRESS_RE = re.compile(
    r"^(?:remote:\s*)?(?P<phase>[A-Z][A-Za-z ]*?):\s+(?P<pct>\d{1,3})%(?:\s+\((?P<done>\d+)/(?P<total>\d+)\))?"
)
# Variables that would point git at another repository than the one we pass as cwd.
_REPO_ENV_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_PREFIX",
    "GIT_CONFIG",  # `git config` would read and write that file instead of .git/config
)
_RERUN_SSH_KEY_STEP = "run the wizard's “SSH key” step again (`college-tui apply` re-runs it)"

_HINTS = (
    # git runs GIT_SSH_COMMAND through sh; its last lines then no longer mention ssh at all.
    (
        "ssh: not found",
        "git could not run ssh: ssh (OpenSSH) is not installed (or not on PATH). Install the "
        'OpenSSH client, or set clone_protocol = "https" in your answers, then run the step again.',
    ),
    (
        "cannot run ssh",
        "git could not run ssh: ssh (OpenSSH) is not installed (or not on PATH). Install the "
        'OpenSSH client, or set clone_protocol = "https" in your answers, then run the step again.',
    ),
    # A changed key also prints "Host key verification failed": the more specific hint first.
    (
        "REMOTE HOST IDENTIFICATION HAS CHANGED",
        "The server's host key differs from the pinned one: do not continue; try another network or ask your trainer.",
    ),
    (
        "Host key verification failed",
        "The server's host key is not the pinned one or is missing from known_hosts: "
        f"{_RERUN_SSH_KEY_STEP}, and do not continue on a network that intercepts SSH.",
    ),
    (
        "UNPROTECTED PRIVATE KEY FILE",
        "ssh refused to use your private key because other users may read it: run the wizard's "
        "“SSH key” step again (it makes the key private), or restrict the file to yourself.",
    ),
    (
        "SSH key has expired",
        "Your SSH key has expired in Azure DevOps: add it again under User settings → SSH public keys, then retry.",
    ),
    (
        "Permission denied (publickey)",
        "The server refused your SSH key: is it registered in Azure DevOps → User settings → SSH public keys?",
    ),
    (
        "Public key authentication failed",
        "The server refused your SSH key: is it registered in Azure DevOps → User settings → SSH public keys?",
    ),
    (
        "Could not resolve hostname",
        "The server name could not be resolved: check your network connection and try again.",
    ),
    (
        "Connection timed out",
        "The connection timed out: check your network (company networks often block SSH on port 22) and try again.",
    ),
    ("Connection refused", "The connection was refused: check the host and port, then try again."),
    (
        "Authentication failed",
        "The server refused the token for HTTPS: check that your personal access token is valid "
        "and has the Code (Read & write) scope, then try again.",
    ),
    (
        "unable to access",
        "git could not reach the server over HTTPS: check your network and proxy settings, then "
        "try again.",
    ),
    (
        "does not appear to be a git repository",
        "The repository was not found or you have no access: check the URL and your permissions.",
    ),
    (
        "TF401019",
        "The repository was not found or you have no access: check the URL and your permissions.",
    ),
    (
        "Repository not found",
        "The repository was not found or you have no access: check the URL and your permissions.",
    ),
    (
        "non-fast-forward",
        "The remote branch has commits you do not have: pull them first, then push again.",
    ),
    (
        "[rejected]",
        "The remote rejected the push: pull first or check branch policies, then push again.",
    ),
    (
        "Please commit your changes or stash them",
        "You have uncommitted changes in the way: commit or stash them, then retry.",
    ),
    (
        "already exists and is not an empty directory",
        "The destination folder is not empty: choose another folder or move it away.",
    ),
)


def parse_progress_line(line: str) -> tuple[str, float] | None:
    """Parse ``"Receiving objects:  45% (9/20)"`` into ``("Receiving objects", 0.45)``."""
    match = _PROGRESS_RE.match(line.strip())
    if not match:
        return None
    if match.group("total"):
        total = int(match.group("total"))
        fraction = int(match.group("done")) / total if total else 1.0
    else:
        fraction = int(match.group("pct")) / 100
    return match.group("phase"), max(0.0, min(1.0, fraction))


def _git() -> str:
    exe = shutil.which("git")
    if exe is None:
        raise GitNotFoundError(
            "git is not installed (or not on PATH). Install it from https://git-scm.com/downloads "
            "and run the step again."
        )
    return exe


def _env(ssh_command: str | None) -> dict[str, str]:
    # Never AZURE_DEVOPS_PAT or the passphrase's variable: git hands its env to ssh and hooks.
    env = {k: v for k, v in child_env().items() if k not in _REPO_ENV_VARS}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    if ssh_command:
        env["GIT_SSH_COMMAND"] = ssh_command
    return env


def run_git(
    args: list[str],
    action: str,
    cwd: os.PathLike[str] | str | None = None,
    ssh_command: str | None = None,
    check: bool = True,
    credential: HttpsCredential | None = None,
    url: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` to completion; GitError (or GitNotFoundError) on failure if ``check``."""
    try:
        with _credential_for(credential, url) as (options, fds):
            result = subprocess.run(
                [_git(), *options, *args],
                cwd=cwd,
                env=_env(ssh_command),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=_LOCAL_TIMEOUT,
                pass_fds=fds,
            )
    except subprocess.TimeoutExpired:
        raise GitError(
            f"{action} did not finish within {_LOCAL_TIMEOUT} s; check your network and try again."
        ) from None
    except FileNotFoundError as exc:
        if cwd is not None and not Path(cwd).is_dir():
            raise GitError(f"{action} failed: the folder {cwd} does not exist.") from exc
        raise GitNotFoundError(
            "git is not installed (or not on PATH). Install it from https://git-scm.com/downloads "
            "and run the step again."
        ) from exc
    if check and result.returncode != 0:
        tail = tuple(redact(line) for line in result.stderr.splitlines() if line.strip())
        raise git_error(action, result.returncode, tail[-_TAIL_LINES:])
    return result


def stream_git(
    args: list[str],
    action: str,
    cwd: os.PathLike[str] | str | None,
    ssh_command: str | None,
    on_progress: ProgressCallback | None,
    cancel: threading.Event | None,
    credential: HttpsCredential | None = None,
    url: str | None = None,
) -> None:
    """Run git, reading stderr as it comes (split on \\r and \\n) to report progress."""
    # A process group of its own lets a cancel reach git's ssh child too, and keeps the
    # terminal's Ctrl+C for us (we then stop git ourselves).
    group = own_group()
    git_exe = _git()
    try:
        # git holds its own copy of the credential's pipe: ours is closed once it has started.
        with _credential_for(credential, url) as (options, fds):
            proc = subprocess.Popen(
                [git_exe, *options, *args],
                cwd=cwd,
                env=_env(ssh_command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=fds,
                **group,
            )
    except OSError as exc:
        if cwd is not None and not Path(cwd).is_dir():
            raise GitError(f"{action} failed: the folder {cwd} does not exist.") from exc
        raise GitNotFoundError(
            f"{action} failed: git could not be started ({exc.strerror}). Install git and retry."
        ) from exc

    cancelled = threading.Event()
    if cancel is not None:

        def watch() -> None:
            while proc.poll() is None:
                if cancel.wait(0.1):
                    cancelled.set()
                    _terminate(proc)
                    return

        threading.Thread(target=watch, name="git-cancel-watch", daemon=True).start()

    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    buffer = b""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buffer += chunk
            *segments, buffer = re.split(rb"[\r\n]", buffer)
            for segment in segments:
                _handle_stderr_segment(segment, tail, on_progress)
        _handle_stderr_segment(buffer, tail, on_progress)
        returncode = proc.wait()
    except BaseException:  # Ctrl+C or a failing callback: stop git, it cleans up after itself
        _terminate(proc)
        proc.wait()
        raise
    finally:
        proc.stderr.close()
    if cancelled.is_set() and returncode != 0:
        if not git_cleans_up():  # Windows: the tree was ended at once, git could not tidy up
            raise GitCancelledError(
                f"{action} was cancelled. Run the step again when ready: it removes what the "
                "cancelled git left behind first."
            )
        raise GitCancelledError(
            f"{action} was cancelled (git cleaned up after itself). Run the step again when ready."
        )
    if returncode != 0:
        raise git_error(action, returncode, tuple(tail))


@contextlib.contextmanager
def _credential_for(
    credential: HttpsCredential | None, url: str | None
) -> Iterator[tuple[list[str], tuple[int, ...]]]:
    """git options and descriptors that hand ``credential`` to this one command (none without)."""
    if credential is None:
        yield [], ()
        return
    with credential.for_one_command(url or "") as passed:
        yield passed


def _terminate(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Stop git and its children (POSIX: SIGTERM, and git removes a half-made clone itself)."""
    stop_tree(proc)


def _handle_stderr_segment(
    segment: bytes, tail: deque[str], on_progress: ProgressCallback | None
) -> None:
    line = segment.decode("utf-8", "replace").strip()
    if not line:
        return
    progress = parse_progress_line(line)
    if progress is not None:
        if on_progress is not None:
            on_progress(*progress)
        return
    tail.append(redact(line))


def git_error(action: str, returncode: int, tail: tuple[str, ...]) -> GitError:
    """The GitError for a failed ``action``: git's last lines and the hint that matches them."""
    text = "\n".join(tail)
    hint = next(
        (h for needle, h in _HINTS if needle in text),
        "Read git's message above, fix the cause and run the step again.",
    )
    last = " | ".join(tail[-3:]) if tail else "no message"
    return GitError(
        f"{action} failed (git exit code {returncode}): {last}. {hint}", returncode, tail
    )
