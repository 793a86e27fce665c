"""Invitations (user entitlements), descriptors and group or team membership."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import errors as E
from ..models import (
    Invite,
    Member,
)
from .failures import _service_message
from .plumbing import Plumbing

_USER_ENTITLEMENTS_LOCATION = "387f832c-dbf2-4643-88e9-c1aa94dbb737"
_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


class Members(Plumbing):
    """Invitations (user entitlements), descriptors and group or team membership."""

    def invite(self, email: str, access_level: str, project_id: str) -> Invite:
        """Add `email` to the organization (and the project's Contributors). Refusals come back
        as `Invite(ok=False, message=...)`, not as exceptions (the service answers HTTP 200)."""
        from azure.devops.v7_1.member_entitlement_management.models import (
            AccessLevel,
            GraphUser,
            Group,
            ProjectEntitlement,
            ProjectRef,
            UserEntitlement,
        )

        def recheck() -> Invite | None:
            return self._existing_entitlement(email)

        def run() -> Invite:
            entitlement = UserEntitlement(
                access_level=AccessLevel(
                    account_license_type=access_level, licensing_source="account"
                ),
                user=GraphUser(subject_kind="user", principal_name=email),
                project_entitlements=[
                    ProjectEntitlement(
                        group=Group(group_type="projectContributor"),
                        project_ref=ProjectRef(id=project_id),
                    )
                ],
                extensions=[],
            )
            client = self._clients().get_member_entitlement_management_client()
            try:
                # add_user_entitlement() itself would drop operationResult.errors (the SDK's
                # model types them as '[{ key: int; value: str }]', which msrest can't read), and
                # those errors are the only explanation of a refusal: same request, JSON kept.
                response = client._send(
                    http_method="POST",
                    location_id=_USER_ENTITLEMENTS_LOCATION,
                    version="7.1-preview.3",
                    content=client._serialize.body(entitlement, "UserEntitlement"),
                )
            except Exception as error:
                if "already exists" in _service_message(error).lower():
                    return recheck() or Invite(True, f"{email} is already in the organization.")
                raise
            return _invite_from(email, response.json())

        return self._call(
            "invite",
            run,
            recheck=recheck,
            idempotent=False,
            on_conflict=lambda: (
                recheck() or Invite(True, f"{email} is already in the organization.")
            ),
        )

    def invite_many(self, people: Sequence[tuple[str, str]], project_id: str) -> dict[str, Invite]:
        """Invite several people (email, access level) with one request: the bulk form the
        portal and the Azure CLI use, a PATCH of JSON-patch `add` operations on UserEntitlements.
        Each person's answer is theirs, keyed by their address as given; a refusal comes back
        as HTTP 200 with that person's errors, as for one invitation. Whoever the answer does
        not name is left out (the caller invites them one by one)."""
        document = [
            {
                "op": "add",
                "path": "",
                "value": {
                    "accessLevel": {"accountLicenseType": level, "licensingSource": "account"},
                    "user": {"subjectKind": "user", "principalName": email},
                    "projectEntitlements": [
                        {
                            "group": {"groupType": "projectContributor"},
                            "projectRef": {"id": project_id},
                        }
                    ],
                    "extensions": [],
                },
            }
            for email, level in people
        ]

        def run() -> dict[str, Invite]:
            client = self._clients().get_member_entitlement_management_client()
            response = client._send(
                http_method="PATCH",
                location_id=_USER_ENTITLEMENTS_LOCATION,
                version="7.1-preview.3",
                query_parameters={"doNotSendInviteForNewUsers": "false"},
                content=document,
                media_type="application/json-patch+json",
            )
            return _invites_of(people, response.json())

        # Adding someone already there finds them (the operation is its own recheck): a lost
        # answer is asked again; a failure leaves everyone to the one-by-one invitation.
        return self._call("invite_many", run, writes=True)

    def _existing_entitlement(self, email: str) -> Invite | None:
        """The user entitlement for `email`, if the organization has one (None if unknown)."""

        def run() -> Invite | None:
            client = self._clients().get_member_entitlement_management_client()
            safe = email.replace("'", "''")
            token = None
            while True:  # a name filter matches by substring: follow every page
                page = client.search_user_entitlements(
                    continuation_token=token, filter=f"name eq '{safe}'"
                )
                found = _entitlement_of(email, getattr(page, "members", None) or [])
                # The SDK's model maps only `members`: the token lands in the extras.
                extra = getattr(page, "additional_properties", None) or {}
                token = getattr(page, "continuation_token", None) or extra.get("continuationToken")
                if found is not None or not token:
                    return found

        try:
            return self._call("invite", run)
        except E.AzdoError as error:
            if error.status in (400, 404, 405):  # search unsupported here: treat as unknown
                return None
            raise

    def basic_users(self) -> int:
        """How many of the organization's users have Basic (accountLicenseType "express"), the
        owner included: the first five are free."""

        def run() -> int:
            client = self._clients().get_member_entitlement_management_client()
            count, token = 0, None
            while True:
                page = client.search_user_entitlements(
                    continuation_token=token, filter="licenseId eq 'Account-Express'"
                )
                count += len(getattr(page, "members", None) or [])
                extra = getattr(page, "additional_properties", None) or {}
                token = getattr(page, "continuation_token", None) or extra.get("continuationToken")
                if not token:
                    return count

        return self._call("basic_users", run)

    def user_entitlement(self, email: str) -> Invite | None:
        """The organization's entitlement for `email`, None when it has none (a read only)."""
        return self._existing_entitlement(email)

    def descriptor(self, storage_key: str) -> str:
        """The Graph descriptor of a storage key (team id -> vssgp.…)."""

        def run() -> str:
            return str(self._clients().get_graph_client().get_descriptor(storage_key).value)

        return self._call("descriptor", run)

    def is_member(self, subject_descriptor: str, container_descriptor: str) -> bool:
        """Whether the subject (user) is a direct member of the container (team group)."""

        def run() -> bool:
            graph = self._clients().get_graph_client()
            result = self._none_if_missing(
                lambda: (
                    graph.check_membership_existence(subject_descriptor, container_descriptor)
                    or True
                )
            )
            return result is not None

        return self._call("is_member", run)

    def add_member(self, subject_descriptor: str, container_descriptor: str) -> None:
        """Add the subject to the container (PUT: idempotent, retried as is)."""

        def run() -> None:
            self._clients().get_graph_client().add_membership(
                subject_descriptor, container_descriptor
            )

        self._call("add_member", run, writes=True)

    def team_members(self, project_id: str, team_id: str) -> list[Member]:
        """The team's members, every page of them (the service hands out 100 at a time)."""

        def page(top: int, skip: int) -> list[Any]:
            core = self._core()
            return (
                core.get_team_members_with_extended_properties(project_id, team_id, top, skip) or []
            )

        return [
            Member(
                id=str(m.identity.id),
                unique_name=m.identity.unique_name or "",
                display_name=m.identity.display_name or "",
                descriptor=m.identity.descriptor,
            )
            for m in self._all_pages("team_members", page)
        ]


def _entitlement_of(email: str, members: list[Any]) -> Invite | None:
    """The Invite for the entitlement of `email` among a page of search results, if there."""
    for member in members:
        user = member.user
        names = {
            (getattr(user, "principal_name", "") or "").lower(),
            (getattr(user, "mail_address", "") or "").lower(),
        }
        if email.lower() in names:
            return Invite(
                True,
                f"{email} is already in the organization.",
                str(member.id),
                getattr(user, "descriptor", None),
            )
    return None


def _invites_of(people: Sequence[tuple[str, str]], answer: Any) -> dict[str, Invite]:
    """Each person's Invite from a UserEntitlementOperationReference (JSON), matched by the
    address its result names, else by its place when the result names nobody (a refusal)."""
    results = (answer or {}).get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(people):
        return {}
    found: dict[str, Invite] = {}
    for (email, _level), result in zip(people, results, strict=True):
        if not isinstance(result, dict):
            continue
        user = (result.get("result") or {}).get("user") or {}
        named = (user.get("principalName") or user.get("mailAddress") or "").lower()
        if named and named != email.lower():
            return {}  # not in the order asked: nobody's answer can be trusted
        found[email] = _invite_from(
            email, {"isSuccess": result.get("isSuccess"), "operationResult": result}
        )
    return found


def _invite_from(email: str, answer: Any) -> Invite:
    """The Invite for a UserEntitlementsPostResponse (JSON): refusals arrive with HTTP 200."""
    answer = answer if isinstance(answer, dict) else {}
    result = answer.get("operationResult") or {}
    entitlement = answer.get("userEntitlement") or result.get("result") or {}
    user = entitlement.get("user") or {}
    ok = bool(answer.get("isSuccess")) and result.get("isSuccess") is not False
    user_id = result.get("userId") or entitlement.get("id")
    user_id = str(user_id) if user_id and user_id != _ZERO_GUID else None
    descriptor = user.get("descriptor") or None
    if ok:
        return Invite(True, f"Invited {email}; they get an e-mail to join.", user_id, descriptor)
    problems = [
        str(e.get("value"))
        for e in result.get("errors") or []
        if isinstance(e, dict) and e.get("value")
    ]
    said = " ".join(problems) or "no reason was given."
    return Invite(
        False,
        f"Azure DevOps could not add {email}: {said} Check the address; if it "
        "is right, the organization may not accept this account yet — try "
        "again later, or add them in the portal.",
        user_id,
        descriptor,
    )
