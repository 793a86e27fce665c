"""A tiny SSH server for tests: paramiko on 127.0.0.1, one allowed RSA key, user ``git``.

Like Azure DevOps it refuses shells and only runs ``git-upload-pack`` / ``git-receive-pack``
on bare repositories under ``repo_root`` (paths such as ``v3/org/project/repo``). The
connection handling follows security-and-reliability.md §7.2, including waiting for the client
to disconnect before closing (otherwise OpenSSH exits 255 after a successful push).
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import threading
from pathlib import Path

import paramiko

_GIT_COMMANDS = {"git-upload-pack", "git-receive-pack"}


class _Interface(paramiko.ServerInterface):
    def __init__(self, server: TestSshServer):
        self.server = server
        self.exec_event = threading.Event()
        self.command: list[str] | None = None

    def get_allowed_auths(self, username):
        return "publickey"

    def check_auth_publickey(self, username, key):
        self.server.auth_attempts.append((username, key.get_name(), key.fingerprint))
        if username == "git" and key.asbytes() == self.server.allowed_key.asbytes():
            return paramiko.AUTH_SUCCESSFUL
        return paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        argv = shlex.split(command.decode("utf-8", "replace"))
        root = self.server.repo_root
        if root is None or len(argv) != 2 or argv[0] not in _GIT_COMMANDS:
            return False
        repo = os.path.realpath(os.path.join(root, argv[1].lstrip("/")))
        if not repo.startswith(os.path.realpath(root) + os.sep) or not os.path.isdir(repo):
            return False
        self.command = [argv[0], repo]
        self.exec_event.set()
        return True


class TestSshServer:
    """Serve SSH on a loopback port until ``stop()``; use as a context manager."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, host_key: paramiko.PKey, allowed_key: paramiko.PKey, repo_root: Path | None = None
    ):
        self.host_key = host_key
        self.allowed_key = allowed_key
        self.repo_root = None if repo_root is None else os.fspath(repo_root)
        self.auth_attempts: list[tuple[str, str, str]] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> TestSshServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._sock.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, conn: socket.socket) -> None:
        transport = paramiko.Transport(conn)
        transport.add_server_key(self.host_key)
        iface = _Interface(self)
        try:
            transport.start_server(server=iface)
        except (paramiko.SSHException, EOFError, OSError):
            transport.close()
            return
        try:
            chan = None
            while chan is None and transport.is_active() and not self._stop.is_set():
                chan = transport.accept(0.2)
            if chan is None or not iface.exec_event.wait(5):
                return
            self._run_git(chan, iface.command)
            # Let the client close first, or OpenSSH reports a reset after a good push.
            for _ in range(50):
                if not transport.is_active():
                    break
                self._stop.wait(0.1)
        finally:
            transport.close()

    @staticmethod
    def _run_git(chan: paramiko.Channel, command: list[str]) -> None:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )

        def pump_stdin() -> None:
            while True:
                data = chan.recv(32768)
                if not data:
                    break
                try:
                    proc.stdin.write(data)
                    proc.stdin.flush()
                except OSError:
                    break
            proc.stdin.close()  # EOF must reach git

        def pump_stderr() -> None:
            for chunk in iter(lambda: proc.stderr.read1(32768), b""):
                chan.sendall_stderr(chunk)

        threads = [
            threading.Thread(target=pump_stdin, daemon=True),
            threading.Thread(target=pump_stderr, daemon=True),
        ]
        for thread in threads:
            thread.start()
        for chunk in iter(lambda: proc.stdout.read1(32768), b""):
            chan.sendall(chunk)
        returncode = proc.wait()
        threads[1].join(timeout=5)
        chan.send_exit_status(returncode)
        chan.shutdown_write()
        chan.close()
