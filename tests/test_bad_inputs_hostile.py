"""Issue 26: more hostile cases, each a row run as the attendee would (tests/test_bad_inputs.py's
runner: `college-tui` as a subprocess in a fresh temp HOME): the exit code, the sentence (what
happened, what to do), no traceback, a time limit, and for the data cases that nothing of the
user's was touched.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from college_tui.vocabulary import StepKey
from tests.e2e.conftest import World
from tests.test_bad_inputs import PLAN, Case, run_case

SANDBOX_PLAN = ["plan", "--sandbox", "--data", "{root}/sandbox"]
SERVE = ["sandbox", "serve", "--data", "{root}/sandbox"]


def _setting(name: str, value: str, args: list[str], kind: str) -> Case:
    return Case(
        args,
        2,
        [f"{name}={value!r}", kind, f"unset {name}"],
        env={name: value},
        absent=["could not convert", "invalid literal"],
    )


TOKEN = "COLLEGE_TUI_SANDBOX_TOKEN_SECONDS"
PROJECT = "COLLEGE_TUI_SANDBOX_PROJECT_SECONDS"
WHOLE = "a whole number of seconds from 0 to 86400"
SECONDS = "a number of seconds from 0 to 86400"


@pytest.fixture(scope="module")
def filled_sandbox(tmp_path_factory) -> Path:
    """A sandbox data folder a whole `apply` filled (a team, a pull request): made once for the
    module, copied by each case that damages it (a whole `apply` per case cost 15-30 s each)."""
    world = World(tmp_path_factory.mktemp("filled"))
    world.home.mkdir()
    made = world.run("apply", *world.sandbox_args(), "--yes", timeout=150)
    assert made.returncode == 0, made.stdout + made.stderr
    return world.data


def _damage_a_copy(filled: Path, sql: str):
    """A copy of the filled sandbox as this attendee's, then one row damaged by hand."""

    def setup(world: World) -> None:
        shutil.copytree(filled, world.data, symlinks=True)
        with sqlite3.connect(world.data / "sandbox.db") as db:
            assert db.execute(sql).rowcount >= 1, sql
        db.close()

    return setup


DAMAGED = ["{root}/sandbox/sandbox.db", "is damaged", "--fresh", "--data DIR"]
NOT_BLAMED = ["HTTP 500", "having trouble", "list indices", "Internal error"]


def _users_file_in(where: str):
    """A sandbox made by a first `plan`, and a plain file of the user's at `where` in it."""

    def setup(world: World) -> None:
        made = world.run("plan", *world.sandbox_args())
        assert made.returncode == 0, made.stdout + made.stderr
        mine = world.data / where
        mine.parent.mkdir(parents=True, exist_ok=True)
        mine.write_text("my notes\n", encoding="utf-8")

    return setup


FRESH = ["apply", "--sandbox", "--data", "{root}/sandbox", "--fresh", "--yes"]

