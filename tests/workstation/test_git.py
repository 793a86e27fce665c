"""The git wrapper against real git: local bare repositories over file:// URLs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from college_tui.workstation import git as gitw
from college_tui.workstation.errors import (
    CloneTargetError,
    GitCancelledError,
    GitError,
    GitNotFoundError,
)

from .helpers import git, make_bare_repo, needs_ssh, run


@pytest.fixture
def bare(tmp_path):
    return make_bare_repo(tmp_path / "server")


@pytest.fixture
def url(bare):
    return bare.as_uri()


@pytest.fixture
def clone_dir(home, url):
    dest = home / "src" / "aidevcollege"
    gitw.clone(url, dest)
    return dest


def test_git_version():
    version = gitw.git_version()
    assert version >= (2, 0)
    assert all(isinstance(part, int) for part in version)


def test_missing_git_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(GitNotFoundError, match="Install it from"):
        gitw.git_version()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Receiving objects:  45% (9/20)", ("Receiving objects", 0.45)),
        ("Receiving objects:  45% (9/20), 1.20 MiB | 2.00 MiB/s", ("Receiving objects", 0.45)),
        ("remote: Counting objects: 100% (20/20), done.", ("Counting objects", 1.0)),
        ("remote: Compressing objects:  50% (5/10)", ("Compressing objects", 0.5)),
        ("Resolving deltas: 100% (3/3), done.", ("Resolving deltas", 1.0)),
        ("Resolving deltas:   0% (0/0)", ("Resolving deltas", 1.0)),
        ("Updating files:  33%", ("Updating files", 0.33)),
        ("remote: Enumerating objects: 32, done.", None),
        ("Cloning into 'x'...", None),
        ("fatal: repository not found", None),
    ],
)
def test_parse_progress_line(line, expected):
    assert gitw.parse_progress_line(line) == expected


def test_clone_reports_progress_and_is_idempotent(home, url, bare):
    dest = home / "src" / "aidevcollege"
    seen: list[tuple[str, float]] = []

    assert gitw.clone(url, dest, on_progress=lambda phase, f: seen.append((phase, f))) == dest

    phases = {phase for phase, _ in seen}
    assert "Receiving objects" in phases
    assert all(0.0 <= f <= 1.0 for _, f in seen)
    receiving = [f for phase, f in seen if phase == "Receiving objects"]
    assert receiving == sorted(receiving) and receiving[-1] == 1.0
    assert (dest / "README.md").read_text() == "# course\n"
    assert gitw.remote_url(dest) == url
    assert gitw.current_head(dest) == git("rev-parse", "main", cwd=bare).stdout.strip()
    assert gitw.default_branch(dest) == "main"
    # A second run adopts the clone instead of failing.
    assert gitw.inspect_clone_target(dest, url) == "same-clone"
    assert gitw.clone(url, dest, on_progress=lambda *a: pytest.fail("must not clone again")) == dest


def test_inspect_clone_target(home, url, clone_dir, tmp_path):
    assert gitw.inspect_clone_target(home / "nothing", url) == "absent"
    (home / "empty").mkdir()
    assert gitw.inspect_clone_target(home / "empty", url) == "empty"
    assert gitw.inspect_clone_target(clone_dir, url) == "same-clone"
    assert gitw.inspect_clone_target(clone_dir, url + "/") == "same-clone"
    assert gitw.is_clone_of(clone_dir, url)
    # A clone of another repository, a sub-folder of the clone, a file, a folder with files.
    other = make_bare_repo(tmp_path / "other-server").as_uri()
    assert gitw.inspect_clone_target(clone_dir, other) == "other"
    (clone_dir / "sub").mkdir()
    (clone_dir / "sub" / "f").write_text("x")
    assert gitw.inspect_clone_target(clone_dir / "sub", url) == "other"
    (home / "file").write_text("x")
    assert gitw.inspect_clone_target(home / "file", url) == "other"
    (home / "notes").mkdir()
    (home / "notes" / "todo.txt").write_text("x")
    assert gitw.inspect_clone_target(home / "notes", url) == "other"


def test_clone_to_a_relative_path(home, url, monkeypatch):
    monkeypatch.chdir(home)
    assert gitw.clone(url, "src/rel") == home / "src" / "rel"
    assert gitw.is_clone_of(home / "src" / "rel", url)


def test_clone_into_an_empty_folder(home, url):
    (home / "empty").mkdir()
    gitw.clone(url, home / "empty")
    assert gitw.is_clone_of(home / "empty", url)


def test_clone_refuses_a_foreign_folder_and_leaves_it_alone(home, url):
    (home / "notes").mkdir()
    (home / "notes" / "todo.txt").write_text("mine")

    with pytest.raises(CloneTargetError) as info:
        gitw.clone(url, home / "notes")

    assert "choose another folder" in str(info.value)
    assert [p.name for p in (home / "notes").iterdir()] == ["todo.txt"]


def test_clone_failure_reports_git_stderr_and_leaves_nothing(home, tmp_path):
    dest = home / "src" / "x"
    with pytest.raises(GitError) as info:
        gitw.clone((tmp_path / "missing.git").as_uri(), dest)

    assert info.value.returncode not in (0, None)
    assert any("does not appear to be a git repository" in line for line in info.value.stderr_tail)
    assert "check the URL" in str(info.value)
    assert not dest.exists()


def test_credentials_in_urls_never_reach_messages(home):
    secret = "s3cr3tPAT0123456789"
    with pytest.raises(GitError) as info:
        gitw.clone(f"http://user:{secret}@127.0.0.1:9/org/repo", home / "x")
    assert secret not in f"{info.value} {info.value.stderr_tail}"
    assert ":***@" in str(info.value) or "Cloning" in str(info.value)


def sleeping_transports(marker: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


def test_cancel_stops_git_and_its_transport_and_leaves_nothing(home):
    cancel = threading.Event()
    dest = home / "slow"
    # A "transport" that hangs: git waits for it until cancelled.
    marker = "37.123"
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()

    with pytest.raises(GitCancelledError, match="cancelled"):
        gitw.clone(
            "ssh://git@example.invalid/v3/org/p/r",
            dest,
            ssh_command=f"sleep {marker};:",
            cancel=cancel,
        )

    assert time.monotonic() - started < 10
    assert not dest.exists()
    if Path("/proc/self/cmdline").exists():
        time.sleep(0.2)
        assert sleeping_transports(f"sleep {marker}") == []


def test_checkout_branch_create_switch_unchanged(clone_dir):
    assert gitw.checkout_branch(clone_dir, "feature/hello") == "created"
    assert gitw.checkout_branch(clone_dir, "feature/hello") == "unchanged"
    assert gitw.checkout_branch(clone_dir, "main") == "switched"
    assert gitw.checkout_branch(clone_dir, "feature/hello") == "switched"
    with pytest.raises(GitError, match="not a valid branch name"):
        gitw.checkout_branch(clone_dir, "bad..name")


def test_checkout_branch_tracks_an_existing_remote_branch(clone_dir, bare, url, home):
    git("branch", "challenge", "main", cwd=bare)
    git("fetch", "-q", "origin", cwd=clone_dir)
    assert gitw.checkout_branch(clone_dir, "challenge") == "created"
    upstream = git(
        "rev-parse", "--abbrev-ref", "challenge@{upstream}", cwd=clone_dir
    ).stdout.strip()
    assert upstream == "origin/challenge"


def test_commit_file_is_idempotent_and_leaves_git_config_alone(clone_dir, home):
    gitw.checkout_branch(clone_dir, "feature/hello")
    (clone_dir / "other.txt").write_text("staged but not ours")
    git("add", "other.txt", cwd=clone_dir)
    head0 = gitw.current_head(clone_dir)

    sha = gitw.commit_file(
        clone_dir, "notes/hello.md", "# Hello\n", "Add hello", "Ada Lovelace", "ada@example.com"
    )

    assert sha and sha != head0
    log = git("log", "-1", "--format=%an|%ae|%cn|%s", cwd=clone_dir).stdout.strip()
    assert log == "Ada Lovelace|ada@example.com|Ada Lovelace|Add hello"
    files = git("show", "--name-only", "--format=", "HEAD", cwd=clone_dir).stdout.split()
    assert files == ["notes/hello.md"]  # only our file, not the user's staged one
    assert git("diff", "--cached", "--name-only", cwd=clone_dir).stdout.split() == ["other.txt"]
    # Same content again: nothing to do.
    assert (
        gitw.commit_file(
            clone_dir, "notes/hello.md", "# Hello\n", "Add hello", "Ada Lovelace", "ada@example.com"
        )
        is None
    )
    assert gitw.current_head(clone_dir) == sha
    # New content: a new commit.
    assert gitw.commit_file(
        clone_dir, "notes/hello.md", "# Hello again\n", "Edit", "Ada Lovelace", "ada@example.com"
    ) not in (None, sha)
    # Identity was per command only.
    assert not (home / ".gitconfig").exists()
    assert run("git", "config", "--get", "user.name", cwd=clone_dir, check=False).stdout == ""


@pytest.mark.parametrize("relpath", ["../escape.txt", "/etc/passwd", ".git/config", ""])
def test_commit_file_refuses_paths_outside_the_repo(clone_dir, relpath):
    with pytest.raises(GitError, match="inside the repository"):
        gitw.commit_file(clone_dir, relpath, "x", "m", "A", "a@example.com")


def test_push_sets_upstream_and_updates_the_remote(clone_dir, bare):
    gitw.checkout_branch(clone_dir, "feature/hello")
    sha = gitw.commit_file(clone_dir, "hello.md", "hi\n", "Add hello", "Ada", "ada@example.com")
    phases: list[str] = []

    gitw.push(clone_dir, "feature/hello", on_progress=lambda p, f: phases.append(p))

    assert git("rev-parse", "refs/heads/feature/hello", cwd=bare).stdout.strip() == sha
    upstream = git(
        "rev-parse", "--abbrev-ref", "feature/hello@{upstream}", cwd=clone_dir
    ).stdout.strip()
    assert upstream == "origin/feature/hello"


def test_push_rejected_explains_what_to_do(clone_dir, bare, tmp_path):
    other = tmp_path / "other-clone"
    git("clone", "-q", bare, other)
    git("commit", "-q", "--allow-empty", "-m", "theirs", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    gitw.commit_file(clone_dir, "mine.md", "mine\n", "Mine", "Ada", "ada@example.com")

    with pytest.raises(GitError) as info:
        gitw.push(clone_dir, "main")

    assert "pull" in str(info.value)


def test_remote_url_of_a_plain_folder_is_none(home):
    (home / "plain").mkdir()
    assert gitw.remote_url(home / "plain") is None
    assert gitw.current_head(home / "plain") is None
    assert not gitw.is_clone_of(home / "plain", "file:///x")


@needs_ssh
def test_ssh_command_is_shell_quoted_and_strict(home, tmp_path):
    (home / ".ssh").mkdir()
    key = home / ".ssh" / "id rsa"
    key.write_text("not checked by ssh -G, but it must exist")
    known_hosts = home / ".ssh" / "known hosts 100%"

    command = gitw.ssh_command_for(
        key, known_hosts, port=2222, hostname="127.0.0.1", host_key_alias="ssh.dev.azure.com"
    )

    # git runs GIT_SSH_COMMAND through sh, appending its own arguments: do the same with -G.
    out = run("sh", "-c", command + ' -G "$@"', "sh", "git@ssh.dev.azure.com").stdout
    seen = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert f"identityfile {key}" in out.splitlines()
    assert seen["userknownhostsfile"] == str(known_hosts)
    assert seen["globalknownhostsfile"] == "/dev/null"
    assert seen["stricthostkeychecking"] == "true"
    assert seen["batchmode"] == "yes"
    assert seen["identitiesonly"] == "yes"
    assert seen["identityagent"] == "none"
    assert seen["hostname"] == "127.0.0.1"
    assert seen["port"] == "2222"
    assert seen["hostkeyalias"] == "ssh.dev.azure.com"
    assert seen["user"] == "git"
    with_agent = gitw.ssh_command_for(key, known_hosts, use_agent=True)
    assert "IdentityAgent=none" not in with_agent and "IdentitiesOnly=yes" in with_agent
