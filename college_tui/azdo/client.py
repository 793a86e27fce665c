"""`AzureDevOps`: the only way the steps talk to the service (the facade contract, facade.md).

Every method runs in the caller's (worker) thread, emits an `HttpCall` for each request, retries
per azdo/retry.py and raises `AzdoError` with a sentence for the attendee. Results are the frozen
dataclasses of azdo/models.py.

Creating calls are never re-sent blindly. Each one re-checks the service itself after a failure
that may have lost the answer, and only sends again when the object is absent:

| method | after a lost answer it looks for | "already exists" after a lost answer |
|---|---|---|
| queue_create_project | the operation remembered for that name, then the project by name | our request landed: a `project:{name}` operation id (below) |
| create_team | the team list, by name | the team found by name |
| create_repository | the repository, by name | the repository found by name |
| create_import | the import requests of the repository, same source URL, not failed | the request found |
| create_pull_request | active pull requests with the same source and target | the pull request found |
| add_ssh_key | the key list, by key material (also checked before the first POST) | the key found |
| invite | the user entitlements, by e-mail | success (an existing user is fine) |
| add_member | — PUT, idempotent: retried as is | — |
| set_default_team | — setting the same default twice is harmless: retried as is, then verified | — |

Reads inside a run are remembered (`remember_reads`, which the step runner turns on for one run):
a fact one step read (the project, the repository, the key list, the pull requests) is not fetched
again by the next step or by `apply` after `inspect`. Any write through the facade forgets all of
them (before and after it, so a recheck never sees a stale answer), `forget_reads` forgets them
before each poll, and who the credential belongs to (profile, connection data) is read once.

`queue_create_project` returns the service's operation id; when the answer was lost and the
operation id is unknowable, it returns `project:{name}`, which `get_operation` answers by reading
the project (succeeded once it is wellFormed, inProgress until then).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ..events import Emit, Waiting
from . import errors as E
from .credentials import Credential
from .models import (
    ConnectionInfo,
    ImportRequest,
    Invite,
    Member,
    Operation,
    Organization,
    Process,
    Profile,
    Project,
    PullRequest,
    Ref,
    Repository,
    SshKey,
    Team,
    key_material,
)
from .retry import RATE_LIMIT_MESSAGE, RETRY_STATUSES, Failure, GiveUp, RetryPolicy
from .urls import project_web_url, pull_request_web_url, sibling_org_url

T = TypeVar("T")

PROJECT_BY_NAME = "project:"  # prefix of an operation id that stands for "the project by name"
_CONFLICT_TYPE_KEYS = {
    "ProjectAlreadyExistsException",
    "TeamAlreadyExistsException",
    "GitRepositoryNameAlreadyExistsException",
    "GitImportRequestAlreadyExistsException",
}
_NOT_FOUND_KEEPS_RAISING = {"HostNotFoundException"}
_USER_ENTITLEMENTS_LOCATION = "387f832c-dbf2-4643-88e9-c1aa94dbb737"
_ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def _use_our_sdk_cache() -> None:
    """Point the SDK's discovery cache at our cache dir before it is first imported.

    azure.devops creates ~/.azure-devops at import time and fails on a read-only home (locked-down
    laptops); an AZURE_DEVOPS_CACHE_DIR the user or the tests set wins.
    """
    if "AZURE_DEVOPS_CACHE_DIR" not in os.environ:
        from platformdirs import user_cache_dir

        os.environ["AZURE_DEVOPS_CACHE_DIR"] = os.path.join(
            user_cache_dir("college-tui", appauthor=False), "azure-devops-sdk"
        )


class _Shared:
    """State every `for_step` copy shares: connections, the HTTP observer, remembered writes."""

    def __init__(
        self,
        org_url: str,
        profile_url: str,
        credential: Credential,
        retry: RetryPolicy,
        timeout: Any,
    ) -> None:
        from .http import DEFAULT_TIMEOUT, HttpObserver

        self.org_url = (org_url or "").rstrip("/")
        self.profile_url = (profile_url or "").rstrip("/")
        self.credential = credential
        self.retry = retry
        self.http = HttpObserver(
            timeout=timeout or DEFAULT_TIMEOUT,
            max_retry_after=retry.max_retry_after,
            sleep=retry.pause,
        )
        self.lock = threading.Lock()
        self.connections: dict[str, Any] = {}
        self.pending_projects: dict[str, str] = {}  # lower-case name -> operation id
        self.repo_web_urls: dict[str, str] = {}
        self.token_host: str | None = None
        self.identity: dict[str, Any] = {}  # profile and connection data: read once
        self.reads: dict[tuple, Any] | None = None  # remembered reads; None: not remembering
        self.reads_lock = threading.Lock()

    def connection(self, base_url: str) -> Any:
        with self.lock:
            conn = self.connections.get(base_url)
            if conn is None:
                _use_our_sdk_cache()
                from azure.devops.connection import Connection

                from .http import observed_credentials

                creds = observed_credentials(self.credential.msrest_credentials(), self.http)
                conn = Connection(base_url=base_url, creds=creds, user_agent="college-tui")
                self.connections[base_url] = conn
            return conn


class AzureDevOps:
    """One signed-in view of an organization (and of the profile host). See facade.md."""

    def __init__(
        self,
        org_url: str,
        profile_url: str,
        credential: Credential,
        emit: Emit,
        step: str = "",
        retry: RetryPolicy | None = None,
        *,
        timeout: Any = None,
    ) -> None:
        self._shared = _Shared(org_url, profile_url, credential, retry or RetryPolicy(), timeout)
        self._emit = emit
        self._step = step

    def for_step(self, step: str, emit: Emit | None = None) -> AzureDevOps:
        """The same connections and memory, with events tagged with `step` (sent to `emit`).

        Copies may be used from several threads at once: they share the connections (msrest keeps
        a session per thread) and the HTTP observer, so a Retry-After one of them receives holds
        back the requests of all of them."""
        copy = object.__new__(AzureDevOps)
        copy._shared = self._shared
        copy._emit = emit or self._emit
        copy._step = step
        return copy

    # -- remembered reads -------------------------------------------------------------------------

    def remember_reads(self) -> None:
        """Start remembering reads (a no-op when already remembering); see the module doc."""
        with self._shared.reads_lock:
            if self._shared.reads is None:
                self._shared.reads = {}

    def forget_reads(self, *, stop: bool = False) -> None:
        """Forget every remembered read; with `stop`, also stop remembering."""
        with self._shared.reads_lock:
            self._shared.reads = None if stop or self._shared.reads is None else {}

    def _remembered(self, key: tuple, fetch: Callable[[], T]) -> T:
        shared = self._shared
        with shared.reads_lock:
            reads = shared.reads
            if reads is not None and key in reads:
                found = reads[key]
                return list(found) if isinstance(found, list) else found
        value = fetch()
        with shared.reads_lock:
            # Only if no write forgot everything meanwhile (it replaced the dict).
            if shared.reads is not None and shared.reads is reads:
                shared.reads[key] = list(value) if isinstance(value, list) else value
        return value

    def _once(self, key: str, fetch: Callable[[], T]) -> T:
        identity = self._shared.identity
        if key not in identity:
            identity[key] = fetch()
        return identity[key]

    @property
    def org_url(self) -> str:
        return self._shared.org_url

    @property
    def profile_url(self) -> str:
        return self._shared.profile_url

    @property
    def credential(self) -> Credential:
        return self._shared.credential

    def __repr__(self) -> str:
        return f"AzureDevOps({self.org_url!r}, step={self._step!r})"

    # -- plumbing --------------------------------------------------------------------------------

    def _clients(self, host: str = "org") -> Any:
        url = self._shared.profile_url if host == "profile" else self._shared.org_url
        if not url:
            raise E.AzdoError("No organization chosen yet: pick or create an organization first.")
        return self._shared.connection(url).clients_v7_1

    def _call(
        self,
        method: str,
        attempt: Callable[[], T],
        *,
        recheck: Callable[[], Any] | None = None,
        idempotent: bool = True,
        on_conflict: Callable[[], Any] | None = None,
        writes: bool = False,
    ) -> T:
        if writes or not idempotent:
            self.forget_reads()
            try:
                return self._send_call(
                    method, attempt, recheck=recheck, idempotent=idempotent, on_conflict=on_conflict
                )
            finally:
                self.forget_reads()
        return self._send_call(
            method, attempt, recheck=recheck, idempotent=idempotent, on_conflict=on_conflict
        )

    def _send_call(
        self,
        method: str,
        attempt: Callable[[], T],
        *,
        recheck: Callable[[], Any] | None,
        idempotent: bool,
        on_conflict: Callable[[], Any] | None,
    ) -> T:
        http = self._shared.http

        def once() -> T:
            http.forget_last()
            return attempt()

        def on_wait(delay: float, number: int, failure: Failure) -> None:
            if failure.retry_after is not None:
                message = RATE_LIMIT_MESSAGE
            else:
                message = f"Azure DevOps did not answer ({failure.reason}); trying again…"
            self._emit(Waiting(self._step, message, round(delay, 3), number))

        with http.context(self._emit, self._step):
            try:
                return self._shared.retry.call(
                    once,
                    classify=self._classify,
                    on_wait=on_wait,
                    recheck=recheck,
                    idempotent=idempotent,
                    on_conflict=on_conflict,
                )
            except GiveUp as gave_up:
                raise self._to_error(method, gave_up.error, gave_up.failure) from None

    def _classify(self, error: BaseException) -> Failure:
        """Transient or not, from the exception and the last exchange the adapter saw."""
        from .raw import HttpStatusError

        if isinstance(error, E.AzdoError):  # already explained (sign-in page, portal refusal)
            return Failure(False, error.status, detail=error)
        transport = _transport_error(error)
        if transport is not None:
            import requests

            tls = isinstance(transport, requests.exceptions.SSLError)
            return Failure(not tls, None, reason=_transport_reason(transport), detail=transport)
        last = self._shared.http.last
        status = getattr(error, "status", None) if isinstance(error, HttpStatusError) else None
        if (
            status is None and last is not None and last.status is not None and last.status >= 300
        ):  # the failing answer (not an earlier successful one)
            status = last.status
        if status is None and _is_sdk_auth_error(error):
            status = 401
        retry_after = last.retry_after if last is not None else None
        type_key = getattr(error, "type_key", None)
        message = _service_message(error)
        conflict = (
            status == 409
            or type_key in _CONFLICT_TYPE_KEYS
            or (status == 400 and "already exists" in message.lower())
        )
        transient = status in RETRY_STATUSES or (
            retry_after is not None and status is not None and status >= 500
        )
        return Failure(
            transient,
            status,
            retry_after if transient else None,
            conflict,
            reason=f"HTTP {status}" if status else type(error).__name__,
        )

    def _to_error(self, method: str, error: BaseException, failure: Failure) -> E.AzdoError:
        """The sentence for a failure the retry layer gave up on."""
        if isinstance(error, E.AzdoError):
            return error
        if isinstance(failure.detail, BaseException) and failure.status is None:
            import requests

            host = _host(self._shared.http.last.url if self._shared.http.last else self.org_url)
            if isinstance(failure.detail, requests.exceptions.SSLError):
                return E.AzdoError(
                    f"Could not make a secure connection to Azure DevOps ({host}): the TLS "
                    "certificate was not trusted. A company proxy that inspects HTTPS can cause "
                    "this; ask your IT team for its certificate or use another network."
                )
            return E.unreachable(method, host, failure.reason)
        status = failure.status
        type_key = getattr(error, "type_key", None)
        message = _service_message(error)
        if status == 401:
            return E.sign_in_failed(
                f"HTTP 401 while trying to {E.what(method)}", maybe_scope=E.scope_for(method)
            )
        if status == 403:
            return E.refused(method, status, message, type_key)
        if status == 404 and (
            type_key in _NOT_FOUND_KEEPS_RAISING or method in ("connection_data",)
        ):
            return E.org_not_found(self.org_url, status)
        if status == 429:
            return E.rate_limited(method, failure.retry_after)
        if status is not None and status >= 500:
            return E.service_trouble(method, status)
        if status is None and not message:
            message = type(error).__name__
        return E.service_error(method, status, message, type_key)

    def _status_of(self, error: BaseException) -> tuple[int | None, str | None]:
        last = self._shared.http.last
        status = getattr(error, "status", None) or (last.status if last is not None else None)
        return status, getattr(error, "type_key", None)

    def _none_if_missing(self, fetch: Callable[[], T]) -> T | None:
        """`fetch()`, or None when the service says 404 for the object (not for the org)."""
        try:
            return fetch()
        except Exception as error:
            status, type_key = self._status_of(error)
            if (
                status == 404
                and type_key not in _NOT_FOUND_KEEPS_RAISING
                and _transport_error(error) is None
            ):
                return None
            raise

    def _raw(
        self,
        method: str,
        http_method: str,
        url: str,
        *,
        params: dict | None = None,
        body: Any = None,
        portal: bool = True,
    ) -> Any:
        from .raw import check_raw_response, raw_headers

        session = self._shared.http.session()
        response = session.request(
            http_method,
            url,
            params=params,
            json=body,
            headers=raw_headers(self._shared.credential.auth_header(), body=body is not None),
            allow_redirects=False,
            timeout=self._shared.http.timeout,
        )
        return check_raw_response(response, method, portal=portal)

    # -- sign in / organisation -------------------------------------------------------------------

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

    # -- project ----------------------------------------------------------------------------------

    def processes(self) -> list[Process]:
        """The organization's processes (Agile, Scrum, Basic, CMMI, inherited ones)."""

        def run() -> list[Process]:
            return [
                Process(id=str(p.id), name=p.name, is_default=bool(p.is_default))
                for p in self._clients().get_core_client().get_processes() or []
            ]

        return self._remembered(("processes",), lambda: self._call("processes", run))

    def get_project(self, name_or_id: str) -> Project | None:
        """The project, or None when there is none by that name or id."""

        def run() -> Project | None:
            core = self._clients().get_core_client()
            found = self._none_if_missing(
                lambda: core.get_project(name_or_id, include_capabilities=True)
            )
            return None if found is None else self._project(found)

        return self._remembered(
            ("get_project", name_or_id.lower()), lambda: self._call("get_project", run)
        )

    def _project(self, p: Any) -> Project:
        template = (p.capabilities or {}).get("processTemplate") or {}
        team = p.default_team
        return Project(
            id=str(p.id),
            name=p.name,
            process_id=template.get("templateTypeId"),
            process_name=template.get("templateName"),
            default_team_id=str(team.id) if team and team.id else None,
            default_team_name=team.name if team else None,
            web_url=project_web_url(self.org_url, p.name),
            state=str(p.state or ""),
            description=p.description or "",
        )

    def queue_create_project(self, name: str, description: str, process_id: str) -> str:
        """Queue the creation of a private Git project; returns the operation id to poll."""
        from azure.devops.v7_1.core.models import TeamProject

        pending = self._shared.pending_projects

        def remembered(states: tuple[str, ...]) -> str | None:
            op_id = pending.get(name.lower())
            if op_id and self.get_operation(op_id).status in states:
                return op_id
            return None

        def recheck() -> str | None:
            found = remembered(("notSet", "queued", "inProgress", "succeeded"))
            if found:
                return found
            return PROJECT_BY_NAME + name if self.get_project(name) is not None else None

        def run() -> str:
            op = (
                self._clients()
                .get_core_client()
                .queue_create_project(
                    TeamProject(
                        name=name,
                        description=description,
                        visibility="private",
                        capabilities={
                            "versioncontrol": {"sourceControlType": "Git"},
                            "processTemplate": {"templateTypeId": process_id},
                        },
                    )
                )
            )
            pending[name.lower()] = str(op.id)
            return str(op.id)

        # A second call while our creation still runs: adopt it rather than be refused.
        earlier = remembered(("notSet", "queued", "inProgress"))
        if earlier:
            return earlier
        return self._call(
            "queue_create_project",
            run,
            recheck=recheck,
            idempotent=False,
            on_conflict=lambda: recheck() or PROJECT_BY_NAME + name,
        )

    def get_operation(self, operation_id: str) -> Operation:
        """The state of a queued operation (see the module doc for `project:{name}` ids)."""
        if operation_id.startswith(PROJECT_BY_NAME):
            name = operation_id[len(PROJECT_BY_NAME) :]
            project = self.get_project(name)
            if project is not None and project.state.lower() == "wellformed":
                return Operation(operation_id, "succeeded", "")
            return Operation(
                operation_id, "inProgress", "Azure DevOps is still creating the project."
            )

        def run() -> Operation:
            op = self._clients().get_operations_client().get_operation(operation_id)
            return Operation(
                id=str(op.id),
                status=str(op.status or "notSet"),
                message=op.result_message or op.detailed_message or "",
            )

        return self._call("get_operation", run)

    # -- team -------------------------------------------------------------------------------------

    def teams(self, project_id: str) -> list[Team]:
        """The project's teams."""

        def run() -> list[Team]:
            found = self._clients().get_core_client().get_teams(project_id, top=1000) or []
            return [Team(id=str(t.id), name=t.name, description=t.description or "") for t in found]

        return self._remembered(("teams", project_id), lambda: self._call("teams", run))

    def create_team(self, project_id: str, name: str, description: str) -> Team:
        """Create a team (re-checks the team list by name before ever sending twice)."""
        from azure.devops.v7_1.core.models import WebApiTeam

        def recheck() -> Team | None:
            return next((t for t in self.teams(project_id) if t.name.lower() == name.lower()), None)

        def run() -> Team:
            t = (
                self._clients()
                .get_core_client()
                .create_team(WebApiTeam(name=name, description=description), project_id)
            )
            return Team(id=str(t.id), name=t.name, description=t.description or "")

        return self._call("create_team", run, recheck=recheck, idempotent=False)

    def set_default_team(self, project_name: str, team_id: str) -> None:
        """Make `team_id` the default team (portal HierarchyQuery); raises PortalRefused."""
        from .raw import DEFAULT_TEAM_PROVIDER, default_team_query, provider_result

        def run() -> None:
            body = self._raw(
                "set_default_team",
                "POST",
                f"{self.org_url}/_apis/Contribution/HierarchyQuery",
                body=default_team_query(self.org_url, project_name, team_id),
            )
            provider_result(body, DEFAULT_TEAM_PROVIDER, "set_default_team")

        self._call("set_default_team", run, writes=True)  # idempotent in effect: retried as is
        project = self.get_project(project_name)
        if project is None or (project.default_team_id or "").lower() != team_id.lower():
            raise E.PortalRefused(
                "Azure DevOps accepted the request to set the default team, but the project's "
                "default team did not change. The wizard will show you how to set it in the "
                "browser instead."
            )

    # -- members ----------------------------------------------------------------------------------

    def invite(self, email: str, access_level: str, project_id: str) -> Invite:
        """Add `email` to the organization (and the project's Contributors). Refusals come back
        as `Invite(ok=False, message=...)`, not as exceptions (the service answers HTTP 200)."""
        from azure.devops.v7_1.member_entitlement_management.models import (
            AccessLevel,
            GraphUser,
            Group,
            ProjectEntitlement,
            ProjectRef,
            UserEntitlement,
        )

        def recheck() -> Invite | None:
            return self._existing_entitlement(email)

        def run() -> Invite:
            entitlement = UserEntitlement(
                access_level=AccessLevel(
                    account_license_type=access_level, licensing_source="account"
                ),
                user=GraphUser(subject_kind="user", principal_name=email),
                project_entitlements=[
                    ProjectEntitlement(
                        group=Group(group_type="projectContributor"),
                        project_ref=ProjectRef(id=project_id),
                    )
                ],
                extensions=[],
            )
            client = self._clients().get_member_entitlement_management_client()
            try:
                # add_user_entitlement() itself would drop operationResult.errors (the SDK's
                # model types them as '[{ key: int; value: str }]', which msrest can't read), and
                # those errors are the only explanation of a refusal: same request, JSON kept.
                response = client._send(
                    http_method="POST",
                    location_id=_USER_ENTITLEMENTS_LOCATION,
                    version="7.1-preview.3",
                    content=client._serialize.body(entitlement, "UserEntitlement"),
                )
            except Exception as error:
                if "already exists" in _service_message(error).lower():
                    return recheck() or Invite(True, f"{email} is already in the organization.")
                raise
            return _invite_from(email, response.json())

        return self._call(
            "invite",
            run,
            recheck=recheck,
            idempotent=False,
            on_conflict=lambda: (
                recheck() or Invite(True, f"{email} is already in the organization.")
            ),
        )

    def _existing_entitlement(self, email: str) -> Invite | None:
        """The user entitlement for `email`, if the organization has one (None if unknown)."""

        def run() -> Invite | None:
            client = self._clients().get_member_entitlement_management_client()
            safe = email.replace("'", "''")
            page = client.search_user_entitlements(filter=f"name eq '{safe}'")
            for member in getattr(page, "members", None) or []:
                user = member.user
                names = {
                    (getattr(user, "principal_name", "") or "").lower(),
                    (getattr(user, "mail_address", "") or "").lower(),
                }
                if email.lower() in names:
                    return Invite(
                        True,
                        f"{email} is already in the organization.",
                        str(member.id),
                        getattr(user, "descriptor", None),
                    )
            return None

        try:
            return self._call("invite", run)
        except E.AzdoError as error:
            if error.status in (400, 404, 405):  # search unsupported here: treat as unknown
                return None
            raise

    def user_entitlement(self, email: str) -> Invite | None:
        """The organization's entitlement for `email`, None when it has none (a read only)."""
        return self._existing_entitlement(email)

    def descriptor(self, storage_key: str) -> str:
        """The Graph descriptor of a storage key (team id -> vssgp.…)."""

        def run() -> str:
            return str(self._clients().get_graph_client().get_descriptor(storage_key).value)

        return self._call("descriptor", run)

    def is_member(self, subject_descriptor: str, container_descriptor: str) -> bool:
        """Whether the subject (user) is a direct member of the container (team group)."""

        def run() -> bool:
            graph = self._clients().get_graph_client()
            result = self._none_if_missing(
                lambda: (
                    graph.check_membership_existence(subject_descriptor, container_descriptor)
                    or True
                )
            )
            return result is not None

        return self._call("is_member", run)

    def add_member(self, subject_descriptor: str, container_descriptor: str) -> None:
        """Add the subject to the container (PUT: idempotent, retried as is)."""

        def run() -> None:
            self._clients().get_graph_client().add_membership(
                subject_descriptor, container_descriptor
            )

        self._call("add_member", run, writes=True)

    def team_members(self, project_id: str, team_id: str) -> list[Member]:
        """The team's members."""

        def run() -> list[Member]:
            found = (
                self._clients()
                .get_core_client()
                .get_team_members_with_extended_properties(project_id, team_id)
                or []
            )
            out = []
            for m in found:
                ident = m.identity
                out.append(
                    Member(
                        id=str(ident.id),
                        unique_name=ident.unique_name or "",
                        display_name=ident.display_name or "",
                        descriptor=ident.descriptor,
                    )
                )
            return out

        return self._call("team_members", run)

    # -- ssh keys ---------------------------------------------------------------------------------

    def _token_host(self) -> str:
        """The host serving Token/SessionTokens, from the organization's ResourceAreas."""
        from .raw import TOKEN_HOST_AREAS

        if self._shared.token_host is None:
            conn = self._shared.connection(self.org_url)
            areas = {str(a.id).lower(): a.location_url for a in conn._get_resource_areas() or []}
            url = next((areas[a] for a in TOKEN_HOST_AREAS if a in areas), None)
            self._shared.token_host = (url or self.org_url).rstrip("/")
        return self._shared.token_host

    def ssh_keys(self) -> list[SshKey]:
        """Your SSH public keys (raw Token/SessionTokens); raises PortalRefused when refused."""
        from .raw import session_tokens, ssh_key_from

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
        from .raw import SSH_KEY_PROVIDER, provider_result, ssh_key_from, ssh_key_query

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

    # -- repos ------------------------------------------------------------------------------------

    def _repository(self, r: Any) -> Repository:
        if r.web_url:
            self._shared.repo_web_urls[str(r.id)] = r.web_url
        project = getattr(r, "project", None)
        return Repository(
            id=str(r.id),
            name=r.name,
            ssh_url=r.ssh_url,
            web_url=r.web_url,
            default_branch=r.default_branch or None,
            size=int(r.size or 0),
            remote_url=r.remote_url,
            project_id=str(project.id) if project is not None and project.id else None,
        )

    def repositories(self, project: str) -> list[Repository]:
        """The project's Git repositories."""

        def run() -> list[Repository]:
            found = self._clients().get_git_client().get_repositories(project) or []
            return [self._repository(r) for r in found]

        return self._call("repositories", run)

    def get_repository(self, project: str, name_or_id: str) -> Repository | None:
        """The repository, or None when the project has none by that name or id."""

        def run() -> Repository | None:
            git = self._clients().get_git_client()
            found = self._none_if_missing(lambda: git.get_repository(name_or_id, project))
            return None if found is None else self._repository(found)

        return self._remembered(
            ("get_repository", project, name_or_id.lower()),
            lambda: self._call("get_repository", run),
        )

    def create_repository(self, project_id: str, name: str) -> Repository:
        """Create an empty repository (re-checks by name before ever sending twice)."""
        from azure.devops.v7_1.git.models import GitRepositoryCreateOptions, TeamProjectReference

        def run() -> Repository:
            created = (
                self._clients()
                .get_git_client()
                .create_repository(
                    GitRepositoryCreateOptions(
                        name=name, project=TeamProjectReference(id=project_id)
                    ),
                    project_id,
                )
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
                self._clients()
                .get_git_client()
                .query_import_requests(project, repo_id, include_abandoned=True)
                or []
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
            created = (
                self._clients()
                .get_git_client()
                .create_import_request(
                    GitImportRequest(
                        parameters=GitImportRequestParameters(
                            git_source=GitImportGitSource(url=source_url, overwrite=False),
                            delete_service_endpoint_after_import_is_done=False,
                        )
                    ),
                    project,
                    repo_id,
                )
            )
            return _import_from(created)

        return self._call("create_import", run, recheck=recheck, idempotent=False)

    def get_import(self, project: str, repo_id: str, import_id: int) -> ImportRequest:
        """The state of an import request."""

        def run() -> ImportRequest:
            return _import_from(
                self._clients().get_git_client().get_import_request(project, repo_id, import_id)
            )

        return self._call("get_import", run)

    def refs(self, project: str, repo_id: str, prefix: str = "heads/") -> list[Ref]:
        """The repository's refs whose name (after refs/) starts with `prefix`."""

        def run() -> list[Ref]:
            found = self._clients().get_git_client().get_refs(repo_id, project, filter=prefix) or []
            return [Ref(name=r.name, object_id=r.object_id) for r in found]

        return self._call("refs", run)

    def _repo_web_url(self, project: str, repo_id: str, pr: Any) -> str | None:
        repo = getattr(pr, "repository", None)
        if repo is not None and getattr(repo, "web_url", None):
            return repo.web_url
        known = self._shared.repo_web_urls.get(repo_id)
        if known:
            return known
        found = self.get_repository(project, repo_id)
        return found.web_url if found else None

    def _pull_request(self, project: str, repo_id: str, pr: Any) -> PullRequest:
        web = self._repo_web_url(project, repo_id, pr)
        return PullRequest(
            id=int(pr.pull_request_id),
            status=str(pr.status or ""),
            title=pr.title or "",
            source_ref=pr.source_ref_name or "",
            target_ref=pr.target_ref_name or "",
            web_url=pull_request_web_url(web, pr.pull_request_id) if web else None,
        )

    def pull_requests(
        self,
        project: str,
        repo_id: str,
        source_ref: str | None = None,
        target_ref: str | None = None,
        status: str = "active",
    ) -> list[PullRequest]:
        """Pull requests of the repository, filtered by source/target branch and status."""
        from azure.devops.v7_1.git.models import GitPullRequestSearchCriteria

        def run() -> list[Any]:
            criteria = GitPullRequestSearchCriteria(
                source_ref_name=_full_ref(source_ref) if source_ref else None,
                target_ref_name=_full_ref(target_ref) if target_ref else None,
                status=status,
            )
            return (
                self._clients().get_git_client().get_pull_requests(repo_id, criteria, project) or []
            )

        found = self._remembered(
            ("pull_requests", project, repo_id, source_ref, target_ref, status),
            lambda: self._call("pull_requests", run),
        )
        return [self._pull_request(project, repo_id, pr) for pr in found]

    def create_pull_request(
        self,
        project: str,
        repo_id: str,
        source_ref: str,
        target_ref: str,
        title: str,
        description: str,
    ) -> PullRequest:
        """Open a pull request (re-checks active ones with the same branches first on retry)."""
        from azure.devops.v7_1.git.models import GitPullRequest

        source, target = _full_ref(source_ref), _full_ref(target_ref)

        def recheck() -> PullRequest | None:
            found = self.pull_requests(project, repo_id, source, target, "active")
            return found[0] if found else None

        def run() -> Any:
            return (
                self._clients()
                .get_git_client()
                .create_pull_request(
                    GitPullRequest(
                        source_ref_name=source,
                        target_ref_name=target,
                        title=title,
                        description=description,
                    ),
                    repo_id,
                    project,
                )
            )

        created = self._call("create_pull_request", run, recheck=recheck, idempotent=False)
        if isinstance(created, PullRequest):
            return created
        return self._pull_request(project, repo_id, created)


# -- helpers --------------------------------------------------------------------------------------


def _transport_error(error: BaseException) -> BaseException | None:
    """The network failure inside `error` (requests/urllib3/socket), if that is what it is."""
    import http.client

    import requests
    import urllib3.exceptions

    kinds = (
        requests.exceptions.ConnectionError,
        requests.exceptions.Timeout,
        requests.exceptions.ChunkedEncodingError,
        urllib3.exceptions.ProtocolError,
        urllib3.exceptions.TimeoutError,
        http.client.HTTPException,
        ConnectionError,
        TimeoutError,
    )
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "type_key", None) or getattr(current, "status", None):
            return None  # the service answered (an error body or status): not a network failure
        if isinstance(current, kinds):
            return current
        current = (
            current.__cause__ or current.__context__ or getattr(current, "inner_exception", None)
        )
    return None


