"""How git's credential helper gets a one-call secret: never from a file, an argument or the
environment.

POSIX: an inherited pipe read as `/dev/fd/N` (workstation/gitcredential.py). Windows has no
`/dev/fd` and git's shell passes no extra handles on, so there the helper is
`python -m college_tui.workstation.hostos.credhelper` and fetches the secret from a socket on
127.0.0.1 that this process listens on: it answers once, to the first caller that presents a
random nonce, then closes. The nonce is on the helper's command line (git's `-c` option), so it
is no secret from the user's own processes; it only keeps out another program that guesses the
port. After one answer, or `LIFETIME_SECONDS`, nothing listens.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import shlex
import socket
import sys
import threading
import time

from . import Host, here

LIFETIME_SECONDS = 120  # git asks at the start of a clone or push
_NONCE_BYTES = 32


def channel(host: Host | None = None) -> str:
    """ "fd" where the helper can read an inherited pipe (POSIX), else "socket"."""
    return "fd" if here(host).posix else "socket"


class OneTimeSecret:
    """A loopback listener that hands `secret` once to the caller presenting `nonce`."""

    def __init__(self, secret: str, lifetime: float = LIFETIME_SECONDS) -> None:
        self._secret = secret.encode()
        self.nonce = secrets.token_hex(_NONCE_BYTES)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.served = threading.Event()
        self._deadline = time.monotonic() + lifetime
        self._thread = threading.Thread(target=self._serve, name="one-time-secret", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:  # never the secret
        return f"OneTimeSecret(port={self.port}, served={self.served.is_set()})"

    def helper(self, host: Host | None = None, username: str = "") -> str:
        """git's `credential.helper` value (with "!") that fetches the secret from here."""
        python = here(host).command_path(sys.executable)
        words = [python, "-m", "college_tui.workstation.hostos.credhelper", str(self.port),
                 self.nonce, username or "-"]  # fmt: skip
        return "!" + " ".join(shlex.quote(word) for word in words)

    def close(self) -> None:
        """Stop listening now (safe to call twice)."""
        self._deadline = 0
        self._thread.join(2)

    def _serve(self) -> None:
        try:
            while not self.served.is_set() and time.monotonic() < self._deadline:
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                with conn, contextlib.suppress(OSError):
                    conn.settimeout(5)
                    said = conn.makefile("rb").readline(256).strip()
                    if hmac.compare_digest(said, self.nonce.encode()):
                        conn.sendall(self._secret)
                        self.served.set()
        finally:
            self._listener.close()
            self._secret = b""
