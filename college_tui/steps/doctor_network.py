"""The doctor's network checks: HTTPS to the organisation, SSH port and host key, PAT scopes.

Short timeouts, the user's proxy settings honoured (requests reads HTTPS_PROXY / NO_PROXY). A
closed SSH port is a warning that names the HTTPS fallback, not a dead end. The PAT's scopes are
found with read-only calls through the azdo facade: a refused read means a missing scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .doctor_check import HTTPS_FALLBACK, Check, ok, problem, warning

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..azdo.client import AzureDevOps
    from ..target import Target

AZURE_URL = "https://dev.azure.com"


def network_checks(target: Target | None, pat: str | None, *, timeout: float = 5) -> list[Check]:
    """HTTPS, the SSH port, the SSH host key and (with a PAT and an organisation) its scopes."""
    checks = [check_https(target, timeout)]
    target = _listening(target)
    tcp = check_ssh_port(target, timeout)
    checks += [tcp, check_ssh_host_key(target, timeout, port_open=tcp.status == "ok")]
    checks += check_pat_scopes(target, pat, timeout)
    return checks


def _listening(target: Target | None) -> Target | None:
    """`target` once its SSH server listens (a sandbox started with the doctor brings it up
    while HTTPS is checked, issue 28); one whose SSH server did not start, without SSH."""
    from dataclasses import replace

    from ..target import SshNotStarted, ssh_settled

    if target is None:
        return None
    try:
        return ssh_settled(target)
    except SshNotStarted:
        return replace(target, ssh_hostname=None, ssh_port=None, ssh_later=None)


def ssh_endpoint(target: Target | None) -> tuple[str, int, str, str] | None:
    """(host, port, key type, key base64) the wizard's git talks to, with its pinned host key.

    None for a sandbox that hands out no SSH endpoint (its SSH server is not listening).
    """
    from ..workstation.knownhosts import (
        AZURE_DEVOPS_HOST_KEY,
        AZURE_DEVOPS_HOST_KEY_TYPE,
        AZURE_DEVOPS_SSH_HOST,
    )

    if target is not None and target.sandbox and not target.ssh_port:
        return None
    if target is None or not target.ssh_host_key:
        host = (target.ssh_hostname if target else None) or AZURE_DEVOPS_SSH_HOST
        port = (target.ssh_port if target else None) or 22
        return host, port, AZURE_DEVOPS_HOST_KEY_TYPE, AZURE_DEVOPS_HOST_KEY
    key_type, _, rest = target.ssh_host_key.strip().partition(" ")
    return (
        target.ssh_hostname or target.ssh_alias,
        target.ssh_port or 22,
        key_type,
        rest.split()[0] if rest else "",
    )


def check_https(target: Target | None, timeout: float) -> Check:
    """One unauthenticated GET to the organisation (or dev.azure.com): any answer will do."""
    from ..azdo.errors import AzdoError
    from ..azdo.reach import re_signed, reach

    url = target.org_url if target is not None else AZURE_URL
    title = "HTTPS to Azure DevOps" if target is None or not target.sandbox else "HTTP to sandbox"
    try:
        reached = reach(url, timeout)
    except AzdoError as exc:
        return problem("https", title, url, exc.message)
    via = f" through the proxy {reached.proxy}" if reached.proxy else ""
    if re_signed(reached.issuer):
        return warning(
            "https",
            title,
            f"{url} is reachable, but its certificate is signed by “{reached.issuer}”, not by a "
            "public certificate authority: something between you and the service (a company "
            "proxy that inspects HTTPS) re-signs TLS",
            "Nothing to do if that is your company's proxy: college-tui trusts this computer's "
            "trust store, where IT installs its certificate. Elsewhere, use another network.",
        )
    return ok(
        "https",
        title,
        f"{url} is reachable (it answered HTTP {reached.status} in "
        f"{reached.milliseconds:.0f} ms{via})",
    )


def check_ssh_port(target: Target | None, timeout: float) -> Check:
    """A TCP connection to the SSH endpoint (port 22 of ssh.dev.azure.com, or the sandbox's)."""
    from ..workstation.errors import SshConnectError
    from ..workstation.sshcheck import open_tcp

    title = "SSH port"
    endpoint = ssh_endpoint(target)
    if endpoint is None:
        return warning(
            "ssh-port",
            title,
            "the sandbox's SSH server is not listening",
            f"SSH cannot be used with this sandbox: {HTTPS_FALLBACK}.",
        )
    host, port, _type, _key = endpoint
    try:
        open_tcp(host, port, timeout)
    except SshConnectError as exc:
        return warning(
            "ssh-port",
            title,
            f"{host}:{port}: {exc}",
            f"SSH is blocked here (often a company firewall): {HTTPS_FALLBACK}.",
        )
    return ok("ssh-port", title, f"{host}:{port} accepts connections")


def check_ssh_host_key(target: Target | None, timeout: float, *, port_open: bool) -> Check:
    """A real SSH handshake; the server's host key must be the pinned one (never trusted blindly)."""
    from ..workstation.errors import HostKeyMismatchError, SshConnectError
    from ..workstation.sshcheck import check_host_key

    title = "SSH host key"
    endpoint = ssh_endpoint(target)
    if not port_open or endpoint is None:
        return warning(
            "ssh-host-key",
            title,
            "not checked: the SSH port cannot be reached",
            f"Nothing more to do here if you {HTTPS_FALLBACK}.",
        )
    host, port, key_type, key = endpoint
    try:
        found = check_host_key(host, port, key_type, key, timeout=timeout)
    except HostKeyMismatchError as exc:
        return problem(
            "ssh-host-key",
            title,
            f"{host}:{port} shows {exc.found_fingerprint}",
            "This is not the pinned host key: do not clone over SSH on this network; "
            "try another network or ask your trainer.",
        )
    except SshConnectError as exc:
        return warning(
            "ssh-host-key",
            title,
            str(exc),
            "Something on the way answers port "
            f"{port} but does not speak SSH properly: {HTTPS_FALLBACK}.",
        )
    return ok("ssh-host-key", title, f"{host}:{port} holds the pinned key {found}")


# -- the PAT ------------------------------------------------------------------------------------


def check_pat_scopes(target: Target | None, pat: str | None, timeout: float = 5) -> list[Check]:
    """One row per scope the wizard needs, found with read-only calls (a refusal = missing)."""
    from ..azdo.client import AzureDevOps
    from ..azdo.credentials import PatCredential
    from ..azdo.errors import AzdoError
    from ..azdo.redact import register_secret
    from ..azdo.retry import RetryPolicy

    title = "Personal access token"
    if not pat:
        return [
            warning(
                "pat",
                title,
                "none to check (AZURE_DEVOPS_PAT is not set, none saved)",
                "Set AZURE_DEVOPS_PAT to your token and run doctor again to see whether "
                "it has every scope the wizard needs.",
            )
        ]
    if target is None:
        return [
            warning(
                "pat",
                title,
                "no organisation given",
                "Run college-tui doctor --org https://dev.azure.com/NAME to check the "
                "token's scopes against your organisation.",
            )
        ]
    register_secret(pat)  # no message the doctor prints may hold it
    # A doctor answers in seconds: short timeouts and two tries, not the wizard's patience.
    azdo = AzureDevOps(
        target.org_url,
        target.profile_url,
        PatCredential(pat),
        lambda _e: None,
        step="doctor",
        retry=RetryPolicy(max_attempts=2, max_total_wait=10),
        timeout=(timeout, timeout * 3),
    )
    try:
        profile = azdo.profile()
        connection = azdo.connection_data()
    except AzdoError as exc:
        if exc.status in (401, 403, 404, 203):
            return [problem("pat", title, f"refused (HTTP {exc.status})", exc.message)]
        return [warning("pat", title, "not checked: Azure DevOps did not answer", exc.message)]
    checks = [
        ok(
            "pat",
            title,
            f"accepted for {target.org} as {profile.display_name or profile.email or 'you'}",
        )
    ]
    for scope, label, probe in _scope_probes(azdo, connection.user_id, profile.email):
        checks.append(_scope_check(scope, label, probe))
    checks.append(_portal_check(azdo))
    return checks


def _scope_probes(
    azdo: AzureDevOps, user_id: str, email: str
) -> list[tuple[str, str, Callable[[], object]]]:
    """(scope, portal label, a read that needs it) for each scope of REQUIRED_PAT_SCOPES."""
    from ..azdo.errors import REQUIRED_PAT_SCOPES
    from .answers import Answers

    project = Answers().project
    reads = {
        "vso.profile": lambda: azdo.profile(),
        "vso.work": lambda: azdo.processes(),
        "vso.project_manage": lambda: azdo.get_project(project),
        "vso.memberentitlementmanagement_write": lambda: azdo.user_entitlement(
            email or "college-tui-doctor@example.invalid"
        ),
        "vso.graph_manage": lambda: azdo.descriptor(user_id),
        "vso.code_manage": lambda: azdo.get_repository(project, Answers().repo),
    }
    return [
        (scope, label, reads[scope]) for scope, label, _why in REQUIRED_PAT_SCOPES if scope in reads
    ]


_WRITE_NOTE = "; its write part is checked when the wizard uses it"


def _scope_check(scope: str, label: str, probe: Callable[[], object]) -> Check:
    from ..azdo.errors import AzdoError

    key, title = f"scope:{scope}", f"PAT scope {label.split(':')[0]}"
    try:
        probe()
    except AzdoError as exc:
        if exc.status in (401, 403):
            return problem(
                key,
                title,
                f"missing ({scope}): a read that needs it was refused",
                f"Edit the token under User settings → Personal access tokens and "
                f"add “{label}” ({scope}), or create a new one with every scope the "
                "wizard lists.",
            )
        return warning(
            key, title, f"not checked: {exc.message}", "Run college-tui doctor again in a minute."
        )
    partial = _WRITE_NOTE if scope.endswith(("_manage", "_write")) else ""
    return ok(key, title, f"present ({scope}): reading works{partial}")


def _portal_check(azdo: AzureDevOps) -> Check:
    """The portal's own API (SSH keys, default team) may refuse a PAT: say so before the day."""
    from ..azdo.errors import AzdoError, PortalRefused

    title = "Portal API (SSH keys)"
    try:
        keys = azdo.ssh_keys()
    except PortalRefused:
        return warning(
            "portal-api",
            title,
            "refused for this token",
            "The wizard will show you the page to add your SSH key and set the "
            "default team by hand; nothing to fix.",
        )
    except AzdoError as exc:
        return warning(
            "portal-api",
            title,
            f"not checked: {exc.message}",
            "Nothing to fix now; the wizard falls back to the browser if needed.",
        )
    return ok("portal-api", title, f"your SSH keys can be listed ({len(keys)} registered)")
