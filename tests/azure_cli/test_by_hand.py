"""Every panel's "By hand" sequence, as the panel shows it for a sandbox target, run with
Microsoft's Azure CLI and its azure-devops extension, git and OpenSSH against a served sandbox;
then the outcome the panel claims is read back with the SDK.

Sign-in and the SSH key are the wizard's own steps here: az signs in with AZURE_DEVOPS_EXT_PAT
(the sandbox's PAT) instead of `az devops login`'s prompt, ssh-keygen would ask for a passphrase
on the terminal, and no command registers a key (the panel says so).
"""

from __future__ import annotations

import re
import subprocess

import pytest

from college_tui.steps.answers import Answers, Member
from college_tui.steps.base import Secrets
from college_tui.steps.by_hand import by_hand
from college_tui.steps.runner import make_context, run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from tests.conftest import connect
from tests.steps.conftest import Recorder, sandbox_target

# Installs the Azure CLI: run with `pytest -m interop` (tests/interop_envs.py).
pytestmark = pytest.mark.interop

# A line of a sequence that is a command (the rest is what the panel says around them).
_COMMAND = re.compile(r"^(az|git|cd|mkdir|G=\$\()\b")
QUICK = dict(project_create_seconds=0.05, import_seconds=0.05)


def commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if _COMMAND.match(line)]


@pytest.fixture
def world(azure_cli, start_sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(tmp_path / "state"))
    server = start_sandbox(ssh=True, **QUICK)
    target = sandbox_target(server, tmp_path / "home")
    answers = Answers(alias="ada", members=[Member("grace@example.com")]).for_target(target)
    ctx = make_context(target, answers, Recorder(), secrets=Secrets(pat=server.info.pat))
    target.home.mkdir(parents=True, exist_ok=True)
    env = azure_cli.env(tmp_path / "azure", server.info.pat, target.home)
    env |= {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com"}
    env |= {"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}
    sdk = connect(server.info.org_url, server.info.pat).clients_v7_1
    return server, ctx, env, sdk


def by_hand_run(ctx, env, key: str) -> str:
    """Run the commands of step `key`'s sequence in one shell, stopping at the first failure."""
    lines = commands(by_hand(key, ctx.target, ctx.answers))
    assert lines, f"{key}: no command in its sequence"
    script = "set -eu\n" + "\n".join(lines) + "\n"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=ctx.target.home,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, f"{key}:\n{script}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_every_by_hand_sequence_does_what_its_panel_says(world):
    server, ctx, env, sdk = world
    core, git = sdk.get_core_client(), sdk.get_git_client()

    # Project: created on the Agile process with the description.
    by_hand_run(ctx, env, "project")
    project = core.get_project("College", include_capabilities=True)
    assert project.description == ctx.answers.project_description
    assert project.capabilities["processTemplate"]["templateName"] == "Agile"

    # Team: the default team is "College Team" (the sequence reads it back with az).
    shown = by_hand_run(ctx, env, "team")
    assert shown.strip().strip('"') == "College Team"
    assert core.get_project("College").default_team.name == "College Team"

    # Colleagues: grace is in the organisation and in the team.
    by_hand_run(ctx, env, "members")
    members = core.get_team_members_with_extended_properties(project.id, "College Team")
    assert "grace@example.com" in {m.identity.unique_name for m in members}
    users = sdk.get_member_entitlement_management_client().search_user_entitlements()
    grace = next(u for u in users.members if u.user.principal_name == "grace@example.com")
    # No level in the answers: Basic, as the members step does while free seats remain.
    assert grace.access_level.account_license_type == "express"

    # Import: the course is in a new repository aidevcollege.
    by_hand_run(ctx, env, "import")
    repo = git.get_repository("aidevcollege", "College")
    assert repo.default_branch == "refs/heads/main"
    [request] = git.query_import_requests("College", repo.id, include_abandoned=True)
    assert request.status == "completed"

    # Clone and pull request, over SSH with the key the wizard's own step made and registered.
    assert run(ctx, [SignInStep, SshKeyStep(poll_interval=0.05, verify_delay=0.05)]).ok
    by_hand_run(ctx, env, "clone")
    assert (ctx.answers.clone_dir / ".git").is_dir()
    by_hand_run(ctx, env, "pull-request")
    [pr] = git.get_pull_requests(repo.id, None, "College")
    assert pr.source_ref_name == f"refs/heads/{ctx.answers.branch}"
    assert pr.target_ref_name == "refs/heads/main"
    # No --title: az read the PR's commits and took the title from the one commit's message.
    assert pr.title == "Add ada to the attendees"
    commits = git.get_pull_request_commits(repo.id, pr.pull_request_id, "College")
    assert [c.comment for c in commits] == ["Add ada to the attendees"]
