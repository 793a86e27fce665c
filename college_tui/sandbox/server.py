"""Start and stop a sandbox: the REST service (uvicorn, loopback) and the SSH git server.

`SandboxServer` runs both in background threads of the calling process (the wizard's `--sandbox`
mode and the tests); `serve` runs them in the foreground for `college-tui sandbox serve`.
Starting on the ports of the last start (`start_kept`) lives in `ports.py`.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .datadir import default_data_dir
from .faults import Faults
from .service import Sandbox, SandboxConfig
from .uvicorn_thread import serve_in_thread

if TYPE_CHECKING:
    import uvicorn

    from .identity.serving import IdentityServer
    from .ports import KeptStart
    from .sshserver import SshGitServer

LOOPBACK = "127.0.0.1"
# A test's knob (tests/opening/test_ssh_later.py): the SSH side starts only once this file exists.
HOLD_SSH_ENV = "COLLEGE_TUI_SANDBOX_HOLD_SSH"
# An idle kept-alive connection stays open this long (IIS's default connection timeout).
KEEP_ALIVE_SECONDS = 120


@dataclass
class SandboxInfo:
    """How clients reach a running sandbox (the `--print-json` line)."""

    org_url: str
    pat: str
    profile_url: str
    base_url: str
    org: str
    data_dir: str
    ssh_host: str | None = None
    ssh_port: int | None = None
    ssh_host_key_fingerprint: str | None = None
    ssh_host_key: str | None = None  # "ssh-rsa AAAA..." for known_hosts pinning
    authority: str | None = None  # the identity provider: https://127.0.0.1:PORT
    tenant_id: str | None = None  # the sandbox tenant (azure-identity's tenant_id)
    ca_file: str | None = None  # the CA to trust for the authority (connection_verify)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:  # keep the PAT out of logs and tracebacks
        return f"SandboxInfo(org_url={self.org_url!r}, data_dir={self.data_dir!r}, pat='***')"


def bind_loopback(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Answers go out as headers then body: without NODELAY, Nagle and the client's delayed ACK
    # add ~40 ms to every keep-alive request.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    return sock


def _noticing(app: Any, asked: threading.Event) -> Any:
    """`app`, setting `asked` at its first HTTP request."""

    async def noticed(scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and not asked.is_set():
            asked.set()
        await app(scope, receive, send)

    return noticed


def _bind_ssh(port: int) -> socket.socket:
    """The SSH port bound, not listening yet (a client meets "connection refused" until the
    server listens: no one waits on a half-started server)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        raise
    return sock


