"""A small wrapper around the system ``git`` (Azure DevOps needs real git, not a library).

Every call runs ``git`` without a shell, with ``GIT_TERMINAL_PROMPT=0`` (never ask on a
terminal the TUI owns), ``LC_ALL=C`` (messages we can parse), no secret in its environment
(see :mod:`.childenv`) and, for network commands,
``GIT_SSH_COMMAND`` built by :func:`ssh_command_for`. Failures raise :class:`GitError` with
git's last stderr lines and a hint. The user's global git config is never modified; only
:func:`set_local_config` writes, and only to one repository's own ``.git/config``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from ..azdo.redact import redact  # the one redactor, shared with the azdo layer
from .atomic import write_atomic
from .childenv import child_env
from .errors import CloneTargetError, GitCancelledError, GitError, GitNotFoundError

if TYPE_CHECKING:
    from .gitcredential import HttpsCredential

ProgressCallback = Callable[[str, float], None]
CloneTarget = Literal["absent", "empty", "same-clone", "partial-clone", "other"]

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
# What the wizard tells the user to re-run when the pinned host key is missing.
_RERUN_SSH_KEY_STEP = "run the wizard's “SSH key” step again (`college-tui apply` re-runs it)"

_HINTS = (
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


def ssh_command_for(
    identity_file: os.PathLike | str,
    known_hosts_file: os.PathLike | str,
    port: int | None = None,
    hostname: str | None = None,
    host_key_alias: str | None = None,
    config_file: os.PathLike | str | None = None,
    connect_timeout: int = 15,
    identity_agent: os.PathLike | str | None = None,
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
    ignores ~/.ssh/config). The result is shell-quoted for ``sh``, which is how git runs it.
    """
    parts = ["ssh"]
    if config_file is not None:
        parts += ["-F", os.fspath(config_file)]
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


def git_version() -> tuple[int, ...]:
    """Return the installed git's version, e.g. ``(2, 39, 5)``; GitNotFoundError if missing."""
    out = _run(["--version"], action="Reading the git version").stdout
    match = re.search(r"(\d+(?:\.\d+)+)", out)
    if not match:
        raise GitError(f"Could not read the git version from {out.strip()!r}. Reinstall git.")
    return tuple(int(n) for n in match.group(1).split("."))


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


def clone(
    url: str,
    dest: os.PathLike | str,
    ssh_command: str | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    credential: HttpsCredential | None = None,
) -> Path:
    """Clone ``url`` into ``dest`` with ``git clone --progress`` and return ``dest``.

    An ``https://`` URL takes its secret from ``credential`` (see :mod:`.gitcredential`), which
    never reaches the URL, ``.git/config`` or any file.

    ``on_progress(phase, fraction)`` is called for each progress line ("Receiving objects",
    "Resolving deltas"...). Setting ``cancel`` stops git (which removes what it created) and
    raises :class:`GitCancelledError`. An existing clone of the same URL is a no-op; any other
    non-empty destination, an unfinished clone included (see :func:`inspect_clone_target`),
    raises :class:`CloneTargetError`.
    """
    dest = Path(os.path.abspath(dest))
    state = inspect_clone_target(dest, url)
    if state == "same-clone":
        return dest
    if state == "partial-clone":
        raise CloneTargetError(
            f"{dest} holds a clone of {redact(url)} that was never finished (a .git folder "
            "without any commit). college-tui will not remove it: delete that folder (or "
            "choose another one) and run the step again."
        )
    if state == "other":
        raise CloneTargetError(
            f"{dest} already exists and is not an empty folder or a clone of {redact(url)}. "
            "college-tui will not touch it: choose another folder or move it away, then run "
            "the step again."
        )
    cwd = dest.parent if dest.parent.is_dir() else None
    _run_streaming(
        ["clone", "--progress", "--", url, os.fspath(dest)],
        action=f"Cloning {redact(url)}",
        cwd=cwd,
        ssh_command=ssh_command,
        on_progress=on_progress,
        cancel=cancel,
        credential=credential,
        url=url,
    )
    return dest


