"""The portal's undocumented endpoints: `Contribution/HierarchyQuery` data providers and SSH keys.

No SDK client covers these; the wizard calls them raw (API reference §4b, §6).

HierarchyQuery (dev and vssps, optionally with a `/{scopeName}/{scopeValue}` suffix) answers 200
with `{"dataProviderSharedData": {}, "dataProviders": {"ms.vss-web.component-data": {},
"ms.vss-web.shared-data": null, "<provider>": {...}}}`. A provider that fails is left out of
`dataProviders` and described in `dataProviderExceptions[<provider>]` as
`{"exceptionType", "message", "stackTrace": null, "typeKey", "errorCode"}`.

ASSUMPTIONS (nobody has published what the real portal sends when a provider fails; API reference
§4b, §6): the place (`dataProviderExceptions`) and `exceptionType`/`message`/`stackTrace` follow
the SDK's DataProviderExceptionDetails model; `typeKey` and `errorCode` in there, every typeKey
named below and the answer of the admin-teams provider are the sandbox's inventions. The wizard
(azdo/raw.py) therefore decides nothing on them: it shows the message and hands off. The
providers emulated:
- `ms.vss-admin-web.admin-teams-data-provider`: with `setDefaultTeam: true, teamId` and
  `sourcePage.routeValues.project` sets the project's default team; answers (sandbox shape, the
  real one is unknown) `{project{id,name}, defaultTeam{id,name}, teams[{id,name,description,
  isDefault}]}`. Unknown project/team -> `ProjectDoesNotExistWithNameException` /
  `TeamNotFoundException`.
- `ms.vss-token-web.personal-access-token-issue-session-token-provider` with `isPublic: true`:
  registers an SSH public key and answers the SessionToken (without `token`: a key has none).

SSH keys are documents of kind "sshkey" (id = authorizationId, org = organisation name) with data
{authorizationId, org, userId, displayName, publicData, scope, validFrom, validTo,
targetAccounts, isValid, isPublic}; the SSH git server reads them with
`store.find("sshkey", org=...)` and accepts a key while isValid and validTo is in the future.
Like Azure DevOps the sandbox accepts RSA keys only; it also refuses keys shorter than 2048 bits
and the same key material twice for the user in an organisation. Refusals use the typeKeys
`InvalidPublicKeyException` / `DuplicatePublicKeyException` (ASSUMPTION: names chosen by the
sandbox; the portal only shows the message).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

from .. import rules
from ..errors import ServiceError
from ..routing import Answer, Call, Reply, collection, router
from .lookups import find_team, require_project, require_team
from .teams import set_default_team

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
ADMIN_TEAMS = "ms.vss-admin-web.admin-teams-data-provider"
ISSUE_TOKEN = "ms.vss-token-web.personal-access-token-issue-session-token-provider"
MIN_RSA_BITS = 2048

NOT_RSA = 'Invalid key: Valid keys will start with "ssh-rsa".'
MALFORMED = (
    "Invalid key: Key must be Base64 encoded with OpenSSH format and RSA type. "
    'Valid keys will start with "ssh-rsa".'
)


def _invalid(message: str) -> ServiceError:
    # ASSUMPTION: the typeKey is the sandbox's name; only the message is what the portal shows.
    return ServiceError(400, "InvalidPublicKeyException", message)


# -- SSH keys ------------------------------------------------------------------------------------


def parse_public_key(line: str) -> tuple[str, str, str]:
    """(type, base64 blob, comment) of an OpenSSH RSA public key line, or the portal's refusal."""
    import paramiko

    lines = [text for text in (line or "").strip().splitlines() if text.strip()]
    if len(lines) != 1:  # nothing, or several keys pasted at once
        raise _invalid(MALFORMED)
    parts = lines[0].split(None, 2)
    if parts[0] != "ssh-rsa":
        raise _invalid(NOT_RSA)
    if len(parts) < 2:
        raise _invalid(MALFORMED)
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(MALFORMED) from None
    try:
        key = paramiko.PKey.from_type_string(parts[0], blob)
    except Exception:  # any parse failure (truncated blob, wrong inner type) is a malformed key
        raise _invalid(MALFORMED) from None
    if key.get_bits() < MIN_RSA_BITS:
        raise _invalid(
            f"Invalid key: the RSA key has {key.get_bits()} bits; use a key of at "
            f"least {MIN_RSA_BITS} bits (ssh-keygen -t rsa -b 3072)."
        )
    return parts[0], parts[1], parts[2].strip() if len(parts) > 2 else ""


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def user_keys(call: Call) -> list[dict[str, Any]]:
    """The signed-in user's SSH keys in this organisation, oldest first."""
    user_id = call.sandbox.user["id"]
    return [k for k in call.store.find("sshkey", org=call.org) if k["userId"] == user_id]


