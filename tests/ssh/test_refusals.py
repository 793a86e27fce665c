"""What the SSH server refuses, and the words the attendee sees (the service's own where known)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import paramiko
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from college_tui.sandbox.sshauth import parse_git_command
from tests.sandbox.helpers import wait_for
from tests.ssh.conftest import SSH_HOST, delete_key, register_key

DENIED = "Permission denied (publickey)"


@pytest.mark.parametrize(
    "command",
    [
        "git-upload-archive 'v3/org/College/aidevcollege'",
        "git-upload-pack 'v3/org/College/aidevcollege'; rm -rf /",
        "git-upload-pack",
        "git-receive-pack 'v3/org/College/aidevcollege' --extra",
        "sh -c 'git-upload-pack v3/org/College/aidevcollege'",
        "git-upload-pack 'unterminated",
    ],
)
def test_nothing_but_gits_two_commands_with_one_path_is_run(command):
    assert parse_git_command(command) is None


def test_gits_commands_are_read_as_git_sends_them():
    assert parse_git_command("git-upload-pack 'v3/org/College/aidevcollege'") == (
        "upload-pack",
        "v3/org/College/aidevcollege",
    )
    assert parse_git_command("git-receive-pack '/v3/org/My%20Project/repo'") == (
        "receive-pack",
        "/v3/org/My%20Project/repo",
    )


def course_url(server) -> str:
    return f"git@{SSH_HOST}:v3/{server.info.org}/College/aidevcollege"


def test_a_key_never_registered_is_refused(ssh_sandbox, attendee_at):
    server, _, _ = ssh_sandbox
    stranger = attendee_at(server)
    clone = stranger.git("clone", course_url(server), "aidevcollege")
    assert clone.returncode != 0
    assert DENIED in clone.stderr
    assert not (stranger.home / "aidevcollege").exists()


def test_a_key_deleted_through_the_api_stops_working_at_once(course_sandbox):
    server, course, ada, registered = course_sandbox
    assert ada.git("ls-remote", course.ssh_url).returncode == 0

    delete_key(server, registered["authorizationId"])

    after = ada.git("ls-remote", course.ssh_url)
    assert after.returncode != 0
    assert DENIED in after.stderr


def test_a_key_past_its_expiry_date_is_refused_with_the_services_message(
    course_sandbox, attendee_at
):
    server, course, _, _ = course_sandbox
    bob = attendee_at(server)
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    register_key(server, bob.public_line, valid_to=soon.isoformat(timespec="milliseconds"))
    assert bob.git("ls-remote", course.ssh_url).returncode == 0

    refused = wait_for(
        lambda: (r := bob.git("ls-remote", course.ssh_url)).returncode and r, interval=0.2
    )
    assert "remote: Authentication failed: your SSH key has expired." in refused.stderr


def test_a_changed_host_key_makes_ssh_refuse_to_connect(ssh_sandbox):
    server, ada, _ = ssh_sandbox
    impostor = paramiko.RSAKey.generate(2048)
    ada.known_hosts.write_text(f"{SSH_HOST} ssh-rsa {impostor.get_base64()}\n")
    clone = ada.git("clone", course_url(server), "aidevcollege")
    assert clone.returncode != 0
    assert "REMOTE HOST IDENTIFICATION HAS CHANGED" in clone.stderr
    assert "Host key verification failed." in clone.stderr


def test_an_unknown_repository_or_project_gets_tf401019(course_sandbox):
    server, _, ada, _ = course_sandbox
    org = server.info.org
    for path, name in (
        (f"v3/{org}/College/no-such-repo", "no-such-repo"),
        (f"v3/{org}/No%20Such%20Project/aidevcollege", "aidevcollege"),
    ):
        clone = ada.git("clone", f"git@{SSH_HOST}:{path}", "target")
        assert clone.returncode != 0
        assert (
            f"remote: TF401019: The Git repository with name or identifier {name} does not "
            "exist or you do not have permissions"
        ) in clone.stderr
        assert "Traceback" not in clone.stderr


def test_a_key_is_good_only_for_its_own_organization(ssh_sandbox):
    _, ada, _ = ssh_sandbox
    clone = ada.git("clone", f"git@{SSH_HOST}:v3/someone-else/College/aidevcollege", "target")
    assert clone.returncode != 0
    assert "remote: Public key authentication failed." in clone.stderr


def test_there_is_no_shell_only_git(ssh_sandbox):
    _, ada, _ = ssh_sandbox
    probe = ada.ssh("-T", f"git@{SSH_HOST}")
    assert probe.returncode != 0
    assert "remote: Shell access is not supported." in probe.stderr
    assert "shell request failed" in probe.stderr

    command = ada.ssh(f"git@{SSH_HOST}", "cat", "/etc/passwd")
    assert command.returncode != 0
    assert "root:" not in command.stdout


class Sha1SigningKey(paramiko.RSAKey):
    """An RSA key that signs the old way: "ssh-rsa" with SHA-1 (what the service refuses)."""

    def sign_ssh_data(self, data, algorithm=None):
        message = paramiko.Message()
        message.add_string("ssh-rsa")
        message.add_string(self.key.sign(data, padding.PKCS1v15(), hashes.SHA1()))
        return message


def test_sha1_rsa_signatures_are_refused(ssh_sandbox):
    server, ada, _ = ssh_sandbox
    port = server.info.ssh_port
    host_key = paramiko.RSAKey(data=base64.b64decode(server.info.ssh_host_key.split()[1]))

    def connect(pkey):
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        client.get_host_keys().add(f"[127.0.0.1]:{port}", "ssh-rsa", host_key)
        try:
            client.connect(
                "127.0.0.1",
                port,
                username="git",
                pkey=pkey,
                allow_agent=False,
                look_for_keys=False,
                timeout=10,
            )
        finally:
            client.close()

    connect(ada.key)  # the registered key, signing rsa-sha2-512: accepted
    with pytest.raises(paramiko.AuthenticationException):
        connect(Sha1SigningKey(key=ada.key.key))


def run_remote(attendee, command: str, sent: bytes = b""):
    """`ssh git@ssh.dev.azure.com COMMAND` as the attendee, sending `sent` and then EOF."""
    import subprocess

    return subprocess.run(
        [*attendee.ssh_command().split(), f"git@{SSH_HOST}", command],
        env=attendee.env(),
        input=sent,
        capture_output=True,
        timeout=30,
    )


# Each is sent single- and double-quoted; none may reach a repository, a file or a shell.
ESCAPING_PATHS = [
    "../../etc",
    "v3/{org}/College/../../x",
    "v3/{org}/College/aidevcollege/../../../etc",
    "v3/{org}/College/..%2F..%2Frepos%2F{repo_id}.git",
    "v3/{org}/../{org}/College/aidevcollege",
    "/etc",
    "{repo_dir}",  # the very bare repository, by its absolute path on the server
    "v3/{org}/College/aidevcollege; touch {marker}",
    "v3/{org}/College/$(touch {marker})",
    "v3/{org}/College/`touch {marker}`",
]


def test_a_path_that_is_not_one_org_project_repo_reaches_no_repository(course_sandbox, tmp_path):
    server, course, ada, _ = course_sandbox
    marker = tmp_path / "pwned"
    repo_dir = server.sandbox.repos_dir / f"{course.repo.id}.git"
    assert repo_dir.is_dir()
    for path in ESCAPING_PATHS:
        path = path.format(
            org=server.info.org, repo_id=course.repo.id, repo_dir=repo_dir, marker=marker
        )
        for quoted in (f"'{path}'", f'"{path}"'):
            refused = run_remote(ada, f"git-upload-pack {quoted}")
            assert refused.returncode != 0, quoted
            assert b"TF401019" in refused.stderr, (quoted, refused.stderr)
            assert refused.stdout == b"", quoted  # not a single ref advertised
    assert not marker.exists()


def test_the_repositorys_own_path_is_served_and_anything_around_the_command_is_not(
    course_sandbox, tmp_path
):
    server, course, ada, _ = course_sandbox
    path = f"v3/{server.info.org}/College/aidevcollege"
    served = run_remote(ada, f"git-upload-pack '{path}'", sent=b"0000")  # refs, then "no want"
    assert served.returncode == 0, served.stderr
    assert b"refs/heads/" in served.stdout  # the control: the same call with a good path works

    marker = tmp_path / "pwned"
    for command in (
        f"git-upload-pack '{path}'; touch {marker}",
        f"git-upload-pack '{path}' && touch {marker}",
        f"git-upload-pack '{path}' | touch {marker}",
        f"touch {marker}; git-upload-pack '{path}'",
        f"git-upload-pack --help '{path}'",
    ):
        refused = run_remote(ada, command)
        assert refused.returncode != 0
        assert b"remote: Shell access is not supported." in refused.stderr, command
        assert refused.stdout == b""
    assert not marker.exists()


def test_a_key_of_someone_no_longer_in_the_organization_is_refused(course_sandbox):
    # A colleague registered a key, then was removed from the organisation (teardown removes
    # the instructor's membership): the key stops opening its repositories, as on the service.
    server, course, ada, registered = course_sandbox
    assert ada.git("ls-remote", course.ssh_url).returncode == 0
    store = server.sandbox.store
    doc = store.get("sshkey", registered["authorizationId"])
    store.put(
        "sshkey", doc["authorizationId"], {**doc, "userId": str(uuid.uuid4())}, org=doc["org"]
    )
    after = ada.git("ls-remote", course.ssh_url)
    assert after.returncode != 0
    assert "remote: Public key authentication failed." in after.stderr
