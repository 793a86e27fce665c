"""Ada clones the course over SSH with the key she registered, pushes a branch, opens a PR.

Real OpenSSH, real git, the sandbox's SSH server on loopback; the URL is the REST API's sshUrl and
host keys are checked strictly against a pinned known_hosts line.
"""

from __future__ import annotations

import time

import requests
from azure.devops.v7_1.git.models import GitPullRequest

from tests.conftest import connect
from tests.sandbox import helpers
from tests.ssh.conftest import SSH_HOST, register_key


def head_of(ada, work) -> str:
    return ada.git("rev-parse", "HEAD", cwd=work).stdout.strip()


def test_ada_clones_the_course_pushes_a_branch_and_opens_a_pull_request(course_sandbox):
    server, course, ada, _ = course_sandbox
    assert course.ssh_url == f"git@{SSH_HOST}:v3/{server.info.org}/College/aidevcollege"

    started = time.monotonic()
    clone = ada.git("clone", course.ssh_url, "aidevcollege")
    elapsed = time.monotonic() - started
    assert clone.returncode == 0, clone.stderr
    work = ada.home / "aidevcollege"
    assert ada.git("ls-files", cwd=work).stdout.strip(), "the clone has the course's files"
    # What she got is what the REST API says the repository holds: one storage, no copies.
    git = course.clients.get_git_client()
    main = git.get_refs(course.repo.id, project=course.project.id, filter="heads/")
    assert head_of(ada, work) in {ref.object_id for ref in main}
    print(f"clone over ssh: {elapsed:.2f}s")

    ada.git("switch", "-c", "users/ada/hello-college", cwd=work)
    (work / "hello-college.md").write_text("Hello, College!\n")
    ada.git("add", "hello-college.md", cwd=work)
    assert ada.git("commit", "-m", "Say hello to the College", cwd=work).returncode == 0

    push = ada.git("push", "-u", "origin", "users/ada/hello-college", cwd=work)
    assert push.returncode == 0, push.stderr
    assert "[new branch]" in push.stderr

    refs = git.get_refs(course.repo.id, project=course.project.id, filter="heads/users/")
    assert [(r.name, r.object_id) for r in refs] == [
        ("refs/heads/users/ada/hello-college", head_of(ada, work))
    ]

    pr = git.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/users/ada/hello-college",
            target_ref_name=course.repo.default_branch,
            title="Hello, College",
            description="My first pull request",
        ),
        course.repo.id,
        course.project.id,
    )
    assert pr.status == "active"
    assert pr.source_ref_name == "refs/heads/users/ada/hello-college"


def test_the_ssh_config_block_the_wizard_writes_is_enough_to_clone(course_sandbox):
    server, course, ada, _ = course_sandbox
    config = ada.home / ".ssh" / "config"
    config.write_text(
        f"Host {SSH_HOST}\n"
        f"  HostName 127.0.0.1\n"
        f"  Port {server.info.ssh_port}\n"
        f"  User git\n"
        f"  IdentityFile {ada.key_path}\n"
        f"  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {ada.known_hosts}\n"
        f"  HostKeyAlias {SSH_HOST}\n"
        f"  StrictHostKeyChecking yes\n"
        f"  IdentityAgent none\n"
    )
    ssh = f"ssh -F {config} -o BatchMode=yes -o GlobalKnownHostsFile=/dev/null"
    clone = ada.git("clone", course.ssh_url, "via-config", GIT_SSH_COMMAND=ssh)
    assert clone.returncode == 0, clone.stderr
    assert (ada.home / "via-config" / ".git").is_dir()
    # The ssh:// spelling of the same URL sends the path with a leading slash.
    url = f"ssh://{SSH_HOST}/v3/{server.info.org}/College/aidevcollege"
    clone = ada.git("clone", url, "via-ssh-url", GIT_SSH_COMMAND=ssh)
    assert clone.returncode == 0, clone.stderr


def test_a_project_with_spaces_in_its_name_works_through_its_ssh_url(ssh_sandbox):
    server, ada, _ = ssh_sandbox
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    project = helpers.create_project(clients, "Data Science")
    git = clients.get_git_client()
    repo = git.get_repository("Data Science", project.id)
    assert repo.ssh_url.endswith("/Data%20Science/Data%20Science")

    assert ada.git("clone", repo.ssh_url, "data-science").returncode == 0
    work = ada.home / "data-science"
    (work / "notes.md").write_text("First notes\n")
    ada.git("add", ".", cwd=work)
    ada.git("commit", "-m", "First notes", cwd=work)
    push = ada.git("push", "origin", "HEAD:refs/heads/main", cwd=work)
    assert push.returncode == 0, push.stderr
    refs = git.get_refs(repo.id, project=project.id, filter="heads/")
    assert [(r.name, r.object_id) for r in refs] == [("refs/heads/main", head_of(ada, work))]


def test_one_key_registered_in_two_organizations_opens_both(ssh_sandbox):
    server, ada, _ = ssh_sandbox
    signup = requests.post(
        f"{server.info.base_url}/_sandbox/signup", data={"name": "college-second"}, timeout=10
    )
    assert signup.status_code == 201
    urls = []
    for org_url in (server.info.org_url, f"{server.info.base_url}/college-second"):
        clients = connect(org_url, server.info.pat).clients_v7_1
        project = helpers.create_project(clients, "College")
        urls.append(clients.get_git_client().get_repository("College", project.id).ssh_url)
    first, second = urls
    assert ada.git("ls-remote", first).returncode == 0
    refused = ada.git("ls-remote", second)
    assert "remote: Public key authentication failed." in refused.stderr

    register_key(server, ada.public_line, org_url=f"{server.info.base_url}/college-second")

    assert ada.git("ls-remote", second).returncode == 0
    assert ada.git("ls-remote", first).returncode == 0
