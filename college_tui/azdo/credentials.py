"""Credentials for Azure DevOps: a personal access token, or a Microsoft Entra token.

A PAT is sent as HTTP Basic with an empty user name. An Entra token (azure-identity; scope
`499b84ac-…/.default`, the Azure DevOps resource) is sent as Bearer and refreshed a few minutes
before it expires: msrest re-applies `signed_session()` before every request, so mutating
`creds.token['access_token']` there is enough (nothing in the SDK refreshes for us).
Nothing here repr()s, prints or logs a secret; every secret is registered for redaction.
azure-identity and msrest are imported lazily (they are slow to import).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from ..events import Emit, NeedsYou
from ..vocabulary import AuthMode, StepKey
from .entra_errors import entra_error, quiet_azure_logs
from .errors import AzdoError
from .redact import register_secret

if TYPE_CHECKING:
    import requests


AZURE_DEVOPS_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default"
REFRESH_MARGIN_SECONDS = 300  # refresh this long before the token expires

MICROSOFT_AUTHORITY_HOSTS = (
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
    "login.partner.microsoftonline.cn",
)


class Credential(Protocol):
    """What the facade needs from a credential. Implementations never repr() a secret."""

    kind: str  # "pat" | "entra"

    def msrest_credentials(self) -> Any: ...

    def auth_header(self) -> str: ...

    def refresh_if_needed(self) -> None: ...

    def git_password(self) -> str: ...


class PatCredential:
    """A personal access token (HTTP Basic, empty user name)."""

    kind = "pat"

    def __init__(self, pat: str) -> None:
        pat = (pat or "").strip()
        if not pat:
            raise AzdoError(
                "The personal access token is empty: paste the token Azure DevOps "
                "showed when you created it."
            )
        register_secret(pat)
        self._pat = pat

    def msrest_credentials(self) -> Any:
        from msrest.authentication import BasicAuthentication

        return BasicAuthentication("", self._pat)

    def auth_header(self) -> str:
        return "Basic " + base64.b64encode(f":{self._pat}".encode()).decode()

    def refresh_if_needed(self) -> None:
        """A PAT does not expire during a run (or, if it does, the service says 401)."""

    def git_password(self) -> str:
        """What git over HTTPS sends as the password (Azure Repos: any user name, the PAT)."""
        return self._pat

    def __repr__(self) -> str:
        return "PatCredential(pat='***')"


class BearerToken:
    """What an Entra access token is to the facade: Bearer, renewed (`refresh_if_needed`, each
    kind its own way) before each request. Subclasses set the fields of `__init__`."""

    kind = "entra"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expires_on = 0.0
        self._token: dict[str, str] = {"access_token": ""}
        self._auth: Any = None

    def refresh_if_needed(self) -> None:
        raise NotImplementedError

    def msrest_credentials(self) -> Any:
        with self._lock:
            if self._auth is None:
                self._auth = _refreshing_token_auth(self, self._token)
            return self._auth

    def auth_header(self) -> str:
        self.refresh_if_needed()
        return "Bearer " + self._token["access_token"]

    def git_password(self) -> str:
        """What git over HTTPS sends as the password: an Entra access token, as Git Credential
        Manager sends it to Azure Repos."""
        self.refresh_if_needed()
        return self._token["access_token"]

    @property
    def expires_on(self) -> float:
        return self._expires_on


class EntraCredential(BearerToken):
    """A Microsoft Entra token from an azure-identity credential, refreshed before it expires."""

    def __init__(
        self,
        token_credential: Any,
        *,
        scope: str = AZURE_DEVOPS_SCOPE,
        clock: Callable[[], float] = time.time,
        before_interactive: Callable[[], None] | None = None,
        cancel: threading.Event | None = None,
        authenticate: Callable[[], None] | None = None,
        again: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._credential = token_credential
        self._again = again  # says a browser opens once more (a renewal that needs the person)
        self._authenticate = authenticate  # the first interactive sign-in, when remembered
        self._cancel = cancel  # set: an interactive sign-in waiting for the person gives up
        self._scope = scope
        self._clock = clock
        self._before_interactive = before_interactive

    def refresh_if_needed(self) -> None:
        """Get a new token when there is none or it expires within REFRESH_MARGIN_SECONDS."""
        with self._lock:
            if (
                self._token["access_token"]
                and self._expires_on - self._clock() > REFRESH_MARGIN_SECONDS
            ):
                return
            if not self._token["access_token"] and self._before_interactive is not None:
                self._before_interactive()
            token = self._get_token()
            register_secret(token.token)
            # Mutate in place: the msrest credentials object holds this very dict.
            self._token["access_token"] = token.token
            self._expires_on = float(token.expires_on)

    def _get_token(self) -> Any:
        if self._cancel is None:
            return self._fetch()
        # azure-identity's wait (a device code polled, a browser's redirect) cannot be
        # interrupted: it runs in a thread of its own, left to time out when cancelled.
        box: dict[str, Any] = {}
        done = threading.Event()

        def fetch() -> None:
            try:
                box["token"] = self._fetch()
            except BaseException as error:  # handed to the caller below
                box["error"] = error
            finally:
                done.set()

        threading.Thread(target=fetch, name="entra-sign-in", daemon=True).start()
        while not done.wait(0.1):
            if self._cancel.is_set():
                raise AzdoError(
                    "Sign-in cancelled: nothing was signed in. Run the step again to sign in, "
                    "or choose another way.",
                    type_key="SignInCancelled",
                )
        if "error" in box:
            raise box["error"]
        return box["token"]

    def _fetch(self) -> Any:
        try:
            if self._authenticate is not None:  # once: sign in, keep the record, then silent
                authenticate, self._authenticate = self._authenticate, None
                authenticate()
            return self._silent_or_said()
        except Exception as error:  # azure-identity raises several types; map them all
            device_code = type(self._credential).__name__ == "DeviceCodeCredential"
            raise entra_error(error, device_code=device_code) from None

    def _silent_or_said(self) -> Any:
        """The token; when it cannot be had silently (a served sandbox restarted and forgot the
        refresh token, or it expired), the person is told before the browser opens again."""
        try:
            from azure.identity import AuthenticationRequiredError
        except ImportError:  # pragma: no cover - azure-identity is a dependency
            return self._credential.get_token(self._scope)
        try:
            return self._credential.get_token(self._scope)
        except AuthenticationRequiredError:
            if self._again is not None and (
                self._token["access_token"] or self._before_interactive is None
            ):
                self._again()
            self._credential.authenticate(scopes=[self._scope])
            return self._credential.get_token(self._scope)

    def __repr__(self) -> str:
        return f"EntraCredential({type(self._credential).__name__}, token='***')"


def _refreshing_token_auth(owner: Credential, token: dict[str, str]) -> Any:
    from msrest.authentication import BasicTokenAuthentication

    class RefreshingTokenAuthentication(BasicTokenAuthentication):
        """Bearer auth whose token is renewed just before msrest signs each request."""

        def signed_session(self, session: requests.Session | None = None) -> requests.Session:
            owner.refresh_if_needed()
            return super().signed_session(session)

        def __repr__(self) -> str:
            return "RefreshingTokenAuthentication(token='***')"

    return RefreshingTokenAuthentication(token)


def browser_available(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> bool:
    """Whether browser sign-in can work (workstation/hostos/desktop.py says where it cannot:
    Linux without a display, WSL without `wslview`); `environ`/`platform` default to this
    machine's."""
    from ..workstation.hostos import Host
    from ..workstation.hostos.desktop import browser_available as available

    host = Host.current()
    if environ is not None or platform is not None:
        host = Host(
            platform or host.system,
            host.env if environ is None else environ,
            wsl=host.wsl and platform is None,
        )
    return available(host)


