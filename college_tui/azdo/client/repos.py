"""Repositories, their import requests and refs."""

from __future__ import annotations

from typing import Any

from ..models import (
    ImportRequest,
    Ref,
    Repository,
)
from .plumbing import Plumbing


class Repositories(Plumbing):
    """Repositories, their import requests and refs."""

    def _repository(self, r: Any) -> Repository:
        if r.web_url:
            self._shared.repo_web_urls[str(r.id)] = r.web_url
        project = getattr(r, "project", None)
        return Repository(
            id=str(r.id),
            name=r.name,
            ssh_url=self._ssh_url(r.ssh_url),
            web_url=r.web_url,
            default_branch=r.default_branch or None,
            size=int(r.size or 0),
            remote_url=r.remote_url,
            project_id=str(project.id) if project is not None and project.id else None,
        )

    def repositories(self, project: str) -> list[Repository]:
        """The project's Git repositories."""

        def run() -> list[Repository]:
            found = self._git().get_repositories(project) or []
            return [self._repository(r) for r in found]

        return self._call("repositories", run)

    def get_repository(self, project: str, name_or_id: str) -> Repository | None:
        """The repository, or None when the project has none by that name or id."""

        def run() -> Repository | None:
            git = self._git()
            found = self._none_if_missing(lambda: git.get_repository(name_or_id, project))
            return None if found is None else self._repository(found)

        return self._remembered(
            ("get_repository", project, name_or_id.lower()),
            lambda: self._call("get_repository", run),
            also=lambda r: (
                []
                if r is None
                else [
                    ("get_repository", project, r.id.lower()),
                    ("get_repository", project, r.name.lower()),
                ]
            ),
        )

    def create_repository(self, project_id: str, name: str) -> Repository:
        """Create an empty repository (re-checks by name before ever sending twice)."""
        from azure.devops.v7_1.git.models import GitRepositoryCreateOptions, TeamProjectReference

        def run() -> Repository:
            created = self._git().create_repository(
                GitRepositoryCreateOptions(name=name, project=TeamProjectReference(id=project_id)),
                project_id,
            )
            return self._repository(created)

        return self._call(
            "create_repository",
            run,
            recheck=lambda: self.get_repository(project_id, name),
            idempotent=False,
        )

    def _import_requests(self, project: str, repo_id: str) -> list[tuple[ImportRequest, str]]:
        def run() -> list[tuple[ImportRequest, str]]:
            found = (
                self._git().query_import_requests(project, repo_id, include_abandoned=True) or []
            )
            return [(_import_from(r), _import_source(r)) for r in found]

        return self._call("import_requests", run)

    def import_requests(self, project: str, repo_id: str) -> list[ImportRequest]:
        """The repository's import requests (abandoned ones included), oldest first."""
        return [request for request, _source in self._import_requests(project, repo_id)]

    def create_import(self, project: str, repo_id: str, source_url: str) -> ImportRequest:
        """Start importing a public Git repository into an empty one."""
        from azure.devops.v7_1.git.models import (
            GitImportGitSource,
            GitImportRequest,
            GitImportRequestParameters,
        )

        def recheck() -> ImportRequest | None:
            wanted = _same_source(source_url)
            live = [
                r
                for r, source in self._import_requests(project, repo_id)
                if _same_source(source) == wanted and r.status not in ("failed", "abandoned")
            ]
            return live[-1] if live else None

        def run() -> ImportRequest:
            created = self._git().create_import_request(
                GitImportRequest(
                    parameters=GitImportRequestParameters(
                        git_source=GitImportGitSource(url=source_url, overwrite=False),
                        delete_service_endpoint_after_import_is_done=False,
                    )
                ),
                project,
                repo_id,
            )
            return _import_from(created)

        return self._call("create_import", run, recheck=recheck, idempotent=False)

    def get_import(self, project: str, repo_id: str, import_id: int) -> ImportRequest:
        """The state of an import request."""

        def run() -> ImportRequest:
            return _import_from(self._git().get_import_request(project, repo_id, import_id))

        return self._call("get_import", run)

    def refs(self, project: str, repo_id: str, prefix: str = "heads/") -> list[Ref]:
        """The repository's refs whose name (after refs/) starts with `prefix`."""

        def run() -> list[Ref]:
            found = self._git().get_refs(repo_id, project, filter=prefix) or []
            return [Ref(name=r.name, object_id=r.object_id) for r in found]

        return self._call("refs", run)


def _import_from(r: Any) -> ImportRequest:
    detail = getattr(r, "detailed_status", None)
    return ImportRequest(
        id=int(r.import_request_id),
        status=str(r.status or ""),
        current_step=getattr(detail, "current_step", None),
        all_steps=tuple(getattr(detail, "all_steps", None) or ()),
        error=getattr(detail, "error_message", None) or None,
    )


def _import_source(r: Any) -> str:
    params = getattr(r, "parameters", None)
    source = getattr(params, "git_source", None)
    return str(getattr(source, "url", "") or "")


def _same_source(url: str) -> str:
    url = url.strip().rstrip("/").lower()
    return url[:-4] if url.endswith(".git") else url
