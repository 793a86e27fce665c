"""The wizard's sandbox in a process of its own (sandbox/apart.py): it serves over real HTTP, keeps
its ports from one start to the next, says what stopped it starting as the in-process start
does, and ends with its stdin (stop, or the wizard's process ending)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from college_tui.sandbox.apart import start_apart
from college_tui.sandbox.ports import saved_ports
from college_tui.sandbox.server import bind_loopback
from college_tui.sandbox.service import SandboxConfig
from tests.conftest import connect

QUICK = SandboxConfig(project_create_seconds=0, import_seconds=0)


def refused(base_url: str) -> bool:
    try:
        requests.get(f"{base_url}/_sandbox/stats", timeout=5)
    except requests.ConnectionError:
        return True
    return False


def test_it_serves_the_sdk_from_another_process_and_stops_with_its_stdin(tmp_path):
    started = start_apart(tmp_path / "data", faults=None, config=QUICK)
    try:
        assert started.server.pid != os.getpid()
        assert not [t for t in threading.enumerate() if t.name.startswith("sandbox")]
        clients = connect(started.info.profile_url, started.info.pat).clients_v7_1
        me = clients.get_profile_client().get_profile("me")
        assert me.additional_properties["displayName"] == "Ada Attendee"
        org = connect(started.info.org_url, started.info.pat).clients_v7_1
        assert [p.name for p in org.get_core_client().get_projects()] == []
        assert started.info.ssh_port and started.info.ssh_host_key.startswith("ssh-rsa ")
    finally:
        started.server.stop()
    assert refused(started.info.base_url)


def test_a_second_start_keeps_the_ports_and_a_taken_one_moves_and_is_said(tmp_path):
    data = tmp_path / "data"
    first = start_apart(data, faults=None, config=QUICK)
    first.server.stop()
    assert saved_ports(data)["port"] == int(first.info.base_url.rsplit(":", 1)[1])
    again = start_apart(data, faults=None, config=QUICK)
    again.server.stop()
    assert (again.info.base_url, again.info.ssh_port) == (first.info.base_url, first.info.ssh_port)
    assert again.moved == []

    holder = bind_loopback(saved_ports(data)["port"])  # another program took the REST port
    try:
        moved = start_apart(data, faults=None, config=QUICK)
        moved.server.stop()
    finally:
        holder.close()
    assert moved.info.base_url != first.info.base_url
    assert len(moved.moved) == 1 and "is in use now" in moved.moved[0]


def test_faults_and_clocks_reach_the_child(tmp_path):
    started = start_apart(tmp_path / "data", faults="5xx=1,seed=3", config=QUICK)
    try:
        answer = requests.get(f"{started.info.org_url}/_apis/projects", timeout=10)
    finally:
        started.server.stop()
    assert answer.status_code >= 500


def test_a_data_folder_that_cannot_be_made_is_said_with_its_path(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    with pytest.raises(OSError) as caught:
        start_apart(blocker / "data", faults=None, config=QUICK)
    assert caught.value.filename and "a-file" in caught.value.filename


def test_what_stopped_the_child_starting_comes_back_as_a_sentence(tmp_path):
    with pytest.raises(RuntimeError, match="unknown fault 'nonsense=3'"):
        start_apart(tmp_path / "data", faults="nonsense=3", config=QUICK)


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX's")
def test_it_ends_when_the_process_that_started_it_is_killed(tmp_path):
    """Killed, the wizard's process cannot stop it: the child sees its stdin close and stops."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from college_tui.sandbox.apart import start_apart\n"
        "from college_tui.sandbox.service import SandboxConfig\n"
        "started = start_apart(Path(sys.argv[1]), faults=None, config=SandboxConfig())\n"
        "print(started.info.base_url, started.server.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    base_url, _pid = done.stdout.split()
    deadline = time.monotonic() + 60
    while not refused(base_url) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert refused(base_url)
