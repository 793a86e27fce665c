"""`college-tui class status --sandbox`: a served sandbox hosting a class, two attendees stopped
at each step (`apply --until STEP` as each one's own account), read by the instructor.

Two a stage: every stage is met by more than one organisation, every row is checked, and the
status reads all of them at once as it would thirty (it reads up to 32 organisations at a time).
Thirty cost 20 s of CPU to build for nothing more proved; how long a class of 300 takes to read
is benchmarks/class_refresh.py's.

The attendees run the engine in this process (as `apply --sandbox --answers … --until STEP
--yes` does) to keep the class affordable; the instructor's side is the real command line.
"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from college_tui.cli import main
from college_tui.opening import Asker, TargetOptions
from college_tui.opening.engine import engine
from college_tui.steps.plan import steps_until
from college_tui.steps.session import Session
from tests.classview.conftest import INSTRUCTOR_EMAIL, call

pytestmark = pytest.mark.skipif(
    shutil.which("ssh") is None or shutil.which("git") is None, reason="needs git and OpenSSH"
)

ASSISTANT = "assistant@college.example"
HANDED_OUT = f"""
members = [{{ email = "{INSTRUCTOR_EMAIL}", access_level = "basic" }}, "{ASSISTANT}"]
reviewer = "{INSTRUCTOR_EMAIL}"
"""
EACH = 2
# (how many attendees, the step their run stops after, a colleague the directory refuses?)
STAGES = [
    (EACH, "members", True),  # the assistant mistyped (refused): stuck at members
    (EACH, "members", False),
    (EACH, "ssh-key", False),
    (EACH, "import", False),
    (EACH, "clone", False),
    (EACH, "pull-request", False),
]
CLASS = sum(count for count, _until, _refused in STAGES)
APPROVED = CLASS  # the last attendee's pull request is approved
REPO_DELETED = CLASS - 1  # a finished attendee whose pull request waits for review
NOT_STARTED = (CLASS + 1, CLASS + 2)  # on the roster, never ran
EXPECTED = {"members": "import", "ssh-key": "import", "import": "pull-request"}
EXPECTED |= {"clone": "pull-request", "pull-request": "done"}


def _attendee(root, server, number: int, until: str, refused: bool) -> None:
    answers = root / f"answers-{number:03}.toml"
    typed = HANDED_OUT.replace(ASSISTANT, "assistant@college.invalid") if refused else HANDED_OUT
    answers.write_text(
        typed + f'sandbox_account = "attendee{number:03}@college.example"\n'
        f'organization = "class-{number:03}"\nalias = "att{number:03}"\nkey_bits = 3072\n',
        encoding="utf-8",
    )
    options = TargetOptions(None, True, server.data_dir, None, None, False)
    with engine(options, answers, Asker(), assume_yes=True) as (ctx, _printer):
        Session(ctx, steps_until(until)).run()


@pytest.fixture(scope="module")
def a_class(tmp_path_factory, start_sandbox_module):
    root = tmp_path_factory.mktemp("class")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLLEGE_TUI_STATE_DIR", str(root / "state"))
        server = start_sandbox_module(CLASS + len(NOT_STARTED))
        number, stage_of = 0, {}
        for count, until, refused in STAGES:
            for _ in range(count):
                number += 1
                _attendee(root, server, number, until, refused)
                stage_of[f"attendee{number:03}@college.example"] = (
                    "members" if refused else EXPECTED[until]
                )
        _approve(server, f"class-{APPROVED:03}")  # the instructor approves one pull request
        (root / "class.toml").write_text(HANDED_OUT, encoding="utf-8")
        roster = root / "roster.csv"
        emails = sorted(stage_of) + [f"attendee{n:03}@college.example" for n in NOT_STARTED]
        roster.write_text(
            "email,name\n" + "".join(f"{e},{e.split('@')[0]}\n" for e in emails),
            encoding="utf-8",
        )
        yield server, root, stage_of


def _approve(server, org: str) -> None:
    store = server.sandbox.store
    project = store.find_one("project", org=org, name="College")
    repo = store.find_one("repo", parent=project["id"], name="aidevcollege")
    (pr,) = store.find("pull_request", parent=repo["id"])
    me = call(server, "GET", "app/_apis/Profile/Profiles/me", INSTRUCTOR_EMAIL).json()["id"]
    path = f"{repo['id']}/pullRequests/{pr['pullRequestId']}/reviewers/{me}?api-version=7.1"
    voted = call(
        server, "PUT", f"{org}/College/_apis/git/repositories/{path}", INSTRUCTOR_EMAIL,
        json={"vote": 10},
    )  # fmt: skip
    assert voted.status_code == 200 and voted.json()["vote"] == 10, voted.text


def _status(server, root, *extra: str):
    result = CliRunner().invoke(
        main,
        ["class", "status", "--sandbox", "--data", str(server.data_dir), "--answers",
         str(root / "class.toml"), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_each_attendee_with_the_first_step_not_done_and_the_pull_request(a_class, monkeypatch):
    server, root, stage_of = a_class
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(root / "state"))
    data = json.loads(_status(server, root, "--json"))
    assert data["instructor"] == INSTRUCTOR_EMAIL
    rows = {r["attendee"]: r for r in data["attendees"]}
    assert set(rows) == set(stage_of)
    for email, expected in stage_of.items():
        row = rows[email]
        assert row["first_not_done"] == expected, (email, row)
        assert row["organization"] == f"class-{email[8:11]}"
        assert row["problem"] == ""
        assert row["project"] and row["default_team"]
        if expected == "done":
            assert row["pr_url"].endswith(f"/class-{email[8:11]}/College/_git/aidevcollege/"
                                          f"pullrequest/{row['pr_id']}"), row  # fmt: skip
            approved = email == f"attendee{APPROVED:03}@college.example"
            assert row["review"] == ("approved" if approved else "waiting for review"), row
            assert row["branch"] == f"users/att{email[8:11]}/hello-college"
        else:
            assert row["pr_url"] == "" and row["branch"] == ""
    refused = [r for r in data["attendees"] if r["colleagues"].startswith("1 of 2")]
    assert len(refused) == EACH and all(r["first_not_done"] == "members" for r in refused)


def test_a_roster_with_two_more_shows_them_not_started(a_class, monkeypatch):
    server, root, _stage_of = a_class
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(root / "state"))
    table = _status(server, root, "--roster", str(root / "roster.csv"))
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["attendee", "organisation"]
    for email in [f"attendee{n:03}@college.example" for n in NOT_STARTED]:
        (line,) = [row for row in lines if row.startswith(email)]
        assert "not started" in line
    said = f"{CLASS + 2} attendees: {EACH} done, {CLASS - EACH} working, 2 not started"
    assert said in table
    assert "Pull requests:" in table and "/pullrequest/" in table


def _fields(state) -> list[dict]:
    return [{k: v for k, v in row.as_dict().items() if k != "since"} for row in state.rows]


def test_the_next_refresh_with_the_ids_it_kept_reads_a_change_as_a_fresh_one(a_class, monkeypatch):
    """The live view's next refresh asks every fact ahead with the ids the previous refresh
    found (steps/classview/ahead.py): a repository deleted since is read as gone, and every row
    is what a refresh without kept ids reads. Last in the module: it deletes a finished
    attendee's repository (REPO_DELETED's)."""
    from college_tui.opening.class_view import signed_in_instructor
    from college_tui.steps.classview.status import read_class

    server, root, stage_of = a_class
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(root / "state"))
    options = TargetOptions(None, True, server.data_dir, None, None, False)
    with signed_in_instructor(options, root / "class.toml", Asker()) as ctx:
        connections: dict = {}
        first = read_class(ctx, connections=connections)
        assert {r.attendee: r.first_not_done for r in first.rows} == stage_of
        assert _fields(read_class(ctx, connections=connections)) == _fields(first)
        store = server.sandbox.store
        org = f"class-{REPO_DELETED:03}"
        project = store.find_one("project", org=org, name="College")
        repo = store.find_one("repo", parent=project["id"], name="aidevcollege")
        gone = call(
            server, "DELETE", f"{org}/College/_apis/git/repositories/{repo['id']}"
            "?api-version=7.1", f"attendee{REPO_DELETED:03}@college.example",
        )  # fmt: skip
        assert gone.status_code == 204, gone.text
        ahead = read_class(ctx, connections=connections)
        fresh = read_class(ctx)
    (row,) = [r for r in ahead.rows if r.organization == org]
    assert row.first_not_done == "import", row
    assert _fields(ahead) == _fields(fresh)
    assert _fields(ahead) != _fields(first)
