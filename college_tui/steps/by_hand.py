"""What each step's panel shows "By hand": the commands that do the step on Azure DevOps.

Each sequence is complete for the run's target (the real organisation's URL or the sandbox's)
and its answers, with Microsoft's Azure CLI (`az` with the azure-devops extension), git and
OpenSSH; tests/e2e/test_by_hand.py runs every one against a served sandbox. Where no command
exists (an organisation, a project's default team, an SSH key's registration) the text says so
and names the call the wizard itself makes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..azdo.credentials import AZURE_DEVOPS_SCOPE
from ..target import Target
from ..vocabulary import StepKey
from .answers import Answers, AnswersError
from .pullrequest import entry_path
from .roster import FREE_BASIC_SEATS, with_free_seats
from .shells import Shell

if TYPE_CHECKING:
    from .roster import Member

# Azure DevOps' application id: an Entra token for it is what the service accepts.
AZURE_DEVOPS_RESOURCE = AZURE_DEVOPS_SCOPE.removesuffix("/.default")
# The portal call the team step makes (azdo/raw.py default_team_query); no CLI command has it.
_DEFAULT_TEAM_CALL = (
    "POST {org}/_apis/Contribution/HierarchyQuery (admin-teams-data-provider, setDefaultTeam)"
)


def _path(path: Path | None, target: Target, sh: Shell) -> str:
    """`~/…` (PowerShell: `$HOME/…`) for a path under the home (short); the full path for a
    sandbox, whose home is not the shell's."""
    if path is None:
        return ""
    if not target.sandbox and path.is_relative_to(target.home):
        return sh.home(path.relative_to(target.home).as_posix())
    return sh.q(str(path))


def _where(target: Target, answers: Answers, sh: Shell, *, repo: bool = False) -> str:
    where = f"--organization {target.org_url} --project {sh.q(answers.project)}"
    return f"{where} --repository {sh.q(answers.repo)}" if repo else where


def _sign_in(target: Target, answers: Answers, sh: Shell) -> str:
    org = "https://dev.azure.com/NAME" if target.org_pending else target.org_url
    with_pat = f"az devops login --organization {org}   (paste a PAT when asked)"
    if target.sandbox:  # `az login` reaches Microsoft online, never the offline sandbox
        return with_pat
    return (
        "az login   (Microsoft Entra; --use-device-code where no browser opens)\n"
        f"az account get-access-token --resource {AZURE_DEVOPS_RESOURCE}\n"
        f"or with a PAT: {with_pat}"
    )


def _organization(target: Target, answers: Answers, sh: Shell) -> str:
    return "No command creates an organisation: the portal does (https://aex.dev.azure.com)."


def _project(target: Target, answers: Answers, sh: Shell) -> str:
    return (
        f"az devops project create --name {sh.q(answers.project)} --process "
        f"{sh.q(answers.process)} --description {sh.q(answers.project_description)} "
        f"--organization {target.org_url}"
    )


def _team(target: Target, answers: Answers, sh: Shell) -> str:
    call = _DEFAULT_TEAM_CALL.format(org=target.org_url)
    show = (
        f"az devops project show --project {sh.q(answers.project)} "
        f"--organization {target.org_url} --query defaultTeam.name"
    )
    if answers.team.lower() == f"{answers.project} Team".lower():
        # A new project's first team is its default: nothing to create, only to see.
        return f"No az command sets the default team; the wizard calls {call}. See it:\n{show}"
    return (
        f"az devops team create --name {sh.q(answers.team)} --description "
        f"{sh.q(answers.team_description)} {_where(target, answers, sh)}\n"
        f"No az command makes it the default team; the wizard calls {call}. See it:\n{show}"
    )


