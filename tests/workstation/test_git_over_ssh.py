"""The whole workstation story over real OpenSSH + real git against a local SSH git server.

The server poses as ``ssh.dev.azure.com`` on 127.0.0.1 (HostName/Port/HostKeyAlias), so the
clone URL is the production one: ``git@ssh.dev.azure.com:v3/org/College/aidevcollege``.
"""

from __future__ import annotations

import base64
import os

import pytest

from college_tui.workstation import git as gitw
from college_tui.workstation import gitssh
from college_tui.workstation.errors import GitError
from college_tui.workstation.knownhosts import ensure_known_host
from college_tui.workstation.sshcheck import verify_ssh
from college_tui.workstation.sshconfig import ensure_host_block
from college_tui.workstation.sshkeys import ensure_ssh_dir, generate_rsa_key

from .helpers import git, make_bare_repo, needs_ssh
from .sshserver import TestSshServer

pytestmark = needs_ssh

HOST = "ssh.dev.azure.com"
URL = f"git@{HOST}:v3/org/College/aidevcollege"


def public_key(info):
    import paramiko

    return paramiko.RSAKey(data=base64.b64decode(info.key_material.split()[1]))


@pytest.fixture
def bare(tmp_path):
    return make_bare_repo(
        tmp_path / "ssh-root" / "v3" / "org" / "College", "aidevcollege", files=10
    )


@pytest.fixture
def setup(home, tmp_path, host_key, bare):
    """~/.ssh as the wizard leaves it, and the server that accepts the generated key."""
    ssh_dir = ensure_ssh_dir(home).path
    key = generate_rsa_key(ssh_dir / "id_rsa_azure", comment="ada@college")
    known_hosts = ssh_dir / "known_hosts"
    ensure_known_host(known_hosts, HOST, "ssh-rsa", host_key.get_base64())
    with TestSshServer(host_key, public_key(key), repo_root=tmp_path / "ssh-root") as server:
        ensure_host_block(
            ssh_dir / "config", HOST, key.path, hostname="127.0.0.1", port=server.port,
            known_hosts_file=known_hosts, host_key_alias=HOST,
        )  # fmt: skip
        yield dict(ssh_dir=ssh_dir, key=key, known_hosts=known_hosts, server=server)


def test_clone_branch_commit_push_with_the_generated_config(setup, home, bare):
    ssh_dir, key, server = setup["ssh_dir"], setup["key"], setup["server"]
    # Everything (host, port, host key alias, key) comes from the block we wrote.
    command = gitssh.ssh_command_for(key.path, setup["known_hosts"], config_file=ssh_dir / "config")
    dest = home / "src" / "aidevcollege"
    seen: list[tuple[str, float]] = []

    gitw.clone(URL, dest, ssh_command=command, on_progress=lambda p, f: seen.append((p, f)))

    assert (dest / "README.md").exists()
    assert ("Receiving objects", 1.0) in seen
    assert gitw.inspect_clone_target(dest, URL) == "same-clone"
    assert gitw.checkout_branch(dest, "feature/ada") == "created"
    sha = gitw.commit_file(dest, "attendees/ada.md", "# Ada\n", "Add Ada", "Ada", "ada@example.com")
    gitw.push(dest, "feature/ada", ssh_command=command)
    assert git("rev-parse", "refs/heads/feature/ada", cwd=bare).stdout.strip() == sha
    # Only our key was ever offered.
    assert {fp for _, _, fp in server.auth_attempts} == {key.fingerprint_sha256}
    # And the paramiko check agrees.
    summary = verify_ssh(
        "127.0.0.1", server.port, key.path, None, setup["known_hosts"], expected_host_key_alias=HOST
    )
    assert "authenticated as git" in summary


def test_command_line_options_alone_are_enough(setup, home):
    """Without any ssh config (e.g. the sandbox never touching ~/.ssh/config)."""
    command = gitssh.ssh_command_for(
        setup["key"].path, setup["known_hosts"], port=setup["server"].port,
        hostname="127.0.0.1", host_key_alias=HOST, config_file=os.devnull,
    )  # fmt: skip
    refs = gitw.ls_remote(URL, ssh_command=command)
    assert "refs/heads/main" in refs


def test_a_wrong_pinned_host_key_stops_the_clone(setup, home, tmp_path):
    import paramiko

    impostor_pin = tmp_path / "known_hosts_other"
    ensure_known_host(impostor_pin, HOST, "ssh-rsa", paramiko.RSAKey.generate(1024).get_base64())
    command = gitssh.ssh_command_for(
        setup["key"].path, impostor_pin, port=setup["server"].port, hostname="127.0.0.1",
        host_key_alias=HOST, config_file=os.devnull,
    )  # fmt: skip
    dest = home / "src" / "x"

    with pytest.raises(GitError) as info:
        gitw.clone(URL, dest, ssh_command=command)

    assert "host key differs from the pinned one: do not continue" in str(info.value)
    assert not dest.exists()
    assert setup["server"].auth_attempts == []


