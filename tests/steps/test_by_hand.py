"""The "By hand" text for a real organisation: its URL, `~` paths, and what no command does.

tests/azure_cli/test_by_hand.py runs the sandbox's sequences with the real Azure CLI."""

from __future__ import annotations

from pathlib import Path

from college_tui.steps.answers import Answers
from college_tui.steps.by_hand import by_hand
from college_tui.target import Target

ORG = "https://dev.azure.com/contoso"


def real(tmp_path: Path, **answers) -> tuple[Target, Answers]:
    target = Target(org_url=ORG, profile_url="https://app.vssps.visualstudio.com", home=tmp_path)
    return target, Answers(alias="ada", **answers).for_target(target)


def test_every_sequence_names_the_organisation_and_short_paths(tmp_path):
    target, answers = real(tmp_path)
    for key in ("sign-in", "project", "team", "members", "import", "pull-request"):
        assert ORG in by_hand(key, target, answers), key
    assert by_hand("clone", target, answers) == (
        "git clone git@ssh.dev.azure.com:v3/contoso/College/aidevcollege ~/college/aidevcollege"
    )
    assert by_hand("ssh-key", target, answers).startswith(
        "ssh-keygen -t rsa -b 3072 -f ~/.ssh/college_tui_rsa\nNo command registers it"
    )
    pr = by_hand("pull-request", target, answers).splitlines()
    assert pr[0] == "cd ~/college/aidevcollege"
    assert pr[-2] == "git push -u origin users/ada/hello-college"
    assert pr[-1].startswith(f"az repos pr create --organization {ORG} --project College ")


def test_another_team_is_created_and_the_default_is_the_wizards_call(tmp_path):
    target, answers = real(tmp_path, team="Instructors")
    text = by_hand("team", target, answers)
    assert text.startswith("az devops team create --name Instructors ")
    assert "No az command makes it the default team" in text
    assert f"POST {ORG}/_apis/Contribution/HierarchyQuery" in text


def test_an_organisation_has_no_command(tmp_path):
    target, answers = real(tmp_path)
    assert by_hand("organization", target, answers).startswith("No command creates")
    assert by_hand("summary", target, answers) == ""


def test_signing_in_by_hand_shows_the_entra_token_and_the_pat_ways(tmp_path):
    target, answers = real(tmp_path)
    lines = by_hand("sign-in", target, answers).splitlines()
    assert lines[0].startswith("az login")
    assert lines[1] == (
        "az account get-access-token --resource 499b84ac-1321-427f-aa17-267ca6975798"
    )
    assert (
        lines[2]
        == f"or with a PAT: az devops login --organization {ORG}   (paste a PAT when asked)"
    )


def test_with_no_organisation_yet_by_hand_says_name_never_a_placeholder(tmp_path):
    from college_tui.target import PENDING_ORG

    target = Target(
        org_url=f"https://dev.azure.com/{PENDING_ORG}",
        profile_url="https://app.vssps.visualstudio.com",
        home=tmp_path,
        org_pending=True,
    )
    answers = Answers(alias="ada").for_target(target)
    for key in ("sign-in", "project", "team", "members", "ssh-key", "import", "pull-request"):
        text = by_hand(key, target, answers)
        assert PENDING_ORG not in text, (key, text)
    assert by_hand("project", target, answers).endswith("--organization https://dev.azure.com/NAME")
