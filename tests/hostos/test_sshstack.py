"""Which ssh git runs, per operating system, against fake layouts: on Windows Git for Windows'
own `usr/bin/ssh.exe` (found from `git --exec-path`) unless GIT_SSH_COMMAND or core.sshCommand
names another OpenSSH; where that ssh reads its config; and the wizard's login runs exactly it."""

from __future__ import annotations

import shlex

from college_tui.workstation.gitssh import ssh_command_for
from college_tui.workstation.hostos import Host
from college_tui.workstation.hostos.agent import private_agent_possible
from college_tui.workstation.hostos.sshstack import git_ssh, ssh_programs_found
from college_tui.workstation.sshlogin import openssh_login

from .layouts import GitForWindows, log_lines, program, unix, windows_openssh


def test_windows_git_runs_its_own_bundled_ssh_found_from_its_exec_path(tmp_path):
    gfw = GitForWindows(tmp_path)
    system_ssh = windows_openssh(tmp_path)
    host = gfw.host(PATH=f"{gfw.path}:{system_ssh.parent}")  # Windows' own ssh is on PATH too

    stack = git_ssh(host)

    bin_dir = gfw.root / "usr" / "bin"
    assert (stack.ssh, stack.why, stack.bundled_with_git) == (
        str(bin_dir / "ssh.exe"),
        "Git for Windows",
        True,
    )
    assert stack.keygen == str(bin_dir / "ssh-keygen.exe")
    assert (stack.add, stack.agent) == (
        str(bin_dir / "ssh-add.exe"),
        str(bin_dir / "ssh-agent.exe"),
    )
    assert private_agent_possible(stack, host)  # Git's MSYS agent takes -D -a SOCKET
    assert ssh_programs_found(host) == [str(system_ssh), str(bin_dir / "ssh.exe")]


def test_windows_core_ssh_command_naming_windows_openssh_wins(tmp_path):
    system_ssh = windows_openssh(tmp_path)
    gfw = GitForWindows(tmp_path, core_ssh_command=f"{system_ssh} -o LogLevel=ERROR")
    host = gfw.host()

    stack = git_ssh(host)

    assert (stack.ssh, stack.why, stack.bundled_with_git) == (
        str(system_ssh),
        "core.sshCommand",
        False,
    )
    assert stack.add == str(system_ssh.parent / "ssh-add.exe")
    assert not private_agent_possible(stack, host)  # Windows' agent is a service
    assert stack.home.as_posix() == "/profile"  # Windows' own ssh reads %USERPROFILE%\.ssh


def test_git_ssh_command_beats_core_ssh_command_and_plink_is_not_taken(tmp_path):
    system_ssh = windows_openssh(tmp_path)
    gfw = GitForWindows(tmp_path, core_ssh_command="plink -batch")
    assert git_ssh(gfw.host()).why == "Git for Windows"  # plink takes no OpenSSH options
    stack = git_ssh(gfw.host(GIT_SSH_COMMAND=shlex.quote(str(system_ssh)) + " -v"))
    assert (stack.ssh, stack.why) == (str(system_ssh), "GIT_SSH_COMMAND")


def test_gits_ssh_reads_the_home_git_for_windows_derives_from_homedrive_homepath(tmp_path):
    gfw = GitForWindows(tmp_path)
    network_home = tmp_path / "J" / "users" / "ada"
    network_home.mkdir(parents=True)
    host = gfw.host(HOMEDRIVE=str(tmp_path / "J"), HOMEPATH="/users/ada")
    assert git_ssh(host).config == network_home / ".ssh" / "config"
    assert git_ssh(gfw.host(HOME=str(tmp_path / "h"))).home == tmp_path / "h"  # HOME first


def test_the_wizards_login_runs_the_very_ssh_git_runs_on_windows(tmp_path):
    gfw = GitForWindows(tmp_path)
    host = gfw.host()
    ssh = host.command_path(git_ssh(host).ssh)
    command = ssh_command_for(tmp_path / "key", tmp_path / "known_hosts", program=ssh)
    assert shlex.split(command)[0] == str(gfw.ssh)

    said = openssh_login(command, "ssh.dev.azure.com")

    assert "logged in as git on ssh.dev.azure.com" in said
    (line,) = log_lines(gfw.log)
    assert line.startswith("ssh.exe -o IdentityFile=") and line.endswith("-T git@ssh.dev.azure.com")


def test_macos_and_linux_take_the_ssh_on_path(tmp_path):
    for system in ("darwin", "linux"):
        host = unix(system, tmp_path, "ssh", "ssh-add", "ssh-agent", "ssh-keygen")
        stack = git_ssh(host)
        folder = tmp_path / f"{system}-bin"
        assert (stack.ssh, stack.why, stack.add) == (
            str(folder / "ssh"),
            "PATH",
            str(folder / "ssh-add"),
        )
        assert private_agent_possible(stack, host) and not stack.bundled_with_git
        assert ssh_programs_found(host) == [str(folder / "ssh")]


def test_an_openssh_named_by_core_ssh_command_on_linux(tmp_path):
    other = program(tmp_path / "opt", "ssh", "exit 0")
    git = program(
        tmp_path / "bin",
        "git",
        f'[ "$*" = "config --global --get core.sshCommand" ] && echo "{other} -4"',
    )
    stack = git_ssh(Host("linux", {"PATH": str(git.parent)}))
    assert (stack.ssh, stack.why) == (str(other), "core.sshCommand")


def test_no_ssh_anywhere_is_none(tmp_path):
    for system in ("win32", "darwin", "linux"):
        assert git_ssh(Host(system, {"PATH": str(tmp_path)})).ssh is None
