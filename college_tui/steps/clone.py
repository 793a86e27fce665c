"""Step 8: clone the course repository over SSH (or HTTPS when SSH is blocked) with the system git.

The URL is the repository's `sshUrl` from the API (`git@ssh.dev.azure.com:v3/{org}/{project}/
{repo}`). When SSH cannot get through (a firewall closing port 22: the TCP connection is refused
or times out, or ssh says so) and the answers' `clone_protocol` is "auto", or when it says
"https", the clone uses the `remoteUrl` over HTTPS instead; the PAT reaches git through a
credential helper for that one command (workstation/gitcredential.py), never the URL,
`.git/config` or a file. The step says why and how to switch to SSH later. An existing clone of
either URL is adopted; an unrelated non-empty folder is refused. A clone cut short by a kill (a
folder with only `.git` and no commit yet, or a checkout still holding git's index.lock) does not
block a rerun: when the state file says this wizard started that clone in that folder, the
leftover is removed and the clone made again; anything else is left alone and explained.

In sandbox mode the clone keeps `core.sshCommand = ssh -F <sandbox home>/.ssh/config`, so the
attendee's own `git pull`/`git push` in that folder keep reaching the sandbox, never the real
ssh.dev.azure.com.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..vocabulary import StepKey
from .base import Context, Inspection, Outcome, Step, StepError
from .explain import explained
from .gitaccess import (
    SSH_BLOCKED_WORDS,
    GitProgress,
    clone_of,
    git_access,
    is_https,
    protocol_name,
    ssh_blocked,
    switch_to_ssh_command,
)
from .importrepo import find_course_repo
from .sshaccess import attendee_ssh_command
from .sshrules import ssh_off

if TYPE_CHECKING:
    from ..azdo.models import Repository
    from ..workstation.git import CloneTarget


def clone_dir(ctx: Context) -> Path:
    """Where the clone goes: the answers' folder, else <home>/college/<repo>."""
    folder = ctx.answers.clone_dir
    return Path(folder) if folder else Path(ctx.target.home) / "college" / ctx.answers.repo


