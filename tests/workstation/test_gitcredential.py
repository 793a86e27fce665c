"""The PAT handed to one git command over HTTPS: through a pipe read once, never stored.

Against the sandbox's smart HTTP with the real git: the helper answers git's `get` from an
inherited pipe that holds the secret exactly once; a wrong token is refused with a sentence that
says what to do; the attendee's own credential helpers never see the secret.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from college_tui.workstation import git as gitw
from college_tui.workstation.errors import GitError
from college_tui.workstation.gitcredential import HttpsCredential
from tests.conftest import connect
from tests.sandbox.helpers import create_project, import_course


@pytest.fixture
def course_url(start_sandbox):
    server = start_sandbox(project_create_seconds=0.05, import_seconds=0.05)
    sdk = connect(server.info.org_url, server.info.pat).clients_v7_1
    repo, _ = import_course(sdk, create_project(sdk))
    return server, repo.remote_url


def test_the_helper_reads_the_secret_once_from_a_pipe_and_prints_nothing_else():
    credential = HttpsCredential("s3cret-token")
    assert "s3cret" not in repr(credential)
    with credential.for_one_command("https://dev.azure.com/org/p/_git/r") as (options, fds):
        assert not any("s3cret" in option for option in options)
        assert options[:2] == ["-c", "credential.helper="]  # the user's helpers are dropped
        # git runs a "!" helper as a shell command with the action appended.
        helper = options[3].removeprefix("credential.helper=!")
        first = subprocess.run(
            ["sh", "-c", f"{helper} get"],
            pass_fds=fds,
            capture_output=True,
            text=True,
            input="protocol=https\n",
        )
        again = subprocess.run(
            ["sh", "-c", f"{helper} get"], pass_fds=fds, capture_output=True, text=True
        )
        stored = subprocess.run(
            ["sh", "-c", f"{helper} store"], pass_fds=fds, capture_output=True, text=True
        )
    assert first.stdout == "username=college-tui\npassword=s3cret-token\n"
    assert again.stdout == "username=college-tui\npassword=\n"  # drained: nobody reads it twice
    assert stored.stdout == ""
    with pytest.raises(OSError):
        os.fstat(fds[0])  # closed when the command is over


def test_the_urls_own_user_name_is_kept():
    with HttpsCredential("t0ken").for_one_command("https://org@dev.azure.com/org/p/_git/r") as (
        options,
        fds,
    ):
        helper = options[3].removeprefix("credential.helper=!")
        out = subprocess.run(
            ["sh", "-c", f"{helper} get"], pass_fds=fds, capture_output=True, text=True
        ).stdout
    assert out == "password=t0ken\n"


@pytest.mark.parametrize("channel", ["fd", "socket"])  # socket: as on Windows (no /dev/fd)
def test_clone_ls_remote_and_push_over_http_with_the_pat(course_url, home, monkeypatch, channel):
    from college_tui.workstation import gitcredential

    monkeypatch.setattr(gitcredential, "channel", lambda: channel)
    server, url = course_url
    (home / ".gitconfig").write_text("[credential]\n\thelper = store\n")
    credential = HttpsCredential(server.info.pat)

    assert "refs/heads/main" in gitw.ls_remote(url, credential=credential)
    dest = gitw.clone(url, home / "work", credential=credential)
    gitw.checkout_branch(dest, "users/ada/https")
    gitw.commit_file(dest, "hello.md", "hi\n", "Hello", "Ada", "ada@college.example")
    gitw.push(dest, "users/ada/https", credential=credential)

    assert "refs/heads/users/ada/https" in gitw.ls_remote(url, credential=credential)
    assert not (home / ".git-credentials").exists()
    assert server.info.pat not in (dest / ".git" / "config").read_text()


def test_a_wrong_token_is_refused_with_a_sentence(course_url, home):
    _server, url = course_url
    with pytest.raises(GitError) as info:
        gitw.clone(url, home / "work", credential=HttpsCredential("w" * 52))
    assert "Authentication failed" in " ".join(info.value.stderr_tail)
    assert "personal access token is valid" in str(info.value)
    assert "w" * 52 not in str(info.value)
    assert not (home / "work").exists()


# -- Windows: no /dev/fd, so the helper fetches the secret once from a loopback socket ----------


def test_the_socket_helper_answers_once_and_only_with_the_nonce():
    import socket

    from college_tui.workstation.hostos.secretpass import OneTimeSecret

    served = OneTimeSecret("s3cret-token")
    assert "s3cret" not in repr(served)
    helper = served.helper(username="college-tui").removeprefix("!")
    assert "s3cret" not in helper
    with socket.create_connection(("127.0.0.1", served.port)) as wrong:
        wrong.sendall(b"not-the-nonce\n")
        assert wrong.recv(100) == b""  # closed without a word
    first = subprocess.run(
        ["sh", "-c", f"{helper} get"], capture_output=True, text=True, input="protocol=https\n"
    )
    assert first.stdout == "username=college-tui\npassword=s3cret-token\n"
    again = subprocess.run(["sh", "-c", f"{helper} get"], capture_output=True, text=True)
    assert again.returncode == 1 and "s3cret" not in again.stdout  # nothing listens any more
    assert again.stderr == ""  # no traceback for git to show
    stored = subprocess.run(["sh", "-c", f"{helper} store"], capture_output=True, text=True)
    assert stored.returncode == 0 and stored.stdout == ""
