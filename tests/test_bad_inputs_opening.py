"""Bad inputs to opening a target (issue 16): each gets a sentence, an exit code, no traceback,
and for the data cases nothing of the user's is touched.

`college-tui` runs as a subprocess in a throw-away HOME (tests/e2e's World), with a time limit per
case; the few cases that need a terminal's answers run in-process through click's runner.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from college_tui import cli
from college_tui.cli import common as cli_common
from tests.e2e.conftest import World
from tests.test_bad_environments import read_only_runner

USERS_FILES = {"photos/holiday.jpg": b"\xff\xd8 not really a jpeg", "thesis.txt": b"chapter 1\n"}


def _users_files(folder: Path) -> None:
    for name, data in USERS_FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _mixed_sandbox(world: World) -> None:
    # What `apply --sandbox --data .` did before: the sandbox's files beside the user's.
    folder = world.root / "documents"
    _users_files(folder)
    (folder / "sandbox.db").write_bytes(b"")
    (folder / "ports.json").write_text('{"port": 1, "ssh_port": 2}\n')


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` with a hash of its bytes (folders as "dir")."""
    return {
        str(p.relative_to(root)): "dir"
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
    }


LONG_NAME = "n" * 300
LONG_PATH = "/".join(["p" * 200] * 23)  # 4,600 characters, each part a legal name


@dataclass
class Case:
    args: list[str]
    exit_code: int
    words: list[str]  # all must appear in the output; "{root}" is the temp folder
    setup: Callable[[World], None] = lambda world: None
    cwd: str = ""  # under the temp root
    unchanged: str = "."  # this folder (under the root) must be exactly as before
    absent: list[str] = field(default_factory=list)  # words that must not appear
    read_only: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # "" removes the variable
    python_m: bool = False  # `python -m college_tui` instead of `python -m college_tui.cli`


CASES = {
    "--data . in a folder of the user's files": Case(
        ["apply", "--sandbox", "--yes", "--data", "."],
        2,
        ["{root}/documents", "does not look like a sandbox data folder", "photos", "thesis.txt"],
        lambda world: _users_files(world.root / "documents"),
        cwd="documents",
        absent=["sandbox.db\n"],
    ),
    "--data ''": Case(
        ["apply", "--sandbox", "--yes", "--data", ""],
        2,
        ["--data", "the folder name is empty"],
        lambda world: _users_files(world.root / "documents"),
        cwd="documents",
    ),
    "--data with a 300-character folder name": Case(
        ["plan", "--sandbox", "--data", f"{{root}}/{LONG_NAME}"],
        1,
        ["name is too long", "--data"],
        absent=["OSError", "File name too long"],
    ),
    "--data with a 4,500-character path": Case(
        ["apply", "--sandbox", "--yes", "--data", f"{{root}}/{LONG_PATH}"],
        1,
        ["name is too long", "--data"],
        absent=["OSError", "File name too long"],
    ),
    "--fresh in a folder the sandbox shared with the user's files": Case(
        ["apply", "--sandbox", "--yes", "--fresh", "--data", "{root}/documents"],
        2,
        ["{root}/documents/photos", "{root}/documents/thesis.txt", "nothing was deleted"],
        _mixed_sandbox,
        unchanged="documents",  # decided before deleting: the sandbox's files stay too
        absent=["Deleted: "],
    ),
    "--fresh --org without a terminal": Case(
        ["--fresh", "--org", "https://dev.azure.com/ada"], 2, ["--fresh goes with --sandbox only"]
    ),
    "--sandbox --fresh without a terminal": Case(
        ["--sandbox", "--fresh", "--data", "{root}/sandbox"],
        1,
        ["needs a terminal", "--fresh was not done", "--yes"],
    ),
    "doctor --sandbox with a read-only HOME": Case(
        ["doctor", "--sandbox"],
        1,
        ["{root}/home", "cannot be written", "--data"],
        env={"XDG_DATA_HOME": "", "XDG_STATE_HOME": "", "COLLEGE_TUI_STATE_DIR": ""},
        read_only=["home"],
        absent=["could not listen on its ports"],
    ),
    "--version": Case(["--version"], 0, ["college-tui, version "]),
    "python -m college_tui": Case(["--version"], 0, ["college-tui, version "], python_m=True),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_to_opening_gets_a_sentence(tmp_path, name):
    case = CASES[name]
    world = World(tmp_path)
    world.home.mkdir()
    case.setup(world)
    root = str(tmp_path)
    env = world.env()
    for key, value in case.env.items():
        env.pop(key, None) if not value else env.__setitem__(key, value)
    args = [arg.replace("{root}", root) for arg in case.args]
    command = (
        [sys.executable, "-m", "college_tui", *args] if case.python_m else world.command(*args)
    )
    undo = lambda: None  # noqa: E731
    if case.read_only:
        command, undo = read_only_runner()(command, [tmp_path / f for f in case.read_only])
    before = tree(tmp_path / case.unchanged) if case.unchanged else None
    try:
        result = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path / case.cwd,
        )
    finally:
        undo()
    out = result.stdout + result.stderr
    assert result.returncode == case.exit_code, out
    assert "Traceback" not in out
    for words in case.words:
        assert words.replace("{root}", root) in out, out
    for words in case.absent:
        assert words not in out, out
    if before is not None:
        assert tree(tmp_path / case.unchanged) == before  # nothing written, nothing deleted
    documents = tmp_path / "documents"
    if documents.exists():  # the user's files are intact, whatever else happened
        for relative, data in USERS_FILES.items():
            assert (documents / relative).read_bytes() == data


