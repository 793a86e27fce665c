"""Project "College" on Agile, its default team, and creating a team."""

from __future__ import annotations

import pytest

from college_tui.azdo.errors import AzdoError, PortalRefused

from .conftest import agile_id, create_project


def test_processes_include_agile_by_its_fixed_id(azdo):
    processes = {p.name: p for p in azdo.processes()}
    assert processes["Agile"].id == "adcc42ab-9882-485e-a3ed-7678f01f66bc"
    assert processes["Basic"].is_default


def test_creating_the_project_queues_an_operation_that_ends_in_a_project(sandbox, azdo):
    assert azdo.get_project("College") is None

    project = create_project(azdo, "College")

    assert project.name == "College"
    assert project.process_name == "Agile"
    assert project.process_id == "adcc42ab-9882-485e-a3ed-7678f01f66bc"
    assert project.default_team_name == "College Team"
    assert project.web_url == f"{sandbox.info.org_url}/College"
    assert azdo.get_project(project.id) == project


def test_a_second_queue_while_the_first_runs_adopts_the_first(sandbox, azdo):
    first = azdo.queue_create_project("College", "", agile_id(azdo))
    assert azdo.queue_create_project("College", "", agile_id(azdo)) == first
    assert len(sandbox.sandbox.store.find("operation")) == 1


def test_an_existing_project_name_is_refused_with_the_services_words(azdo):
    create_project(azdo, "College")
    other = azdo.__class__(azdo.org_url, azdo.profile_url, azdo.credential, lambda e: None)
    with pytest.raises(AzdoError) as failure:
        other.queue_create_project("College", "", agile_id(other))
    assert failure.value.type_key == "ProjectAlreadyExistsException"
    assert failure.value.status == 400
    assert "TF200019" in failure.value.message
    assert failure.value.message.startswith("Could not create the project (HTTP 400)")


def test_teams_list_and_create(azdo):
    project = create_project(azdo)
    assert [t.name for t in azdo.teams(project.id)] == ["College Team"]

    team = azdo.create_team(project.id, "Reviewers", "People who review pull requests.")

    assert team.name == "Reviewers"
    assert {t.name for t in azdo.teams(project.id)} == {"College Team", "Reviewers"}
    with pytest.raises(AzdoError) as failure:
        azdo.create_team(project.id, "Reviewers", "again")
    assert failure.value.status == 400


def test_setting_the_default_team_changes_the_project(sandbox, azdo):
    project = create_project(azdo)
    team = azdo.create_team(project.id, "Reviewers", "")

    azdo.set_default_team(project.name, team.id)

    assert azdo.get_project("College").default_team_id == team.id
    azdo.set_default_team(project.name, team.id)  # again: nothing changes, nothing fails
    assert azdo.get_project("College").default_team_name == "Reviewers"


def test_an_unknown_team_shows_the_portals_message_and_hands_off(azdo):
    project = create_project(azdo)
    with pytest.raises(PortalRefused) as failure:
        azdo.set_default_team(project.name, "00000000-0000-0000-0000-000000000000")
    message = failure.value.message
    assert message.startswith(
        "Azure DevOps refused to set the default team through its portal API: "
    )
    assert "00000000-0000-0000-0000-000000000000" in message  # the portal's own sentence
    assert message.endswith("The wizard will show you how to do it in the browser instead.")


def test_a_refused_default_team_call_is_a_portal_refusal(sandbox, connect):
    azdo = connect(sandbox, pat="x" * 20)
    with pytest.raises(PortalRefused) as failure:
        azdo.set_default_team("College", "00000000-0000-0000-0000-000000000000")
    assert failure.value.status == 401
    assert "browser" in failure.value.message
