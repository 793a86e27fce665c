"""`--fresh`: start the sandbox over, deleting only what was listed and agreed to.

Deleting is split in two so nothing is lost by surprise: `fresh_plan` only looks (what would be
deleted, and which clones hold work that exists nowhere else), and `carry_out` deletes exactly
that list, after the attendee said yes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .hostos.processes import remove_tree
from .localwork import find_clones, unsaved_work

SANDBOX_MARKER = "sandbox.db"  # a folder without it is not a sandbox data folder
# What the sandbox itself makes in its data folder: --fresh deletes these and nothing else (a
# file of the user's beside them stays). Add here whatever the sandbox starts to keep there
# (tests/test_bad_inputs_opening.py compares this list with the folder after a real run).
SANDBOX_MADE = (
    SANDBOX_MARKER,
    f"{SANDBOX_MARKER}-wal",
    f"{SANDBOX_MARKER}-shm",
    f"{SANDBOX_MARKER}-journal",
    "ports.json",
    "repos",
    "home",
    "sdk-cache",
    "ssh_host_rsa_key",
    "ssh_host_rsa_key.pub",
    "serving.json",
    "starting.lock",  # held while a sandbox starts for the folder (sandbox/running.py)
    "identity",  # the identity provider's CA, certificate and signing key (sandbox/identity/ca.py)
)


# Inside the folders it makes, what the sandbox keeps by name: the identity provider's files, the
# bare repositories of repos/, and in home/ the ssh folder and git clones (a clone's own work is
# checked by git: localwork.py). Anything else in them is the user's and never deleted unnamed.
IDENTITY_FILES = ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem", "token-signing.key")


def users_files_inside(entry: Path) -> list[Path]:
    """Files in a folder the sandbox made (`home`, `repos`, `identity`) that it did not make."""
    if entry.is_symlink() or not entry.is_dir():
        return []
    if entry.name == "identity":
        return [
            p
            for p in sorted(entry.iterdir())
            if p.name not in IDENTITY_FILES
            and not (p.name.startswith(".") and p.name.endswith(".tmp"))
        ]
    if entry.name == "repos":
        return [p for p in sorted(entry.iterdir()) if not (p.is_dir() and p.name.endswith(".git"))]
    if entry.name != "home":
        return []
    clones = set(find_clones(entry))
    found: list[Path] = []
    for root, dirs, files in os.walk(entry):
        here = Path(root)
        if here in clones or here == entry / ".ssh":
            dirs[:] = []  # a clone's work is git's to judge; .ssh is the wizard's
            continue
        found += [here / name for name in sorted(files)]
        found += [here / name for name in sorted(dirs) if (here / name).is_symlink()]
        dirs.sort()
    return found


def sandbox_made(entry: Path) -> bool:
    """True for a file or folder the sandbox itself makes in its data folder."""
    name = entry.name
    return (
        name in SANDBOX_MADE
        or (name.startswith("course-") and name.endswith(".git"))  # the course's bare repos
        or _interrupted_write(name)
    )


def _interrupted_write(name: str) -> bool:
    # write_atomic's temp file for one of the sandbox's own files: ".ports.json.1a2b3c4d.tmp".
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False
    return name[1:].rsplit(".", 2)[0] in SANDBOX_MADE


class FreshRefused(Exception):
    """The folder is not a sandbox data folder: nothing was deleted (a sentence)."""


@dataclass
class FreshPlan:
    """What `--fresh` would delete, and the work it would lose."""

    data: Path
    entries: list[Path] = field(default_factory=list)  # what the sandbox made in the folder
    kept: list[Path] = field(default_factory=list)  # anything else there: never deleted
    inside: list[Path] = field(default_factory=list)  # the user's files in the sandbox's folders
    state_file: Path | None = None  # the run-state file of this sandbox, when it exists
    clones: list[Path] = field(default_factory=list)  # git working trees inside the folder
    local_work: dict[Path, list[str]] = field(default_factory=dict)  # clone -> what is only there

    @property
    def empty(self) -> bool:
        return not self.entries and self.state_file is None

    def lines(self) -> list[str]:
        """One line per thing that would be deleted (clones named with their unsaved work)."""
        out = (
            [
                f"the sandbox's own files in {self.data}: "
                f"{', '.join(sorted(p.name for p in self.entries))}"
            ]
            if self.entries
            else []
        )
        for clone in self.clones:
            work = self.local_work.get(clone)
            out.append(
                f"the clone {clone}"
                + (
                    f", which holds {'; '.join(work)}"
                    if work
                    else " (everything in it is on the sandbox server)"
                )
            )
        if self.state_file is not None:
            out.append(f"the run-state file {self.state_file}")
        return out


def fresh_plan(data: Path, state_file: Path) -> FreshPlan:
    """What `--fresh` would delete in `data` (and `state_file`); deletes nothing.

    Raises FreshRefused when `data` holds files but is not a sandbox data folder.
    """
    plan = FreshPlan(data, state_file=state_file if state_file.exists() else None)
    if data.is_dir():
        everything = sorted(data.iterdir())
        if everything and not (data / SANDBOX_MARKER).exists():
            raise FreshRefused(
                f"{data} does not look like a sandbox data folder (no "
                f"{SANDBOX_MARKER}): refusing to empty it for --fresh."
            )
        plan.entries = [p for p in everything if sandbox_made(p)]
        plan.kept = [p for p in everything if not sandbox_made(p)]
        plan.inside = [found for entry in plan.entries for found in users_files_inside(entry)]
        plan.clones = [  # only clones --fresh would delete (a repo of the user's is kept)
            clone
            for entry in plan.entries
            if entry.is_dir() and not entry.is_symlink()
            for clone in find_clones(entry)
        ]
        plan.local_work = {c: work for c in plan.clones if (work := unsaved_work(c))}
    elif data.exists():
        raise FreshRefused(
            f"{data} is a file, not a sandbox data folder: choose a folder with --data."
        )
    return plan


def carry_out(plan: FreshPlan) -> None:
    """Delete exactly what `plan` lists (a symlink is removed, never followed)."""
    for entry in plan.entries:
        if entry.is_dir() and not entry.is_symlink():
            remove_tree(entry)
        else:
            entry.unlink(missing_ok=True)
    if plan.state_file is not None:
        plan.state_file.unlink(missing_ok=True)
