"""The sandbox's git-over-SSH server: `git@ssh.dev.azure.com:v3/{org}/{project}/{repo}` on loopback.

A paramiko server in the sandbox's process, one thread per connection. It authenticates the public
keys registered through the REST API (kind "sshkey" documents, looked up on every connection, so a
key deleted through the API stops working at once) and runs the real `git upload-pack` /
`git receive-pack` on the same bare repositories the REST side reads. Refusals use the service's
words: "remote: Shell access is not supported.", TF401019 for an unknown repository, "Public key
authentication failed." for a key registered in another organisation only, and the expiry notice
for a key past its validTo (like the service, such a key authenticates and git is then refused, so
the attendee learns why).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import select
import shlex
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import paramiko

from .repos import PUSH_LOCK_WAIT, repo_path, resolve_ssh_path, service_env
from .service import Sandbox

log = logging.getLogger(__name__)

# paramiko logs every client that drops the connection at ERROR with a traceback; our transports
# log to this channel instead, kept quiet unless someone configures it for debugging.
PARAMIKO_LOG = f"{__name__}.paramiko"

HOST_KEY_FILE = "ssh_host_rsa_key"
HOST_KEY_BITS = 3072
USER = "git"
GIT_SERVICES = {"git-upload-pack": "upload-pack", "git-receive-pack": "receive-pack"}

SHELL_REFUSED = "remote: Shell access is not supported.\n"
KEY_REFUSED = "remote: Public key authentication failed.\n"
KEY_EXPIRED = (
    "remote: Authentication failed: your SSH key has expired. To restore access, visit "
    "https://aka.ms/ado-ssh-public-key-expired to learn more.\n"
)
REPO_MISSING = (
    "remote: TF401019: The Git repository with name or identifier {name} does not "
    "exist or you do not have permissions for the operation you are attempting.\n"
)

NEGOTIATION_TIMEOUT = 15  # banner, key exchange and authentication, each
REQUEST_TIMEOUT = 20  # from connecting to the exec (or shell) request
CLIENT_CLOSE_TIMEOUT = 5  # how long we let the client hang up first (see `_finish`)
STOP_TIMEOUT = 5


# -- host key --------------------------------------------------------------------------------


def load_or_create_host_key(path: Path) -> paramiko.RSAKey:
    """The server's RSA host key: made on first start (mode 0600), the same key on every restart.

    Keeping it means a known_hosts line pinned once stays valid for the life of the data dir.
    """
    path = Path(path)
    if not path.exists():
        key = paramiko.RSAKey.generate(HOST_KEY_BITS)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # 0600 from the start
        try:
            with os.fdopen(fd, "w") as out:
                key.write_private_key(out, file_format=paramiko.pkey.OPENSSH)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)  # never replaces: if a concurrent first start won, use its key
            except FileExistsError:
                pass
            else:
                return key  # (reading it back would cost a slow RSA key check)
        finally:
            tmp.unlink(missing_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    try:
        return paramiko.RSAKey.from_private_key_file(str(path))
    except (paramiko.SSHException, ValueError, OSError) as err:
        raise RuntimeError(
            f"The sandbox's SSH host key {path} cannot be read ({err}). Delete the file to make "
            "a new key; clients that pinned the old one must then pin the new one."
        ) from err


# -- what a client asks for ------------------------------------------------------------------


def parse_git_command(command: str) -> tuple[str, str] | None:
    """`git-upload-pack 'v3/org/project/repo'` -> ("upload-pack", path); None for anything else."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if len(argv) != 2 or argv[0] not in GIT_SERVICES:
        return None
    return GIT_SERVICES[argv[0]], argv[1]


def split_ssh_path(path: str) -> tuple[str, str, str] | None:
    """`v3/{org}/{project}/{repo}` (also with a leading `/`, %-escaped) -> (org, project, repo)."""
    parts = [unquote(part) for part in path.strip().lstrip("/").split("/")]
    if len(parts) != 4 or parts[0].lower() != "v3" or not all(parts[1:]):
        return None
    return parts[1], parts[2], parts[3]


# -- registered keys -------------------------------------------------------------------------


def _key_material(public_data: str) -> tuple[str, str] | None:
    fields = (public_data or "").split()
    return (fields[0], fields[1]) if len(fields) >= 2 else None


