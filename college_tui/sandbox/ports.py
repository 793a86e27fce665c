"""Ports kept across starts: a sandbox starts on the ports it had last time, so the URLs it
printed and the ssh config block it wrote stay valid; a port in use is said, never a traceback.

`ports.json` beside `sandbox.db` keeps the web/REST, SSH and identity provider ports.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .datadir import default_data_dir
from .faults import Faults
from .server import LOOPBACK, SandboxInfo, SandboxServer, bind_loopback
from .service import SandboxConfig

PORTS_FILE = "ports.json"  # beside sandbox.db: the ports of the last start
_PORT_ERRORS = {errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES}  # what binding a port meets


class PortProblem(ValueError):
    """An explicitly asked port cannot be used; the message says why and suggests another."""


@dataclass
class KeptStart:
    """A started sandbox, and what moved: one sentence per port that could not be kept."""

    server: SandboxServer
    info: SandboxInfo
    moved: list[str]


def saved_ports(data_dir: Path) -> dict[str, int]:
    """The ports of the last start (`port`, `ssh_port`, `idp_port`), or {} when none were saved."""
    try:
        saved = json.loads((Path(data_dir) / PORTS_FILE).read_text(encoding="utf-8"))
        return {
            name: int(saved[name])
            for name in ("port", "ssh_port", "idp_port")
            if 0 < int(saved.get(name, 0)) < 65536
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def port_free(port: int) -> bool:
    """True when nothing listens on (or holds) 127.0.0.1:port now."""
    try:
        bind_loopback(port).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    sock = bind_loopback(0)
    try:
        port: int = sock.getsockname()[1]
        return port
    finally:
        sock.close()


def check_asked_port(option: str, port: int) -> None:
    """Refuse an explicit port that is out of range or in use, suggesting one that is free now."""
    if not 0 < port < 65536:
        raise PortProblem(
            f"{option} {port} is not a TCP port: use 1 to 65535, e.g. {option} "
            f"{free_port()} (free now), or leave {option} out to keep the "
            "sandbox's usual port."
        )
    if not port_free(port):
        raise PortProblem(
            f"{option} {port}: port {port} on {LOOPBACK} is in use (another "
            "program, or a sandbox already running). Stop that program or choose "
            f"another port, e.g. {option} {free_port()} (free now)."
        )


def start_kept(
    data_dir: Path | None,
    *,
    port: int | None = None,
    ssh_port: int | None = None,
    faults: Faults | str | None = None,
    config: SandboxConfig | None = None,
    ssh_later: bool = False,
) -> KeptStart:
    """Start a sandbox on the ports it had last time, so printed URLs and ssh config stay valid.
    `ssh_later`: its SSH port taken, its SSH server left to `server.start_ssh()` (issue 28).

    `port`/`ssh_port` given: exactly those (0 = any free one); a port in use or out of range
    raises PortProblem. Not given: the saved ones when free, else free ones (said in `moved`).
    The ports used are saved for the next start.
    """
    from ..workstation.atomic import write_atomic

    data = Path(data_dir) if data_dir else default_data_dir()
    saved = saved_ports(data)
    wanted: dict[str, int] = {}
    moved: list[tuple[str, str]] = []  # (port name, what it serves) that could not be kept
    for name, asked, option, what in (
        ("port", port, "--port", "web/REST"),
        ("ssh_port", ssh_port, "--ssh-port", "SSH"),
        ("idp_port", None, "", "sign-in (identity provider)"),
    ):
        if asked is not None:
            if asked:
                check_asked_port(option, asked)
            wanted[name] = asked
        elif name in saved and port_free(saved[name]):
            wanted[name] = saved[name]
        else:
            wanted[name] = 0
            if name in saved:
                moved.append((name, what))
    server = SandboxServer(
        data,
        port=wanted["port"],
        ssh_port=wanted["ssh_port"],
        idp_port=wanted["idp_port"],
        faults=faults,
        config=config,
    )
    try:
        info = server.start(ssh_later=ssh_later)
    except OSError as exc:  # taken between the check and the start
        server.stop()
        if exc.filename is not None or exc.errno not in _PORT_ERRORS:
            raise  # a file that cannot be written is not a port's fault: the caller says which
        raise PortProblem(
            f"The sandbox could not listen on its ports ({exc.strerror or exc}). "
            "Run the command again, or choose --port/--ssh-port."
        ) from None
    used = {"port": server.port, "ssh_port": server.ssh_port, "idp_port": server.idp_port}
    notes = [
        f"The sandbox's {what} port {saved[name]} (used last time) is in use now, so it "
        f"listens on {used[name]} instead."
        for name, what in moved
    ]
    if used != saved:
        write_atomic(data / PORTS_FILE, json.dumps(used) + "\n")
    return KeptStart(server, info, notes)


def start_announced(
    data_dir: Path,
    refuse: Callable[[], None],
    port: int | None,
    ssh_port: int | None,
    faults: str | None,
    config: SandboxConfig | None,
) -> tuple[KeptStart, Callable[[], None]]:
    """For `sandbox serve`: under the start lock, `refuse()` (another serve runs), start on the
    kept ports (ports.start_kept with port, ssh_port, faults, config) and announce it; returns
    (kept, release). Another start that holds the folder too long: PortProblem, with its words."""
    from .running import AlreadyServed, announce, starting

    try:
        with starting(data_dir):
            refuse()
            kept = start_kept(data_dir, port=port, ssh_port=ssh_port, faults=faults, config=config)
            try:
                release = announce(kept.info)
            except BaseException:
                kept.server.stop()
                raise
    except AlreadyServed as exc:
        raise PortProblem(str(exc)) from None
    return kept, release
