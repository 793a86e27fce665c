"""Stories about inviting colleagues and putting them in the team, through the official SDK."""

from __future__ import annotations

import pytest
from azure.devops.exceptions import AzureDevOpsClientRequestError, AzureDevOpsServiceError
from azure.devops.v7_1.member_entitlement_management.models import (
    AccessLevel,
    GraphUser,
    Group,
    JsonPatchOperation,
    ProjectEntitlement,
    ProjectRef,
    UserEntitlement,
)

from tests.sandbox.helpers import create_project


def invitation(email: str, licence: str = "stakeholder", project_id: str | None = None):
    projects = []
    if project_id:
        projects = [
            ProjectEntitlement(
                group=Group(group_type="projectContributor"), project_ref=ProjectRef(id=project_id)
            )
        ]
    return UserEntitlement(
        access_level=AccessLevel(account_license_type=licence),
        user=GraphUser(subject_kind="user", principal_name=email),
        project_entitlements=projects,
    )


def test_inviting_colleagues_as_stakeholder_and_basic(org):
    college = create_project(org)
    entitlements = org.get_member_entitlement_management_client()

    grace = entitlements.add_user_entitlement(invitation("grace@college.example"))
    assert grace.is_success is True
    assert grace.user_entitlement.access_level.account_license_type == "stakeholder"
    assert grace.user_entitlement.access_level.license_display_name == "Stakeholder"
    assert grace.user_entitlement.access_level.status == "pending"
    assert grace.user_entitlement.user.principal_name == "grace@college.example"
    assert grace.user_entitlement.user.descriptor.startswith("aad.")

    alan = entitlements.add_user_entitlement(
        invitation("alan@college.example", "express", college.id)
    )
    assert alan.is_success is True
    assert alan.user_entitlement.access_level.license_display_name == "Basic"
    [project_entitlement] = alan.user_entitlement.project_entitlements
    assert project_entitlement.project_ref.id == college.id
    assert project_entitlement.group.group_type == "projectContributor"

    # The organisation now lists the owner and both colleagues; a user can be read back by id.
    listed = entitlements.search_user_entitlements().members
    assert [m.user.principal_name for m in listed] == [
        "ada@college.example",
        "grace@college.example",
        "alan@college.example",
    ]
    assert entitlements.get_user_entitlement(alan.user_entitlement.id).user.display_name == (
        "alan@college.example"
    )
    found = entitlements.search_user_entitlements(filter="name eq 'grace'").members
    assert [m.id for m in found] == [grace.user_entitlement.id]


def test_an_address_the_directory_refuses_fails_with_http_200(org):
    result = org.get_member_entitlement_management_client().add_user_entitlement(
        invitation("nobody@college.invalid")
    )
    assert result.is_success is False
    assert result.user_entitlement is None
    # The SDK's UserEntitlementOperationResult maps only userId: the errors arrive unmapped.
    assert result.operation_result.additional_properties["errors"] == [
        {
            "key": 5000,
            "value": "VS403283: Could not add user 'nobody@college.invalid' at this time.",
        }
    ]
    assert [
        m.user.principal_name
        for m in org.get_member_entitlement_management_client().search_user_entitlements().members
    ] == ["ada@college.example"]


def test_inviting_someone_twice_adopts_the_first_invitation(org):
    entitlements = org.get_member_entitlement_management_client()
    first = entitlements.add_user_entitlement(invitation("grace@college.example"))
    again = entitlements.add_user_entitlement(invitation("Grace@College.example"))
    assert again.is_success is True
    assert again.user_entitlement.id == first.user_entitlement.id
    members = entitlements.search_user_entitlements().members
    assert sum(m.user.principal_name.lower() == "grace@college.example" for m in members) == 1


def test_an_entitlement_for_a_missing_project_is_refused(org):
    with pytest.raises(AzureDevOpsServiceError) as refused:
        org.get_member_entitlement_management_client().add_user_entitlement(
            invitation("grace@college.example", project_id="11111111-2222-3333-4444-555555555555")
        )
    assert refused.value.type_key == "ProjectDoesNotExistException"