class CloneStep(Step):
    key = StepKey.CLONE

    def inspect(self, ctx: Context) -> Inspection:
        dest = clone_dir(ctx)
        svc = ctx.service(self.key)
        project = svc.get_project(ctx.answers.project)
        repo = svc.get_repository(project.id, ctx.answers.repo) if project else None
        if repo is None or not repo.ssh_url:
            return Inspection(
                False,
                f"Repository {ctx.answers.repo} does not exist yet",
                todo=f"clone it into {dest}",
            )
        kind, url = clone_of(dest, repo)
        facts = {"clone_path": str(dest), "url": url, "protocol": protocol_name(url).lower()}
        if self._ours_interrupted(ctx, dest, kind):
            return Inspection(
                False,
                f"{dest} holds a clone an earlier run did not finish",
                todo=f"remove it and clone {repo.ssh_url} again",
                facts=facts,
            )
        if kind == "same-clone":
            if ctx.target.sandbox and not self._keeps_our_ssh(ctx, dest):
                return Inspection(
                    False,
                    f"{dest} is a clone of {repo.name}",
                    todo="make its git use the sandbox's SSH server",
                    facts=facts,
                )
            return Inspection(True, f"{dest} is a clone of {repo.name}", facts=facts)
        if kind in ("absent", "empty"):
            return Inspection(
                False,
                f"{repo.name} is not cloned yet",
                todo=self._todo(ctx, repo, dest),
                facts=facts,
            )
        if kind == "partial-clone":
            return Inspection(
                False,
                f"{dest} holds an unfinished clone college-tui did not start",
                todo="delete that folder or choose another clone folder (clone_dir)",
                facts=facts,
            )
        return Inspection(
            False,
            f"{dest} already holds something else",
            todo="choose another clone folder (clone_dir)",
            facts=facts,
        )

    def apply(self, ctx: Context) -> Outcome:
        project, repo = find_course_repo(ctx, self.key)
        if not repo.ssh_url:
            raise StepError(
                f"Azure DevOps gave no SSH URL for {repo.name}. Check that SSH "
                "access is enabled for the organisation, then run again."
            )
        dest = clone_dir(ctx)
        kind, url = clone_of(dest, repo)
        if self._ours_interrupted(ctx, dest, kind):
            self._remove_leftover(ctx, dest)
            kind, url = clone_of(dest, repo)
        if kind == "same-clone":
            changed = self._configure(ctx, dest)
            # Finished after all (killed after git, before the state said so): not ours to clean.
            ctx.state.update(
                self.key,
                clone_path=str(dest),
                clone_started=False,
                protocol=protocol_name(url).lower(),
            )
            self.note(
                ctx,
                f"{dest} is already a clone of {repo.name} (over "
                f"{protocol_name(url)}); keeping it as it is.",
            )
            return Outcome(f"{dest} is a clone of {repo.name}", already_done=not changed)
        if kind == "partial-clone":  # not ours (that was removed above): never touched
            raise StepError(self._incomplete_message(dest))
        if kind == "other":
            raise StepError(self._other_message(dest, url))

        # Remember before git starts: a kill from here on leaves a folder we may clean up.
        ctx.state.update(
            self.key, clone_path=str(dest), clone_started=True, created_folder=kind == "absent"
        )
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from ..workstation.errors import os_error_message

            raise StepError(os_error_message(exc, "create the folder", dest.parent)) from None
        from ..workstation.errors import GitError

        url, why = self._choose_url(ctx, repo, repo.ssh_url)
        started = time.monotonic()
        with explained():
            try:
                self._clone(ctx, url, dest)
            except GitError as exc:
                said = "\n".join(exc.stderr_tail)
                blocked = next((w for w in SSH_BLOCKED_WORDS if w in said), None)
                if is_https(url) or ctx.answers.clone_protocol != "auto" or blocked is None:
                    raise
                url, why = self._https_url(repo), f"ssh said “{blocked}”"
                self.note(
                    ctx,
                    f"SSH could not get through ({blocked}); trying {protocol_name(url)} instead.",
                )
                self._clone(ctx, url, dest)
        elapsed = time.monotonic() - started
        protocol = protocol_name(url)
        ctx.state.update(
            self.key,
            clone_started=False,
            clone_seconds=round(elapsed, 3),
            protocol=protocol.lower(),
        )
        self._configure(ctx, dest, cloned_over=url)
        if is_https(url):
            self._explain_https(ctx, dest, repo.ssh_url, url, why)
        branch = repo.default_branch.removeprefix("refs/heads/") if repo.default_branch else ""
        self.progress(ctx, "Clone complete", 1.0)
        return Outcome(
            f"Cloned {repo.name} into {dest} over {protocol} in {elapsed:.1f} s"
            + (f" (branch {branch})" if branch else "")
        )

    # -- SSH or HTTPS ---------------------------------------------------------------------------

    def _todo(self, ctx: Context, repo: Repository, dest: Path) -> str:
        choice = ctx.answers.clone_protocol
        if choice == "https" and repo.remote_url:
            return f"clone {repo.remote_url} into {dest} over {protocol_name(repo.remote_url)}"
        return f"clone {repo.ssh_url} into {dest}" + (
            " (over HTTPS if SSH cannot get through)" if choice == "auto" else ""
        )

    def _choose_url(self, ctx: Context, repo: Repository, ssh_url: str) -> tuple[str, str]:
        """(URL to clone, why HTTPS) from the answers' clone_protocol and a quick SSH test."""
        choice = ctx.answers.clone_protocol
        if choice == "https":
            return self._https_url(repo), 'the answers say clone_protocol = "https"'
        if ssh_off(ctx):
            if choice == "ssh":
                raise StepError(
                    "Your organisation's SSH policy is off, and the answers say clone_protocol = "
                    '"ssh": set it to auto or https (the clone then goes over HTTPS), or ask an '
                    "organisation owner to turn on Organization settings → Policies → SSH "
                    "authentication."
                )
            return self._https_url(repo), "your organisation's SSH policy is off"
        if choice == "auto":
            self.progress(ctx, "Checking that SSH gets through", 0.02)
            blocked = ssh_blocked(ctx)
            if blocked:
                url = self._https_url(repo)
                cause = "" if blocked.startswith("ssh ") else ": a firewall may block port 22"
                self.note(
                    ctx,
                    f"SSH cannot get through ({blocked}){cause}. Cloning over "
                    f"{protocol_name(url)} instead.",
                )
                return url, f"SSH cannot get through ({blocked})"
        return ssh_url, ""

    def _https_url(self, repo: Repository) -> str:
        if not repo.remote_url or not is_https(repo.remote_url):
            raise StepError(
                f"Azure DevOps gave no HTTPS URL for {repo.name}, and SSH cannot be "
                "used: check your network lets SSH (port 22) through, then run again."
            )
        return repo.remote_url

    def _clone(self, ctx: Context, url: str, dest: Path) -> None:
        from ..workstation.git import clone

        self.note(ctx, f"Cloning {url} into {dest} with git over {protocol_name(url)}.")
        with git_access(ctx, url) as access:
            clone(
                url,
                dest,
                on_progress=GitProgress(self, ctx, "Cloning"),
                cancel=ctx.cancel,
                **access,
            )

    def _explain_https(
        self, ctx: Context, dest: Path, ssh_url: str, https_url: str, why: str
    ) -> None:
        entra = ctx.credential is not None and ctx.credential.kind != "pat"
        what = (
            "your Microsoft Entra sign-in's token (no PAT)"
            if entra
            else "your personal access token"
        )
        later = (
            "With Git Credential Manager installed, it signs your own git pull and git push in "
            f"with Microsoft Entra too: git -C {dest} config credential.azreposCredentialType "
            "oauth. Without it, they ask for a user name (any) and a password (a personal access "
            "token with the Code scope)."
        )
        then = (
            f"Once SSH gets through, switch this clone to SSH with: "
            f"{switch_to_ssh_command(dest, ssh_url)}"
            if not ssh_off(ctx)
            else "Your organisation's SSH policy is off: keep HTTPS."
        )
        self.note(
            ctx,
            f"Cloned over {protocol_name(https_url)} because {why}. git got {what} from a "
            f"credential helper for that one command: it is not in the URL, in {dest}/.git/config "
            f"or in any file. {later} {then}",
        )

    # -- sandbox: keep the attendee's own git on the sandbox ------------------------------------

    def _keeps_our_ssh(self, ctx: Context, dest: Path) -> bool:
        from ..workstation.git import get_local_config

        with explained():
            return get_local_config(dest, "core.sshCommand") == attendee_ssh_command(ctx)

    def _configure(self, ctx: Context, dest: Path, cloned_over: str | None = None) -> bool:
        """Set core.sshCommand in the clone; True when it changed. The sandbox's clones always
        (the attendee's own git must reach the sandbox's server); a clone of ours over SSH too
        (the ssh the wizard checked, by absolute path: on Windows not the other OpenSSH)."""
        from ..workstation.git import set_local_config

        if ctx.target.sandbox:
            why = "reach the sandbox's server, not the real ssh.dev.azure.com"
        elif cloned_over is not None and not is_https(cloned_over):
            why = "run the ssh the wizard checked your key with"
        else:
            return False
        if self._keeps_our_ssh(ctx, dest):
            return False
        command = attendee_ssh_command(ctx)
        with explained():
            set_local_config(dest, "core.sshCommand", command)
        self.note(
            ctx,
            f"Set core.sshCommand = {command} in {dest}/.git/config, so your own git "
            f"commands in this folder {why}.",
        )
        return True

    # -- interrupted clones ---------------------------------------------------------------------

    def _ours_interrupted(self, ctx: Context, dest: Path, kind: CloneTarget) -> bool:
        """True when the state says we started a clone in `dest` and it looks unfinished."""
        facts = ctx.state.get(self.key)
        if not facts.get("clone_started") or facts.get("clone_path") != str(dest):
            return False
        return _incomplete_clone(dest, kind)

    def _remove_leftover(self, ctx: Context, dest: Path) -> None:
        """Remove what an interrupted clone of ours left (the folder, if we created it)."""
        facts = ctx.state.get(self.key)
        from ..workstation.hostos.processes import remove_tree

        self.progress(ctx, f"Removing the unfinished clone an earlier run left in {dest}")
        try:
            if facts.get("created_folder", True):
                remove_tree(dest)
            else:  # the folder was empty before our clone: empty it again, keep the folder
                for entry in os.scandir(dest):
                    if entry.is_dir(follow_symlinks=False):
                        remove_tree(entry.path)
                    else:
                        os.unlink(entry.path)
        except OSError as exc:
            from ..workstation.errors import os_error_message

            raise StepError(os_error_message(exc, "remove the unfinished clone", dest)) from None
        ctx.state.update(self.key, clone_started=False)
        self.note(
            ctx,
            f"Removed the unfinished clone in {dest} (an earlier run was stopped "
            "while cloning); cloning again.",
        )

    def _incomplete_message(self, dest: Path) -> str:
        return (
            f"{dest} holds a clone that was never finished (no commit checked out), and "
            "college-tui did not start it, so it leaves it alone. Delete that folder (or "
            "choose another clone_dir) and run the step again."
        )

    def _other_message(self, dest: Path, url: str) -> str:
        return (
            f"{dest} already exists and holds something else (not an empty folder, not a "
            f"clone of {url}). college-tui never touches it: choose another folder "
            "(clone_dir in the answers) or move that one away, then run the step again."
        )


# -- helpers ------------------------------------------------------------------------------------


def _incomplete_clone(dest: Path, kind: CloneTarget) -> bool:
    """What a clone cut short leaves (`kind` from inspect_clone_target): `.git` without a commit
    (a partial clone, or one killed before git even wrote the remote), or a checkout still
    holding git's index.lock."""
    from ..workstation.git import current_head, remote_url

    git_dir = dest / ".git"
    if not git_dir.is_dir() or git_dir.is_symlink():
        return False
    if kind == "partial-clone":
        return True
    if kind == "same-clone":
        return (git_dir / "index.lock").exists()
    if kind == "other" and remote_url(dest) is None and current_head(dest) is None:
        # Before the checkout git writes nothing but .git: anything else is not ours.
        return all(entry.name == ".git" for entry in os.scandir(dest))
    return False
