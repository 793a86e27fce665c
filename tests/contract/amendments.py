"""Corrections of Microsoft's specs to what the real service sends, each with its evidence.

`WIRE_FORMS` replaces definitions the specs describe as the .NET classes behind them by their
form on the wire; `AMENDMENTS` corrects a definition's properties; `RESPONSE_AMENDMENTS` an
operation's success schema. specs.py applies them; tests/contract/test_recordings_conform.py
checks that each one is needed by its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """Where the real service's form shows: a recorded answer or an example in the spec folder.

    `source` is "<cassette> #<interaction>" (tests/data/azdo-recordings) or the path of an
    httpExamples file under the specification folder, whose documented operation is `operation`.
    """

    source: str
    pointer: str  # JSON pointer into the response body
    operation: str | None = None


@dataclass(frozen=True)
class Amendment:
    """A correction of the spec to what the real service sends, with the recordings proving it."""

    schema: dict[str, Any]
    reason: str
    evidence: tuple[Evidence, ...]


_PROPERTY_BAG = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {"$type": {"type": "string"}, "$value": {}},
        "required": ["$type", "$value"],
        "additionalProperties": False,
    },
}

# Definitions the specs describe as the .NET classes behind them, replaced (in every spec file) by
# their form on the wire.
WIRE_FORMS: dict[str, Amendment] = {
    "ReferenceLinks": Amendment(
        {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"href": {"type": "string"}},
                "required": ["href"],
                "additionalProperties": False,
            },
        },
        "`_links` is a map of link name -> {href}, not {links: ...}",
        (Evidence("test_devops_projects_CreateListShowDelete.yaml #6", "/_links"),),
    ),
    "IdentityDescriptor": Amendment(
        {"type": "string"},
        "an identity descriptor is serialized as one string `<type>;<identifier>`",
        (
            Evidence(
                "d174813e/test_devops_team_createUpdateShowListDeleteListMember.yaml #8",
                "/identity/descriptor",
            ),
        ),
    ),
    "PropertiesCollection": Amendment(
        _PROPERTY_BAG,
        "a property collection is serialized as a map of name -> {$type, $value}",
        (
            Evidence(
                "d174813e/test_devops_team_createUpdateShowListDeleteListMember.yaml #8",
                "/identity/properties",
            ),
        ),
    ),
}

# (definition, property) -> the schema the real service's values need, in every spec file that has
# the definition. A property the spec lacks is added; one it has is replaced.
AMENDMENTS: dict[tuple[str, str], Amendment] = {
    **{
        ("Profile", name): Amendment(
            {"type": "string"},
            "the profile of `me` carries the user's names and e-mail (the SDK puts them in "
            "additional_properties; the wizard reads them)",
            (
                Evidence(
                    "profile/7.2/httpExamples/profiles/GET__profile_profiles_me.json",
                    f"/{name}",
                    "profile:Profiles_Get",
                ),
            ),
        )
        for name in ("displayName", "publicAlias", "emailAddress")
    },
    ("TeamProjectReference", "visibility"): Amendment(
        {"enum": ["private", "public", "organization", "unchanged"]},
        "projects of older organisations are `organization`-visible, and shallow project "
        "references in pull request lists say `unchanged`",
        (
            Evidence("test_devops_projects_CreateListShowDelete.yaml #7", "/value/0/visibility"),
            Evidence(
                "test_pull_request_policies_workitems.yaml #0",
                "/value/0/repository/project/visibility",
            ),
        ),
    ),
    ("GraphMember", "mailAddress"): Amendment(
        {"type": ["string", "null"]},
        "groups have no e-mail address: the service sends null",
        (Evidence("test_devops_group_and_member_tests.yaml #19", "/mailAddress"),),
    ),
    ("UserEntitlementOperationResult", "result"): Amendment(
        {"$ref": "#/definitions/UserEntitlement"},
        "the spec's generic `T` placeholder (type string) stands for the UserEntitlement",
        (
            Evidence(
                "test_devops_user_command_addUpdateListShowRemove.yaml #3", "/results/0/result"
            ),
        ),
    ),
    ("GitImportRequestParameters", "tfvcSource"): Amendment(
        {"anyOf": [{"type": "null"}, {"$ref": "#/definitions/GitImportTfvcSource"}]},
        "a git import names no TFVC source: the service sends `tfvcSource: null`",
        (Evidence("test_ref_createListUpdateDelete.yaml #8", "/parameters/tfvcSource"),),
    ),
    ("PagedUserEntitlementsList", "members"): Amendment(
        {"type": "array", "items": {"$ref": "#/definitions/UserEntitlement"}},
        "the list still sends the older `members` beside `items` (the 7.1 SDK reads `members`)",
        (Evidence("test_devops_user_command_addUpdateListShowRemove.yaml #0", "/members"),),
    ),
    ("UserEntitlement", "extensions"): Amendment(
        {"type": "array", "items": {"type": "object"}},
        "user entitlements carry their extensions (the add request sends `extensions: []` too)",
        (Evidence("test_devops_user_command_addUpdateListShowRemove.yaml #6", "/extensions"),),
    ),
}


_GRAPH = "urn:azdo-spec:graph#/definitions/"

# Operation key -> the success schema the real service's answers need, where the spec's is wrong.
RESPONSE_AMENDMENTS: dict[str, Amendment] = {
    "graph:Subject Lookup_Lookup Subjects": Amendment(
        {
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    {"$ref": _GRAPH + "GraphUser"},
                    {"$ref": _GRAPH + "GraphGroup"},
                    {"$ref": _GRAPH + "GraphScope"},
                    {"$ref": _GRAPH + "GraphServicePrincipal"},
                ]
            },
        },
        "the map's values are users and groups (with their own fields), not bare GraphSubjects",
        (
            Evidence(
                "test_devops_group_and_member_tests.yaml #40",
                "/value/aad.NjdiY2I3OGMtZTgyYy03OWRmLWJlMmEtZTRmZjBkOTdhMmM4",
            ),
        ),
    ),
}