def test_the_cli_bulk_invite_form_and_removal(org):
    entitlements = org.get_member_entitlement_management_client()
    reference = entitlements.update_user_entitlements(
        [
            JsonPatchOperation(
                op="add",
                path="",
                value={
                    "accessLevel": {"accountLicenseType": "stakeholder"},
                    "extensions": [],
                    "projectEntitlements": [],
                    "user": {"subjectKind": "user", "principalName": "grace@college.example"},
                },
            )
        ],
        do_not_send_invite_for_new_users=True,
    )
    assert reference.status == "succeeded" and reference.completed is True
    [result] = reference.results
    user_id = result.user_id
    assert entitlements.get_user_entitlement(user_id).access_level.status == "pending"

    entitlements.update_user_entitlement(
        [
            JsonPatchOperation(
                op="replace", path="/accessLevel", value={"accountLicenseType": "express"}
            )
        ],
        user_id,
    )
    assert entitlements.get_user_entitlement(user_id).access_level.account_license_type == (
        "express"
    )

    entitlements.delete_user_entitlement(user_id)
    with pytest.raises(AzureDevOpsServiceError) as gone:
        entitlements.get_user_entitlement(user_id)
    assert gone.value.type_key == "UserEntitlementNotFoundException"


def test_a_colleague_joins_the_college_team(org):
    college = create_project(org)
    team = org.get_core_client().get_team(college.id, "College Team")
    graph = org.get_graph_client()
    grace = (
        org.get_member_entitlement_management_client()
        .add_user_entitlement(invitation("grace@college.example", project_id=college.id))
        .user_entitlement
    )

    team_descriptor = graph.get_descriptor(team.id).value
    assert team_descriptor.startswith("vssgp.")
    assert graph.get_descriptor(college.id).value.startswith("scp.")
    assert graph.get_descriptor(grace.id).value == grace.user.descriptor

    # Not yet a member: the existence check answers 404.
    with pytest.raises(AzureDevOpsClientRequestError, match="404"):
        graph.check_membership_existence(grace.user.descriptor, team_descriptor)

    membership = graph.add_membership(grace.user.descriptor, team_descriptor)
    assert membership.member_descriptor == grace.user.descriptor
    assert membership.container_descriptor == team_descriptor
    graph.add_membership(grace.user.descriptor, team_descriptor)  # idempotent
    graph.check_membership_existence(grace.user.descriptor, team_descriptor)  # no error: 200

    members = org.get_core_client().get_team_members_with_extended_properties(college.id, team.id)
    by_name = {m.identity.unique_name: m for m in members}
    # The creator of the project is a member and administrator of its default team.
    assert by_name["ada@college.example"].is_team_admin is True
    assert by_name["grace@college.example"].is_team_admin is False
    assert by_name["grace@college.example"].identity.id == grace.id
    assert len(members) == 2

    up = graph.list_memberships(grace.user.descriptor, direction="up")
    assert [m.container_descriptor for m in up] == [team_descriptor]
    groups = graph.list_groups(scope_descriptor=graph.get_descriptor(college.id).value)
    assert sorted(g.principal_name for g in groups.graph_groups) == [
        "[College]\\Build Administrators",
        "[College]\\College Team",
        "[College]\\Contributors",
        "[College]\\Project Administrators",
        "[College]\\Project Valid Users",
        "[College]\\Readers",
    ]
    assert graph.get_user(grace.user.descriptor).principal_name == "grace@college.example"


def test_leaving_a_team_and_unknown_descriptors(org):
    college = create_project(org)
    graph = org.get_graph_client()
    team_descriptor = graph.get_descriptor(college.default_team.id).value
    me = org.get_location_client().get_connection_data().authenticated_user.subject_descriptor

    graph.remove_membership(me, team_descriptor)
    with pytest.raises(AzureDevOpsClientRequestError, match="404"):
        graph.check_membership_existence(me, team_descriptor)
    assert (
        org.get_core_client().get_team_members_with_extended_properties(
            college.id, college.default_team.id
        )
        == []
    )

    with pytest.raises(AzureDevOpsServiceError) as unknown:
        graph.add_membership("aad.bm9ib2R5", team_descriptor)
    assert unknown.value.type_key == "GraphSubjectNotFoundException"
    with pytest.raises(AzureDevOpsServiceError) as no_key:
        graph.get_descriptor("11111111-2222-3333-4444-555555555555")
    assert no_key.value.type_key == "GraphSubjectNotFoundException"