def ls_remote(
    url: str, ssh_command: str | None = None, credential: HttpsCredential | None = None
) -> dict[str, str]:
    """Return ``{ref: sha}`` advertised by ``url``: a cheap check that cloning will work."""
    out = _run(
        ["ls-remote", "--", url],
        action=f"Listing {redact(url)}",
        ssh_command=ssh_command,
        credential=credential,
        url=url,
    ).stdout
    refs: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref:
            refs[ref] = sha
    return refs


def remote_url(repo_dir: os.PathLike | str, remote: str = "origin") -> str | None:
    """The URL configured for ``remote`` in ``repo_dir``, or None (no remote, not a repo)."""
    result = _run(
        ["config", "--local", "--get", f"remote.{remote}.url"],
        action="Reading the remote URL",
        cwd=repo_dir,
        check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def is_clone_of(dest: os.PathLike | str, url: str) -> bool:
    """True when ``dest`` is the top folder of a git work tree whose origin is ``url`` and
    whose HEAD is a commit (a clone git finished, not one stopped before its first commit)."""
    return _has_origin(Path(dest), url) and current_head(dest) is not None


def inspect_clone_target(dest: os.PathLike | str, url: str) -> CloneTarget:
    """Classify a clone destination for ``url``.

    ``absent``; ``empty`` folder; ``same-clone`` (see :func:`is_clone_of`); ``partial-clone``:
    a folder holding nothing but a ``.git`` whose origin is ``url`` and which has no commit
    yet, which is what ``git clone`` leaves when it is killed before the checkout (a clone of
    an empty repository looks the same); ``other`` for anything else. Whether a partial clone
    may be removed is the caller's decision: only it knows whether it started that clone.
    """
    dest = Path(dest)
    if not os.path.lexists(dest):
        return "absent"
    if not dest.is_dir():
        return "other"
    try:
        with os.scandir(dest) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return "other"
    if not names:
        return "empty"
    if not _has_origin(dest, url):
        return "other"
    if current_head(dest) is not None:
        return "same-clone"
    return "partial-clone" if names == [".git"] else "other"


def get_local_config(repo: os.PathLike | str, key: str) -> str | None:
    """The value of ``key`` (e.g. ``core.sshCommand``) in ``repo``'s own ``.git/config``.

    Only the repository's file is read (not the user's global config); None when the key is
    not set there. Raises :class:`GitError` when ``repo`` is not a repository.
    """
    result = _run(
        ["config", "--local", "--get", "--", _config_key(key)],
        action=f"Reading {key} from {repo}/.git/config",
        cwd=repo,
        check=False,
    )
    if result.returncode == 1 and not result.stderr.strip():
        return None  # git's answer for "not set"
    if result.returncode != 0:
        tail = tuple(redact(line) for line in result.stderr.splitlines() if line.strip())
        raise _git_error(f"Reading {key} from {repo}/.git/config", result.returncode, tail)
    return result.stdout.rstrip("\n")


def set_local_config(repo: os.PathLike | str, key: str, value: str) -> None:
    """Set ``key`` to ``value`` in ``repo``'s own ``.git/config`` (never the user's config).

    Any earlier values of ``key`` there are replaced, so it ends up with exactly this one.
    """
    if any(ch in value for ch in "\n\0"):
        raise GitError(f"The value for {key} must be on one line; it was not written.")
    _run(
        ["config", "--local", "--replace-all", "--", _config_key(key), value],
        action=f"Setting {key} in {repo}/.git/config",
        cwd=repo,
    )


def checkout_branch(
    repo: os.PathLike | str, name: str
) -> Literal["created", "switched", "unchanged"]:
    """Switch ``repo`` to branch ``name``, creating it (tracking ``origin/name`` if it exists)."""
    check = _run(
        ["check-ref-format", "--branch", name],
        action="Checking the branch name",
        cwd=repo,
        check=False,
    )
    if check.returncode != 0 or name.startswith("-"):
        raise GitError(f"{name!r} is not a valid branch name. Use letters, digits, '-' and '/'.")
    current = _run(
        ["symbolic-ref", "--quiet", "--short", "HEAD"],
        action="Reading the branch",
        cwd=repo,
        check=False,
    )
    if current.returncode == 0 and current.stdout.strip() == name:
        return "unchanged"
    if _ref_exists(repo, f"refs/heads/{name}"):
        _run(["checkout", "--quiet", name, "--"], action=f"Switching to branch {name}", cwd=repo)
        return "switched"
    if _ref_exists(repo, f"refs/remotes/origin/{name}"):
        args = ["checkout", "--quiet", "-b", name, "--track", f"origin/{name}", "--"]
    else:
        args = ["checkout", "--quiet", "-b", name, "--"]
    _run(args, action=f"Creating branch {name}", cwd=repo)
    return "created"


def commit_file(
    repo: os.PathLike | str,
    relpath: str,
    content: str | bytes,
    message: str,
    author_name: str,
    author_email: str,
) -> str | None:
    """Write ``relpath`` in ``repo`` and commit only that file; return the new commit's sha.

    Returns None (and commits nothing) when the file already has this content in HEAD.
    The identity is passed with ``-c user.name/-c user.email`` for this one command only.
    """
    repo = Path(repo)
    rel = _safe_relpath(relpath)
    for value in (author_name, author_email):
        if not value or any(ch in value for ch in "<>\n\r\0"):
            raise GitError(
                "The author name and e-mail must be non-empty and on one line, without < or >."
            )
    target = repo.joinpath(*rel.parts)
    payload = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    try:
        unchanged_on_disk = target.is_file() and target.read_bytes() == payload
    except OSError:
        unchanged_on_disk = False
    if not unchanged_on_disk:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, payload)
    _run(["add", "--", rel.as_posix()], action=f"Staging {rel}", cwd=repo)
    staged = _run(
        ["diff", "--cached", "--quiet", "--", rel.as_posix()],
        action=f"Comparing {rel}",
        cwd=repo,
        check=False,
    )
    if staged.returncode == 0:
        return None
    identity = [
        "-c", f"user.name={author_name}",
        "-c", f"user.email={author_email}",
        # A signing prompt (gpg/pinentry) would hang behind the TUI.
        "-c", "commit.gpgsign=false",
    ]  # fmt: skip
    _run(
        [*identity, "commit", "--quiet", "-m", message, "--", rel.as_posix()],
        action=f"Committing {rel}",
        cwd=repo,
    )
    return current_head(repo)


