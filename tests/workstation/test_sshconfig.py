"""Our marked block in ~/.ssh/config, checked with ``ssh -G`` (how OpenSSH really reads it)."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from college_tui.workstation import sshconfig
from college_tui.workstation.errors import FileWriteError, SshConfigError
from college_tui.workstation.sshconfig import (
    BEGIN_MARKER,
    END_MARKER,
    ensure_host_block,
    read_block,
    remove_host_block,
)

from .helpers import needs_ssh, run

HOST = "ssh.dev.azure.com"


def ssh_g(config, host=HOST) -> dict[str, str]:
    """What OpenSSH makes of ``config`` for ``host`` (first value of each option)."""
    out = run("ssh", "-G", "-F", config, host).stdout
    result: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        result.setdefault(key, value)
    return result


@pytest.fixture
def ssh_dir(home):
    folder = home / ".ssh"
    folder.mkdir(mode=0o700)
    return folder


def test_creates_the_file_with_our_block_at_0600(ssh_dir):
    config = ssh_dir / "config"
    key = ssh_dir / "id_rsa_azure"

    change = ensure_host_block(config, HOST, key)

    assert change == "created"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    assert text.splitlines() == [
        BEGIN_MARKER,
        "Host ssh.dev.azure.com",
        "  User git",
        f'  IdentityFile "{key}"',  # the home folder has a space: quoted
        "  IdentitiesOnly yes",
        "# Back to all hosts, so the lines below apply everywhere as before.",
        "Host *",
        END_MARKER,
    ]


def test_second_call_is_unchanged_and_does_not_write(ssh_dir, monkeypatch):
    config = ssh_dir / "config"
    args = dict(
        hostname="127.0.0.1", port=2222, known_hosts_file=ssh_dir / "kh", host_key_alias=HOST
    )
    ensure_host_block(config, HOST, ssh_dir / "id_rsa", **args)
    before = config.read_bytes()

    def no_write(*a, **k):
        raise AssertionError("an unchanged block must not be written")

    monkeypatch.setattr(sshconfig, "write_atomic", no_write)
    assert ensure_host_block(config, HOST, ssh_dir / "id_rsa", **args) == "unchanged"
    assert config.read_bytes() == before


ORIGINAL = (
    "# my settings\n"
    "ServerAliveInterval 42\n"
    "\n"
    "Host *\n"
    "  User someone-else\n"
    "  IdentityFile ~/.ssh/id_ed25519\n"
    "\tForwardAgent no   \n"
    "Host github.com\n"
    "  HostName github.com\x0c\n"  # odd bytes must survive untouched
    "# ünïcödé comment\n"
    "Include conf.d/*"  # no final newline
)


@needs_ssh
def test_block_goes_first_and_the_rest_is_kept_byte_for_byte(ssh_dir):
    config = ssh_dir / "config"
    config.write_bytes(ORIGINAL.encode())
    os.chmod(config, 0o644)
    key = ssh_dir / "id_rsa_azure"

    assert ensure_host_block(config, HOST, key) == "created"

    data = config.read_bytes()
    assert data.startswith(BEGIN_MARKER.encode())
    assert data.endswith(ORIGINAL.encode())
    assert stat.S_IMODE(config.stat().st_mode) == 0o644  # mode kept
    # OpenSSH: our values win over the later "Host *" ...
    ours = ssh_g(config)
    assert ours["user"] == "git"
    assert ours["identityfile"] == str(key)
    assert ours["identitiesonly"] == "yes"
    # ... and the global line above the user's first Host still applies to every host.
    other = ssh_g(config, "example.org")
    assert other["serveraliveinterval"] == "42"
    assert other["user"] == "someone-else"
    assert ours["serveraliveinterval"] == "42"

    assert remove_host_block(config) == "removed"
    assert config.read_bytes() == ORIGINAL.encode()
    assert remove_host_block(config) == "unchanged"


@needs_ssh
def test_sandbox_options_and_paths_with_spaces(ssh_dir):
    config = ssh_dir / "config"
    key = ssh_dir / "id rsa azure"
    known_hosts = ssh_dir / "known hosts"

    ensure_host_block(
        config, HOST, key, hostname="127.0.0.1", port=2222, known_hosts_file=known_hosts,
        host_key_alias=HOST,
    )  # fmt: skip

    seen = ssh_g(config)
    assert seen["hostname"] == "127.0.0.1"
    assert seen["port"] == "2222"
    assert seen["hostkeyalias"] == HOST
    assert seen["identityfile"] == str(key)
    assert seen["userknownhostsfile"] == str(known_hosts)
    block = read_block(config)
    assert block.host_alias == HOST
    assert block.start_line == 1
    assert block.options == {
        "HostName": "127.0.0.1",
        "Port": "2222",
        "User": "git",
        "IdentityFile": str(key),
        "IdentitiesOnly": "yes",
        "HostKeyAlias": HOST,
        "UserKnownHostsFile": str(known_hosts),
    }


def test_update_replaces_only_our_block(ssh_dir):
    config = ssh_dir / "config"
    config.write_text(ORIGINAL)
    ensure_host_block(config, HOST, ssh_dir / "old_key")

    assert ensure_host_block(config, HOST, ssh_dir / "new_key", port=2222) == "updated"

    text = config.read_text()
    assert "old_key" not in text
    assert read_block(config).options["IdentityFile"] == str(ssh_dir / "new_key")
    assert text.endswith(ORIGINAL)
    assert text.count(BEGIN_MARKER) == 1


def test_a_block_found_lower_down_is_moved_to_the_top(ssh_dir):
    config = ssh_dir / "config"
    block = sshconfig.render_block(HOST, ssh_dir / "id_rsa")
    config.write_text("Host *\n  User x\n" + block + "Host b\n  Port 1\n")

    assert ensure_host_block(config, HOST, ssh_dir / "id_rsa") == "updated"
    assert config.read_text() == block + "Host *\n  User x\nHost b\n  Port 1\n"


def test_crlf_files_stay_crlf(ssh_dir):
    config = ssh_dir / "config"
    original = b"Host *\r\n  User me\r\n"
    config.write_bytes(original)

    ensure_host_block(config, HOST, ssh_dir / "id_rsa")

    data = config.read_bytes()
    assert data.endswith(original)
    assert data.count(b"\n") == data.count(b"\r\n")
    assert ensure_host_block(config, HOST, ssh_dir / "id_rsa") == "unchanged"
    assert remove_host_block(config) == "removed"
    assert config.read_bytes() == original


def test_a_symlinked_config_stays_a_symlink(ssh_dir, tmp_path):
    real = tmp_path / "dotfiles-config"
    real.write_text("Host x\n")
    (ssh_dir / "config").symlink_to(real)

    ensure_host_block(ssh_dir / "config", HOST, ssh_dir / "id_rsa")

    assert (ssh_dir / "config").is_symlink()
    assert real.read_text().endswith("Host x\n")
    assert read_block(real) is not None


@pytest.mark.parametrize(
    "text",
    [
        f"{BEGIN_MARKER}\nHost x\n",  # start without end
        f"{BEGIN_MARKER}\n{END_MARKER}\n{BEGIN_MARKER}\n{END_MARKER}\n",  # twice
    ],
)
def test_broken_markers_are_reported_and_the_file_untouched(ssh_dir, text):
    config = ssh_dir / "config"
    config.write_text(text)
    with pytest.raises(SshConfigError) as info:
        ensure_host_block(config, HOST, ssh_dir / "id_rsa")
    assert "by hand" in str(info.value)
    assert config.read_text() == text


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        (dict(host_alias="two words"), "host alias"),
        (dict(hostname="evil\nProxyCommand x"), "host name"),
        (dict(port=70000), "valid TCP port"),
        (dict(identity_file='/tmp/a"b'), "quotes"),
        (dict(user="git\nHost *"), "User name"),
    ],
)
def test_values_ssh_config_cannot_express_are_refused(ssh_dir, kwargs, words):
    args = dict(host_alias=HOST, identity_file=ssh_dir / "id_rsa") | kwargs
    with pytest.raises(SshConfigError, match=words):
        ensure_host_block(ssh_dir / "config", **args)
    assert not (ssh_dir / "config").exists()


def test_read_only_ssh_dir_gives_a_clear_message(ssh_dir, monkeypatch):
    config = ssh_dir / "config"
    config.write_text("Host x\n")

    def read_only(*args):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(FileWriteError) as info:
        ensure_host_block(config, HOST, ssh_dir / "id_rsa")
    monkeypatch.undo()
    assert "read-only" in str(info.value) and str(config) in str(info.value)
    assert config.read_text() == "Host x\n"
    assert sorted(p.name for p in ssh_dir.iterdir()) == ["config"]


def test_read_block_without_file_or_block(ssh_dir):
    assert read_block(ssh_dir / "config") is None
    (ssh_dir / "config").write_text("Host x\n")
    assert read_block(ssh_dir / "config") is None
