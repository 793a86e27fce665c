"""`OPTIONS _apis`, `ResourceAreas` and `ConnectionData`: how clients find and check the service."""

from __future__ import annotations

from collections.abc import Callable

from ..discovery import location_entries, resource_areas
from ..errors import ServiceError
from ..routing import HOSTS, Answer, Call, collection, router


def _options(call: Call) -> Answer:
    return collection(location_entries(call.host))


def _area_options(call: Call) -> Answer:
    # Microsoft's clients ask per area (`OPTIONS _apis/git`); an unknown area has no locations.
    return collection(location_entries(call.host, call.params["area"]))


def _area_url(call: Call) -> Callable[[str], str]:
    # app.vssps.visualstudio.com is not an organisation's host: every area it knows is global.
    if call.org is None:
        return lambda host: call.host_url("app")
    return call.host_url


def _resource_areas(call: Call) -> Answer:
    return collection(resource_areas(_area_url(call), profile_host=call.org is None))


def _resource_area(call: Call) -> Answer:
    area_id = call.params["areaId"].lower()
    for area in resource_areas(_area_url(call), profile_host=call.org is None):
        if area["id"] == area_id:
            return area
    raise ServiceError(404, "ResourceAreaNotFoundException", f"Resource area {area_id} not found.")


for _host in HOSTS:
    # The service answers discovery without credentials (the CLI's recordings show it).
    router.route("OPTIONS", _host, "_apis", anonymous=True)(_options)
    router.route("OPTIONS", _host, "_apis/{area}", anonymous=True)(_area_options)
    router.route("GET", _host, "_apis/ResourceAreas", anonymous=True)(_resource_areas)
    router.route("GET", _host, "_apis/ResourceAreas/{areaId}", anonymous=True)(_resource_area)


@router.route("GET", "dev", "_apis/ConnectionData")
@router.route("GET", "vssps", "_apis/ConnectionData")
def connection_data(call: Call) -> Answer:
    user = call.sandbox.user
    org = call.sandbox.org(call.org) if call.org else None
    identity = {
        "id": user["id"],
        "descriptor": f"Microsoft.IdentityModel.Claims.ClaimsIdentity;sandbox\\{user['email']}",
        "subjectDescriptor": user["descriptor"],
        "providerDisplayName": user["displayName"],
        "customDisplayName": user["displayName"],
        "isActive": True,
        "properties": {"Account": {"$type": "System.String", "$value": user["email"]}},
        "resourceVersion": 2,
        "metaTypeId": 0,
    }
    return {
        "authenticatedUser": identity,
        "authorizedUser": identity,
        "instanceId": org["accountId"] if org else "00000000-0000-0000-0000-000000000000",
        "deploymentId": "5a5a5a5a-0000-4000-8000-000000000001",
        "deploymentType": "hosted",
        "locationServiceData": {
            "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
            "defaultAccessMappingMoniker": "PublicAccessMapping",
            "lastChangeId": 1,
            "lastChangeId64": 1,
        },
    }
