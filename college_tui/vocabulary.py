"""The words the engine, the TUI, the command line and the files share: the steps' keys, a step's
status, the sign-in modes. StrEnums: each member is its string on the wire, in the run's state
file, in the answers file and in an event, and compares equal to it. Light (the first frame
imports it)."""

from __future__ import annotations

from enum import StrEnum


class StepKey(StrEnum):
    """The wizard's steps, in their order (steps/plan.py holds the step objects)."""

    SIGN_IN = "sign-in"
    ORGANIZATION = "organization"
    PROJECT = "project"
    TEAM = "team"
    MEMBERS = "members"
    SSH_KEY = "ssh-key"
    IMPORT = "import"
    CLONE = "clone"
    PULL_REQUEST = "pull-request"


class StepStatus(StrEnum):
    """What a step is or ended as: the engine's results (steps/runner.py) and the step list's
    states (ui/wizard_model.py) are these words."""

    TODO = "todo"  # plan: apply would do something; the step list: not done yet
    RUNNING = "running"  # started (early, in steps/overlap.py), not finished
    NEEDS_YOU = "needs-you"  # the step list: waiting for the person (a browser hand-off)
    ALREADY = "already"  # inspect found it done; nothing changed
    DONE = "done"  # applied now
    WARNING = "warning"  # applied, but something needs a look (a member could not be added)
    FAILED = "failed"
    BLOCKED = "blocked"  # not run: an earlier step failed / is not done yet
    SKIPPED = "skipped"  # nothing asked of it (no colleague listed): not a failure, never a tick


class AuthMode(StrEnum):
    """How the attendee signs in (the answers file's `auth`)."""

    PAT = "pat"
    BROWSER = "browser"
    DEVICE_CODE = "device-code"
    AZURE_CLI = "azure-cli"
