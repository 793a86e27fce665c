"""Profile (`me`) and the accounts (organisations) of a member, on app.vssps.visualstudio.com."""

from __future__ import annotations

import time

from ..errors import ServiceError
from ..routing import Answer, Call, collection, router


@router.route("GET", "app", "_apis/Profile/Profiles/{id}")
def get_profile(call: Call) -> Answer:
    user = call.sandbox.user
    if call.params["id"].lower() not in ("me", user["id"]):
        raise ServiceError(
            404,
            "ProfileNotFoundException",
            f"VS805003: The profile {call.params['id']} was not found.",
        )
    return {
        "displayName": user["displayName"],
        "publicAlias": user["id"],
        "emailAddress": user["email"],
        "coreRevision": 1,
        "timeStamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "id": user["id"],
        "revision": 1,
    }


@router.route("GET", "app", "_apis/Accounts")
@router.route("GET", "vssps", "_apis/Accounts")
def list_accounts(call: Call) -> Answer:
    member = call.q("memberId") or call.q("ownerId")
    user = call.sandbox.user
    if not member:
        raise ServiceError(
            400, "ArgumentNullException", "VS800075: One of memberId or ownerId must be given."
        )
    if member.lower() != user["id"].lower():
        return collection([])
    accounts = []
    from ..membership import is_member

    for org in call.store.find("org"):
        if not is_member(call.sandbox, org, user["id"]):
            continue  # another account's organisation: the user sees the ones they belong to
        name = org["accountName"]
        accounts.append(
            {
                "accountId": org["accountId"],
                "accountUri": f"{call.base_url}/vssps/{name}/",
                "accountName": name,
                "properties": {},
            }
        )
    return collection(accounts)
