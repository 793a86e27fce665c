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
import shutil
import signal
import sqlite3
import subprocess
import sys
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


@pytest.mark.timeout(60)
def test_the_sandbox_database_holding_its_pat_is_private(tmp_path):
    """sandbox.db holds the sandbox's PAT: 0600 (and SQLite's -wal/-shm), its folder 0700."""
    world = World(tmp_path)
    world.home.mkdir()
    result = world.run("plan", *world.sandbox_args())
    assert result.returncode == 0, result.stdout + result.stderr
    assert world.data.stat().st_mode & 0o777 == 0o700
    db_files = sorted(world.data.glob("sandbox.db*"))
    assert world.data / "sandbox.db" in db_files
    assert {f.name: f.stat().st_mode & 0o777 for f in db_files} == {f.name: 0o600 for f in db_files}


def _can_mount_tmpfs() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0


# The home on a 2 MB tmpfs with this much left: 150 kB fills at the run state's first write,
# 400 kB in the sandbox's own storage (its database, a bare repository) while the steps run.
@pytest.mark.timeout(180)
@pytest.mark.parametrize("free_kb", [150, 400])
def test_the_disk_filling_during_a_run_gets_a_sentence(tmp_path, free_kb):
    if not _can_mount_tmpfs():
        pytest.skip("needs root and `unshare -m` to mount a small tmpfs (CI runs as root)")
    world = World(tmp_path)
    world.home.mkdir()
    env = world.env(COLLEGE_TUI_STATE_DIR=str(world.home / "state"))
    fill = (
        'mount -t tmpfs -o size=2m tmpfs "$1" && head -c $(( (2048 - '
        f'{free_kb}) * 1024 )) /dev/zero > "$1/filler" && shift && exec "$@"'
    )
    apply = world.command("apply", "--sandbox", "--data", str(world.home / "sandbox"), "--yes")
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", fill, "sh", str(world.home), *apply],
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out, out
    assert "the disk is full" in out and "Free some disk space" in out, out
    assert "having trouble" not in out and "did not answer (HTTP 500)" not in out, out


@pytest.mark.timeout(60)
def test_warming_up_the_wizard_with_a_read_only_home_does_not_fail(tmp_path):
    """`college-tui --sandbox` warms the service client up at start (ui/app.py `_warm_up`); the
    SDK made ~/.azure-devops at import, so a read-only home ended the wizard with an OSError."""
    from tests.test_bad_environments import read_only_runner

    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "AZURE_DEVOPS_", "COLLEGE_TUI_"))
    }
    env["HOME"] = str(home)
    script = "from college_tui.steps.session import warm_up\nwarm_up()\nprint('warmed up')\n"
    command, undo = read_only_runner()([sys.executable, "-c", script], [home])
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=45, cwd=tmp_path
        )
    finally:
        undo()
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "warmed up" in out and "Traceback" not in out, out
    assert not (home / ".azure-devops").exists(), out


def test_the_sandbox_finds_a_member_by_an_index_not_a_scan(tmp_path):
    """Issue 16 §3: every invitation and membership looked the member up; scanning every
    entitlement made a class of 10,000 quadratic. The lookup by name must use an index."""
    from college_tui.sandbox.store import Store

    store = Store(tmp_path / "sandbox.db")
    for i in range(50):
        store.put("entitlement", f"org:{i}", {"i": i}, org="org", name=f"a{i}@example.com")
    plan = store._db.execute(
        "EXPLAIN QUERY PLAN SELECT data FROM docs WHERE kind=? AND org=? COLLATE NOCASE"
        " AND name=? COLLATE NOCASE ORDER BY created, rowid",
        ("entitlement", "org", "a7@example.com"),
    ).fetchall()
    assert any("USING INDEX docs_by_name" in row[-1] for row in plan), plan
    assert store.find_one("entitlement", org="ORG", name="A7@example.com") == {"i": 7}
    store.close()


@pytest.mark.timeout(120)
def test_a_sandbox_database_damaged_during_a_run_is_named_not_blamed_on_azure_devops(tmp_path):
    """The damage happens after the run checked the database (a served sandbox, its project
    creation slowed down): the run used to retry "Azure DevOps did not answer (HTTP 500)" and
    stop on "Azure DevOps is having trouble", the sandbox printing a traceback beside it."""
    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text('alias = "ada"\n', encoding="utf-8")
    serve = subprocess.Popen(
        world.command("sandbox", "serve", "--print-json", "--data", str(world.data)),
        env=world.env(COLLEGE_TUI_SANDBOX_PROJECT_SECONDS="30"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        assert serve.stdout.readline().startswith("{")
        apply = subprocess.Popen(
            world.command("apply", *world.sandbox_args(), "--answers", str(world.answers), "--yes"),
            env=world.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        seen = ""
        for line in apply.stdout:  # the run is past its checks and creating the project
            seen += line
            if line.startswith("[project]"):
                break
        with sqlite3.connect(world.data / "sandbox.db") as db:
            db.execute("UPDATE docs SET data='{not json'")
        db.close()
        out = seen + apply.communicate(timeout=90)[0]
    finally:
        serve.send_signal(signal.SIGINT)
        served = serve.communicate(timeout=20)[0]
    assert apply.returncode == 1, out
    assert f"[project] ✗ The sandbox database {world.data / 'sandbox.db'} is damaged" in out, out
    assert "--fresh" in out
    assert "HTTP 500" not in out and "having trouble" not in out, out
    assert "is damaged" in served and "Traceback" not in served, served
