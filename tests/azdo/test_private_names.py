"""Each private name of another library that college-tui touches, pinned against the installed
version: an upgrade that renames or reshapes one fails here, not at an attendee's sign-in.
(Textual's are pinned in tests/ui/test_textual_private.py.) The last test keeps this list whole:
a new private touch must come with its pin here."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "college_tui"

# Where the package reaches into another library's private names, and what it reaches.
PINNED = {
    "azdo/remembered.py": {"azure.identity._persistent_cache", "_load_persistent_cache"},
    "azdo/client/members.py": {"_send", "_serialize"},
    "azdo/client/sshkeys.py": {"_get_resource_areas"},
    "azdo/client/shared.py": {"azure.devops._file_cache"},
    "steps/classview/ahead.py": {"_get_resource_locations"},
}


def params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_azure_identity_opens_its_encrypted_cache_as_our_probe_does():
    """remembered.encrypted_cache_problem() asks `_load_persistent_cache(options)` whether an
    encrypted token cache can be opened: the call azure-identity's own credentials make."""
    from azure.identity import TokenCachePersistenceOptions, _persistent_cache
    from azure.identity._internal import msal_credentials

    assert params(_persistent_cache._load_persistent_cache)[:2] == ["options", "is_cae"]
    assert "_load_persistent_cache(self._cache_options" in inspect.getsource(msal_credentials)
    options = TokenCachePersistenceOptions(name="college-tui", allow_unencrypted_storage=False)
    assert options.allow_unencrypted_storage is False and options.name == "college-tui"


def test_the_sdk_sends_a_user_entitlement_as_members_py_resends_it():
    """members.py repeats add_user_entitlement's own request through `Client._send` (to keep
    the JSON the SDK's model drops): same location, version and serialised body."""
    from azure.devops.client import Client
    from azure.devops.v7_1.member_entitlement_management import (
        member_entitlement_management_client as mem,
    )

    from college_tui.azdo.client import members

    assert params(Client._send)[:7] == [
        "self",
        "http_method",
        "location_id",
        "version",
        "route_values",
        "query_parameters",
        "content",
    ]
    sdk = inspect.getsource(mem.MemberEntitlementManagementClient.add_user_entitlement)
    assert "self._serialize.body(user_entitlement, 'UserEntitlement')" in sdk
    assert f"location_id='{members._USER_ENTITLEMENTS_LOCATION}'" in sdk
    ours = inspect.getsource(members)
    version = re.search(r"version='([^']+)'", sdk).group(1)
    assert f'version="{version}"' in ours
    client = mem.MemberEntitlementManagementClient("http://127.0.0.1:1")
    assert hasattr(client._serialize, "body")


def test_the_sdk_connection_lists_its_resource_areas():
    """sshkeys.py finds the token host among the Connection's resource areas."""
    from azure.devops.connection import Connection

    assert params(Connection._get_resource_areas) == ["self", "force"]
    assert "location_url" in inspect.getsource(Connection._get_resource_areas) or (
        "get_resource_areas" in inspect.getsource(Connection._get_resource_areas)
    )


def test_the_sdk_saves_its_discovery_caches_through_save_with_retry():
    """shared.py `sdk_cache_saved_once` holds the writes of the SDK's two discovery caches by
    giving each an instance `save_with_retry`: the one every new entry calls, on the objects the
    connection and the clients fill."""
    from azure.devops import client, connection
    from azure.devops._file_cache import OPTIONS_CACHE, RESOURCE_CACHE, FileCache

    assert "self.save_with_retry()" in inspect.getsource(FileCache.__setitem__)
    assert client.OPTIONS_FILE_CACHE is OPTIONS_CACHE
    assert connection.RESOURCE_FILE_CACHE is RESOURCE_CACHE


def test_the_sdk_client_asks_its_locations_as_the_class_view_asks_them_ahead():
    """ahead.py asks a core client's `_get_resource_locations(normalized_url, all_host_types=
    False)` before the first read: the call the client's own first request makes."""
    from azure.devops.client import Client

    assert params(Client._get_resource_locations) == ["self", "url", "all_host_types"]
    assert "self._get_resource_locations(url, all_host_types=False)" in inspect.getsource(
        Client._get_resource_location
    )
    assert "self.normalized_url" in inspect.getsource(Client._get_organization_resource_location)


def test_every_private_name_of_another_library_is_pinned_here():
    """Scan the package (Textual's one module aside) for `x._name` on objects that are not ours
    and `from lib._module import`: each must be listed in PINNED."""
    # Receivers that are objects of ours (their underscore names are ours too).
    own = {"self", "cls", "super()", "server", "observer", "copy", "client._use_our_sdk_cache"}
    # Documented public names whose underscore means something else ("exit without cleanup").
    own |= {"os._exit"}
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "ui/textual_private.py":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            imported = re.search(r"from ([a-z][\w.]*\._\w+) import", code)
            if imported:  # a private module of another library (ours are relative imports)
                found.setdefault(relative, set()).add(imported.group(1))
                found[relative].update(re.findall(r"import (_\w+)", code))
                continue
            for match in re.finditer(r"(\w+(?:\(\))?)\.(_[a-z]\w*)\b", code):
                receiver, name = match.groups()
                if (
                    receiver in own
                    or f"{receiver}.{name}" in own
                    or name == "_college_tui_observer"
                ):
                    continue
                found.setdefault(relative, set()).add(name)
    unpinned = {
        module: names - PINNED.get(module, set())
        for module, names in found.items()
        if names - PINNED.get(module, set())
    }
    assert unpinned == {}, "pin these in tests/azdo/test_private_names.py"
    assert set(PINNED) <= set(found), "a pinned touch is gone: drop its pin"