def registered_keys(sandbox: Sandbox, key: paramiko.PKey) -> list[dict[str, Any]]:
    """The valid "sshkey" documents holding this RSA public key (type + base64 compared).

    One per organisation at most: the same key may be registered in several.
    """
    if key.get_name() != "ssh-rsa":
        return []  # Azure DevOps accepts RSA keys only
    wanted = ("ssh-rsa", key.get_base64())
    return [
        doc
        for doc in sandbox.store.find("sshkey")
        if doc.get("isValid", True) is not False and _key_material(doc.get("publicData")) == wanted
    ]


def key_expired(doc: dict[str, Any], now: datetime | None = None) -> bool:
    """Whether a key's `validTo` (ISO 8601) has passed; an unreadable date counts as passed."""
    valid_to = doc.get("validTo")
    if not valid_to:
        return False
    try:
        until = datetime.fromisoformat(valid_to)
    except ValueError:
        return True
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return until <= (now or datetime.now(UTC))


# -- one connection --------------------------------------------------------------------------


class _GitSshInterface(paramiko.ServerInterface):
    """paramiko's callbacks for one connection (they run on the transport's thread)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.key_docs: list[dict[str, Any]] = []  # the registrations of the accepted key
        self.request: tuple[str, ...] | None = None  # ("exec", service, path) or ("refused",)
        self.requested = threading.Event()
        self._session_opened = False

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        # Looked up in the store each time: a key deleted through the API is refused at once.
        # paramiko itself refuses SHA-1 "ssh-rsa" signatures (it verifies rsa-sha2-256/512 only).
        docs = registered_keys(self.sandbox, key) if username == USER else []
        if not docs:
            return paramiko.AUTH_FAILED
        self.key_docs = docs
        return paramiko.AUTH_SUCCESSFUL

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session" and not self._session_opened:
            self._session_opened = True
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_pty_request(self, *args: Any) -> bool:
        return False

    def check_channel_env_request(self, channel, name: bytes, value: bytes) -> bool:
        # git asks for protocol v2 with SendEnv GIT_PROTOCOL; Azure Repos speaks v0/v1 only
        # (grafana/grafana#130330, grafana/nanogit#372), so the sandbox declines as well and git
        # falls back by itself.
        return False

    def check_channel_shell_request(self, channel) -> bool:
        # The service writes this line, then refuses: ssh prints it and
        # "shell request failed on channel 0", and exits non-zero.
        channel.send_stderr(SHELL_REFUSED)
        self._requested(("refused",))
        return False

    def check_channel_exec_request(self, channel, command: bytes) -> bool:
        parsed = parse_git_command(command.decode("utf-8", "replace"))
        if parsed is None:  # only git's two commands; anything else is a shell in disguise
            channel.send_stderr(SHELL_REFUSED)
            self._requested(("refused",))
            return False
        self._requested(("exec", *parsed))
        return True

    def check_channel_subsystem_request(self, channel, name: str) -> bool:
        return False

    def _requested(self, request: tuple[str, ...]) -> None:
        if self.request is None:
            self.request = request
            self.requested.set()


class _Connection:
    """One client: its transport, the git process it runs, the thread serving it."""

    def __init__(self, server: SshGitServer, sock: socket.socket, peer: Any) -> None:
        self.server = server
        self.sandbox = server.sandbox
        self.sock = sock
        self.peer = peer
        self.transport: paramiko.Transport | None = None
        self.proc: subprocess.Popen | None = None
        self.pumps: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._run, name=f"sandbox-ssh-{peer[1]}", daemon=True)

    def close(self) -> None:
        """End it from outside (server stop): kill git, drop the connection."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        if self.transport is not None:
            self.transport.close()
        else:
            self.sock.close()

    def _run(self) -> None:
        try:
            self._serve()
        except Exception as err:  # a client error must never take the server down
            log.info("ssh connection from %s ended: %s", self.peer, err)
        finally:
            if self.transport is not None:
                self.transport.close()  # also wakes a pump blocked on the channel
            self.sock.close()
            for pump in self.pumps:
                pump.join(STOP_TIMEOUT)
            self.server._forget(self)

    def _serve(self) -> None:
        transport = paramiko.Transport(self.sock)
        self.transport = transport
        transport.set_log_channel(PARAMIKO_LOG)
        transport.banner_timeout = transport.handshake_timeout = NEGOTIATION_TIMEOUT
        transport.auth_timeout = NEGOTIATION_TIMEOUT
        transport.add_server_key(self.server.host_key)
        iface = _GitSshInterface(self.sandbox)
        if self.server.stopping.is_set():
            return
        try:
            transport.start_server(server=iface)
        except (paramiko.SSHException, EOFError, OSError) as err:
            log.info("ssh negotiation with %s failed: %s", self.peer, err)
            return
        # Short waits: a transport closed by `stop()` does not wake a pending accept().
        deadline = time.monotonic() + REQUEST_TIMEOUT
        chan = None
        while chan is None or not iface.requested.is_set():
            if not transport.is_active() or time.monotonic() > deadline:
                return  # authentication failed, the client left, or the server is stopping
            if chan is None:
                chan = transport.accept(0.05)
            else:
                iface.requested.wait(0.05)
        request = iface.request or ("refused",)
        if request[0] == "exec":
            _, service, path = request
            self._exec(chan, iface, service, path)
        self._finish(chan)

    def _exec(
        self, chan: paramiko.Channel, iface: _GitSshInterface, service: str, path: str
    ) -> None:
        refusal, repo = self._authorize(iface.key_docs, path)
        if refusal:
            log.info("ssh %s %s refused: %s", service, path, refusal.strip())
            chan.sendall_stderr(refusal)
            chan.send_exit_status(1)
            return
        # Pushes to one repository take turns (over HTTP too); the wait is bounded so a stalled
        # client can't block everyone.
        lock = self.sandbox.push_lock(repo["id"]) if service == "receive-pack" else None
        locked = self._take_turn(lock) if lock is not None else False
        try:
            if self.server.stopping.is_set() or not self.transport.is_active():
                return  # nobody left to serve
            rc = self._pump(
                chan,
                ["git", service, str(repo_path(self.sandbox, repo))],
                service_env(self.sandbox),
            )
        finally:
            if locked:
                lock.release()
        log.info("ssh git-%s %s -> %s", service, path, rc)
        if rc is not None:
            chan.send_exit_status(rc)

    def _take_turn(self, lock: threading.Lock) -> bool:
        """Wait for the lock (bounded; given up if the client leaves or the server stops)."""
        deadline = time.monotonic() + PUSH_LOCK_WAIT
        while not lock.acquire(timeout=0.05):
            if (
                self.server.stopping.is_set()
                or not self.transport.is_active()
                or time.monotonic() > deadline
            ):
                return False
        return True

    def _authorize(
        self, key_docs: list[dict[str, Any]], path: str
    ) -> tuple[str | None, dict[str, Any] | None]:
        """(refusal message, None) or (None, repo): key registered in the path's organisation and
        not expired, repository found."""
        parsed = split_ssh_path(path)
        if parsed is None:
            return REPO_MISSING.format(name=path), None
        org = parsed[0].lower()
        key_doc = next((d for d in key_docs if (d.get("org") or "").lower() == org), None)
        if key_doc is None:
            return KEY_REFUSED, None
        if key_expired(key_doc):
            return KEY_EXPIRED, None
        self.sandbox.advance()  # the clock moves for SSH users too (an import may just finish)
        repo = resolve_ssh_path(self.sandbox, path)
        if repo is None or not repo_path(self.sandbox, repo).is_dir():
            return REPO_MISSING.format(name=parsed[2]), None
        return None, repo

    def _pump(self, chan: paramiko.Channel, argv: list[str], env: dict[str, str]) -> int | None:
        """Run git with the channel as its stdin/stdout/stderr; its exit code (None: client left)."""
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        self.proc = proc

        def feed_stdin() -> None:
            try:
                while data := chan.recv(65536):
                    view = memoryview(data)
                    while view:  # an unbuffered pipe write may be partial
                        view = view[proc.stdin.write(view) :]
            except (OSError, ValueError):
                pass
            finally:
                with contextlib.suppress(OSError):
                    proc.stdin.close()  # git must see EOF when the client sends it

        def copy_stderr() -> None:
            try:
                while data := os.read(proc.stderr.fileno(), 65536):
                    chan.sendall_stderr(data)
            except OSError:
                pass

        feeder = threading.Thread(target=feed_stdin, name="sandbox-ssh-stdin", daemon=True)
        errors = threading.Thread(target=copy_stderr, name="sandbox-ssh-stderr", daemon=True)
        self.pumps = [feeder, errors]
        feeder.start()
        errors.start()
        client_left = False
        try:
            while data := os.read(proc.stdout.fileno(), 65536):
                chan.sendall(data)
        except OSError:  # the client went away mid-stream: stop git, nothing to report
            client_left = True
            proc.kill()
        errors.join(STOP_TIMEOUT)
        rc = proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        return None if client_left else rc

    def _finish(self, chan: paramiko.Channel) -> None:
        """Close our side, then let the client hang up first.

        Closing the transport right after the exit status makes OpenSSH exit 255 ("Connection
        reset by peer") and git report a failed push although the ref was updated.
        """
        try:
            chan.shutdown_write()
            chan.close()
        except (OSError, EOFError):
            pass
        transport = self.transport
        if transport is not None and transport.is_alive():
            transport.join(CLIENT_CLOSE_TIMEOUT)


