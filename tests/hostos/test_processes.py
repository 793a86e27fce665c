"""One run at a time, stopping git with its children, removing read-only files: per system."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from college_tui.workstation.hostos import Host
from college_tui.workstation.hostos.processes import (
    own_group,
    own_group_below_normal,
    remove_tree,
    stop_tree,
    try_lock,
    unlock,
)

from .layouts import log_lines, recorder


def test_a_lock_is_held_against_a_second_opener_until_released(tmp_path):
    path = tmp_path / "state.lock"
    first = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    second = os.open(path, os.O_RDWR)
    try:
        assert try_lock(first)
        assert not try_lock(second) and not try_lock(second, shared=True)
        unlock(first)
        assert try_lock(second, shared=True) and try_lock(first, shared=True)  # readers share
    finally:
        os.close(first)
        os.close(second)


def test_a_lock_goes_with_its_process(tmp_path):
    path = tmp_path / "serving.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, time\n"
         "from college_tui.workstation.hostos.processes import try_lock\n"
         f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
         "assert try_lock(fd); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        fd = os.open(path, os.O_RDWR)
        assert not try_lock(fd)
        holder.kill()
        holder.wait(10)
        assert try_lock(fd)
        os.close(fd)
    finally:
        holder.kill()
        holder.stdout.close()


def test_each_system_starts_git_in_a_group_of_its_own():
    assert own_group(Host("linux")) == own_group(Host("darwin")) == {"start_new_session": True}
    assert own_group(Host("win32")) == {"creationflags": 0x200}  # CREATE_NEW_PROCESS_GROUP


def test_a_child_below_normal_is_so_from_its_start_on_windows_only():
    assert own_group_below_normal(Host("linux")) == {"start_new_session": True}
    assert own_group_below_normal(Host("darwin")) == {"start_new_session": True}
    # CREATE_NEW_PROCESS_GROUP | BELOW_NORMAL_PRIORITY_CLASS
    assert own_group_below_normal(Host("win32")) == {"creationflags": 0x200 | 0x4000}


LOWER = """
import json, os, sys
from college_tui.workstation.hostos import Host
from college_tui.workstation.hostos.processes import lower_own_priority
lowered = lower_own_priority(5, Host(sys.argv[1]))
print(json.dumps([lowered, os.nice(0), open("/proc/self/autogroup").read()]))
"""


@pytest.mark.parametrize(
    "system, lowered, group",
    [
        ("linux", ["nice", "autogroup"], " nice 5\n"),
        ("darwin", ["nice"], " nice 0\n"),
        ("win32", [], " nice 0\n"),
    ],
)
@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="Linux's autogroup")
def test_a_process_lowers_its_own_priority_as_its_system_allows(system, lowered, group):
    """In a child of its own session: an autogroup's nice is its whole session's."""
    before = Path("/proc/self/autogroup").read_text()
    done = subprocess.run(
        [sys.executable, "-c", LOWER, system],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
        timeout=60,
    )
    said, nice, autogroup = json.loads(done.stdout)
    assert said == lowered
    assert nice == (5 if "nice" in lowered else os.nice(0))
    assert autogroup.endswith(group)  # a new session's group starts at 0
    assert Path("/proc/self/autogroup").read_text() == before  # the test's session untouched


def test_windows_stops_the_whole_tree_with_taskkill(tmp_path):
    log = tmp_path / "taskkill.log"
    recorder(tmp_path / "bin", "taskkill", log, then='kill -9 "$4"')
    proc = subprocess.Popen(["sleep", "60"])
    stop_tree(proc, Host("win32", {"PATH": str(tmp_path / "bin")}))
    assert proc.wait(10) != 0
    assert log_lines(log) == [f"taskkill /T /F /PID {proc.pid}"]


def test_posix_stops_the_group_git_leads(tmp_path):
    proc = subprocess.Popen(
        ["sh", "-c", "sleep 60 & echo $!; wait"], stdout=subprocess.PIPE, text=True,
        **own_group(Host("linux")),
    )  # fmt: skip
    child = int(proc.stdout.readline())
    stop_tree(proc, Host("linux"))
    proc.wait(10)
    proc.stdout.close()
    for _ in range(200):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the ssh-like grandchild outlived the cancel")


def test_read_only_files_are_removed_as_windows_requires(tmp_path, monkeypatch):
    """Windows refuses to delete a read-only file (git's objects are): emulated here."""
    clone = tmp_path / "clone"
    objects = clone / ".git" / "objects" / "ab"
    objects.mkdir(parents=True)
    packed = objects / "cdef"
    packed.write_text("blob")
    packed.chmod(stat.S_IREAD)
    real_unlink = os.unlink
    refused = []

    def windows_unlink(path, *, dir_fd=None):
        if not os.stat(path, dir_fd=dir_fd).st_mode & stat.S_IWRITE:
            refused.append(path)
            raise PermissionError(13, "Access is denied", path)
        real_unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "unlink", windows_unlink)
    remove_tree(clone)
    assert refused and not clone.exists()


def test_only_posix_git_cleans_up_after_a_cancel():
    from college_tui.workstation.hostos.processes import git_cleans_up

    assert git_cleans_up(Host("linux")) and git_cleans_up(Host("darwin"))
    assert not git_cleans_up(Host("win32"))
