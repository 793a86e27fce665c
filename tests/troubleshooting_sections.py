"""What tests/troubleshooting.py scans: the modules that hold sentences a user can meet, and
the doc section (one per step, then the shared layers) each goes to. Add a module here when it
gains messages (the test names the module that needs it)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "college_tui"
DOC = ROOT / "docs" / "troubleshooting.md"

# Where messages come from, and the doc section (one per step, then the shared layers) they go to.
# Order = order in the doc. A module not listed here is not scanned: add it when it gains messages.
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Before anything starts: the answers file and the machine",
        [
            "steps/answers.py",
            "steps/answer_limits.py",
            "steps/roster.py",
            "steps/textfiles.py",
            "steps/preflight.py",
            "steps/plan.py",
        ],
    ),
    (
        "Step 1 — Sign in",
        [
            "steps/signin.py",
            "steps/signin_help.py",
            "azdo/credentials.py",
            "azdo/entra_errors.py",
            "azdo/authority.py",
            "azdo/remembered.py",
        ],
    ),
    ("Step 2 — Organisation", ["steps/organization.py"]),
    ("Step 3 — Project", ["steps/project.py"]),
    ("Step 4 — Team", ["steps/team.py"]),
    (
        "Step 5 — Members",
        ["steps/members.py", "steps/members_here.py", "steps/members_apart.py", "azdo/handover.py"],
    ),
    (
        "Step 6 — SSH key",
        [
            "steps/sshkey.py",
            "steps/sshkey_registration.py",
            "steps/sshrules.py",
            "steps/sshaccess.py",
            "workstation/sshkeys.py",
            "workstation/sshkeyfiles.py",
            "workstation/sshconfig.py",
            "workstation/knownhosts.py",
            "workstation/sshcheck.py",
            "workstation/sshlogin.py",
            "workstation/sshagent.py",
        ],
    ),
    ("Step 7 — Import the course repository", ["steps/importrepo.py"]),
    (
        "Step 8 — Clone",
        [
            "steps/clone.py",
            "steps/gitaccess.py",
            "workstation/git.py",
            "workstation/gitrun.py",
            "workstation/gitssh.py",
            "workstation/gitcredential.py",
        ],
    ),
    ("Step 9 — Pull request", ["steps/pullrequest.py"]),
    ("After the day: teardown", ["steps/teardown.py", "opening/teardown.py"]),
    (
        "Any step: talking to Azure DevOps",
        [
            "azdo/errors.py",
            "azdo/client/plumbing.py",
            "azdo/client/failures.py",
            "azdo/client/shared.py",
            "azdo/client/accounts.py",
            "azdo/client/projects.py",
            "azdo/client/members.py",
            "azdo/client/sshkeys.py",
            "azdo/client/repos.py",
            "azdo/client/pullrequests.py",
            "azdo/raw.py",
            "azdo/retry.py",
            "azdo/http.py",
            "azdo/reach.py",
            "azdo/redact.py",
            "azdo/urls.py",
            "steps/org_url.py",
            "azdo/models.py",
        ],
    ),
    (
        "Any step: files, keyring and progress on your machine",
        [
            "steps/base.py",
            "steps/runner.py",
            "steps/session.py",
            "steps/state.py",
            "steps/checklist.py",
            "steps/printer.py",
            "workstation/errors.py",
            "workstation/atomic.py",
            "workstation/secrets.py",
            "workstation/childenv.py",
            "workstation/openssh.py",
            "workstation/fresh.py",
            "workstation/localwork.py",
        ],
    ),
    (
        "college-tui doctor",
        [
            "steps/doctor.py",
            "steps/doctor_check.py",
            "steps/doctor_local.py",
            "steps/doctor_network.py",
        ],
    ),
    (
        "Windows, macOS, WSL and your terminal",
        [
            "launch.py",
            "steps/desktop.py",
            "workstation/hostos/keyfiles.py",
            "workstation/hostos/agent.py",
            "workstation/hostos/desktop.py",
        ],
    ),
    (
        "The command line",
        [
            "cli/root.py",
            "cli/common.py",
            "cli/engine_commands.py",
            "cli/class_commands.py",
            "cli/sandbox_commands.py",
            "opening/__init__.py",
            "opening/engine.py",
            "opening/sandbox_target.py",
            "opening/sandbox_plan.py",
            "opening/sandbox_folder.py",
            "opening/fresh.py",
            "opening/class_account.py",
            "opening/class_view.py",
            "opening/service_target.py",
            "settings.py",
            "ui/wizard_model.py",
        ],
    ),
    ("The sandbox's own answers", ["sandbox/guard.py", "sandbox/web/internal.py"]),
]
# Modules with messages that must be in SECTIONS (a new module under these folders is caught).
SCANNED_FOLDERS = ("steps", "azdo", "workstation", "opening")
# Never shown to a user as a problem: the in-memory keyring of the tests and the sandbox, and
# the panels' "By hand" sequences and the steps' lessons (teaching text, not messages to
# troubleshoot).
NOT_SCANNED = {"workstation/memory_keyring.py", "steps/by_hand.py", "steps/lessons.py"}
# Modules read for the sentences named here only (their other strings are status lines and
# prompts, not problems); an entry for one goes stale as soon as the module stops saying it.
PICKED = {"ui/wizard_model.py": ("Could not open the target.",)}

# Text that is content, not a message: what the pull-request step commits and describes.
NOT_MESSAGES = ("{…} joins the AI Developer College. Made by college-tui",)
