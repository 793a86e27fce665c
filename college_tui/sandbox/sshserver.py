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
import socket
import subprocess
import threading
import time
from typing import Any

import paramiko

from . import rules
from .repos import PUSH_LOCK_WAIT, repo_path, resolve_ssh_path, service_env
from .service import Sandbox
from .sshauth import (
    GitSshInterface,
    key_expired,
    load_or_create_host_key,
    split_ssh_path,
)

log = logging.getLogger(__name__)

# paramiko logs every client that drops the connection at ERROR with a traceback; our transports
# log to this channel instead, kept quiet unless someone configures it for debugging.
PARAMIKO_LOG = f"{__name__}.paramiko"

HOST_KEY_FILE = "ssh_host_rsa_key"

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


# -- one connection --------------------------------------------------------------------------


class _Connection:
    """One client: its transport, the git process it runs, the thread serving it."""

    def __init__(self, server: SshGitServer, sock: socket.socket, peer: Any) -> None:
        self.server = server
        self.sandbox = server.sandbox
        self.sock = sock
        self.peer = peer
        self.transport: paramiko.Transport | None = None
        self.proc: subprocess.Popen[bytes] | None = None
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
        if self.server.host_key is None:
            return  # the server was stopped before it started
        transport.add_server_key(self.server.host_key)
        iface = GitSshInterface(self.sandbox)
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
        self, chan: paramiko.Channel, iface: GitSshInterface, service: str, path: str
    ) -> None:
        refusal, repo = self._authorize(iface.key_docs, path)
        if refusal or repo is None:
            refusal = refusal or REPO_MISSING.format(name=path)
            log.info("ssh %s %s refused: %s", service, path, refusal.strip())
            chan.sendall_stderr(refusal.encode())
            chan.send_exit_status(1)
            return
        # Pushes to one repository take turns (over HTTP too); the wait is bounded so a stalled
        # client can't block everyone.
        lock = self.sandbox.push_lock(repo["id"]) if service == "receive-pack" else None
        locked = self._take_turn(lock) if lock is not None else False
        try:
            if not self._active():
                return  # nobody left to serve
            rc = self._pump(
                chan,
                ["git", service, str(repo_path(self.sandbox, repo))],
                service_env(self.sandbox),
            )
        finally:
            if lock is not None and locked:
                lock.release()
        log.info("ssh git-%s %s -> %s", service, path, rc)
        if rc is not None:
            chan.send_exit_status(rc)

    def _take_turn(self, lock: threading.Lock) -> bool:
        """Wait for the lock (bounded; given up if the client leaves or the server stops)."""
        deadline = time.monotonic() + PUSH_LOCK_WAIT
        while not lock.acquire(timeout=0.05):
            if not self._active() or time.monotonic() > deadline:
                return False
        return True

    def _active(self) -> bool:
        """Whether the server still runs and the client is still connected."""
        transport = self.transport
        return not self.server.stopping.is_set() and transport is not None and transport.is_active()

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
        org_doc = self.sandbox.org(org)
        if key_doc is None or org_doc is None:
            return KEY_REFUSED, None
        from .membership import is_member

        if not is_member(self.sandbox, org_doc, str(key_doc.get("userId") or "")):
            return KEY_REFUSED, None  # its owner left the organisation (or was removed)
        if rules.on(self.sandbox, "sshpolicy_off"):
            return rules.SSH_POLICY_OFF_GIT + "\n", None
        if key_expired(key_doc):
            return KEY_EXPIRED, None
        from .api.members import entitlement_of

        stakeholder = rules.repos_refusal(
            self.sandbox, entitlement_of(self.sandbox, org, key_doc.get("userId"))
        )
        if stakeholder:
            return f"remote: {stakeholder}\n", None
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
        stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
        if stdin is None or stdout is None or stderr is None:  # all three are pipes (PIPE)
            raise RuntimeError("git was started without its pipes")

        def feed_stdin() -> None:
            try:
                while data := chan.recv(65536):
                    view = memoryview(data)
                    while view:  # an unbuffered pipe write may be partial
                        view = view[stdin.write(view) :]
            except (OSError, ValueError):
                pass
            finally:
                with contextlib.suppress(OSError):
                    stdin.close()  # git must see EOF when the client sends it

        def copy_stderr() -> None:
            try:
                while data := os.read(stderr.fileno(), 65536):
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
            while data := os.read(stdout.fileno(), 65536):
                chan.sendall(data)
        except OSError:  # the client went away mid-stream: stop git, nothing to report
            client_left = True
            proc.kill()
        errors.join(STOP_TIMEOUT)
        rc = proc.wait()
        stdout.close()
        stderr.close()
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
        self.port = port  # 0: any free port, the one bound once started
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

    def start(self, listener: socket.socket | None = None) -> None:
        """Load (or make) the host key and listen; on `listener` when given (bound already on
        this server's port, not listening: the server closes it from now on)."""
        quiet = logging.getLogger(PARAMIKO_LOG)
        if quiet.level == logging.NOTSET:  # leave it alone if someone turned it up to debug
            quiet.setLevel(logging.CRITICAL)
        try:
            key = load_or_create_host_key(self.sandbox.data_dir / HOST_KEY_FILE)
        except BaseException:
            if listener is not None:
                listener.close()
            raise
        self.host_key = key
        self.host_key_fingerprint = key.fingerprint
        self.host_key_line = f"{key.get_name()} {key.get_base64()}"
        if listener is None:
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
        wake = self._wake
        if self._accept_thread is None or wake is None:
            if self._listener is not None:  # closed: only the reserved port to give back
                self._listener.close()
                self._listener = None
            return
        self.stopping.set()
        wake[1].send(b"x")
        self._accept_thread.join(STOP_TIMEOUT)
        self._accept_thread = None
        if self._listener is not None:
            self._listener.close()
        for end in wake:
            end.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            conn.close()
        deadline = time.monotonic() + STOP_TIMEOUT
        for conn in connections:
            conn.thread.join(max(0.0, deadline - time.monotonic()))

    def _accept_loop(self) -> None:
        if self._listener is None or self._wake is None:
            return  # stopped before the loop began
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
