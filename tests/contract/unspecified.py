"""Hand-written schemas for what Microsoft's specs do not document, each with its source.

Discovery (`OPTIONS _apis`, `ResourceAreas`, `ConnectionData`), the portal's
`Contribution/HierarchyQuery` data providers and `Token/SessionTokens` have no OpenAPI spec
(the upstream README of the specs says so); the shapes below come from the real responses in
tests/data/azdo-recordings and the project's API reference (azure-devops-api.md, a design note kept
outside this repository; its sections are cited as "API reference §N"). They are
as strict as the spec schemas: an object refuses properties it does not list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .specs import Operation, spec_uri


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _array(item: dict[str, Any]) -> dict[str, Any]:
    """A collection: checked inside the service's `{count, value}` wrapper (or bare, when the
    client asked for `noArrayWrap`), like the spec's arrays."""
    return {"type": "array", "items": item}


_STRING = {"type": "string"}
_UUID = {"type": "string", "format": "uuid"}
_INTEGER = {"type": "integer"}
# A Graph subject's and an identity's `properties`: a PropertiesCollection of {$type, $value}.
_PROPERTIES = {
    "type": "object",
    "additionalProperties": _object({"$type": _STRING, "$value": {}}, ["$type", "$value"]),
}
_VERSION = {"type": "string", "pattern": r"^\d+\.\d+$"}

# Error body (WrappedException), API reference §11a: the field set is confirmed in the real 401/503
# bodies (test_devops_team_createUpdateShowListDeleteListMember.yaml #0–3). `customProperties` is
# optional: the SDK's WrappedException model maps it (azure/devops/v7_1/.../WrappedException).
WRAPPED_EXCEPTION = _object(
    {
        "$id": _STRING,
        "innerException": {"type": ["object", "null"]},
        "message": _STRING,
        "typeName": _STRING,
        "typeKey": _STRING,
        "errorCode": _INTEGER,
        "eventId": _INTEGER,
        "customProperties": {"type": ["object", "null"]},
    },
    ["$id", "innerException", "message", "typeName", "typeKey", "errorCode", "eventId"],
)

# ApiResourceLocation: every entry of the 773 in test_admin_banner_addUpdateShowListRemove.yaml #0
# (and the 820 of test_invoke_command_basic.yaml #2) has exactly these fields and types.
_LOCATION = _object(
    {
        "id": _UUID,
        "area": _STRING,
        "resourceName": _STRING,
        "routeTemplate": _STRING,
        "resourceVersion": _INTEGER,
        "minVersion": _VERSION,
        "maxVersion": _VERSION,
        "releasedVersion": _VERSION,
    },
    [
        "id",
        "area",
        "resourceName",
        "routeTemplate",
        "resourceVersion",
        "minVersion",
        "maxVersion",
        "releasedVersion",
    ],
)

# ResourceArea: the 230 entries of test_invoke_command_basic.yaml #1.
_RESOURCE_AREA = _object(
    {"id": _UUID, "name": _STRING, "locationUrl": _STRING}, ["id", "name", "locationUrl"]
)

# ConnectionData: test_pull_request_createUpdateVoteListAbandonReactivateCompleteReviewers.yaml #26.
_CONNECTION_IDENTITY = _object(
    {
        "id": _UUID,
        "descriptor": _STRING,
        "subjectDescriptor": _STRING,
        "providerDisplayName": _STRING,
        "customDisplayName": _STRING,
        "isActive": {"type": "boolean"},
        "properties": _PROPERTIES,
        "resourceVersion": _INTEGER,
        "metaTypeId": _INTEGER,
    },
    ["id", "descriptor", "subjectDescriptor", "providerDisplayName", "isActive"],
)
_CONNECTION_DATA = _object(
    {
        "authenticatedUser": _CONNECTION_IDENTITY,
        "authorizedUser": _CONNECTION_IDENTITY,
        "instanceId": _UUID,
        "deploymentId": _UUID,
        "deploymentType": {"enum": ["hosted", "onPremises", "unknown"]},
        "locationServiceData": _object(
            {
                "serviceOwner": _UUID,
                "defaultAccessMappingMoniker": _STRING,
                "lastChangeId": _INTEGER,
                "lastChangeId64": _INTEGER,
            },
            ["serviceOwner", "defaultAccessMappingMoniker", "lastChangeId"],
        ),
    },
    ["authenticatedUser", "authorizedUser", "instanceId", "locationServiceData"],
)

# Identity (IMS, no spec among tests/data/azdo-specs): the answers of
# test_devops_user_command_addUpdateListShowRemove.yaml #1, #5 (`isActive` left out there).
_IDENTITY = _object(
    {
        "id": _UUID,
        "descriptor": _STRING,
        "subjectDescriptor": _STRING,
        "providerDisplayName": _STRING,
        "customDisplayName": _STRING,
        "isActive": {"type": "boolean"},
        "members": {"type": "array"},
        "memberOf": {"type": "array"},
        "memberIds": {"type": "array"},
        "properties": _PROPERTIES,
        "resourceVersion": _INTEGER,
        "metaTypeId": _INTEGER,
    },
    ["id", "descriptor", "subjectDescriptor", "providerDisplayName", "properties"],
)