def push(
    repo: os.PathLike | str,
    branch: str,
    ssh_command: str | None = None,
    remote: str = "origin",
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    credential: HttpsCredential | None = None,
) -> None:
    """Push ``branch`` to ``remote`` (same name) and set it as the upstream.

    Over HTTPS the secret comes from ``credential`` for this one push (see :mod:`.gitcredential`).
    """
    url = remote_url(repo, remote) if credential is not None else None
    _run_streaming(
        [
            "push",
            "--progress",
            "--set-upstream",
            remote,
            f"refs/heads/{branch}:refs/heads/{branch}",
        ],
        action=f"Pushing {branch}",
        cwd=Path(repo),
        ssh_command=ssh_command,
        on_progress=on_progress,
        cancel=cancel,
        credential=credential,
        url=url,
    )


def current_head(repo: os.PathLike | str) -> str | None:
    """The sha of HEAD, or None in a repository without commits."""
    result = _run(
        ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        action="Reading HEAD",
        cwd=repo,
        check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.strip() or None


def default_branch(repo: os.PathLike | str, remote: str = "origin") -> str | None:
    """The remote's default branch (``origin/HEAD``), else the current branch, else None."""
    result = _run(
        ["symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD"],
        action="Reading the default branch",
        cwd=repo,
        check=False,
    )
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip().removeprefix(f"{remote}/")
    current = _run(
        ["symbolic-ref", "--quiet", "--short", "HEAD"],
        action="Reading the current branch",
        cwd=repo,
        check=False,
    )
    if current.returncode != 0:
        return None
    return current.stdout.strip() or None


# ---------------------------------------------------------------------------------------------


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


def _run(
    args: list[str],
    action: str,
    cwd: os.PathLike | str | None = None,
    ssh_command: str | None = None,
    check: bool = True,
    credential: HttpsCredential | None = None,
    url: str | None = None,
) -> subprocess.CompletedProcess[str]:
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
        raise _git_error(action, result.returncode, tail[-_TAIL_LINES:])
    return result


def _run_streaming(
    args: list[str],
    action: str,
    cwd: os.PathLike | str | None,
    ssh_command: str | None,
    on_progress: ProgressCallback | None,
    cancel: threading.Event | None,
    credential: HttpsCredential | None = None,
    url: str | None = None,
) -> None:
    """Run git, reading stderr as it comes (split on \\r and \\n) to report progress."""
    # A process group of its own lets a cancel reach git's ssh child too, and keeps the
    # terminal's Ctrl+C for us (we then stop git ourselves).
    group = (
        {"start_new_session": True}
        if os.name == "posix"
        else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    )
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
        raise GitCancelledError(
            f"{action} was cancelled (git cleaned up after itself). Run the step again when ready."
        )
    if returncode != 0:
        raise _git_error(action, returncode, tuple(tail))


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


def _terminate(proc: subprocess.Popen) -> None:
    """SIGTERM git and its children (git removes a half-made clone on SIGTERM)."""
    if proc.poll() is not None:
        return
    if os.name == "posix":
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.terminate()


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


def _git_error(action: str, returncode: int, tail: tuple[str, ...]) -> GitError:
    text = "\n".join(tail)
    hint = next(
        (h for needle, h in _HINTS if needle in text),
        "Read git's message above, fix the cause and run the step again.",
    )
    last = " | ".join(tail[-3:]) if tail else "no message"
    return GitError(
        f"{action} failed (git exit code {returncode}): {last}. {hint}", returncode, tail
    )


def _has_origin(dest: Path, url: str) -> bool:
    """``dest`` is the top folder of a work tree whose ``origin`` is ``url`` (commits or not)."""
    if not (dest / ".git").exists():
        return False
    top = _run(
        ["rev-parse", "--show-toplevel"], action="Inspecting the clone", cwd=dest, check=False
    )
    if top.returncode != 0 or not top.stdout.strip():
        return False
    if os.path.realpath(top.stdout.strip()) != os.path.realpath(dest):
        return False
    current = remote_url(dest)
    return current is not None and _normalize_url(current) == _normalize_url(url)


def _config_key(key: str) -> str:
    # "section.name" or "section.sub.name"; a leading "-" would read as an option.
    if key.startswith("-") or "." not in key.strip(".") or any(ch in key for ch in "\n\0"):
        raise GitError(f"{key!r} is not a git config key (like core.sshCommand).")
    return key


def _ref_exists(repo: os.PathLike | str, ref: str) -> bool:
    return (
        _run(
            ["show-ref", "--verify", "--quiet", ref], action="Reading refs", cwd=repo, check=False
        ).returncode
        == 0
    )


def _safe_relpath(relpath: str) -> PurePosixPath:
    rel = PurePosixPath(relpath.replace("\\", "/"))
    if not relpath or rel.is_absolute() or ".." in rel.parts or rel.parts[:1] == (".git",):
        raise GitError(f"{relpath!r} is not a file path inside the repository.")
    return rel


def _normalize_url(url: str) -> str:
    url = url.strip().rstrip("/")
    return url[:-4] if url.endswith(".git") else url


def _ssh_option_path(path: os.PathLike | str) -> str:
    # ssh expands %-tokens in IdentityFile, UserKnownHostsFile and IdentityAgent: "%%" is a
    # literal "%". It also expands ${VAR}, which has no escape.
    text = os.path.abspath(os.fspath(path)).replace("%", "%%")
    if '"' in text or "${" in text:
        raise GitError(
            f'The path {text!r} contains a double quote or "${{", which ssh options cannot express; choose another path.'
        )
    # ssh splits -o values on spaces (UserKnownHostsFile takes a list), so quote them.
    return f'"{text}"' if any(ch.isspace() for ch in text) else text
