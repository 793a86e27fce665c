"""Ada clones and pushes with git's own client over the sandbox's smart HTTP, at the remoteUrl.

The credential reaches git the way git expects it: a credential helper answering `get` with a
user name and the PAT as password (Azure Repos takes any user name). What she pushes over HTTP
is what SSH and the REST API see, because all three read the same bare repository. A wrong or
missing PAT gets 401 with a Basic challenge, and git says "Authentication failed".
"""

from __future__ import annotations

import gzip
import socket
import subprocess

import pytest
import requests

from college_tui.sandbox import githttp
from tests.ssh.conftest import QUICK, import_course, register_key

# git's own way to receive a credential: this helper prints the PAT held in $SANDBOX_PAT.
HELPER = '!f() { test "$1" = get && echo username=ada && echo "password=$SANDBOX_PAT"; }; f'


def http_git(ada, *args: str, pat: str, cwd=None) -> subprocess.CompletedProcess:
    """git with only our helper (the user's own helpers reset), no prompt, the PAT in its env."""
    return ada.git(
        "-c",
        "credential.helper=",
        "-c",
        f"credential.helper={HELPER}",
        *args,
        cwd=cwd,
        SANDBOX_PAT=pat,
    )


@pytest.fixture
def http_course(start_sandbox, attendee_at):
    server = start_sandbox(ssh=True, **QUICK)
    ada = attendee_at(server)
    register_key(server, ada.public_line)
    return server, import_course(server), ada


def test_git_clones_and_pushes_over_http_and_ssh_and_rest_see_the_push(http_course):
    server, course, ada = http_course
    url = course.repo.remote_url
    assert url == (
        f"http://{server.info.org}@127.0.0.1:{server.info.base_url.rsplit(':', 1)[1]}"
        f"/{server.info.org}/College/_git/aidevcollege"
    )

    clone = http_git(ada, "clone", url, "work", pat=server.info.pat)
    assert clone.returncode == 0, clone.stderr
    work = ada.home / "work"
    assert (work / "README.md").is_file()
    main = course.clients.get_git_client().get_refs(
        course.repo.id, project=course.project.id, filter="heads/main"
    )
    assert ada.git("rev-parse", "HEAD", cwd=work).stdout.strip() == main[0].object_id

    ada.git("switch", "-c", "users/ada/over-https", cwd=work)
    (work / "https.md").write_text("Pushed over HTTPS\n")
    ada.git("add", "https.md", cwd=work)
    assert ada.git("commit", "-m", "Over HTTPS", cwd=work).returncode == 0
    head = ada.git("rev-parse", "HEAD", cwd=work).stdout.strip()
    push = http_git(ada, "push", "origin", "users/ada/over-https", cwd=work, pat=server.info.pat)
    assert push.returncode == 0, push.stderr
    assert "[new branch]" in push.stderr

    refs = course.clients.get_git_client().get_refs(
        course.repo.id, project=course.project.id, filter="heads/users/"
    )
    assert [(r.name, r.object_id) for r in refs] == [("refs/heads/users/ada/over-https", head)]
    over_ssh = ada.git("ls-remote", course.ssh_url, "refs/heads/users/*")
    assert over_ssh.returncode == 0, over_ssh.stderr
    assert over_ssh.stdout.split() == [head, "refs/heads/users/ada/over-https"]
    # Nothing of the credential stayed with the clone.
    assert server.info.pat not in (work / ".git" / "config").read_text()