def _transport_reason(error: BaseException) -> str:
    import requests

    if isinstance(error, requests.exceptions.Timeout | TimeoutError):
        return "the request timed out"
    if isinstance(error, requests.exceptions.SSLError):
        return "the secure connection failed"
    return "the connection was lost"


def _is_sdk_auth_error(error: BaseException) -> bool:
    return type(error).__name__ in ("AzureDevOpsAuthenticationError", "AuthenticationError")


def _service_message(error: BaseException) -> str:
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    return str(error) if str(error) else ""


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def _invite_from(email: str, answer: Any) -> Invite:
    """The Invite for a UserEntitlementsPostResponse (JSON): refusals arrive with HTTP 200."""
    answer = answer if isinstance(answer, dict) else {}
    result = answer.get("operationResult") or {}
    entitlement = answer.get("userEntitlement") or result.get("result") or {}
    user = entitlement.get("user") or {}
    ok = bool(answer.get("isSuccess")) and result.get("isSuccess") is not False
    user_id = result.get("userId") or entitlement.get("id")
    user_id = str(user_id) if user_id and user_id != _ZERO_GUID else None
    descriptor = user.get("descriptor") or None
    if ok:
        return Invite(True, f"Invited {email}; they get an e-mail to join.", user_id, descriptor)
    problems = [
        str(e.get("value"))
        for e in result.get("errors") or []
        if isinstance(e, dict) and e.get("value")
    ]
    said = " ".join(problems) or "no reason was given."
    return Invite(
        False,
        f"Azure DevOps could not add {email}: {said} Check the address; if it "
        "is right, the organization may not accept this account yet — try "
        "again later, or add them in the portal.",
        user_id,
        descriptor,
    )


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


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/heads/{ref}"