class SandboxServer:
    """A running sandbox. Use as a context manager or call `start()` / `stop()`."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        *,
        port: int = 0,
        ssh_port: int = 0,
        faults: Faults | str | None = None,
        config: SandboxConfig | None = None,
        ssh: bool = True,
        idp_port: int = 0,
        identity: bool = True,
        https: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.port = port
        self.ssh_port = ssh_port
        self.faults = Faults.parse(faults) if isinstance(faults, str) or faults is None else faults
        self.config = config
        self.with_ssh = ssh
        self.idp_port = idp_port
        self.with_identity = identity
        # REST over HTTPS with the identity provider's CA and certificate (127.0.0.1): how a test
        # rehearses a company proxy's re-signed TLS with a CA only in the OS trust store.
        self.https = https and identity
        self._identity: IdentityServer | None = None
        self.sandbox: Sandbox | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._ssh: SshGitServer | None = None
        self._ssh_sock: socket.socket | None = None  # the SSH port, taken until start_ssh
        self.asked = threading.Event()  # set by the REST side's first request
        self.info: SandboxInfo | None = None

    def start(self, *, ssh_later: bool = False) -> SandboxInfo:
        """Start the REST side (and the identity provider) and take the SSH port; the SSH
        server too unless `ssh_later` (then `start_ssh()` starts it, issue 28)."""
        from .gitexec import require_git

        require_git()  # a missing git is said now, never as an HTTP 500 from the first project
        # The SDK caches discovery on disk; keep the sandbox's cache beside its data.
        os.environ.setdefault("AZURE_DEVOPS_CACHE_DIR", str(self.data_dir / "sdk-cache"))
        import uvicorn

        from .app import create_app

        sandbox = self.sandbox = Sandbox(self.data_dir, self.config)
        sandbox.faults = self.faults  # the sign-up page reads the tenant's policy
        try:
            idp_sock = self._prepare_identity(sandbox)
        except BaseException:  # e.g. the data folder can't hold the CA: close the store
            self.stop()
            raise
        try:
            sock = bind_loopback(self.port)
        except OSError:
            if idp_sock is not None:
                idp_sock.close()
            raise
        self.port = sock.getsockname()[1]
        if sandbox.identity is not None:
            sandbox.identity.pages_base = f"http://{LOOPBACK}:{self.port}/_idp"
        certfile, keyfile = self._tls()
        config = uvicorn.Config(
            _noticing(create_app(sandbox, self.faults), self.asked),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
            # uvicorn closes an idle kept-alive connection after 5 s, so the first request after
            # a poll's pause or a clone met a closed connection ("connection lost"); Azure
            # DevOps' front ends keep one open for minutes (issue 28).
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            ssl_certfile=certfile,
            ssl_keyfile=keyfile,
        )
        # uvicorn (>= 0.29) installs signal handlers only on the main thread: none here
        server = self._server = uvicorn.Server(config)
        self._thread = serve_in_thread(
            server, [sock], name="sandbox-http", what="the sandbox REST service"
        )
        base = f"{'https' if self.https else 'http'}://{LOOPBACK}:{self.port}"
        org = sandbox.store.find("org")[0]["accountName"]
        info = self.info = SandboxInfo(
            org_url=f"{base}/{org}",
            pat=sandbox.pat,
            profile_url=f"{base}/app",
            base_url=base,
            org=org,
            data_dir=str(self.data_dir),
        )
        if idp_sock is not None:
            self._start_identity(sandbox, info, idp_sock)
        if self.with_ssh:
            # The SSH port is taken now (a port in use is said as the REST one's), cheaply: the
            # host key and paramiko come with `start_ssh`, which `ssh_later` leaves to the caller.
            try:
                self._ssh_sock = _bind_ssh(self.ssh_port)
            except BaseException:
                self.stop()
                raise
            self.ssh_port = self._ssh_sock.getsockname()[1]
            info.ssh_host = LOOPBACK
            info.ssh_port = self.ssh_port
            if not ssh_later:
                try:
                    self.start_ssh()
                except BaseException:  # e.g. an unreadable host key: don't leave REST running
                    self.stop()
                    raise
        return info

    def start_ssh(self, *, after_first_request: float = 0) -> SandboxInfo:
        """Start the SSH git server on the port `start` took (the host key made on the first
        start); the info, now with the host key. After `start(ssh_later=True)`, once (issue 28:
        the REST side answers while this runs). Raises what stopped it; REST keeps serving.

        `after_first_request`: wait (at most so many seconds) for the REST side's first request
        first. In the engine's own process the SSH start's imports and host key compete with the
        engine's for the interpreter's lock; once the engine waits on the network they do not."""
        sandbox, info, sock = self.sandbox, self.info, self._ssh_sock
        if sandbox is None or info is None or sock is None:
            raise RuntimeError("the SSH side is started before the sandbox's REST side")
        self.asked.wait(after_first_request)
        held = os.environ.get(HOLD_SSH_ENV)
        while held and not Path(held).exists():  # a test's knob: it releases the SSH side
            time.sleep(0.02)
        from .sshserver import SshGitServer

        ssh = SshGitServer(sandbox, LOOPBACK, self.ssh_port, closed=self.faults.ssh_closed)
        self._ssh_sock = None
        ssh.start(listener=sock)
        self._ssh = ssh
        info.ssh_host_key_fingerprint = ssh.host_key_fingerprint
        info.ssh_host_key = ssh.host_key_line
        sandbox.ssh_endpoint = (LOOPBACK, self.ssh_port)
        sandbox.ssh_host_key = ssh.host_key_line  # public
        return info

    def _tls(self) -> tuple[str | None, str | None]:
        """(certificate file, key file) of REST over HTTPS; (None, None): plain HTTP."""
        identity = self.sandbox.identity if self.sandbox is not None else None
        if not self.https or identity is None:
            return None, None
        files = identity.files
        return str(files.server_cert), str(files.server_key)

    def _prepare_identity(self, sandbox: Sandbox) -> socket.socket | None:
        """Make the CA on the first start and bind the identity provider's port (None: off)."""
        if not self.with_identity:
            return None
        from .identity.ca import ensure_files
        from .identity.oauth import IdentityProvider

        files = ensure_files(self.data_dir)
        idp = IdentityProvider(sandbox, files, self.faults)
        idp_sock = bind_loopback(self.idp_port)
        self.idp_port = idp_sock.getsockname()[1]
        idp.authority = f"https://{LOOPBACK}:{self.idp_port}"
        sandbox.identity = idp
        return idp_sock

    def _start_identity(self, sandbox: Sandbox, info: SandboxInfo, idp_sock: socket.socket) -> None:
        from .identity.accounts import tenant_id
        from .identity.serving import IdentityServer

        idp = sandbox.identity
        if idp is None:
            raise RuntimeError("the identity provider is started before it was prepared")
        self._identity = IdentityServer(idp, idp.files, idp_sock)
        try:
            self._identity.start()
        except BaseException:
            self.stop()
            raise
        info.authority = idp.authority
        info.tenant_id = tenant_id(sandbox)
        info.ca_file = str(idp.files.ca_cert)

    def stop(self) -> None:
        if self._identity is not None:
            self._identity.stop()
            self._identity = None
        if self._ssh is not None:
            self._ssh.stop()
            self._ssh = None
        if self._ssh_sock is not None:
            self._ssh_sock.close()
            self._ssh_sock = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        if self.sandbox is not None:
            self.sandbox.close()
            self.sandbox = None

    def __enter__(self) -> SandboxInfo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def running(data_dir: Path) -> SandboxInfo | None:
    """How to reach a `college-tui sandbox serve` running on `data_dir` now, or None."""
    from .running import announcement
    from .store import Store

    fields = announcement(data_dir)
    if fields is None:
        return None
    fields.pop("by", None)  # who started it (running.announce): not a SandboxInfo field
    store = Store(Path(data_dir) / "sandbox.db")
    try:
        pat = store.meta("pat") or ""
    finally:
        store.close()
    try:
        return SandboxInfo(**{**fields, "pat": pat})
    except TypeError:  # announced by another version of college-tui
        return None


