"""Error mapping: transient or not, and the sentence for a failure the retry layer gave up on."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import errors as E
from ..retry import RETRY_STATUSES, Failure

if TYPE_CHECKING:
    from .shared import _Shared

_CONFLICT_TYPE_KEYS = {
    "ProjectAlreadyExistsException",
    "TeamAlreadyExistsException",
    "GitRepositoryNameAlreadyExistsException",
    "GitImportRequestAlreadyExistsException",
}
_NOT_FOUND_KEEPS_RAISING = {"HostNotFoundException"}
# The sandbox's own storage failed (database damaged, disk full): its message is the sentence to
# show, and a retry cannot help. The same name as sandbox/errors.py STORAGE_FAILED.
SANDBOX_STORAGE_FAILED = "SandboxStorageException"


class ErrorMapping:
    """How a failure is classified for the retry layer and turned into the attendee's sentence."""

    _shared: _Shared

    @property
    def org_url(self) -> str:
        return self._shared.org_url

    def _classify(self, error: BaseException) -> Failure:
        """Transient or not, from the exception and the last exchange the adapter saw."""
        from ..raw import HttpStatusError

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
        transient = type_key != SANDBOX_STORAGE_FAILED and (
            status in RETRY_STATUSES
            or (retry_after is not None and status is not None and status >= 500)
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
                    "certificate was not trusted, not even by this computer's trust store. A "
                    "company proxy that inspects HTTPS can cause this; ask your IT team to install "
                    "its certificate in the system's trust store (college-tui uses it), or use "
                    "another network."
                )
            return E.unreachable(method, host, failure.reason)
        status = failure.status
        type_key = getattr(error, "type_key", None)
        message = _service_message(error)
        if status == 401 and getattr(self._shared.credential, "kind", "") == "entra":
            return E.entra_refused(method)
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
        if status is not None and status >= 500 and type_key == SANDBOX_STORAGE_FAILED and message:
            return E.AzdoError(message, status=status)  # the sandbox's sentence, not "Azure DevOps"
        if status is not None and status >= 500:
            return E.service_trouble(method, status)
        if status is None and not message:
            message = type(error).__name__
        return E.service_error(method, status, message, type_key)


def _transport_error(error: BaseException) -> BaseException | None:
    """The network failure inside `error` (requests/urllib3/socket), if that is what it is."""
    # Standard library, but lazy: this module is in the first frame, which needs none of the
    # ~20 modules http.client brings (email.*, calendar).
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
    return urlsplit(url).netloc or url
