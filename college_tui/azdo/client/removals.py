"""What `college-tui teardown` removes in the organisation: a project, a repository, a user."""

from __future__ import annotations

from .plumbing import Plumbing


class Removals(Plumbing):
    """Deleting what the wizard made (never the organisation: there is no such call here)."""

    def delete_project(self, project_id: str) -> str:
        """Queue the project's deletion (it takes its repositories, teams and pull requests
        with it); the operation id to poll with `get_operation`."""

        def run() -> str:
            op = self._core().queue_delete_project(project_id)
            return str(op.id)

        return self._call("delete_project", run, writes=True)

    def delete_repository(self, project: str, repo_id: str) -> None:
        """Delete a repository (the service keeps it in the recycle bin for a while)."""

        def run() -> None:
            self._git().delete_repository(repo_id, project)

        self._call("delete_repository", run, writes=True)

    def remove_user(self, user_id: str) -> None:
        """Remove a user from the organisation (their access and licence)."""

        def run() -> None:
            client = self._clients().get_member_entitlement_management_client()
            client.delete_user_entitlement(user_id)

        self._call("remove_user", run, writes=True)
