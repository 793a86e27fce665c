"""Who is in an organisation: its users with when each was added (the class view's reads)."""

from __future__ import annotations

from ..models import OrgUser
from .plumbing import Plumbing


class OrgUsers(Plumbing):
    """The organisation's users (the first page: an attendee's organisation holds a few)."""

    def org_users(self) -> list[OrgUser]:
        """Users of the organisation with their e-mail, name and when they were added."""

        def run() -> list[OrgUser]:
            client = self._clients().get_member_entitlement_management_client()
            page = client.search_user_entitlements()
            users = []
            for member in getattr(page, "members", None) or []:
                user = member.user
                email = getattr(user, "principal_name", "") or getattr(user, "mail_address", "")
                created = member.date_created
                users.append(
                    OrgUser(
                        email or "",
                        getattr(user, "display_name", "") or "",
                        created.isoformat() if hasattr(created, "isoformat") else str(created),
                    )
                )
            return users

        return self._remembered(("org_users",), lambda: self._call("org_users", run))