# -- the server ------------------------------------------------------------------------------


class SshGitServer:
    """Listens on a loopback port; `start()` binds (free port by default), `stop()` ends it all.

    `closed` (the `ssh=closed` fault) binds the port but never listens: every client gets
    "Connection refused", as behind a firewall that rejects port 22, while the port stays ours
    and the host key, the sshUrl and the port the REST side hands out stay the same.
    """

    def __init__(self, sandbox: Sandbox, host: str, port: int, *, closed: bool = False) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"the sandbox's SSH server listens on loopback only, not {host}")
        self.sandbox = sandbox
        self.host = host
        self.port: int | None = port
        self.host_key: paramiko.RSAKey | None = None
        self.host_key_fingerprint: str | None = None  # "SHA256:...", as ssh-keygen -l prints it
        self.host_key_line: str | None = None  # "ssh-rsa AAAA..." for a known_hosts line
        self.stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._accept_thread: threading.Thread | None = None
        self._connections: set[_Connection] = set()
        self._lock = threading.Lock()
        self.closed = closed

    def start(self) -> None:
        quiet = logging.getLogger(PARAMIKO_LOG)
        if quiet.level == logging.NOTSET:  # leave it alone if someone turned it up to debug
            quiet.setLevel(logging.CRITICAL)
        key = load_or_create_host_key(self.sandbox.data_dir / HOST_KEY_FILE)
        self.host_key = key
        self.host_key_fingerprint = key.fingerprint
        self.host_key_line = f"{key.get_name()} {key.get_base64()}"
        listener = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port or 0))
        self._listener = listener
        self.port = listener.getsockname()[1]
        if self.closed:
            return  # bound, not listening: connections are refused
        listener.listen(64)
        self._wake = socket.socketpair()
        self.stopping.clear()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="sandbox-ssh", daemon=True
        )
        self._accept_thread.start()

    def stop(self) -> None:
        """Close the listening socket, end every connection (killing its git), join the threads."""
        if self._accept_thread is None:
            if self._listener is not None:  # closed: only the reserved port to give back
                self._listener.close()
                self._listener = None
            return
        self.stopping.set()
        self._wake[1].send(b"x")
        self._accept_thread.join(STOP_TIMEOUT)
        self._accept_thread = None
        self._listener.close()
        for end in self._wake:
            end.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            conn.close()
        deadline = time.monotonic() + STOP_TIMEOUT
        for conn in connections:
            conn.thread.join(max(0.0, deadline - time.monotonic()))

    def _accept_loop(self) -> None:
        listener, wake = self._listener, self._wake[0]
        while not self.stopping.is_set():
            ready, _, _ = select.select([listener, wake], [], [])
            if wake in ready:
                return
            try:
                sock, peer = listener.accept()
            except OSError:
                continue
            conn = _Connection(self, sock, peer)
            with self._lock:
                self._connections.add(conn)
            conn.thread.start()

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._connections.discard(conn)
