"""Location discovery: what `OPTIONS {host}/_apis` and `GET _apis/ResourceAreas` answer.

The SDK looks up every method's hard-coded location id in the OPTIONS list and builds the URL from
its route template, so these entries are the real ones the service publishes (ids, templates and
versions as observed on dev.azure.com; see the API reference §10).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UrlOf = Callable[[str], str]  # a host's name ("dev", "vssps"...) -> its emulated URL
# host, id, area, resourceName, routeTemplate, resourceVersion, minVersion, maxVersion, releasedVersion
_LOCATION = [
    (
        "e81700f7-3be2-46de-8624-2eb35882fcaa",
        "Location",
        "ResourceAreas",
        "_apis/{resource}/{areaId}",
        1,
        "3.2",
        "7.2",
        "0.0",
    ),
    (
        "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
        "Location",
        "ConnectionData",
        "_apis/{resource}",
        1,
        "1.0",
        "7.2",
        "0.0",
    ),
]
# Assumed shape (API reference §10; no recording): the accounts list, answered on the profile
# host and the org's vssps host; yields the documented `/_apis/Accounts?memberId=`.
_ACCOUNTS = (
    "229a6a53-b428-4ffb-a835-e8f36b5b4b1e",
    "Account",
    "Accounts",
    "_apis/{resource}",
    1,
    "1.0",
    "7.2",
    "7.1",
)

LOCATIONS: dict[str, list[tuple[Any, ...]]] = {
    "dev": _LOCATION
    + [
        (
            "93878975-88c5-4e6a-8abb-7ddd77a8a7d8",
            "core",
            "processes",
            "_apis/process/{resource}/{*processId}",
            1,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "603fe2ac-9723-48b9-88ad-09305aa6c6e1",
            "core",
            "projects",
            "_apis/{resource}/{*projectId}",
            4,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "9a1b74b4-2ca8-4a9f-8470-c2f2e6fdc949",
            "operations",
            "operations",
            "_apis/{resource}/{operationId}",
            1,
            "2.0",
            "7.2",
            "7.1",
        ),
        (
            "d30a3dd1-f8ba-442a-b86a-bd0c0c383e59",
            "core",
            "teams",
            "_apis/projects/{projectId}/{resource}/{*teamId}",
            3,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "7a4d9ee9-3433-4347-b47a-7a80f1cf307e",
            "core",
            "teams",
            "_apis/{resource}",
            3,
            "4.1",
            "7.2",
            "0.0",
        ),
        (
            "294c494c-2600-4d7e-b76c-3dd50c3c95be",
            "core",
            "members",
            "_apis/projects/{projectId}/teams/{teamId}/{resource}",
            2,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "225f7195-f9c7-4d14-ab28-a83f7ff77e1f",
            "git",
            "repositories",
            "{project}/_apis/{area}/{resource}/{repositoryId}",
            1,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "01828ddc-3600-4a41-8633-99b3a73a0eb3",
            "git",
            "importRequests",
            "{project}/_apis/{area}/repositories/{repositoryId}/importRequests/{importRequestId}",
            1,
            "3.0",
            "7.2",
            "7.1",
        ),
        (
            "2d874a60-a811-4f62-9c9f-963a6ea0a55b",
            "git",
            "refs",
            "{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{*filter}",
            2,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "ea98d07b-3c87-4971-8ede-a613694ffb55",
            "git",
            "pushes",
            "{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pushId}",
            3,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "9946fd70-0d40-406e-b686-b4744cbbcc37",
            "git",
            "pullRequests",
            "{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}",
            2,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "52823034-34a8-4576-922c-8d8b77e9e4c4",
            "git",
            "pullRequestCommits",
            "{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/commits",
            1,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "c2570c3b-5b3f-41b8-98bf-5407bfde8d58",
            "git",
            "commits",
            "{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{commitId}",
            1,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "01a46dea-7d46-4d40-bc84-319e7c260d99",
            "git",
            "pullRequests",
            "{project}/_apis/{area}/{resource}/{pullRequestId}",
            2,
            "3.0",
            "7.2",
            "7.1",
        ),
        (
            "a5d28130-9cd2-40fa-9f08-902e7daa9efb",
            "git",
            "pullRequests",
            "{project}/_apis/{area}/{resource}",
            2,
            "1.0",
            "7.2",
            "7.1",
        ),
        (
            "a663da97-81db-4eb3-8b83-287670f63073",
            "git",
            "recycleBinRepositories",
            "{project}/_apis/{area}/recycleBin/repositories/{repositoryId}",
            1,
            "4.1",
            "7.2",
            "7.1",
        ),
        (
            "3353e165-a11e-43aa-9d88-14f2bb09b6d9",
            "Contribution",
            "HierarchyQuery",
            "_apis/{area}/{resource}/{scopeName}/{scopeValue}",
            1,
            "5.0",
            "7.2",
            "0.0",
        ),
    ],
    "vssps": _LOCATION
    + [
        (
            "048aee0a-7072-4cde-ab73-7af77b1e0b4e",
            "Graph",
            "Descriptors",
            "_apis/{area}/{resource}/{storageKey}",
            1,
            "3.1",
            "7.2",
            "7.1",
        ),
        (
            "eb85f8cc-f0f6-4264-a5b1-ffe2e4d4801f",
            "Graph",
            "StorageKeys",
            "_apis/{area}/{resource}/{subjectDescriptor}",
            1,
            "3.2",
            "7.2",
            "7.1",
        ),
        (
            "3fd2e6ca-fb30-443a-b579-95b19ed0934c",
            "Graph",
            "Memberships",
            "_apis/{area}/{resource}/{subjectDescriptor}/{containerDescriptor}",
            1,
            "3.2",
            "7.2",
            "0.0",
        ),
        (
            "e34b6394-6b30-4435-94a9-409a5eef3e31",
            "Graph",
            "MembershipsBatch",
            "_apis/{area}/Memberships/{subjectDescriptor}",
            1,
            "3.2",
            "7.2",
            "0.0",
        ),
        (
            "005e26ec-6b77-4e4f-a986-b3827bf241f5",
            "Graph",
            "Users",
            "_apis/{area}/{resource}/{userDescriptor}",
            1,
            "3.2",
            "7.2",
            "0.0",
        ),
        (
            "ebbe6af8-0b91-4c13-8cf1-777c14858188",
            "Graph",
            "Groups",
            "_apis/{area}/{resource}/{groupDescriptor}",
            1,
            "3.2",
            "7.2",
            "0.0",
        ),
        (
            "4dd4d168-11f2-48c4-83e8-756fa0de027c",
            "Graph",
            "SubjectLookup",
            "_apis/{area}/{resource}",
            1,
            "3.2",
            "7.2",
            "0.0",
        ),
        (
            "8ba35978-138e-41f8-8963-7b1ea2c5f775",
            "IMS",
            "Members",
            "_apis/identities/{containerId}/{resource}/{memberId}",
            1,
            "0.0",
            "7.2",
            "0.0",
        ),
        (
            "28010c54-d0c0-4c89-a5b0-1c9e188b9fb7",
            "IMS",
            "Identities",
            "_apis/{resource}/{identityId}",
            1,
            "0.0",
            "7.2",
            "7.1",
        ),
        _ACCOUNTS,
    ],
    "vsaex": _LOCATION
    + [
        (
            "387f832c-dbf2-4643-88e9-c1aa94dbb737",
            "MemberEntitlementManagement",
            "UserEntitlements",
            "_apis/{resource}/{userDescriptor}",
            4,
            "4.1",
            "7.2",
            "7.1",
        ),
        (
            "8480c6eb-ce60-47e9-88df-eca3c801638b",
            "MemberEntitlementManagement",
            "UserEntitlements",
            "_apis/{resource}/{userId}",
            4,
            "4.1",
            "7.2",
            "7.1",
        ),
    ],
    "app": _LOCATION
    + [
        (
            "f83735dc-483f-4238-a291-d45f6080a9af",
            "Profile",
            "Profiles",
            "_apis/{area}/{resource}/{id}",
            3,
            "1.0",
            "7.2",
            "7.1",
        ),
        _ACCOUNTS,
    ],
}

# Resource area id -> (name, emulated host). Every area an SDK client of the wizard uses is listed,
# so the SDK never falls back to the hard-coded app.vssps.visualstudio.com (there is no internet).
# An organisation's list has no Profile area (the recorded list of 230 areas has none): only the
# profile host (app.vssps.visualstudio.com) lists it, and the wizard opens its profile client there
# (the target's profile URL), so the SDK finds it without the hard-coded host.
RESOURCE_AREAS = [
    ("79134c72-4a58-4b42-976c-04e7115f32bf", "core", "dev"),
    ("4e080c62-fa21-4fbc-8fef-2a10a2b38049", "git", "dev"),
    ("bb1e7ec9-e901-4b68-999a-de7012b920f8", "Graph", "vssps"),
    ("68ddce18-2501-45f1-a17b-7931a9922690", "MemberEntitlementManagement", "vsaex"),
    ("8a3d49b8-91f0-46ef-b33d-dda338c25db3", "IMS", "vssps"),
    ("af68438b-ed04-4407-9eb6-f1dbae3f922e", "TokenAdmin", "vssps"),
    ("0d55247a-1c47-4462-9b1f-5e2125590ee6", "Account", "vssps"),
]
PROFILE_HOST_AREAS = [("8ccfef3d-2b87-4e99-8ccb-66e343d2daa8", "Profile", "app")]


def location_entries(host: str, area: str | None = None) -> list[dict[str, Any]]:
    """The ApiResourceLocation list one emulated host publishes; with `area`, that area's only
    (`OPTIONS _apis/{area}`, which Microsoft's Node client and newer SDKs ask)."""
    return [
        {
            "id": id_,
            "area": name,
            "resourceName": resource,
            "routeTemplate": template,
            "resourceVersion": res,
            "minVersion": lo,
            "maxVersion": hi,
            "releasedVersion": rel,
        }
        for id_, name, resource, template, res, lo, hi, rel in LOCATIONS[host]
        if area is None or name.lower() == area.lower()
    ]


def resource_areas(url_of_host: UrlOf, *, profile_host: bool = False) -> list[dict[str, Any]]:
    """The ResourceAreas list, each area pointing at its emulated host (URL with a trailing /);
    the Profile area only on the profile host (`profile_host`), as on the service."""
    areas = RESOURCE_AREAS + (PROFILE_HOST_AREAS if profile_host else [])
    return [
        {"id": id_, "name": name, "locationUrl": url_of_host(host) + "/"}
        for id_, name, host in areas
    ]