def test_a_wrong_or_missing_pat_is_refused_with_a_challenge(http_course):
    server, course, ada = http_course
    url = course.repo.remote_url

    wrong = http_git(ada, "clone", url, "wrong", pat="w" * 52)
    assert wrong.returncode != 0
    assert "Authentication failed" in wrong.stderr
    assert not (ada.home / "wrong").exists()

    refs_url = url.replace(f"{server.info.org}@", "") + "/info/refs?service=git-upload-pack"
    for auth in (None, ("ada", "w" * 52), ("ada", "")):
        answer = requests.get(refs_url, auth=auth, timeout=10)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Basic ")
    good = requests.get(refs_url, auth=("anyone", server.info.pat), timeout=10)
    assert good.status_code == 200
    assert good.headers["content-type"] == "application/x-git-upload-pack-advertisement"
    assert good.content.startswith(b"001e# service=git-upload-pack\n0000")


def test_a_gzip_request_body_is_inflated(http_course):
    # git compresses larger upload-pack requests; the sandbox inflates them as it streams.
    server, course, _ada = http_course
    base = course.repo.web_url
    main = (
        course.clients.get_git_client()
        .get_refs(course.repo.id, project=course.project.id, filter="heads/main")[0]
        .object_id
    )
    request = githttp.pkt_line(f"want {main}\n") + b"0000" + githttp.pkt_line("done\n")
    for body, headers in ((request, {}), (gzip.compress(request), {"Content-Encoding": "gzip"})):
        answer = requests.post(
            f"{base}/git-upload-pack",
            data=body,
            timeout=10,
            auth=("ada", server.info.pat),
            headers={"Content-Type": "application/x-git-upload-pack-request", **headers},
        )
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/x-git-upload-pack-result"
        assert answer.content.startswith(b"0008NAK\nPACK")


def test_unknown_repositories_and_dumb_clients_are_refused(http_course):
    server, course, _ada = http_course
    auth = ("ada", server.info.pat)
    missing = requests.get(
        f"{server.info.org_url}/College/_git/nope/info/refs",
        params={"service": "git-upload-pack"},
        auth=auth,
        timeout=10,
    )
    assert missing.status_code == 404 and "TF401019" in missing.text
    dumb = requests.get(f"{course.repo.web_url}/info/refs", auth=auth, timeout=10)
    assert dumb.status_code == 403
    # Only git's sub-paths are claimed: the repository's own page is the web pages' business.
    assert githttp.match("/org/College/_git/aidevcollege") is None
    assert githttp.match("/org/College/_git/aidevcollege/info/refs").repo == "aidevcollege"


def test_with_ssh_closed_the_port_refuses_and_rest_still_hands_out_the_ssh_url(start_sandbox):
    server = start_sandbox(ssh=True, faults="ssh=closed", **QUICK)
    assert server.info.ssh_port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.info.ssh_port), timeout=5)
    course = import_course(server)
    assert course.ssh_url.startswith("git@ssh.dev.azure.com:v3/")
    answer = requests.get(
        f"{course.repo.web_url}/info/refs",
        params={"service": "git-receive-pack"},
        auth=("ada", server.info.pat),
        timeout=10,
    )
    assert answer.status_code == 200  # git over HTTP goes on


def test_a_push_over_http_waits_for_the_repositorys_push_lock_shared_with_ssh(http_course):
    import threading
    import time

    server, course, ada = http_course
    assert (
        http_git(ada, "clone", course.repo.remote_url, "work", pat=server.info.pat).returncode == 0
    )
    work = ada.home / "work"
    ada.git("switch", "-c", "users/ada/waits", cwd=work)
    (work / "wait.md").write_text("waited\n")
    ada.git("add", "wait.md", cwd=work)
    ada.git("commit", "-m", "Waits its turn", cwd=work)
    lock = server.sandbox.push_lock(course.repo.id)  # the lock SSH pushes take (sshserver.py)
    results: list[subprocess.CompletedProcess] = []
    with lock:
        pushing = threading.Thread(
            target=lambda: results.append(
                http_git(ada, "push", "origin", "users/ada/waits", cwd=work, pat=server.info.pat)
            )
        )
        pushing.start()
        time.sleep(1.0)
        assert results == []  # still waiting for its turn
    pushing.join(30)
    assert results and results[0].returncode == 0, results and results[0].stderr
