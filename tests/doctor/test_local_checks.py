"""The doctor's local checks, each on both outcomes, with real programs and fake ones on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from college_tui.steps import doctor, doctor_local
from college_tui.steps.doctor_check import OK, PROBLEM, WARNING
from college_tui.workstation.openssh import parse_ssh_version
from college_tui.workstation.sshconfig import render_block

from .conftest import write_program

needs_openssh = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH")


def test_python_ok_here_and_a_problem_below_3_11(monkeypatch):
    assert doctor_local.check_python().status == OK
    monkeypatch.setattr(sys, "version_info", (3, 10, 4, "final", 0))
    check = doctor_local.check_python()
    assert check.status == PROBLEM and check.found == "3.10.4"
    assert "3.11" in check.advice


def test_git_found_with_its_version():
    check = doctor_local.check_git()
    assert check.status == OK
    assert check.found.startswith("git 2.")


def test_no_git_on_path_is_a_problem_that_says_where_to_get_it(path_without):
    path_without("ssh")
    check = doctor_local.check_git()
    assert check.status == PROBLEM
    assert check.found == "not found on PATH"
    assert "https://git-scm.com/downloads" in check.advice


def test_an_old_git_is_a_warning(fake_bin):
    write_program(fake_bin, "git", 'echo "git version 2.11.0"')
    check = doctor_local.check_git()
    assert check.status == WARNING and check.found == "git 2.11.0"


@pytest.mark.parametrize(
    ("banner", "version"),
    [
        ("OpenSSH_9.2p1 Debian-2+deb12u6, OpenSSL 3.0.19", (9, 2)),
        ("OpenSSH_for_Windows_8.1p1, LibreSSL 3.0.2", (8, 1)),
        ("OpenSSH_7.2p2 Ubuntu-4ubuntu2.10, OpenSSL 1.0.2g", (7, 2)),
        ("OpenSSH_6.6.1p1 Ubuntu-2ubuntu2, OpenSSL 1.0.1f", (6, 6)),
        ("Dropbear v2022.83", None),
    ],
)
def test_ssh_banners_are_read(banner, version):
    assert parse_ssh_version(banner) == version


@needs_openssh
def test_the_real_openssh_signs_with_rsa_sha2():
    check = doctor_local.check_ssh_client()
    assert check.status == OK
    assert "OpenSSH_" in check.found and "rsa-sha2" in check.found


def test_an_openssh_older_than_7_2_is_a_problem(fake_bin):
    # ssh -V prints its banner on stderr, as the real one does.
    write_program(fake_bin, "ssh", 'echo "OpenSSH_6.6.1p1 Ubuntu-2ubuntu2, OpenSSL 1.0.1f" >&2')
    check = doctor_local.check_ssh_client()
    assert check.status == PROBLEM
    assert "OpenSSH_6.6.1p1" in check.found and "SHA-1" in check.found
    assert "7.2" in check.advice


def test_an_ssh_that_is_not_openssh_is_a_warning_naming_https(fake_bin):
    write_program(fake_bin, "ssh", 'echo "Dropbear v2022.83" >&2')
    check = doctor_local.check_ssh_client()
    assert check.status == WARNING
    assert 'clone_protocol = "https"' in check.advice


def test_no_ssh_is_a_problem(path_without):
    path_without("git")
    check = doctor_local.check_ssh_client()
    assert check.status == PROBLEM and "openssh-client" in check.advice


@pytest.mark.skipif(shutil.which("ssh-agent") is None, reason="needs ssh-agent")
def test_a_running_agent_is_reachable(tmp_path, monkeypatch):
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if sock.exists():
                break
            time.sleep(0.05)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        check = doctor_local.check_ssh_agent()
        assert check.status == OK and "0 key(s)" in check.found
    finally:
        agent.terminate()
        agent.wait(5)


def test_an_agent_socket_that_does_not_answer_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("SSH_AUTH_SOCK", str(tmp_path / "gone.sock"))
    check = doctor_local.check_ssh_agent()
    assert check.status == WARNING
    assert "SSH_AUTH_SOCK" in check.found


def test_no_agent_is_fine_when_ssh_agent_is_installed(monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    check = doctor_local.check_ssh_agent()
    expected = OK if shutil.which("ssh-agent") and shutil.which("ssh-add") else WARNING
    assert check.status == expected


def test_the_memory_keyring_of_the_tests_is_usable():
    check = doctor_local.check_keyring()
    assert check.status == OK
    assert check.found.endswith("MemoryKeyring")


def test_a_plaintext_keyring_is_a_warning():
    import keyring
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):  # what keyrings.alt would offer
        priority = 1

        def get_password(self, service, username):
            raise AssertionError("the doctor must not read a plain-text store")

        def set_password(self, service, username, password):
            raise AssertionError("the doctor must not write")

        def delete_password(self, service, username):
            raise AssertionError("the doctor must not delete")

    before = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        check = doctor_local.check_keyring()
    finally:
        keyring.set_keyring(before)
    assert check.status == WARNING
    assert "unencrypted" in check.advice


def test_terminal_size_both_ways():
    assert doctor_local.check_terminal_size((120, 40)).status == OK
    small = doctor_local.check_terminal_size((60, 20))
    assert small.status == WARNING and small.found == "60×20" and "80×24" in small.advice


def test_colours_both_ways():
    assert doctor_local.check_colours({"TERM": "xterm-256color"}).found == "256 colours"
    assert doctor_local.check_colours({"TERM": "xterm", "COLORTERM": "truecolor"}).status == OK
    dumb = doctor_local.check_colours({"TERM": "dumb"})
    assert dumb.status == WARNING and "xterm-256color" in dumb.advice


def test_an_ssh_config_block_for_azure_devops_is_a_warning_with_its_line(home):
    (home / ".ssh" / "config").write_text(
        "Host github.com\n  User git\n\nHost ssh.dev.azure.com\n  IdentityFile ~/.ssh/old\n"
        "  Port 2222\n"
    )
    check = doctor_local.check_ssh_config(home)
    assert check.status == WARNING
    assert "line 4: Host ssh.dev.azure.com sets Port" in check.found


def test_a_wildcard_block_counts_only_when_it_changes_the_connection(home):
    config = home / ".ssh" / "config"
    config.write_text("Host *\n  AddKeysToAgent yes\n  ServerAliveInterval 30\n")
    assert doctor_local.check_ssh_config(home).status == OK
    config.write_text("Host *\n  ProxyCommand nc -X connect -x proxy:8080 %h %p\n")
    check = doctor_local.check_ssh_config(home)
    assert check.status == WARNING and "line 1: Host * sets ProxyCommand" in check.found
    config.write_text("Host * !ssh.dev.azure.com\n  ProxyCommand nc %h %p\n")
    assert doctor_local.check_ssh_config(home).status == OK  # negated for our host
    config.write_text("HostkeyAlgorithms +ssh-rsa\nHost github.com\n  Port 443\n")
    check = doctor_local.check_ssh_config(home)  # options above every Host apply to all hosts
    assert check.status == WARNING and "top of the file sets HostkeyAlgorithms" in check.found


def test_college_tuis_own_block_is_not_a_conflict(home):
    ours = render_block(
        "ssh.dev.azure.com", home / ".ssh" / "college_tui_rsa", port=2222, hostname="127.0.0.1"
    )
    (home / ".ssh" / "config").write_text(ours + "Host github.com\n  Port 443\n")
    check = doctor_local.check_ssh_config(home)
    assert check.status == OK, check


def test_no_key_yet_is_fine_and_other_keys_are_left_alone(home):
    (home / ".ssh" / "id_ed25519").write_text("x")
    check = doctor_local.check_existing_key(home)
    assert check.status == OK and "id_ed25519 stay untouched" in check.found


def test_an_rsa_key_at_the_default_path_is_reused(home):
    from college_tui.workstation.sshkeys import generate_rsa_key

    generate_rsa_key(home / ".ssh" / "college_tui_rsa", bits=3072)
    check = doctor_local.check_existing_key(home)
    assert check.status == OK and "RSA 3072" in check.found


def test_a_key_azure_devops_cannot_use_at_the_default_path_is_a_problem(home):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    path = home / ".ssh" / "college_tui_rsa"
    path.write_bytes(key)
    os.chmod(path, 0o600)
    check = doctor_local.check_existing_key(home)
    assert check.status == PROBLEM
    assert "RSA" in check.found and "key_path" in check.advice


def test_quick_checks_need_no_network_and_cover_every_local_check(home, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("quick_checks must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    keys = [c.key for c in doctor.quick_checks(home)]
    assert keys == [
        "python",
        "git",
        "ssh-client",
        "ssh-agent",
        "keyring",
        "terminal-size",
        "colours",
        "ssh-config",
        "ssh-key",
    ]
