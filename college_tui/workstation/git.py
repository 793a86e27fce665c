"""The git verbs the wizard uses: clone, ls-remote, local config, branch, commit, push.

Azure DevOps needs real git, not a library. Each verb runs the system ``git`` through
:mod:`.gitrun` (no shell, no prompt, no secret in its environment, errors with git's last
lines and a hint); network verbs take a ``GIT_SSH_COMMAND`` from :mod:`.gitssh` or an HTTPS
credential. The user's global git config is never modified; only :func:`set_local_config`
writes, and only to one repository's own ``.git/config``.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from ..azdo.redact import redact  # the one redactor, shared with the azdo layer
from .atomic import write_atomic
from .errors import CloneTargetError, GitError
from .gitrun import ProgressCallback, git_error, run_git, stream_git

if TYPE_CHECKING:
    from .gitcredential import HttpsCredential

CloneTarget = Literal["absent", "empty", "same-clone", "partial-clone", "other"]


def git_version() -> tuple[int, ...]:
    """Return the installed git's version, e.g. ``(2, 39, 5)``; GitNotFoundError if missing."""
    out = run_git(["--version"], action="Reading the git version").stdout
    match = re.search(r"(\d+(?:\.\d+)+)", out)
    if not match:
        raise GitError(f"Could not read the git version from {out.strip()!r}. Reinstall git.")
    return tuple(int(n) for n in match.group(1).split("."))


def clone(
    url: str,
    dest: os.PathLike[str] | str,
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
    stream_git(
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
    out = run_git(
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


def remote_url(repo_dir: os.PathLike[str] | str, remote: str = "origin") -> str | None:
    """The URL configured for ``remote`` in ``repo_dir``, or None (no remote, not a repo)."""
    return _answer(
        repo_dir, ["config", "--local", "--get", f"remote.{remote}.url"], "Reading the remote URL"
    )


def _answer(repo: os.PathLike[str] | str, args: list[str], action: str) -> str | None:
    """git's one-line answer in ``repo``; None when git says no (a non-zero exit) or nothing."""
    result = run_git(args, action=action, cwd=repo, check=False)
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def is_clone_of(dest: os.PathLike[str] | str, url: str) -> bool:
    """True when ``dest`` is the top folder of a git work tree whose origin is ``url`` and
    whose HEAD is a commit (a clone git finished, not one stopped before its first commit)."""
    return _has_origin(Path(dest), url) and current_head(dest) is not None


def inspect_clone_target(dest: os.PathLike[str] | str, url: str) -> CloneTarget:
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


def get_local_config(repo: os.PathLike[str] | str, key: str) -> str | None:
    """The value of ``key`` (e.g. ``core.sshCommand``) in ``repo``'s own ``.git/config``.

    Only the repository's file is read (not the user's global config); None when the key is
    not set there. Raises :class:`GitError` when ``repo`` is not a repository.
    """
    result = run_git(
        ["config", "--local", "--get", "--", _config_key(key)],
        action=f"Reading {key} from {repo}/.git/config",
        cwd=repo,
        check=False,
    )
    if result.returncode == 1 and not result.stderr.strip():
        return None  # git's answer for "not set"
    if result.returncode != 0:
        tail = tuple(redact(line) for line in result.stderr.splitlines() if line.strip())
        raise git_error(f"Reading {key} from {repo}/.git/config", result.returncode, tail)
    return result.stdout.rstrip("\n")


def set_local_config(repo: os.PathLike[str] | str, key: str, value: str) -> None:
    """Set ``key`` to ``value`` in ``repo``'s own ``.git/config`` (never the user's config).

    Any earlier values of ``key`` there are replaced, so it ends up with exactly this one.
    """
    if any(ch in value for ch in "\n\0"):
        raise GitError(f"The value for {key} must be on one line; it was not written.")
    run_git(
        ["config", "--local", "--replace-all", "--", _config_key(key), value],
        action=f"Setting {key} in {repo}/.git/config",
        cwd=repo,
    )


def checkout_branch(
    repo: os.PathLike[str] | str, name: str
) -> Literal["created", "switched", "unchanged"]:
    """Switch ``repo`` to branch ``name``, creating it (tracking ``origin/name`` if it exists)."""
    check = run_git(
        ["check-ref-format", "--branch", name],
        action="Checking the branch name",
        cwd=repo,
        check=False,
    )
    if check.returncode != 0 or name.startswith("-"):
        raise GitError(f"{name!r} is not a valid branch name. Use letters, digits, '-' and '/'.")
    if _answer(repo, ["symbolic-ref", "--quiet", "--short", "HEAD"], "Reading the branch") == name:
        return "unchanged"
    if _ref_exists(repo, f"refs/heads/{name}"):
        run_git(["checkout", "--quiet", name, "--"], action=f"Switching to branch {name}", cwd=repo)
        return "switched"
    if _ref_exists(repo, f"refs/remotes/origin/{name}"):
        args = ["checkout", "--quiet", "-b", name, "--track", f"origin/{name}", "--"]
    else:
        args = ["checkout", "--quiet", "-b", name, "--"]
    run_git(args, action=f"Creating branch {name}", cwd=repo)
    return "created"


def commit_file(
    repo: os.PathLike[str] | str,
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
    run_git(["add", "--", rel.as_posix()], action=f"Staging {rel}", cwd=repo)
    staged = run_git(
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
    run_git(
        [*identity, "commit", "--quiet", "-m", message, "--", rel.as_posix()],
        action=f"Committing {rel}",
        cwd=repo,
    )
    return current_head(repo)


def push(
    repo: os.PathLike[str] | str,
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
    stream_git(
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


def current_head(repo: os.PathLike[str] | str) -> str | None:
    """The sha of HEAD, or None in a repository without commits."""
    return _answer(repo, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], "Reading HEAD")


def default_branch(repo: os.PathLike[str] | str, remote: str = "origin") -> str | None:
    """The remote's default branch (``origin/HEAD``), else the current branch, else None."""
    short = ["symbolic-ref", "--quiet", "--short"]
    remote_head = _answer(
        repo, [*short, f"refs/remotes/{remote}/HEAD"], "Reading the default branch"
    )
    if remote_head:
        return remote_head.removeprefix(f"{remote}/")
    return _answer(repo, [*short, "HEAD"], "Reading the current branch")


def _has_origin(dest: Path, url: str) -> bool:
    """``dest`` is the top folder of a work tree whose ``origin`` is ``url`` (commits or not)."""
    if not (dest / ".git").exists():
        return False
    top = _answer(dest, ["rev-parse", "--show-toplevel"], "Inspecting the clone")
    if top is None or os.path.realpath(top) != os.path.realpath(dest):
        return False
    current = remote_url(dest)
    return current is not None and _normalize_url(current) == _normalize_url(url)


def _config_key(key: str) -> str:
    # "section.name" or "section.sub.name"; a leading "-" would read as an option.
    if key.startswith("-") or "." not in key.strip(".") or any(ch in key for ch in "\n\0"):
        raise GitError(f"{key!r} is not a git config key (like core.sshCommand).")
    return key


def _ref_exists(repo: os.PathLike[str] | str, ref: str) -> bool:
    return (
        run_git(
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