CASES: dict[str, Case] = {
    **{
        f"--fresh --yes with the user's file {where}": Case(
            FRESH,
            2,
            ["--fresh refused", f"{{root}}/sandbox/{where}", "nothing was deleted"],
            _users_file_in(where),
            absent=["Deleted: "],
            untouched=False,
            unchanged="sandbox",  # decided before deleting: nothing of the sandbox's went either
        )
        for where in [
            "home/notes.txt",
            "home/college/course-notes/week1.md",
            "repos/notes.txt",
            "identity/notes.txt",
            "notes.txt",
        ]
    },
    "a 5,000-character alias": Case(
        PLAN,
        2,
        ["alias: 5000 characters is too long", "at most 64"],
        answers=f'alias = "{"a" * 5000}"\n',
        absent=["a" * 200],  # said short: not repeated
    ),
    "a 300-character branch": Case(
        PLAN,
        2,
        ["branch: 300 characters is too long for git", "at most 250"],
        answers=f'branch = "users/{"b" * 294}"\n',
    ),
    "a clone folder with a 300-character name": Case(
        SANDBOX_PLAN + ["--answers", "{root}/answers.toml"],
        2,
        ["clone_dir: its name is 300 bytes long", "255"],
        answers=f'clone_dir = "~/college/{"c" * 300}"\n',
    ),
    'clone_dir = "~" in the sandbox': Case(
        SANDBOX_PLAN + ["--answers", "{root}/answers.toml"],
        2,
        ["clone_dir: {root}/sandbox/home is the sandbox home", "itself", "~/college/aidevcollege"],
        answers='clone_dir = "~"\n',
        absent=["is outside the sandbox home"],
    ),
    "a 602-character --data (three 200-character names)": Case(
        ["plan", "--sandbox", "--data", "{root}/" + "/".join(c * 200 for c in "abc")],
        1,
        ["name is too long for its database", "at most 400", "--data DIR"],
        absent=["cannot be written", "choose a folder you can write"],
    ),  # untouched: no folder left behind
    "an answers file nested 5,000 deep": Case(
        PLAN,
        2,
        ["{root}/answers.toml", "nests lists or tables too deeply", "README.md"],
        answers="members = " + "[" * 5000 + "]" * 5000 + "\n",
        absent=["RecursionError"],
    ),
    "an answers file of tables nested 5,000 deep": Case(
        PLAN,
        2,
        ["{root}/answers.toml", "nests lists or tables too deeply"],
        answers="members = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
        absent=["RecursionError"],
    ),
    f"{TOKEN}=abc (plan)": _setting(TOKEN, "abc", SANDBOX_PLAN, WHOLE),
    f"{TOKEN}=1.5 (plan)": _setting(TOKEN, "1.5", SANDBOX_PLAN, WHOLE),
    f"{TOKEN}=abc (sandbox serve)": _setting(TOKEN, "abc", SERVE, WHOLE),
    f"{TOKEN}=-5 (sandbox serve)": _setting(TOKEN, "-5", SERVE, WHOLE),
    f"{PROJECT}=abc (plan)": _setting(PROJECT, "abc", SANDBOX_PLAN, SECONDS),
    f"{PROJECT}=nan (plan)": _setting(PROJECT, "nan", SANDBOX_PLAN, SECONDS),
    f"{PROJECT}=abc (sandbox serve)": _setting(PROJECT, "abc", SERVE, SECONDS),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_case_gets_a_sentence(tmp_path, name):
    run_case(tmp_path, CASES[name])


@pytest.mark.timeout(180)  # the first one fills the module's sandbox (a whole `apply`)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE docs SET data='{}' WHERE kind='team'",
        "UPDATE docs SET data='null' WHERE kind='pull_request'",
        "UPDATE docs SET data='[1,2,3]' WHERE kind='org'",
        "UPDATE docs SET data='\"text\"' WHERE kind='repo'",
    ],
)
def test_a_damaged_sandbox_db_gets_a_sentence(tmp_path, filled_sandbox, sql):
    damaged = _damage_a_copy(filled_sandbox, sql)
    run_case(tmp_path, Case(SANDBOX_PLAN, 1, DAMAGED, damaged, absent=NOT_BLAMED, timeout=60))


def test_the_sandbox_reads_its_settings_when_it_starts_not_at_import(monkeypatch):
    """A bad value broke every sandbox command at import; now it is read when a sandbox starts."""
    from college_tui import settings
    from college_tui.sandbox.service import SandboxConfig

    monkeypatch.setenv(TOKEN, "abc")
    with pytest.raises(settings.SettingProblem, match=TOKEN):
        SandboxConfig()
    monkeypatch.setenv(TOKEN, "90")
    assert SandboxConfig().token_seconds == 90


HOSTILE_NAME = "Ada\x1b]0;PWNED\x07\x1b[2J\u202eevil"
SHOWN_NAME = "Ada\\x1b]0;PWNED\\x07\\x1b[2J\\u202eevil"


