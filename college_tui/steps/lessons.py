"""What each step is called and what it teaches, in one table keyed by the step: the step list,
the panels' "What you learn", `apply`'s lines and the checklist read these words through
`Step.title`, `Step.teaches` and `Step.heading` (steps/base.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import StepKey


@dataclass(frozen=True)
class Lesson:
    title: str
    teaches: str  # what the course wants the attendee to learn at this step
    # The title with the attendee's own names (str.format with `answers`); "" keeps the title.
    heading: str = ""


# Keyed by StepKey; a plain str finds the same lesson (a StrEnum is its string).
LESSONS: dict[str, Lesson] = {
    StepKey.SIGN_IN: Lesson(
        "Sign in to Azure DevOps",
        (
            "Azure DevOps accepts Microsoft Entra ID, personal Microsoft accounts and GitHub "
            "identities; tools sign in with a personal access token (PAT) or an Entra token."
        ),
    ),
    StepKey.ORGANIZATION: Lesson(
        "Choose or create the organisation",
        (
            "An organisation (https://dev.azure.com/<name>) holds projects, users and billing; "
            "it is created once in the portal."
        ),
    ),
    StepKey.PROJECT: Lesson(
        "Create the project",
        (
            "A project holds boards, repos and pipelines; its process (Agile here) decides the "
            "work item types: User Story, Task, Bug, Epic, Feature."
        ),
        "Create the project {answers.project} ({answers.process})",
    ),
    StepKey.TEAM: Lesson(
        "Make the team the default team",
        (
            "Teams own backlogs, boards and dashboards; the default team is the one a new "
            "member lands in."
        ),
        "Make {answers.team} the default team",
    ),
    StepKey.MEMBERS: Lesson(
        "Add your colleagues to the team",
        (
            "People get an access level (Basic includes Azure Repos, and an organisation's first "
            "five Basic users are free; Stakeholder is free without Repos), a project to work in, "
            "and a team to belong to."
        ),
        "Add your colleagues to {answers.team}",
    ),
    StepKey.SSH_KEY: Lesson(
        "Create and register your SSH key",
        (
            "SSH uses a key pair: the private key never leaves your machine, the public key is "
            "registered in Azure DevOps. Azure DevOps accepts RSA keys only, and you check its "
            "host key against the published fingerprint instead of trusting it blindly."
        ),
    ),
    StepKey.IMPORT: Lesson(
        "Import the course repository",
        (
            "Azure Repos can import any public Git repository: Azure DevOps clones it on its "
            "side into a new, empty repository, history and branches included."
        ),
    ),
    StepKey.CLONE: Lesson(
        "Clone the repository over SSH",
        (
            "git clone copies the whole repository, history included, to your machine; over "
            "SSH your key proves who you are, so no password is asked. Where a firewall "
            "blocks SSH, HTTPS with a personal access token does the same job."
        ),
    ),
    StepKey.PULL_REQUEST: Lesson(
        "Branch, commit, push and open a pull request",
        (
            "Work happens on a branch; a pull request asks the team to review it and merge it "
            "into the default branch."
        ),
    ),
}