def test_a_missing_pinned_host_key_points_to_the_ssh_key_step(setup, home, tmp_path):
    empty_pin = tmp_path / "known_hosts_empty"
    empty_pin.write_text("")
    command = gitssh.ssh_command_for(
        setup["key"].path, empty_pin, port=setup["server"].port, hostname="127.0.0.1",
        host_key_alias=HOST, config_file=os.devnull,
    )  # fmt: skip

    with pytest.raises(GitError) as info:
        gitw.ls_remote(URL, ssh_command=command)

    assert "Host key verification failed" in " ".join(info.value.stderr_tail)
    assert "run the wizard's “SSH key” step again (`college-tui apply` re-runs it)" in str(
        info.value
    )
    assert "known_hosts step" not in str(info.value)
    assert setup["server"].auth_attempts == []


def test_an_unregistered_key_is_refused(setup, home):
    stranger = generate_rsa_key(home / "stranger")
    command = gitssh.ssh_command_for(
        stranger.path, setup["known_hosts"], port=setup["server"].port, hostname="127.0.0.1",
        host_key_alias=HOST, config_file=os.devnull,
    )  # fmt: skip

    with pytest.raises(GitError) as info:
        gitw.clone(URL, home / "src" / "x", ssh_command=command)

    assert "User settings → SSH public keys" in str(info.value)
    assert not (home / "src" / "x").exists()


def test_paths_with_spaces_and_percent_signs(home, tmp_path, host_key, bare):
    folder = home / "keys 100%d"  # "%d" would be ssh's home-directory token if not escaped
    folder.mkdir()
    key = generate_rsa_key(folder / "id rsa 100%", comment="ada@college")
    known_hosts = folder / "known hosts %h"
    ensure_known_host(known_hosts, HOST, "ssh-rsa", host_key.get_base64())
    with TestSshServer(host_key, public_key(key), repo_root=tmp_path / "ssh-root") as server:
        command = gitssh.ssh_command_for(
            key.path, known_hosts, port=server.port, hostname="127.0.0.1", host_key_alias=HOST,
            config_file=os.devnull,
        )  # fmt: skip
        assert "refs/heads/main" in gitw.ls_remote(URL, ssh_command=command)


@pytest.fixture
def agent(tmp_path):
    """A private ssh-agent of this test on a socket; stopped afterwards."""
    import shutil
    import subprocess
    import time

    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("needs ssh-agent and ssh-add")
    folder = tmp_path / "agent dir"  # a space, to prove the socket path is quoted
    folder.mkdir(mode=0o700)
    socket_path = folder / "agent.sock"
    proc = subprocess.Popen(
        ["ssh-agent", "-D", "-a", str(socket_path)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not socket_path.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "ssh-agent did not start"
        time.sleep(0.02)
    yield socket_path
    proc.terminate()
    proc.wait(5)


def add_to_agent(socket_path, key_path, passphrase):
    """Hand the decrypted key to the agent through a pipe (never a file)."""
    import subprocess

    from cryptography.hazmat.primitives import serialization

    from college_tui.workstation.sshkeys import load_rsa_private_key

    pem = load_rsa_private_key(key_path, passphrase).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )  # fmt: skip
    subprocess.run(
        ["ssh-add", "-q", "-"], input=pem, check=True, capture_output=True,
        env={**os.environ, "SSH_AUTH_SOCK": str(socket_path)},
    )  # fmt: skip


def test_a_passphrase_protected_key_works_through_the_named_agent(
    home, tmp_path, host_key, bare, agent
):
    key = generate_rsa_key(home / "id_rsa_locked", passphrase="open sesame")
    known_hosts = home / "known_hosts"
    ensure_known_host(known_hosts, HOST, "ssh-rsa", host_key.get_base64())
    with TestSshServer(host_key, public_key(key), repo_root=tmp_path / "ssh-root") as server:
        options = dict(
            port=server.port, hostname="127.0.0.1", host_key_alias=HOST, config_file=os.devnull
        )
        # Without an agent, batch-mode ssh cannot ask for the passphrase, so it cannot sign.
        with pytest.raises(GitError) as info:
            gitw.ls_remote(
                URL, ssh_command=gitssh.ssh_command_for(key.path, known_hosts, **options)
            )
        assert any("Permission denied (publickey)" in line for line in info.value.stderr_tail)

        add_to_agent(agent, key.path, "open sesame")
        command = gitssh.ssh_command_for(key.path, known_hosts, identity_agent=agent, **options)
        dest = home / "src" / "aidevcollege"
        gitw.clone(URL, dest, ssh_command=command)

        assert (dest / "README.md").exists()
        assert {fp for _, _, fp in server.auth_attempts} == {key.fingerprint_sha256}