@pytest.fixture(scope="module")
def hostile_sandbox(tmp_path_factory) -> Path:
    """A sandbox (made by a first `plan`) whose service answers with a display name full of
    terminal escapes: made once for the module, copied by each command's case."""
    world = World(tmp_path_factory.mktemp("hostile"))
    world.home.mkdir()
    made = world.run("plan", *world.sandbox_args())
    assert made.returncode == 0, made.stdout + made.stderr
    with sqlite3.connect(world.data / "sandbox.db") as db:
        db.execute(
            "UPDATE docs SET data=json_set(data, '$.displayName', ?) WHERE kind='user'",
            (HOSTILE_NAME,),
        )
    db.close()
    return world.data


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--sandbox", "--data", "{root}/sandbox"],
        ["apply", "--sandbox", "--data", "{root}/sandbox", "--yes"],
        ["doctor", "--sandbox", "--data", "{root}/sandbox"],
    ],
    ids=["plan", "apply", "doctor"],
)
def test_terminal_escapes_from_the_service_are_shown_not_obeyed(tmp_path, hostile_sandbox, args):
    def copy(world: World) -> None:
        shutil.copytree(hostile_sandbox, world.data, symlinks=True)

    out = run_case(tmp_path, Case(args, 0, [SHOWN_NAME], copy, untouched=False, timeout=150))
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, repr(out)


def test_the_activity_file_keeps_no_raw_escape(tmp_path):
    """The wizard's activity file: an event's text and a line written as it is."""
    from college_tui.events import StepFinished
    from college_tui.steps.activity import ActivityFile

    log = ActivityFile(tmp_path)
    shown = log(StepFinished(StepKey.SIGN_IN, f"Signed in as {HOSTILE_NAME}"))
    log.write(f"raw {HOSTILE_NAME}")
    text = log.path.read_text(encoding="utf-8")
    assert shown == f"[sign-in] ✓ Signed in as {SHOWN_NAME}"
    assert text.count(SHOWN_NAME) == 2 and "\x1b" not in text and "\u202e" not in text


@pytest.mark.timeout(180)
def test_two_runs_on_one_data_folder_never_start_two_sandboxes(tmp_path):
    """Two `plan` runs from two HOMEs on one --data, started at once: they started two sandboxes
    on one database. Now the second waits for the first's start, finds its sandbox, and refuses
    with a sentence (that sandbox stops when its run ends); nothing starts a second one.
    Made deterministic: the test holds the start lock while both runs begin."""
    import subprocess

    from college_tui.sandbox.running import starting

    data = tmp_path / "shared"
    worlds = [World(tmp_path / name) for name in ("a", "b")]
    for world in worlds:
        world.home.mkdir(parents=True)
    with starting(data):
        runs = [
            subprocess.Popen(
                world.command("apply", "--sandbox", "--data", str(data), "--yes"),
                env=world.env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                stdin=subprocess.DEVNULL,
                cwd=world.root,
            )
            for world in worlds
        ]
        with pytest.raises(subprocess.TimeoutExpired):
            runs[0].wait(3)  # waiting for the lock: no sandbox of its own meanwhile
        assert not (data / "sandbox.db").exists()
    outs = [run.communicate(timeout=150)[0] for run in runs]
    codes = [run.returncode for run in runs]
    assert sorted(codes) == [0, 1], "\n=====\n".join(outs)
    refused = outs[codes.index(1)]
    assert "Another college-tui run is using the sandbox for" in refused, refused
    assert "college-tui sandbox serve --data" in refused and "nothing was changed" in refused
    assert all("Traceback" not in out for out in outs), outs


@pytest.mark.timeout(180)
@pytest.mark.parametrize("command", ["apply"])
def test_an_ascii_terminal_gets_ascii_lines(tmp_path, command):
    """`LC_ALL=C PYTHONUTF8=0`: stdout is ASCII, and click rewrapped it as UTF-8, so “ ” and →
    reached the terminal as UTF-8 bytes. Every byte is ASCII now, with the stand-ins."""
    args = [command, "--sandbox", "--data", "{root}/sandbox"] + (["--yes"] * (command == "apply"))
    out = run_case(
        tmp_path,
        Case(
            args,
            0,
            ['"Add root to the attendees"'] if command == "apply" else ["ok ok"],
            env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"},
            untouched=False,
            timeout=150,
        ),
    )
    assert out.isascii(), [line for line in out.splitlines() if not line.isascii()][:3]
