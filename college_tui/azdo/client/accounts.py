"""Who the credential belongs to and the organizations it sees."""

from __future__ import annotations

from ..models import (
    ConnectionInfo,
    Organization,
    Profile,
)
from ..urls import sibling_org_url
from .plumbing import Plumbing


class Accounts(Plumbing):
    """Who the credential belongs to and the organizations it sees."""

    def profile(self) -> Profile:
        """Who the credential belongs to (profile `me` on the profile host)."""

        def run() -> Profile:
            found = self._clients("profile").get_profile_client().get_profile("me")
            extra = getattr(found, "additional_properties", None) or {}
            return Profile(
                id=str(found.id or extra.get("publicAlias") or ""),
                display_name=str(extra.get("displayName") or ""),
                email=str(extra.get("emailAddress") or ""),
            )

        return self._once("profile", lambda: self._call("profile", run))

    def connection_data(self) -> ConnectionInfo:
        """The organization's id and the signed-in identity; a cheap check of the sign-in."""

        def run() -> ConnectionInfo:
            data = self._clients().get_location_client().get_connection_data()
            user = data.authenticated_user
            return ConnectionInfo(
                instance_id=str(data.instance_id or ""),
                user_id=str(getattr(user, "id", "") or ""),
                user_descriptor=str(getattr(user, "subject_descriptor", "") or ""),
                user_name=str(
                    getattr(user, "provider_display_name", "")
                    or getattr(user, "custom_display_name", "")
                    or ""
                ),
            )

        return self._once("connection_data", lambda: self._call("connection_data", run))

    def organizations(self, member_id: str) -> list[Organization]:
        """The organizations `member_id` (Profile.id) belongs to."""

        def run() -> list[Organization]:
            accounts = (
                self._clients("profile").get_accounts_client().get_accounts(member_id=member_id)
                or []
            )
            return [
                Organization(
                    name=a.account_name,
                    id=str(a.account_id),
                    url=sibling_org_url(self.org_url, a.account_name)
                    if self.org_url
                    else str(a.account_uri or ""),
                )
                for a in accounts
            ]

        return self._call("organizations", run)
