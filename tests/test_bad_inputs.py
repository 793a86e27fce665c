"""Issue 16: bad inputs a careless or hostile attendee gives get a sentence, never a traceback.

Each row of CASES is one input, run as the attendee would (`college-tui plan|apply --sandbox` as a
subprocess in a fresh temp HOME): the exit code, the words of the sentence (what happened, what
to do), no "Traceback", a time limit (a FIFO or /dev/zero must not hang or eat memory), and that
nothing outside the run's own folders was touched. `plan` is used where it checks the same thing
as `apply` (it is cheaper: no steps run).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import World


@dataclass
class Case:
    args: list[str]
    exit_code: int
    words: list[str]  # all must appear in the output; "{root}" is the temp folder
    setup: Callable[[World], None] = lambda world: None
    answers: str | None = None  # the answers file's text ("{root}" expanded)
    env: dict[str, str] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)  # must NOT appear in the output
    untouched: bool = True  # nothing under the temp root changes (plan-like cases)
    timeout: float = 45  # a FIFO opened for reading would block here forever
    unchanged: str = ""  # a folder under the temp root that must stay exactly as it was


def _write(name: str, data: bytes) -> Callable[[World], None]:
    return lambda world: (world.root / name).write_bytes(data)


def _fifo(name: str) -> Callable[[World], None]:
    return lambda world: os.mkfifo(world.root / name)


def _damage_db(sql: str) -> Callable[[World], None]:
    """A sandbox made by a first `plan`, then damaged with `sql` (sqlite3, as a user could)."""

    def setup(world: World) -> None:
        made = world.run("plan", *world.sandbox_args())
        assert made.returncode == 0, made.stdout + made.stderr
        with sqlite3.connect(world.data / "sandbox.db") as db:
            db.execute(sql)
        db.close()

    return setup


PLAN = ["plan", "--sandbox", "--data", "{root}/sandbox", "--answers", "{root}/answers.toml"]
CSV = 'members_csv = "{root}/people.csv"\n'

CASES: dict[str, Case] = {
    "CSV roster in Latin-1": Case(
        PLAN,
        2,
        ["members_csv", "{root}/people.csv", "not UTF-8", "save it as UTF-8"],
        _write("people.csv", "ren\u00e9@example.com,basic\n".encode("latin-1")),
        CSV,
        absent=["UnicodeDecodeError"],
    ),
    "CSV roster in UTF-16": Case(
        PLAN,
        2,
        ["members_csv", "{root}/people.csv", "UTF-16", "save it as UTF-8"],
        _write("people.csv", "ada@example.com,basic\n".encode("utf-16")),
        CSV,
        absent=["UnicodeDecodeError"],
    ),
    "CSV roster that is binary": Case(
        PLAN,
        2,
        ["members_csv", "{root}/people.csv", "not a text file"],
        _write("people.csv", bytes(range(256)) * 8),
        CSV,
        absent=["UnicodeDecodeError"],
    ),
    "CSV roster /dev/zero": Case(
        PLAN,
        2,
        ["members_csv", "/dev/zero", "not a regular file"],
        answers='members_csv = "/dev/zero"\n',
        absent=["MemoryError"],
    ),
    "CSV roster is a FIFO": Case(
        PLAN,
        2,
        ["members_csv", "{root}/people.csv", "not a regular file"],
        _fifo("people.csv"),
        CSV,
    ),
    "CSV roster is a folder": Case(
        PLAN,
        2,
        ["members_csv", "{root}/people", "is a folder"],
        lambda world: (world.root / "people").mkdir(),
        'members_csv = "{root}/people"\n',
    ),
    "--answers /dev/zero": Case(
        ["plan", "--sandbox", "--data", "{root}/sandbox", "--answers", "/dev/zero"],
        2,
        ["/dev/zero", "not a regular file"],
        absent=["MemoryError"],
    ),
    "--answers is a FIFO": Case(
        ["plan", "--sandbox", "--data", "{root}/sandbox", "--answers", "{root}/answers.fifo"],
        2,
        ["{root}/answers.fifo", "not a regular file"],
        _fifo("answers.fifo"),
    ),
    **{
        f"e-mail {address}": Case(
            PLAN, 2, ["members[1]", address, words], answers=f'members = ["{address}"]\n'
        )
        for address, words in [
            ("a..b@example.com", "two dots in a row"),
            (".a@example.com", "with a dot"),
            ("a.@example.com", "with a dot"),
            ("a@example..com", "two dots in a row"),
            ("a@-bad-.com", "hyphen"),
        ]
    },
    "organisation name ending in -": Case(
        PLAN,
        2,
        ["organization", "college-", "ending with a letter or digit"],
        answers='organization = "college-"\n',
    ),
    "alias -x": Case(
        PLAN,
        2,
        ["alias", "'-x'", "must start with an English letter or a digit"],
        answers='alias = "-x"\n',
        absent=["may hold letters"],
    ),
    "auth kerberos in the sandbox": Case(
        PLAN,
        2,
        ["auth", "'kerberos' is unknown", "pat, browser, device-code, azure-cli"],
        answers='auth = "kerberos"\n',
        absent=["signs in with Microsoft online"],
    ),
    "--faults retry_after=1.5": Case(
        ["plan", "--sandbox", "--data", "{root}/sandbox", "--faults", "retry_after=1.5"],
        2,
        ["retry_after", "whole number of seconds from 0 to 600", "1.5"],
        absent=["needs a number"],
    ),
    "--org with a port": Case(
        ["plan", "--org", "https://dev.azure.com:8443/college"],
        2,
        ["port 8443", "remove :8443"],
        absent=["is not Azure DevOps"],
    ),
    "--org with an encoded ../": Case(
        ["plan", "--org", "https://dev.azure.com/college%2F..%2Fx"],
        2,
        ["encoded '/'", "https://dev.azure.com/NAME"],
    ),
    **{
        f"sandbox {key} = {value}": Case(
            PLAN, 2, [f"{key}:", "is outside the sandbox home"], answers=f'{key} = "{value}"\n'
        )
        for key, value in [
            ("key_path", "~/../../../../../.ssh/college_tui_rsa"),
            ("key_path", "~/../.ssh/id_rsa"),
            ("clone_dir", "~/../../../.."),
            ("clone_dir", "~/.."),
        ]
    },
    **{
        f"sandbox.db: {sql}": Case(
            ["plan", "--sandbox", "--data", "{root}/sandbox"],
            1,
            ["{root}/sandbox/sandbox.db", "is damaged", "--fresh", "--data DIR"],
            _damage_db(sql),
            absent=["HTTP 500", "having trouble"],
        )
        for sql in [
            "UPDATE docs SET data='{not json' WHERE kind='org'",
            "UPDATE docs SET data='{not json' WHERE kind='user'",
            "DROP TABLE docs",
        ]
    },
    "C locale, UTF-8 mode off": Case(
        PLAN,
        0,
        # An ASCII terminal: stand-ins (terminal_glyphs), never escapes nor UTF-8 bytes (#26).
        ["project Cafe", "team * Team"],
        answers='project = "Caf\u00e9"\nteam = "\u25c6 Team"\n',
        env={"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"},
        absent=["\\u25c6", "\\xe9", "\u00e9", "\u25c6"],
        untouched=False,
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_gets_a_sentence(tmp_path, name):
    run_case(tmp_path, CASES[name])


def run_case(tmp_path: Path, case: Case) -> str:
    """Run `case` as the attendee would and check what it promises; the output, for more."""
    world = World(tmp_path)
    world.home.mkdir()
    root = str(tmp_path)
    if case.answers is not None:
        world.answers.write_text(case.answers.replace("{root}", root), encoding="utf-8")
    case.setup(world)
    env = world.env(**{k: v.replace("{root}", root) for k, v in case.env.items()})
    before = tree_without_fifos(tmp_path)
    kept = tmp_path / case.unchanged if case.unchanged else None
    kept_before = tree_without_fifos(kept) if kept else None
    result = subprocess.run(
        world.command(*(arg.replace("{root}", root) for arg in case.args)),
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=case.timeout,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    out = result.stdout + result.stderr
    assert result.returncode == case.exit_code, out
    assert "Traceback" not in out, out
    for words in case.words:
        assert words.replace("{root}", root) in out, out
    for words in case.absent:
        assert words not in out, out
    if case.untouched:
        assert tree_without_fifos(tmp_path) == before
    if kept is not None:
        assert tree_without_fifos(kept) == kept_before
    return out


def tree_without_fifos(root: Path) -> dict[str, str]:
    """Every file under `root` with a hash of its bytes; FIFOs as "fifo" (reading one blocks)."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_fifo():
            found[rel] = "fifo"
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.mark.timeout(10)
def test_the_wizards_csv_field_refuses_a_fifo_without_opening_it(tmp_path):
    """The wizard checks the CSV field through `field_problem` on its own thread: a FIFO must be
    refused from its stat, not opened (an open for reading blocks until a writer comes)."""
    from college_tui.steps.answers import Answers
    from college_tui.steps.session import field_problem

    fifo = tmp_path / "people.csv"
    os.mkfifo(fifo)
    verdict: list[str | None] = []
    worker = threading.Thread(
        target=lambda: verdict.append(field_problem(Answers(), "members_csv", fifo)), daemon=True
    )
    worker.start()
    worker.join(5)
    if worker.is_alive():  # unblock the open so the thread ends, then fail
        with open(fifo, "wb"):
            pass
        worker.join(5)
        pytest.fail("checking a FIFO as the CSV roster blocked")
    assert verdict[0] is not None and "not a regular file" in verdict[0]


@pytest.mark.timeout(10)
def test_the_wizards_csv_field_explains_a_latin1_file(tmp_path):
    from college_tui.steps.answers import Answers
    from college_tui.steps.session import field_problem

    csv = tmp_path / "people.csv"
    csv.write_bytes("ren\u00e9@example.com\n".encode("latin-1"))
    problem = field_problem(Answers(), "members_csv", csv)
    assert problem is not None and "not UTF-8" in problem and "save it as UTF-8" in problem
