"""`college-tui teardown` after a full run: the sandbox's organisation and the machine are as they
were before the run (the organisation itself stays), and a clone holding work that is not on the
server is kept unless the attendee says otherwise."""

from __future__ import annotations

import subprocess

from .conftest import ANSWERS_PLAIN, MEMBERS, opened_sandbox, snapshot


def _files(folder) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def _members(data) -> set[str]:
    import requests

    with opened_sandbox(data) as server:
        answer = requests.get(
            f"{server.info.base_url}/vsaex/{server.info.org}/_apis/UserEntitlements",
            auth=("", server.info.pat),
            headers={"X-TFS-FedAuthRedirect": "Suppress"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return {m["user"]["principalName"] for m in answer.json()["members"]}


def test_teardown_after_a_full_run_leaves_all_as_before_but_the_organisation(world):
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")
    looked = world.run("plan", *world.sandbox_args(), "--answers", str(world.answers))
    assert "8 of 9 step(s) left to do" in looked.stdout, looked.stdout + looked.stderr
    home_before, sandbox_home_before = _files(world.home), _files(world.sandbox_home)
    members_before = _members(world.data)

    done = world.apply()
    assert done.returncode == 0, done.stdout + done.stderr
    clone = world.sandbox_home / "college" / "aidevcollege"
    assert (clone / ".git").is_dir() and set(MEMBERS) <= _members(world.data)
    # Work that exists only in the clone: a commit nobody pushed.
    (clone / "notes.md").write_text("mine\n", encoding="utf-8")
    for args in (
        ["add", "notes.md"],
        ["-c", "user.name=Ada", "-c", "user.email=a@b.c", "commit", "-q", "-m", "n"],
    ):
        subprocess.run(["git", "-C", str(clone), *args], check=True, env=world.env())

    first = world.run("teardown", *world.sandbox_args(), "--answers", str(world.answers), "--yes")
    said = first.stdout + first.stderr
    assert first.returncode == 0, said
    for removed in (
        "Removed: the project College",
        "Removed: the SSH key registration",
        f"Removed: {MEMBERS[0]}'s membership",
        "Removed: college-tui's Host block",
        "host-key line",
        "Removed: the SSH key files",
    ):
        assert removed in said, said
    assert f"Kept: the clone {clone} (it holds work that is not on the server" in said, said
    assert "1 commit(s) not pushed" in said
    assert "Kept: the organisation college-sandbox (college-tui never deletes" in said
    assert (clone / "notes.md").exists()

    second = world.run(
        "teardown", *world.sandbox_args(), "--answers", str(world.answers), "--yes",
        "--discard-local-work",
    )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"Removed: the clone {clone}" in second.stdout
    assert not clone.exists()

    # As before the run: the machine's files, and the organisation's projects, keys, members.
    assert _files(world.home) == home_before
    assert _files(world.sandbox_home) == sandbox_home_before
    after = snapshot(world.data)
    assert after.projects == [] and after.ssh_keys == []
    assert _members(world.data) == members_before

    third = world.run("teardown", *world.sandbox_args(), "--answers", str(world.answers), "--yes")
    assert third.returncode == 0
    assert "Nothing the wizard made is left here." in third.stdout


def test_teardown_without_a_terminal_asks_for_yes(world):
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")
    done = world.run("teardown", *world.sandbox_args(), "--answers", str(world.answers))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "add --yes" in done.stderr and "Traceback" not in done.stderr
