"""Issue 16, the sandbox's own files under a careless or hostile machine: its database private,
a disk that fills during a run, a read-only home while the wizard warms up, a member found by an
index, a database damaged during a run: a sentence, never a traceback (the inputs' table:
test_bad_inputs.py)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest

from tests.e2e.conftest import World


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
