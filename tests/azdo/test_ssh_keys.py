"""Uploading the SSH public key through the portal's API, listing keys, never uploading twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from college_tui.azdo.errors import PortalRefused


def public_line(comment: str = "ada@laptop") -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    blob = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return f"{blob} {comment}"


def in_a_year():
    return datetime.now(UTC) + timedelta(days=365)


def test_a_key_is_uploaded_listed_and_not_uploaded_twice(sandbox, azdo, recorder):
    org_id = azdo.connection_data().instance_id
    line = public_line()
    assert azdo.ssh_keys() == []

    key = azdo.add_ssh_key("college-tui", line, org_id, in_a_year())

    assert key.display_name == "college-tui"
    assert key.key_material == " ".join(line.split()[:2])
    assert [k.authorization_id for k in azdo.ssh_keys()] == [key.authorization_id]

    # Same key material with another comment: found, not sent again.
    posts_before = [c for c in recorder.calls() if c.method == "POST"]
    again = azdo.add_ssh_key(
        "college-tui (2)", line.rsplit(" ", 1)[0] + " other@host", org_id, in_a_year()
    )
    assert again.authorization_id == key.authorization_id
    assert [c for c in recorder.calls() if c.method == "POST"] == posts_before
    assert len(sandbox.sandbox.store.find("sshkey")) == 1


def test_the_key_list_comes_from_the_token_host_named_by_resource_areas(sandbox, azdo, recorder):
    azdo.ssh_keys()
    listing = next(c for c in recorder.calls() if "SessionTokens" in c.path)
    assert listing.path.startswith(f"/vssps/{sandbox.info.org}/_apis/Token/SessionTokens?")
    assert listing.status == 200


def test_a_key_the_portal_rejects_shows_its_message_and_hands_off(azdo):
    # The sandbox's typeKey for this refusal is its own invention: only the message counts.
    org_id = azdo.connection_data().instance_id
    ed = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    with pytest.raises(PortalRefused) as failure:
        azdo.add_ssh_key("college-tui", ed, org_id, in_a_year())
    assert failure.value.message == (
        "Azure DevOps refused to upload your SSH key through its portal API: Invalid key: Valid "
        'keys will start with "ssh-rsa". The wizard will show you how to do it in the browser '
        "instead."
    )


def test_a_refused_portal_call_is_a_portal_refusal(sandbox, connect):
    # A wrong PAT on the raw endpoints: 401, which for the portal API means "hand off".
    azdo = connect(sandbox, pat="x" * 20)
    with pytest.raises(PortalRefused) as failure:
        azdo.ssh_keys()
    assert failure.value.status == 401