def create_ssh_key(call: Call, fields: dict[str, Any]) -> dict[str, Any]:
    """Register an SSH public key for the signed-in user (the portal's rules); the new document."""
    name = fields.get("displayName")
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ServiceError(
            400, "InvalidArgumentValueException", "The SSH key needs a name (displayName)."
        )
    if rules.on(call.sandbox, "sshpolicy_off"):
        raise ServiceError(400, "SshPolicyDisabledException", rules.SSH_POLICY_OFF)
    kind, blob, comment = parse_public_key(fields.get("publicData") or "")
    now = dt.datetime.now(dt.UTC)
    valid_to = _parse_time(fields.get("validTo"))
    if fields.get("validTo") and valid_to is None:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            f"The expiration date {fields.get('validTo')!r} is not a date.",
        )
    valid_to = valid_to or now + dt.timedelta(days=365)
    if valid_to <= now:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The expiration date of the SSH key must be in the future.",
        )
    org = call.sandbox.org(call.org or "") or {}
    org_name = org.get("accountName") or call.org or ""  # as created, whatever the URL's case
    targets = fields.get("targetAccounts") or [org.get("accountId")]
    auth_id = str(uuid.uuid4())
    doc = {
        "authorizationId": auth_id,
        "org": org_name,
        "userId": call.sandbox.user["id"],
        "displayName": name,
        "publicData": " ".join(p for p in (kind, blob, comment) if p),
        "scope": fields.get("scope") or "app_token",
        "validFrom": _iso(now),
        "validTo": _iso(valid_to),
        "targetAccounts": [str(t) for t in targets],
        "isValid": True,
        "isPublic": True,
    }
    with call.store.transaction():
        for existing in user_keys(call):
            if existing["publicData"].split()[:2] == [kind, blob]:
                raise ServiceError(  # ASSUMPTION: the sandbox's typeKey (the UI says "duplicate")
                    400,
                    "DuplicatePublicKeyException",
                    f"Duplicate key: this SSH public key is already registered as "
                    f"{existing['displayName']!r}. Use that key or add a different one.",
                )
        call.store.put("sshkey", auth_id, doc, org=org_name)
    return doc


def session_token_json(doc: dict[str, Any], *, public_data: bool = True) -> dict[str, Any]:
    """A SessionToken (spec delegatedAuth/7.2) for a stored SSH key.

    An SSH key has no secret: `token` ("computed and not returned in Get queries", says the spec)
    is left out rather than sent as null, since the spec types it as a string; so is `publicData`
    when the caller did not ask for it.
    """
    out = {
        "clientId": ZERO_GUID,
        "accessId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sshkey:{doc['authorizationId']}")),
        "authorizationId": doc["authorizationId"],
        "hostAuthorizationId": ZERO_GUID,
        "userId": doc["userId"],
        "validFrom": doc["validFrom"],
        "validTo": doc["validTo"],
        "displayName": doc["displayName"],
        "scope": doc["scope"],
        "targetAccounts": doc["targetAccounts"],
        "isValid": doc["isValid"],
        "isPublic": doc["isPublic"],
    }
    if public_data:
        out["publicData"] = doc["publicData"]
    return out


def _require_key(call: Call) -> dict[str, Any]:
    auth_id = call.params["authorizationId"].lower()
    for key in user_keys(call):
        if key["authorizationId"] == auth_id:
            return key
    raise ServiceError(
        404,
        "SessionTokenNotFoundException",
        f"The session token with authorization id {auth_id} was not found.",
    )


def _require_public(call: Call) -> None:
    if not call.flag("isPublic"):
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The sandbox keeps SSH public keys only: pass isPublic=true.",
        )


def _list(call: Call, values: list[Any]) -> Answer:
    # Portal callers ask for `noArrayWrap=true` in the Accept header and get a bare array.
    if "noarraywrap=true" in call.headers.get("accept", "").replace(" ", "").lower():
        return Reply(200, values)
    return collection(values)


@router.route("GET", "vssps", "_apis/Token/SessionTokens")
def list_session_tokens(call: Call) -> Answer:
    _require_public(call)
    public_data = call.flag("includePublicData")
    return _list(call, [session_token_json(k, public_data=public_data) for k in user_keys(call)])


