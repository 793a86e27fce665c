"""The SSH server's life: a host key kept across restarts, a clean stop, concurrent git traffic."""

from __future__ import annotations

import socket
import stat
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from college_tui.sandbox.repos import repo_path
from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.sshserver import HOST_KEY_FILE
from tests.conftest import connect
from tests.sandbox import helpers
from tests.ssh.conftest import QUICK, SSH_HOST, import_course, register_key


def ssh_threads(besides: set[threading.Thread] = frozenset()) -> list[str]:
    return [
        t.name
        for t in threading.enumerate()
        if t.name.startswith("sandbox-ssh") and t not in besides
    ]


def test_the_host_key_survives_a_restart_so_the_pinned_line_stays_valid(start_sandbox, attendee_at):
    first = start_sandbox(ssh=True, fresh_host_key=True, **QUICK)
    data_dir = Path(first.info.data_dir)
    key_file = data_dir / HOST_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The fingerprint is the one ssh-keygen computes for the published line.
    keygen = subprocess.run(
        ["ssh-keygen", "-lf", "-"],
        input=first.info.ssh_host_key,
        capture_output=True,
        text=True,
        check=True,
    )
    assert first.info.ssh_host_key_fingerprint in keygen.stdout
    course = import_course(first)
    ada = attendee_at(first)  # pins the first run's key in her known_hosts
    register_key(first, ada.public_line)
    fingerprint = first.info.ssh_host_key_fingerprint
    first.stop()

    again = start_sandbox(data_dir, ssh=True, **QUICK)
    assert again.info.ssh_host_key_fingerprint == fingerprint
    ada.server = again  # same home and known_hosts; maybe a new port
    clone = ada.git("clone", course.ssh_url, "after-restart")
    assert clone.returncode == 0, clone.stderr


def git_processes_on(path: Path) -> list[str]:
    """Command lines of running git processes serving the bare repository at `path` (Linux)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv[0] == b"git" and str(path).encode() in argv:
            found.append(b" ".join(argv).decode())
    return found


def test_stop_closes_the_port_and_ends_every_connection(ssh_sandbox):
    server, ada, _ = ssh_sandbox
    earlier = set(threading.enumerate())
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    project = helpers.create_project(clients, "College")
    repo = clients.get_git_client().get_repository("College", project.id)
    bare = repo_path(server.sandbox, {"id": repo.id})
    port = server.info.ssh_port
    # A client that connects and never speaks, and one in the middle of a fetch (git on the
    # server has advertised its refs and waits for the client): neither may hold the stop up.
    idle = socket.create_connection(("127.0.0.1", port), timeout=5)
    assert idle.recv(64).startswith(b"SSH-2.0-")  # the server's banner: the connection is served
    fetch = subprocess.Popen(
        [
            *ada.ssh_command().split(),
            f"git@{SSH_HOST}",
            "git-upload-pack",
            f"'v3/{server.info.org}/College/College'",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ada.env(),
    )
    assert fetch.stdout.read(4) == b"0000"  # an empty repo's ref advertisement: git runs
    assert git_processes_on(bare)

    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    assert ssh_threads(besides=earlier) == []
    assert git_processes_on(bare) == []
    assert idle.recv(64) == b""  # the server hung up on both
    idle.close()
    assert fetch.wait(5) != 0
    fetch.stdin.close()
    fetch.stdout.close()
    fetch.stderr.close()
    refused = socket.socket()
    try:
        assert refused.connect_ex(("127.0.0.1", port)) != 0
    finally:
        refused.close()


def test_ten_clones_at_once_all_succeed_and_leave_the_repository_sound(course_sandbox):
    server, course, ada, _ = course_sandbox

    def clone(n: int) -> tuple[int, str]:
        result = ada.git("clone", "--quiet", course.ssh_url, f"clone-{n}")
        return result.returncode, result.stderr

    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(clone, range(10)))
    elapsed = time.monotonic() - started
    assert results == [(0, "")] * 10
    heads = {ada.git("rev-parse", "HEAD", cwd=ada.home / f"clone-{n}").stdout for n in range(10)}
    assert len(heads) == 1
    bare = repo_path(server.sandbox, {"id": course.repo.id})
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=bare, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    print(f"ten concurrent clones over ssh: {elapsed:.2f}s")


def test_two_pushes_of_different_branches_at_once_both_land(course_sandbox):
    server, course, ada, _ = course_sandbox
    branches = ["users/ada/one", "users/ada/two"]
    for branch in branches:
        work = ada.home / branch.replace("/", "-")
        assert ada.git("clone", "--quiet", course.ssh_url, str(work)).returncode == 0
        ada.git("switch", "-c", branch, cwd=work)
        (work / f"{work.name}.txt").write_text(branch)
        ada.git("add", ".", cwd=work)
        ada.git("commit", "-m", f"work on {branch}", cwd=work)

    def push(branch: str) -> tuple[int, str]:
        result = ada.git("push", "origin", branch, cwd=ada.home / branch.replace("/", "-"))
        return result.returncode, result.stderr

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(push, branches))
    assert [code for code, _ in results] == [0, 0], results
    refs = course.clients.get_git_client().get_refs(
        course.repo.id, project=course.project.id, filter="heads/users/"
    )
    assert sorted(r.name for r in refs) == [f"refs/heads/{b}" for b in branches]


def test_a_taken_ssh_port_fails_the_start_and_leaves_nothing_running(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    server = SandboxServer(tmp_path / "data", ssh_port=taken.getsockname()[1])
    try:
        with pytest.raises(OSError):
            server.start()
        assert server.sandbox is None  # stopped: store closed, REST thread gone
        probe = socket.socket()
        assert probe.connect_ex(("127.0.0.1", server.port)) != 0
        probe.close()
    finally:
        server.stop()
        taken.close()


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on TCP `port`, from /proc/net/tcp and tcp6 (Linux)."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for line in table.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # /proc prints IPv6 as four little-endian 32-bit words
                    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def outward_address() -> str | None:
    """This machine's address on its way out (no packet is sent), if it has one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.255", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_the_rest_and_ssh_ports_listen_on_loopback_only(start_sandbox):
    server = start_sandbox(ssh=True, **QUICK)
    ports = (server.info.base_url.rsplit(":", 1)[1], server.info.ssh_port)
    outward = outward_address()
    for port in map(int, ports):
        assert listening_addresses(port) == {"127.0.0.1"}
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        if outward is not None:  # reachable from this machine's network address: it must not be
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection((outward, port), timeout=5).close()
    with pytest.raises(ValueError, match="loopback only"):
        from college_tui.sandbox.sshserver import SshGitServer

        SshGitServer(server.sandbox, "0.0.0.0", 0)