def _authority_options(authority: str | None, ca_file: str | None) -> dict[str, Any]:
    """azure-identity keyword arguments for a custom authority and its CA."""
    options: dict[str, Any] = {}
    host = (urlsplit(authority).hostname or "").lower() if authority else ""
    if authority:
        options["authority"] = authority
        if host not in MICROSOFT_AUTHORITY_HOSTS:
            # Instance discovery asks login.microsoftonline.com about the host: offline it
            # fails, and Microsoft knows nothing of a sandbox anyway.
            options["disable_instance_discovery"] = True
    if ca_file:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("a custom CA is trusted only for a loopback authority")
        options["connection_verify"] = ca_file
    return options


def device_code_prompt(emit: Emit, step: str) -> Callable[[str, str, Any], None]:
    """The `prompt_callback` for DeviceCodeCredential: the URL and code as a NeedsYou event."""

    def prompt(verification_uri: str, user_code: str, expires_on: Any) -> None:
        emit(
            NeedsYou(
                step,
                f"Open {verification_uri} and enter the code {user_code} to sign in "
                "to Azure DevOps.",
                url=verification_uri,
                detail=user_code,
            )
        )

    return prompt


def entra_credential(
    mode: AuthMode,
    emit: Emit,
    step: str = StepKey.SIGN_IN,
    *,
    tenant_id: str | None = None,
    authority: str | None = None,
    ca_file: str | None = None,
    timeout: int = 300,
    cancel: threading.Event | None = None,
    remember: Any = None,
) -> EntraCredential:
    """An EntraCredential for `mode`; device-code instructions arrive as a NeedsYou event.

    `tenant_id` and `authority` come from `authority.discover_sign_in` (None: azure-identity's
    defaults, Microsoft's "organizations"). A non-Microsoft authority (a served sandbox) skips
    Microsoft's instance discovery, and `ca_file` (its CA) is trusted for this credential only,
    and only for a loopback authority. Tokens stay in memory. Setting `cancel` ends a sign-in
    that waits for the person (AzdoError, type_key "SignInCancelled"). `remember` (a Path for
    the authentication record): keep the sign-in in the encrypted token cache for the next run
    (azdo.remembered); where none exists, a Note says so and it stays in memory.
    """
    import azure.identity as identity

    from .tls import use_system_trust

    use_system_trust()  # azure-identity's requests trust the OS store too
    quiet_azure_logs()
    kwargs: dict[str, Any] = {"tenant_id": tenant_id} if tenant_id else {}
    kwargs.update(_authority_options(authority, ca_file) if mode != AuthMode.AZURE_CLI else {})
    before: Callable[[], None] | None = None
    credential: (
        identity.InteractiveBrowserCredential
        | identity.DeviceCodeCredential
        | identity.AzureCliCredential
    )
    remembered = None
    if remember is not None and mode != AuthMode.AZURE_CLI:
        from .remembered import encrypted_cache_problem, remembered_options

        problem = encrypted_cache_problem()
        if problem:
            from ..events import Note

            emit(Note(step, f"The sign-in is not remembered: {problem}."))
        else:
            kwargs.update(remembered_options(remember))
            remembered = remember
    if mode == AuthMode.BROWSER:
        if not browser_available():
            raise AzdoError(
                "No web browser can open here (no graphical display), and a text "
                "browser can't sign you in. Choose device code sign-in instead: you "
                "open a link on any device and type a short code."
            )
        # Never a browser opened without a word: a renewal that needs the person says so.
        credential = identity.InteractiveBrowserCredential(
            timeout=timeout, disable_automatic_authentication=True, **kwargs
        )

        def again() -> None:
            emit(
                NeedsYou(
                    step,
                    "A browser window opened for you to sign in to Azure DevOps again: the "
                    "sign-in could not be renewed without you (it expired, or the sandbox "
                    "restarted). Pick your account there and come back.",
                )
            )

        def before() -> None:
            emit(
                NeedsYou(
                    step,
                    "A browser window opened for you to sign in to Azure DevOps: pick your "
                    "account there and come back. If no window opened, cancel and choose "
                    "device code sign-in instead.",
                )
            )
    elif mode == AuthMode.DEVICE_CODE:
        # Without a prompt_callback azure-identity print()s the code, corrupting the screen.
        credential = identity.DeviceCodeCredential(
            prompt_callback=device_code_prompt(emit, step), timeout=timeout, **kwargs
        )
    elif mode == AuthMode.AZURE_CLI:
        credential = identity.AzureCliCredential(process_timeout=30, **kwargs)
    else:
        raise ValueError(f"unknown Entra sign-in mode {mode!r}")
    authenticate = None
    if remembered is not None and "authentication_record" not in kwargs:

        def authenticate() -> None:
            from .remembered import save_record

            # a sign-in is remembered only in the interactive modes (never the Azure CLI's)
            assert not isinstance(credential, identity.AzureCliCredential)
            save_record(credential.authenticate(scopes=[AZURE_DEVOPS_SCOPE]), remembered)

    elif remembered is not None:
        before = None  # the cached sign-in is used silently: no "a browser window opened"
    return EntraCredential(
        credential,
        before_interactive=before,
        cancel=cancel,
        authenticate=authenticate,
        again=again if mode == AuthMode.BROWSER else None,
    )