@router.route("GET", "vssps", "_apis/Token/SessionTokens/{authorizationId}")
def get_session_token(call: Call) -> Answer:
    _require_public(call)
    return session_token_json(_require_key(call))


@router.route("DELETE", "vssps", "_apis/Token/SessionTokens/{authorizationId}")
def delete_session_token(call: Call) -> Answer:
    _require_public(call)
    call.store.delete("sshkey", _require_key(call)["authorizationId"])
    return None


@router.route("POST", "vssps", "_apis/Token/SessionTokens")
def create_session_token(call: Call) -> Answer:
    # Matches the decompiled SessionTokenController, but no public client creates SSH keys this
    # way: unverified on the real service (API reference §6). Same storage as the portal's path.
    _require_public(call)
    return session_token_json(create_ssh_key(call, call.body or {}))


# -- HierarchyQuery -------------------------------------------------------------------------------


def _admin_teams(call: Call, props: dict[str, Any]) -> dict[str, Any]:
    route = (props.get("sourcePage") or {}).get("routeValues") or {}
    scope_project = (
        call.params.get("scopeValue")
        if ((call.params.get("scopeName") or "").lower() == "project")
        else None
    )
    project_ref = route.get("project") or props.get("projectId") or scope_project
    if not project_ref:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The request names no project (sourcePage.routeValues.project).",
        )
    project = require_project(call, str(project_ref))
    if props.get("setDefaultTeam"):
        team = require_team(call, project, str(props.get("teamId") or ""))
        if project.get("defaultTeamId") != team["id"]:
            set_default_team(call.sandbox, project, team)
    teams = call.store.find("team", parent=project["id"])
    default = find_team(call.sandbox, project, project.get("defaultTeamId") or "")
    # ASSUMPTION: the real provider's answer is unknown; the wizard reads none of it (it checks
    # the project's defaultTeam afterwards).
    return {
        "project": {"id": project["id"], "name": project["name"]},
        "defaultTeam": {"id": default["id"], "name": default["name"]} if default else None,
        "teams": [
            {
                "id": t["id"],
                "name": t["name"],
                "description": t["description"],
                "isDefault": t["id"] == project.get("defaultTeamId"),
            }
            for t in teams
        ],
    }


def _issue_session_token(call: Call, props: dict[str, Any]) -> dict[str, Any]:
    if props.get("isPublic") is not True:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            "The sandbox issues SSH public keys only (isPublic: true), no personal access tokens.",
        )
    return session_token_json(create_ssh_key(call, props))


PROVIDERS = {ADMIN_TEAMS: _admin_teams, ISSUE_TOKEN: _issue_session_token}


def _exception_details(err: ServiceError) -> dict[str, Any]:
    # ASSUMPTION: a failed provider's details on the real portal are unknown. The first three
    # fields are the SDK's DataProviderExceptionDetails; typeKey and errorCode are sandbox extras.
    return {
        "exceptionType": err.type_key,
        "message": err.message,
        "stackTrace": None,
        "typeKey": err.type_key,
        "errorCode": err.error_code,
    }


def hierarchy_query(call: Call) -> Answer:
    """Run each requested data provider; failures go to `dataProviderExceptions`."""
    body = call.body if isinstance(call.body, dict) else {}
    ids = body.get("contributionIds")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ServiceError(
            400, "ArgumentNullException", "Value cannot be null. Parameter name: contributionIds"
        )
    props = (body.get("dataProviderContext") or {}).get("properties") or {}
    providers: dict[str, Any] = {"ms.vss-web.component-data": {}, "ms.vss-web.shared-data": None}
    failures: dict[str, Any] = {}
    for cid in ids:
        provider = PROVIDERS.get(cid)
        try:
            if provider is None:
                raise ServiceError(
                    404,
                    "ContributionNotFoundException",
                    f"The sandbox does not emulate the data provider {cid}.",
                )
            providers[cid] = provider(call, props)
        except ServiceError as err:
            failures[cid] = _exception_details(err)
    out: dict[str, Any] = {"dataProviderSharedData": {}, "dataProviders": providers}
    if failures:
        out["dataProviderExceptions"] = failures
    return out


for _host in ("dev", "vssps"):
    router.route("POST", _host, "_apis/Contribution/HierarchyQuery")(hierarchy_query)
    router.route("POST", _host, "_apis/Contribution/HierarchyQuery/{scopeName}/{scopeValue}")(
        hierarchy_query
    )
