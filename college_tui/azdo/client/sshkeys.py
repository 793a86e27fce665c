"""Your SSH public keys (the token host's SessionTokens and the portal's query)."""

from __future__ import annotations

from typing import Any

from .. import errors as E
from ..models import (
    SshKey,
    key_material,
)
from .plumbing import Plumbing


class SshKeys(Plumbing):
    """Your SSH public keys (the token host's SessionTokens and the portal's query)."""

    def _token_host(self) -> str:
        """The host serving Token/SessionTokens, from the organization's ResourceAreas."""
        from ..raw import TOKEN_HOST_AREAS

        if self._shared.token_host is None:
            conn = self._shared.connection(self.org_url)
            areas = {str(a.id).lower(): a.location_url for a in conn._get_resource_areas() or []}
            url = next((areas[a] for a in TOKEN_HOST_AREAS if a in areas), None)
            self._shared.token_host = (url or self.org_url).rstrip("/")
        return self._shared.token_host

    def ssh_keys(self) -> list[SshKey]:
        """Your SSH public keys (raw Token/SessionTokens); raises PortalRefused when refused."""
        from ..raw import session_tokens, ssh_key_from

        def run() -> list[SshKey]:
            body = self._raw(
                "ssh_keys",
                "GET",
                f"{self._token_host()}/_apis/Token/SessionTokens",
                params={"isPublic": "true", "includePublicData": "true"},
            )
            return [ssh_key_from(item) for item in session_tokens(body)]

        return self._remembered(("ssh_keys",), lambda: self._call("ssh_keys", run))

    def add_ssh_key(
        self, display_name: str, public_line: str, instance_id: str, valid_to: Any
    ) -> SshKey:
        """Upload an SSH public key unless one with the same key material is already there.

        Goes through the portal's HierarchyQuery; raises PortalRefused so the step can fall back
        to showing the key and the SSH keys page."""
        from ..raw import SSH_KEY_PROVIDER, provider_result, ssh_key_from, ssh_key_query

        material = key_material(public_line)

        def recheck() -> SshKey | None:
            return next((k for k in self.ssh_keys() if k.key_material == material), None)

        existing = recheck()
        if existing is not None:
            return existing

        def run() -> SshKey:
            body = self._raw(
                "add_ssh_key",
                "POST",
                f"{self.org_url}/_apis/Contribution/HierarchyQuery",
                body=ssh_key_query(self.org_url, display_name, public_line, instance_id, valid_to),
            )
            data = provider_result(body, SSH_KEY_PROVIDER, "add_ssh_key")
            if isinstance(data, dict) and data.get("authorizationId"):
                return ssh_key_from(data)
            found = recheck()  # the provider answered without the key: look it up
            if found is None:
                raise E.PortalRefused(
                    "Azure DevOps answered the key upload without registering the key. The "
                    "wizard will show you how to add it in the browser instead."
                )
            return found

        return self._call("add_ssh_key", run, recheck=recheck, idempotent=False)

    def revoke_ssh_key(self, authorization_id: str) -> None:
        """Revoke one of your SSH key registrations (raw Token/SessionTokens DELETE); raises
        PortalRefused when refused. Gone already counts as revoked."""

        def run() -> None:
            try:
                self._raw(
                    "revoke_ssh_key",
                    "DELETE",
                    f"{self._token_host()}/_apis/Token/SessionTokens/{authorization_id}",
                    params={"isPublic": "true"},
                )
            except E.AzdoError as exc:
                if exc.status != 404:
                    raise
            self.forget_reads()  # the remembered key list holds the revoked one

        self._call("revoke_ssh_key", run)