def test_a_second_apply_on_one_data_folder_is_refused_before_it_moves_any_port(
    tmp_path, monkeypatch
):
    """The first run holds the lock and its sandbox holds the saved ports: the second run must
    not start a sandbox of its own on other ports and save them (the first run's links and ssh
    config would then point at dead ports)."""
    from college_tui.sandbox.ports import PORTS_FILE, start_kept
    from college_tui.steps.state import RunState

    world = World(tmp_path)
    world.home.mkdir()
    monkeypatch.setenv("COLLEGE_TUI_STATE_DIR", str(world.state))
    first = start_kept(world.data)  # the first run's sandbox, on the ports it saved
    try:
        saved = (world.data / PORTS_FILE).read_text()
        with RunState.for_key(f"sandbox:{world.data}").exclusive():  # the first run's lock
            result = world.run("apply", *world.sandbox_args(), "--yes", timeout=60)
        out = result.stdout + result.stderr
        assert result.returncode == 1, out
        assert "Another college-tui run is working on this target right now" in out
        assert "Traceback" not in out and "listens on" not in out
        assert (world.data / PORTS_FILE).read_text() == saved
    finally:
        first.server.stop()


def test_fresh_at_a_terminal_names_the_clones_work_and_keeps_it_by_default(tmp_path, monkeypatch):
    world = World(tmp_path)
    world.home.mkdir()
    clone = world.sandbox_home / "college" / "aidevcollege"
    clone.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    (clone / "draft.md").write_text("my draft\n")
    (world.data / "sandbox.db").write_bytes(b"")
    monkeypatch.setattr(cli_common, "interactive", lambda: True)  # as if typed at a terminal
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    before = tree(world.data)
    result = CliRunner().invoke(
        cli.main,
        ["apply", *world.sandbox_args(), "--fresh", "--until", "sign-in"],
        input="y\n\n",  # yes to --fresh; Enter (the default) to the question about the work
    )
    assert result.exit_code == 1, result.output
    assert (
        f"Also delete the work that is not on the server ({clone}: 1 changed or new file(s) "
        "not committed (draft.md))? [y/N]"
    ) in result.output
    assert "Nothing was deleted; nothing was changed." in result.output
    assert tree(world.data) == before