# SessionToken (PATs and SSH keys): definitions.SessionToken of delegatedAuth/7.2 (API ref §6).
_SESSION_TOKEN = {"$ref": spec_uri("delegatedAuth") + "#/definitions/SessionToken"}

# Contribution/HierarchyQuery answers `{dataProviders: {<contribution id>: payload}}` (API reference
# §6: "The key comes back in response.dataProviders[...]"); the SSH-key provider's payload is the new
# SessionToken. The default-team provider's payload is not documented anywhere: left open.
SSH_KEY_PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"
_HIERARCHY_QUERY = _object(
    {
        "dataProviders": {
            "type": "object",
            "properties": {SSH_KEY_PROVIDER: _SESSION_TOKEN},
            "additionalProperties": {"type": ["object", "null"]},
        },
        "dataProviderSharedData": {"type": ["object", "null"]},
        # A failed provider: DataProviderExceptionDetails {exceptionType, message, stackTrace} (the
        # SDK's contributions model, azure/devops/v7_1/contributions/models.py). `typeKey` and
        # `errorCode` are sandbox additions (college_tui/sandbox/api/portal.py) so the wizard can
        # branch on the service's usual error keys; allowed here, named in the report to the lead.
        "dataProviderExceptions": {
            "type": "object",
            "additionalProperties": _object(
                {
                    "exceptionType": _STRING,
                    "message": _STRING,
                    "stackTrace": {"type": ["string", "null"]},
                    "typeKey": _STRING,
                    "errorCode": _INTEGER,
                },
                ["exceptionType", "message"],
            ),
        },
    },
    ["dataProviders"],
)


@dataclass(frozen=True)
class _Undocumented:
    operation: Operation
    hosts: tuple[str, ...]
    path: re.Pattern[str]


def _undocumented(
    name: str, method: str, hosts: tuple[str, ...], path: str, responses: dict[str, Any]
) -> _Undocumented:
    operation = Operation("unspecified", method, path, name, responses)
    return _Undocumented(operation, hosts, re.compile(rf"^{path}/?$", re.IGNORECASE))


_ALL_HOSTS = ("dev", "vssps", "vsaex", "app")
UNDOCUMENTED = [
    _undocumented("Locations_Options", "OPTIONS", _ALL_HOSTS, r"_apis", {"200": _array(_LOCATION)}),
    # One area's locations (`OPTIONS _apis/git`), as Microsoft's Node client asks: the same entries.
    _undocumented(
        "Locations_OptionsArea",
        "OPTIONS",
        _ALL_HOSTS,
        r"_apis/[^/]+",
        {"200": _array(_LOCATION)},
    ),
    _undocumented(
        "Identities_Read", "GET", ("vssps",), r"_apis/Identities", {"200": _array(_IDENTITY)}
    ),
    _undocumented(
        "ResourceAreas_List",
        "GET",
        _ALL_HOSTS,
        r"_apis/ResourceAreas",
        {"200": _array(_RESOURCE_AREA)},
    ),
    _undocumented(
        "ResourceAreas_Get",
        "GET",
        _ALL_HOSTS,
        r"_apis/ResourceAreas/[^/]+",
        {"200": _RESOURCE_AREA},
    ),
    _undocumented(
        "ConnectionData_Get",
        "GET",
        ("dev", "vssps"),
        r"_apis/ConnectionData",
        {"200": _CONNECTION_DATA},
    ),
    _undocumented(
        "HierarchyQuery_Post",
        "POST",
        ("dev", "vssps"),
        r"_apis/Contribution/HierarchyQuery(/[^/]+/[^/]+)?",
        {"200": _HIERARCHY_QUERY},
    ),
    # Token/SessionTokens (API reference §6, decompiled SessionTokenController): the list is the
    # usual collection of SessionToken; delete answers without a body; a direct create and a get
    # answer one SessionToken.
    _undocumented(
        "SessionTokens_List",
        "GET",
        ("vssps",),
        r"_apis/Token/SessionTokens",
        {"200": _array(_SESSION_TOKEN)},
    ),
    _undocumented(
        "SessionTokens_Create",
        "POST",
        ("vssps",),
        r"_apis/Token/SessionTokens",
        {"200": _SESSION_TOKEN},
    ),
    _undocumented(
        "SessionTokens_Delete",
        "DELETE",
        ("vssps",),
        r"_apis/Token/SessionTokens/[^/]+",
        {"204": None},
    ),
    _undocumented(
        "SessionTokens_Get",
        "GET",
        ("vssps",),
        r"_apis/Token/SessionTokens/[^/]+",
        {"200": _SESSION_TOKEN},
    ),
]


def find_undocumented(method: str, host: str, sub_path: str) -> Operation | None:
    """The hand-written operation for an undocumented request, if there is one."""
    for entry in UNDOCUMENTED:
        if (
            entry.operation.method == method
            and host in entry.hosts
            and entry.path.match(sub_path.strip("/"))
        ):
            return entry.operation
    return None
