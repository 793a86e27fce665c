"""The doctor on each system: which ssh git runs and the other OpenSSH installs it saw (Windows),
and macOS's git stub without the Command Line Tools."""

from __future__ import annotations

from college_tui.steps import doctor_local
from college_tui.steps.doctor_check import OK, PROBLEM
from college_tui.workstation.hostos import Host

from .layouts import GitForWindows, program, windows_openssh


def test_the_doctor_names_the_ssh_git_runs_and_the_other_one(tmp_path, monkeypatch):
    gfw = GitForWindows(tmp_path)
    program(gfw.ssh.parent, "ssh.exe", 'echo "OpenSSH_9.9p1, OpenSSL 3.2.3 3 Sep 2024" >&2')
    system_ssh = windows_openssh(tmp_path)
    host = gfw.host(PATH=f"{gfw.path}:{system_ssh.parent}")
    monkeypatch.setattr(Host, "current", classmethod(lambda cls: host))

    check = doctor_local.check_ssh_client()

    assert check.status == OK
    assert check.found == (
        f"OpenSSH_9.9p1, OpenSSL 3.2.3 3 Sep 2024 (signs with rsa-sha2); git runs {gfw.ssh} "
        f"(Git for Windows); also found: {system_ssh}"
    )


def test_macos_git_without_the_command_line_tools_says_xcode_select(tmp_path, monkeypatch):
    program(
        tmp_path,
        "git",
        'echo "xcrun: error: invalid active developer path (/Library/Developer/CommandLineTools),'
        ' missing xcrun at: /Library/Developer/CommandLineTools/usr/bin/xcrun" >&2; exit 1',
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    check = doctor_local.check_git()
    assert check.status == PROBLEM
    assert "xcode-select --install" in check.advice and "Reinstall" not in check.advice


def test_windows_with_only_gits_own_ssh_is_not_told_ssh_is_missing(tmp_path, monkeypatch):
    from college_tui.steps.answers import Answers
    from college_tui.steps.preflight import missing_programs
    from college_tui.steps.session import local_problems

    gfw = GitForWindows(tmp_path)  # no ssh on PATH: only Git's usr/bin/ssh.exe
    monkeypatch.setattr(Host, "current", classmethod(lambda cls: gfw.host()))
    monkeypatch.setenv("PATH", gfw.path)

    assert not any(p.startswith("ssh ") for p in local_problems())
    assert not any("ssh (OpenSSH)" in p for p in missing_programs(Answers(clone_protocol="ssh")))
