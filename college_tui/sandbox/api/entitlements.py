"""User entitlements (vsaex): invite, list, change and remove an organisation's users."""

from __future__ import annotations

import re
import uuid
from typing import Any

from .. import rules
from ..errors import ServiceError
from ..routing import Answer, Call, router
from .lookups import (
    find_memberships,
    membership_id,
)
from .members import (
    _licence,
    _project_entitlement,
    _result,
    _save_member,
    bad_argument,
    entitlement_json,
    entitlement_not_found,
    find_member,
    invite,
    org_members,
)

# -- user entitlements (vsaex) --------------------------------------------------------------------


@router.route("POST", "vsaex", "_apis/UserEntitlements")
def add_user_entitlement(call: Call) -> Answer:
    with call.store.transaction():
        result = invite(call, call.body)
    out = {"isSuccess": result["isSuccess"], "operationResult": result}
    if "result" in result:
        out["userEntitlement"] = result["result"]
    return out


def _change(call: Call, member: dict[str, Any], op: dict[str, Any], path: str) -> None:
    """Apply one JSON-patch operation (path relative to the user) to an entitlement."""
    if member.get("owner"):
        raise bad_argument("The sandbox does not change the organization owner's entitlement.")
    kind = (op.get("op") or "").lower()
    value = op.get("value")
    parts = [p for p in path.split("/") if p]
    if kind == "replace" and parts == ["accessLevel"]:
        licence = _licence(value)
        if licence == "express" and member["accountLicenseType"] != "express":
            refused = rules.basic_refusal(call.sandbox, org_members(call.sandbox, member["org"]))
            if refused is not None:
                raise bad_argument(refused["value"])
        member["accountLicenseType"] = licence
    elif kind == "add" and parts == ["projectEntitlements"]:
        entry = _project_entitlement(call, value)
        member["projectEntitlements"] = [
            e for e in member["projectEntitlements"] if e["projectId"] != entry["projectId"]
        ]
        member["projectEntitlements"].append(entry)
    elif kind == "remove" and len(parts) == 2 and parts[0] == "projectEntitlements":
        member["projectEntitlements"] = [
            e for e in member["projectEntitlements"] if e["projectId"].lower() != parts[1].lower()
        ]
    elif kind == "add" and parts == ["extensions"] and isinstance(value, dict):
        member["extensions"].append(value)
    else:
        raise bad_argument(f"The sandbox does not support the patch operation {kind} {path!r}.")
    _save_member(call.sandbox, member)


def _patch_document(call: Call) -> list[dict[str, Any]]:
    body = call.body
    if not isinstance(body, list) or not all(isinstance(op, dict) for op in body):
        raise bad_argument("The request body must be a JSON-patch document (a list of operations).")
    return body


_USER_PATH = re.compile(r"^/([0-9a-fA-F-]{36})(/.*)?$")


@router.route("PATCH", "vsaex", "_apis/UserEntitlements")
def update_user_entitlements(call: Call) -> Answer:
    """The bulk form the CLI uses: `add` at path "" invites, `/{userId}/...` changes a user."""
    results = []
    with call.store.transaction():
        for op in _patch_document(call):
            path = op.get("path") or ""
            if (op.get("op") or "").lower() == "add" and path in ("", "/"):
                results.append(invite(call, op.get("value")))
                continue
            m = _USER_PATH.match(path)
            if not m:
                raise bad_argument(f"The patch path {path!r} does not name a user.")
            member = find_member(call.sandbox, call.org or "", user_id=m.group(1))
            if member is None:
                raise entitlement_not_found(m.group(1))
            _change(call, member, op, m.group(2) or "")
            results.append(_result(call, member))
    ok = all(r["isSuccess"] for r in results)
    return {
        "id": str(uuid.uuid4()),
        "status": "succeeded" if ok else "failed",
        "haveResultsSucceeded": ok,
        "completed": True,
        "results": results,
    }


def _filter(members: list[dict[str, Any]], expression: str) -> list[dict[str, Any]]:
    """The `$filter` clauses the wizard can need: name, licenseId (joined by `and`)."""
    for clause in re.split(r"\s+and\s+", expression.strip(" ()"), flags=re.IGNORECASE):
        m = re.match(r"^\(?\s*(\w+)\s+eq\s+'([^']*)'\s*\)?$", clause.strip(), re.IGNORECASE)
        if not m:
            raise bad_argument(f"The filter clause {clause!r} is not supported by the sandbox.")
        field, wanted = m.group(1).lower(), m.group(2).lower()
        if field == "name":
            members = [
                u
                for u in members
                if wanted in u["displayName"].lower() or wanted in u["principalName"].lower()
            ]
        elif field == "licenseid":
            members = [u for u in members if f"account-{u['accountLicenseType']}".lower() == wanted]
        elif field not in ("usertype", "licensestatus"):
            raise bad_argument(f"The filter field {m.group(1)!r} is not supported by the sandbox.")
    return members


@router.route("GET", "vsaex", "_apis/UserEntitlements")
def list_user_entitlements(call: Call) -> Answer:
    members = org_members(call.sandbox, call.org or "")
    if call.q("$filter"):
        members = _filter(members, call.q("$filter") or "")
    try:
        start = int(call.q("continuationToken") or call.q("skip") or call.q("$skip") or 0)
        size = int(call.q("top") or call.q("$top") or 100)
    except ValueError as err:
        raise bad_argument(f"Paging parameters must be numbers: {err}") from None
    page = [entitlement_json(call, u) for u in members[start : start + size]]
    more = start + size < len(members)
    return {
        "members": page,
        "continuationToken": str(start + size) if more else "",
        "totalCount": len(members),
        "items": page,
    }


def _require_member(call: Call) -> dict[str, Any]:
    member = find_member(call.sandbox, call.org or "", user_id=call.params["userId"])
    if member is None:
        raise entitlement_not_found(call.params["userId"])
    return member


@router.route("GET", "vsaex", "_apis/UserEntitlements/{userId}")
def get_user_entitlement(call: Call) -> Answer:
    return entitlement_json(call, _require_member(call))


@router.route("PATCH", "vsaex", "_apis/UserEntitlements/{userId}")
def update_user_entitlement(call: Call) -> Answer:
    with call.store.transaction():
        member = _require_member(call)
        results = []
        for op in _patch_document(call):
            _change(call, member, op, op.get("path") or "")
            results.append(_result(call, member))
    return {
        "operationResults": results,
        "isSuccess": True,
        "userEntitlement": entitlement_json(call, member),
    }


@router.route("DELETE", "vsaex", "_apis/UserEntitlements/{userId}")
def delete_user_entitlement(call: Call) -> Answer:
    member = _require_member(call)
    if member.get("owner"):
        raise ServiceError(
            400,
            "InvalidOperationException",
            "The organization owner cannot be removed from the organization.",
        )
    with call.store.transaction():
        call.store.delete("entitlement", f"{member['org'].lower()}:{member['id']}")
        for doc in find_memberships(call.sandbox, call.org or "", member=member["descriptor"]):
            call.store.delete(
                "membership",
                membership_id(call.org or "", doc["memberDescriptor"], doc["containerDescriptor"]),
            )
    return None
