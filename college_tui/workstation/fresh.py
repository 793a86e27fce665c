"""`--fresh`: start the sandbox over, deleting only what was listed and agreed to.

Deleting is split in two so nothing is lost by surprise: `fresh_plan` only looks (what would be
deleted, and which clones hold work that exists nowhere else), and `carry_out` deletes exactly
that list, after the attendee said yes.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .localwork import find_clones, unsaved_work

SANDBOX_MARKER = "sandbox.db"  # a folder without it is not a sandbox data folder


class FreshRefused(Exception):
    """The folder is not a sandbox data folder: nothing was deleted (a sentence)."""


@dataclass
class FreshPlan:
    """What `--fresh` would delete, and the work it would lose."""

    data: Path
    entries: list[Path] = field(default_factory=list)  # the data folder's contents
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
                f"the sandbox data folder's contents in {self.data}: "
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
        plan.entries = sorted(data.iterdir())
        if plan.entries and not (data / SANDBOX_MARKER).exists():
            raise FreshRefused(
                f"{data} does not look like a sandbox data folder (no "
                f"{SANDBOX_MARKER}): refusing to empty it for --fresh."
            )
        plan.clones = find_clones(data)
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
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)
    if plan.state_file is not None:
        plan.state_file.unlink(missing_ok=True)
