"""git's credential helper on Windows: `... credhelper PORT NONCE USER get` prints the one-call
secret that college-tui serves once on 127.0.0.1:PORT (see :mod:`.secretpass`).

`store` and `erase` are ignored: nothing is kept anywhere. Kept tiny: git starts it per call.
"""

from __future__ import annotations

import socket
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[3] != "get":
        return 0
    port, nonce, user = int(argv[0]), argv[1], argv[2]
    chunks = []
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(nonce.encode() + b"\n")
            while chunk := conn.recv(4096):
                chunks.append(chunk)
    except OSError:  # nothing listens any more: git then says authentication failed
        return 1
    secret = b"".join(chunks).decode()
    if not secret:
        return 1  # already given once: git then says authentication failed
    if user != "-":
        sys.stdout.write(f"username={user}\n")
    sys.stdout.write(f"password={secret}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
