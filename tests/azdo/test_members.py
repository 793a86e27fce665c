"""Inviting colleagues and putting them in the team."""

from __future__ import annotations

from .conftest import create_project


def test_a_colleague_is_invited_and_added_to_the_team(sandbox, azdo):
    project = create_project(azdo)
    team_descriptor = azdo.descriptor(project.default_team_id)
    assert team_descriptor.startswith("vssgp.")

    invite = azdo.invite("grace@college.example", "stakeholder", project.id)

    assert invite.ok, invite.message
    assert invite.user_id and invite.user_descriptor.startswith("aad.")
    assert not azdo.is_member(invite.user_descriptor, team_descriptor)

    azdo.add_member(invite.user_descriptor, team_descriptor)
    azdo.add_member(invite.user_descriptor, team_descriptor)  # PUT: a second time changes nothing

    assert azdo.is_member(invite.user_descriptor, team_descriptor)
    members = azdo.team_members(project.id, project.default_team_id)
    assert "grace@college.example" in {m.unique_name for m in members}


def test_inviting_someone_twice_finds_them_again(azdo):
    project = create_project(azdo)
    first = azdo.invite("grace@college.example", "stakeholder", project.id)
    second = azdo.invite("grace@college.example", "express", project.id)
    assert second.ok
    assert (second.user_id, second.user_descriptor) == (first.user_id, first.user_descriptor)


def test_an_address_the_directory_refuses_comes_back_as_a_refused_invite(azdo):
    project = create_project(azdo)

    invite = azdo.invite("x@nowhere.invalid", "stakeholder", project.id)

    assert not invite.ok
    assert "VS403283" in invite.message
    assert "x@nowhere.invalid" in invite.message
    assert invite.user_descriptor is None