def _members(target: Target, answers: Answers, sh: Shell) -> str:
    org = f"--organization {target.org_url}"
    group = sh.capture(
        "G",
        f"az devops security group list --project {sh.q(answers.project)} {org} "
        f"--query \"graphGroups[?displayName=='{answers.team}'].descriptor\" -o tsv",
    )
    try:
        members = answers.all_members()
    except AnswersError:  # a CSV the members step will report: show the sequence for one address
        members = list(answers.members)
    # Without a level: Basic for the first colleagues (free seats: five, you included), then
    # Stakeholder, as the members step does for a new organisation.
    members = with_free_seats(members, FREE_BASIC_SEATS - 1)
    lines = [group]
    shown: list[Member | None] = [*members] or [None]
    for member in shown:
        email = member.email if member else "NAME@DOMAIN"
        licence = member.license if member else "stakeholder"
        lines.append(f"az devops user add --email-id {email} --license-type {licence} {org}")
        lines.append(
            f"az devops security group membership add --group-id $G --member-id {email} {org}"
        )
    return "\n".join(lines)


def _ssh_key(target: Target, answers: Answers, sh: Shell) -> str:
    key = _path(answers.key_path, target, sh)
    return (
        f"ssh-keygen -t rsa -b {answers.key_bits} -f {key}\n"
        f"No command registers it: paste {key}.pub at {target.org_url}/_usersSettings/keys."
    )


def _import(target: Target, answers: Answers, sh: Shell) -> str:
    return (
        f"az repos create --name {sh.q(answers.repo)} {_where(target, answers, sh)}\n"
        f"az repos import create --git-source-url {answers.source_url} {_where(target, answers, sh, repo=True)}"
    )


def _ssh_url(target: Target, answers: Answers) -> str:
    parts = (target.org, answers.project, answers.repo)
    return f"git@{target.ssh_alias}:v3/" + "/".join(quote(p, safe="") for p in parts)


def _clone(target: Target, answers: Answers, sh: Shell) -> str:
    where = f"{_ssh_url(target, answers)} {_path(answers.clone_dir, target, sh)}"
    if target.sandbox:  # ssh reads the sandbox home's config, as the wizard's own clone does
        ssh = f"ssh -F {sh.git_path(target.ssh_dir / 'config')}"
        return f"git clone -c core.sshCommand={sh.q(ssh)} {where}"
    return f"git clone {where}"


def _pull_request(target: Target, answers: Answers, sh: Shell) -> str:
    entry = entry_path(answers.alias)
    # The wizard's own commit message; `az repos pr create` takes a one-commit PR's title from it.
    title = f"Add {answers.alias} to the attendees"
    return "\n".join(
        [
            f"cd {_path(answers.clone_dir, target, sh)}",
            f"git switch -c {sh.q(answers.branch)}",
            *sh.write_file("attendees", entry, f"# {answers.alias}"),
            *sh.both(f"git add {entry}", f"git commit -m {sh.q(title)}"),
            f"git push -u origin {sh.q(answers.branch)}",
            f"az repos pr create {_where(target, answers, sh, repo=True)} --source-branch "
            f"{sh.q(answers.branch)}",
        ]
    )


_SEQUENCES: dict[str, Callable[[Target, Answers, Shell], str]] = {
    StepKey.SIGN_IN: _sign_in,
    StepKey.ORGANIZATION: _organization,
    StepKey.PROJECT: _project,
    StepKey.TEAM: _team,
    StepKey.MEMBERS: _members,
    StepKey.SSH_KEY: _ssh_key,
    StepKey.IMPORT: _import,
    StepKey.CLONE: _clone,
    StepKey.PULL_REQUEST: _pull_request,
}


def by_hand(key: str, target: Target, answers: Answers, shell: Shell | None = None) -> str:
    """The "By hand" text of step `key` for this target and answers ("" for an unknown step),
    for `shell` (default: the attendee's: PowerShell on Windows, bash elsewhere)."""
    sequence = _SEQUENCES.get(key)
    if target.org_pending:  # no organisation yet: NAME stands for it, never a placeholder URL
        target = replace(target, org_url=target.org_url.rsplit("/", 1)[0] + "/NAME")
    return sequence(target, answers, shell or Shell.attendees()) if sequence else ""