def serve(
    kept: KeptStart,
    print_json: bool,
    echo: Callable[[str], None],
    release: Callable[[], None] | None = None,
) -> None:
    """Run a started sandbox in the foreground until Ctrl+C (SIGINT) or SIGTERM. `release`: the
    announcement's, when the caller announced it already (under the data folder's start lock)."""
    logging.basicConfig(level=logging.WARNING)
    server, info = kept.server, kept.info
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    from .running import announce

    if release is None:
        try:  # before the ready line: a script may run apply on this data folder right after it
            release = announce(info)  # apply and the wizard on this data folder use this sandbox
        except BaseException:
            server.stop()
            raise
    if print_json:
        echo(json.dumps(info.as_dict()))
    else:
        echo(f"Sandbox organization: {info.org_url} (its web pages need no sign-in)")
        echo(f"Personal access token: {info.pat}")
        if info.ssh_port:
            closed = (
                " - refusing every connection (--faults ssh=closed)"
                if server.faults.ssh_closed
                else ""
            )
            echo(
                f"SSH git server: {info.ssh_host}:{info.ssh_port} "
                f"(host key {info.ssh_host_key_fingerprint}){closed}"
            )
        if info.authority:
            echo(f"Sign-in (Microsoft Entra look-alike): {info.authority}/{info.tenant_id}")
            echo(f"Its CA certificate: {info.ca_file}")
        echo(f"Data: {info.data_dir}")
        echo("Press Ctrl+C to stop.")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        release()
        server.stop()
        if not print_json:
            echo("Sandbox stopped; its data and ports are kept for the next start.")