def test_apply_uses_a_running_sandbox_serve_of_the_same_data_folder(tmp_path):
    """The instructor serves the sandbox; apply on the same data folder works on that one (same
    ports, same database) instead of starting a second sandbox on other ports."""
    import json
    import signal

    from college_tui.sandbox.ports import PORTS_FILE
    from tests.conftest import connect

    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text('alias = "ada"\n', encoding="utf-8")
    served = world.spawn("sandbox", "serve", "--print-json", "--data", str(world.data))
    try:
        info = json.loads(served.stdout.readline())
        ports = (world.data / PORTS_FILE).read_text()
        result = world.apply("--until", "project", timeout=90)
        out = result.stdout + result.stderr
        assert result.returncode == 0, out
        assert f"Using the sandbox already running for {world.data}" in out
        assert (world.data / PORTS_FILE).read_text() == ports  # no second sandbox, no new ports
        core = connect(info["org_url"], info["pat"]).clients_v7_1.get_core_client()
        assert [p.name for p in core.get_projects()] == ["College"]  # made on the served one

        second = world.run("sandbox", "serve", "--data", str(world.data), timeout=60)
        assert second.returncode == 1, second.stdout + second.stderr
        assert f"A college-tui sandbox runs for {world.data} already" in second.stderr
        assert (world.data / PORTS_FILE).read_text() == ports

        fresh = world.apply("--fresh", timeout=60)  # would delete the database under the serve
        assert fresh.returncode == 1, fresh.stdout + fresh.stderr
        assert "--fresh would delete its data under it" in fresh.stderr
        assert [p.name for p in core.get_projects()] == ["College"]
    finally:
        served.send_signal(signal.SIGINT)
        served.communicate(timeout=20)


def test_plan_during_an_apply_uses_the_applys_sandbox_and_keeps_its_ports(tmp_path):
    """plan and check take no lock: they used to start a second sandbox on the same data folder,
    on new ports that they saved, so the running apply's links pointed at dead ports."""
    from college_tui.sandbox.ports import PORTS_FILE

    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text('alias = "ada"\n', encoding="utf-8")
    first = world.apply("--until", "sign-in", timeout=90)  # the sandbox exists, its ports saved
    assert first.returncode == 0, first.stdout + first.stderr
    ports = (world.data / PORTS_FILE).read_text()
    slow = world.env(COLLEGE_TUI_SANDBOX_PROJECT_SECONDS="30")  # apply waits on the project
    apply = subprocess.Popen(
        world.command("apply", *world.sandbox_args(), "--answers", str(world.answers), "--yes"),
        env=slow,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    try:
        seen = ""
        for line in apply.stdout:  # until the project is being created
            seen += line
            if line.startswith("[project]"):
                break
        else:
            raise AssertionError(seen)
        looked = world.run("plan", *world.sandbox_args(), timeout=60)
        out = looked.stdout + looked.stderr
        assert looked.returncode == 0, out
        assert f"Using the sandbox already running for {world.data}" in out
        assert (world.data / PORTS_FILE).read_text() == ports
    finally:
        apply.kill()
        apply.communicate(timeout=20)


def test_the_troubleshooting_page_names_a_target_in_every_command_it_tells_you_to_run():
    """`college-tui doctor` alone reaches the network and `college-tui apply` alone is refused:
    the page's own advice (not the quoted messages) names --org URL or --sandbox."""
    import re

    page = (Path(__file__).resolve().parent.parent / "docs" / "troubleshooting.md").read_text()
    advice = [line for line in page.splitlines() if not line.startswith(("> ", "#"))]
    bare = re.compile(  # "run `college-tui apply`", "(or `college-tui apply`)", "… tells you"
        r"(?i)(run|or) `college-tui (doctor|apply)`|`college-tui (doctor|apply)` (tells|checks)"
    )
    assert [line for line in advice if bare.search(line)] == []


def test_fresh_would_delete_everything_a_real_run_made_and_nothing_else(tmp_path):
    """SANDBOX_MADE must follow the sandbox: a file it starts to keep in its data folder (the
    identity provider's `identity/` was the first one missed) would be left behind by --fresh,
    and its folder then refused as "not a sandbox data folder"."""
    from college_tui.workstation.fresh import fresh_plan, sandbox_made

    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text('alias = "ada"\n', encoding="utf-8")
    result = world.apply(timeout=180)  # every step: SSH, the identity provider, clone and push
    assert result.returncode == 0, result.stdout + result.stderr
    made = sorted(world.data.iterdir())
    assert {"sandbox.db", "identity", "home", "repos"} <= {p.name for p in made}
    assert [p.name for p in made if not sandbox_made(p)] == []
    (world.data / "notes.txt").write_text("mine\n", encoding="utf-8")  # the user's, beside them
    plan = fresh_plan(world.data, tmp_path / "no-state.json")
    assert plan.entries == made
    assert plan.kept == [world.data / "notes.txt"]
    assert plan.inside == []  # inside its folders, everything a real run made is known by name
