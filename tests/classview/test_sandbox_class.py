"""A served sandbox hosting a class: each attendee signs in as its own account, creates and owns
its organisation on the sign-up page, and invites the instructor; membership is enforced."""

from __future__ import annotations

import shutil

import pytest

from college_tui.sandbox.identity.accounts import NEWCOMER
from tests.classview.conftest import INSTRUCTOR_EMAIL, call
from tests.e2e.conftest import World

pytestmark = pytest.mark.skipif(
    shutil.which("ssh") is None or shutil.which("git") is None, reason="needs git and OpenSSH"
)

PROJECT = {
    "name": "Mine",
    "capabilities": {
        "versioncontrol": {"sourceControlType": "Git"},
        "processTemplate": {"templateTypeId": "adcc42ab-9882-485e-a3ed-7678f01f66bc"},
    },
}


def _answers(world: World, account: str, org: str) -> None:
    world.answers.write_text(
        f'sandbox_account = "{account}"\norganization = "{org}"\nalias = "att"\n'
        f'members = [{{ email = "{INSTRUCTOR_EMAIL}", access_level = "basic" }}]\n',
        encoding="utf-8",
    )


def test_an_attendee_signs_up_as_its_account_and_invites_the_instructor(tmp_path, class_sandbox):
    server = class_sandbox(2)
    world = World(tmp_path)
    world.home.mkdir()
    _answers(world, "attendee001@college.example", "class-att001")
    done = world.run(
        "apply", "--sandbox", "--data", str(server.data_dir), "--answers", str(world.answers),
        "--yes", "--until", "members",
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert done.returncode == 0, said
    assert "Organisation class-att001 created on the sandbox's sign-up page" in said, said
    org = server.sandbox.org("class-att001")
    owner = server.sandbox.store.get("user", org["ownerId"])
    assert owner["email"] == "attendee001@college.example"
    # The attendee's own home and state: the sandbox's home is untouched.
    assert (server.data_dir / "class" / "attendee001@college.example" / "home").is_dir()
    # The instructor now belongs to the organisation and lists it; others are refused.
    me = call(server, "GET", "app/_apis/Profile/Profiles/me", INSTRUCTOR_EMAIL).json()
    orgs = call(server, "GET", f"app/_apis/Accounts?memberId={me['id']}", INSTRUCTOR_EMAIL)
    assert [a["accountName"] for a in orgs.json()["value"]] == ["class-att001"]
    read = call(server, "GET", "class-att001/_apis/projects", INSTRUCTOR_EMAIL)
    assert read.status_code == 200 and read.json()["count"] == 1
    made = call(server, "POST", "class-att001/_apis/projects", INSTRUCTOR_EMAIL, json=PROJECT)
    assert made.status_code == 403 and "TF50309" in made.json()["message"]
    other = call(server, "GET", "class-att001/_apis/projects", "attendee002@college.example")
    assert other.status_code == 401
    assert "TF400813: The user" in other.json()["message"]
    assert "is not authorized to access this resource" in other.json()["message"]


def test_an_account_of_no_organisation_cannot_create_a_project_in_anothers(class_sandbox):
    # Issue 26's row: an account that is a member of no organisation created a project in
    # another's organisation (202). The service answers 401 TF400813 and creates nothing.
    server = class_sandbox(0)
    made = call(server, "POST", "college-sandbox/_apis/projects", NEWCOMER[1], json=PROJECT)
    assert made.status_code == 401, made.text
    assert made.json()["typeKey"] == "UnauthorizedRequestException"
    assert server.sandbox.store.find("project", name="Mine") == []
    assert server.sandbox.store.find("job") == []
    listed = call(server, "GET", "college-sandbox/_apis/projects", NEWCOMER[1])
    assert listed.status_code == 401


def test_an_unknown_sandbox_account_is_refused_before_anything(tmp_path, class_sandbox):
    server = class_sandbox(1)
    world = World(tmp_path)
    world.home.mkdir()
    _answers(world, "nobody@college.example", "class-nobody")
    done = world.run(
        "apply", "--sandbox", "--data", str(server.data_dir), "--answers", str(world.answers),
        "--yes",
    )  # fmt: skip
    assert done.returncode != 0
    assert "has no work account nobody@college.example" in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert server.sandbox.org("class-nobody") is None
