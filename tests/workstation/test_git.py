"""The git wrapper against real git: local bare repositories over file:// URLs."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from college_tui.workstation import git as gitw
from college_tui.workstation import gitrun
from college_tui.workstation.errors import (
    CloneTargetError,
    GitCancelledError,
    GitError,
    GitNotFoundError,
)

from .helpers import git, make_bare_repo, run, tree_snapshot


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
    assert gitrun.parse_progress_line(line) == expected


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


def killed_while_cloning(url: str, dest: Path) -> None:
    """Start ``git clone`` and SIGKILL it (and its transport) once origin is written."""
    proc = subprocess.Popen(
        ["git", "clone", "--", url, str(dest)],
        env={**os.environ, "GIT_SSH_COMMAND": "sleep 60; true"},  # a server that never answers
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    config = dest / ".git" / "config"
    deadline = time.monotonic() + 10
    while not (config.exists() and '[remote "origin"]' in config.read_text()):
        assert time.monotonic() < deadline, "git clone never wrote its remote"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # no handler runs: git cannot clean up
    proc.wait()


def test_a_clone_killed_before_its_first_commit_is_a_partial_clone(home, url):
    ssh_url = "git@ssh.dev.azure.com:v3/org/College/aidevcollege"
    dest = home / "src" / "aidevcollege"
    killed_while_cloning(ssh_url, dest)
    assert [p.name for p in dest.iterdir()] == [".git"]
    before = tree_snapshot(dest)

    assert gitw.inspect_clone_target(dest, ssh_url) == "partial-clone"
    assert not gitw.is_clone_of(dest, ssh_url)
    assert gitw.inspect_clone_target(dest, url) == "other"  # a half clone of something else
    # clone() does not mistake it for a finished clone, and leaves the removal to its caller.
    with pytest.raises(CloneTargetError, match="never finished") as info:
        gitw.clone(ssh_url, dest, on_progress=lambda *a: pytest.fail("must not clone"))
    assert "delete that folder" in str(info.value)
    assert tree_snapshot(dest) == before


def test_a_git_folder_without_commits_is_partial_only_while_nothing_else_is_there(home, url):
    dest = home / "attempt"
    dest.mkdir()
    git("init", "-q", cwd=dest)
    git("remote", "add", "origin", url, cwd=dest)
    assert gitw.inspect_clone_target(dest, url) == "partial-clone"

    (dest / "draft.md").write_text("work in progress, never committed\n")
    assert gitw.inspect_clone_target(dest, url) == "other"  # someone's files: not a leftover

    git("add", "draft.md", cwd=dest)
    git("commit", "-q", "-m", "draft", cwd=dest)
    assert gitw.inspect_clone_target(dest, url) == "same-clone"


def test_a_clone_of_an_empty_repository_looks_partial(home, tmp_path):
    empty = tmp_path / "empty.git"
    git("init", "-q", "--bare", empty)
    dest = home / "src" / "empty"

    gitw.clone(empty.as_uri(), dest)

    # Same shape as a clone killed early: the caller must tell them apart (it knows what it ran).
    assert gitw.inspect_clone_target(dest, empty.as_uri()) == "partial-clone"


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
    message = str(info.value)
    assert secret not in f"{message} {info.value.stderr_tail} {info.value!r}"
    # The URL is still named (the one redactor, azdo.redact, removes its whole user part).
    assert "http://127.0.0.1:9/org/repo" in message and "user:" not in message


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


def test_local_config_is_read_and_written_in_the_clone_only(clone_dir, home, tmp_path, monkeypatch):
    stray = tmp_path / "GIT_CONFIG file"
    monkeypatch.setenv("GIT_CONFIG", str(stray))  # must not redirect our reads and writes
    command = f"ssh -F {home}/.ssh/config"
    assert gitw.get_local_config(clone_dir, "core.sshCommand") is None

    gitw.set_local_config(clone_dir, "core.sshCommand", command)

    assert gitw.get_local_config(clone_dir, "core.sshCommand") == command
    assert not (home / ".gitconfig").exists() and not stray.exists()
    monkeypatch.delenv("GIT_CONFIG")  # (plain git with it set refuses --local altogether)
    assert git("config", "--local", "--get", "core.sshCommand", cwd=clone_dir).stdout == (
        command + "\n"
    )
    # Several values become exactly one; a value starting with "-" is a value, not an option.
    git("config", "--local", "--add", "college.note", "one", cwd=clone_dir)
    git("config", "--local", "--add", "college.note", "two", cwd=clone_dir)
    gitw.set_local_config(clone_dir, "college.note", "-F three")
    all_values = git("config", "--local", "--get-all", "college.note", cwd=clone_dir).stdout
    assert all_values == "-F three\n"
    assert gitw.get_local_config(clone_dir, "college.note") == "-F three"


def test_local_config_errors_are_explained(clone_dir, home):
    (home / "plain").mkdir()
    with pytest.raises(GitError, match="Reading core.sshCommand"):
        gitw.get_local_config(home / "plain", "core.sshCommand")
    with pytest.raises(GitError, match="not a git config key"):
        gitw.get_local_config(clone_dir, "--global")
    with pytest.raises(GitError, match="not a git config key"):
        gitw.set_local_config(clone_dir, "nodot", "x")
    with pytest.raises(GitError, match="on one line"):
        gitw.set_local_config(clone_dir, "core.sshCommand", "ssh\n[alias]")
    assert gitw.get_local_config(clone_dir, "core.sshCommand") is None
