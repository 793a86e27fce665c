"""Bad environments get a sentence, not a traceback: `college-tui` as a subprocess in a temp HOME.

Each case sets up one broken environment (an answers file in the wrong encoding, a read-only home
or state folder, a state "folder" that is a file, an unwritable or damaged sandbox, a fault value
that is not a finite number in range) and asserts the exit code (2: usage, 1: cannot run), a
message naming the path and what to do, no traceback, and that nothing was half-written.

Read-only folders: as root (CI), permissions do not stop writes, so the command runs in its own
mount namespace (`unshare -m`) with the folder bind-mounted read-only; as another user, the
folder's write bits are removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import World

_RO_SCRIPT = (
    'while [ "$1" != "--" ]; do mount --bind "$1" "$1" && '
    'mount -o remount,bind,ro "$1" "$1" || exit 97; shift; done; shift; exec "$@"'
)


def _root_can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", _RO_SCRIPT, "sh", "/tmp", "--", "true"],
        capture_output=True,
        timeout=10,
    )
    return probe.returncode == 0


def read_only_runner() -> Callable[[list[str], list[Path]], tuple[list[str], Callable[[], None]]]:
    """How to run a command with some folders read-only: (command, undo) for (command, folders)."""
    if os.geteuid() != 0:

        def chmod(command, folders):
            for folder in folders:
                folder.chmod(0o555)
            return command, lambda: [f.chmod(0o755) for f in folders]

        return chmod
    if not _root_can_unshare():
        pytest.skip(
            "running as root without `unshare -m` (no mount namespace): a read-only "
            "folder cannot be made here"
        )

    def bind_read_only(command, folders):
        return (
            ["unshare", "-m", "sh", "-c", _RO_SCRIPT, "sh", *map(str, folders), "--", *command],
            lambda: None,
        )

    return bind_read_only


@dataclass
class Case:
    args: list[str]
    exit_code: int
    words: list[str]  # all must appear in the output; "{root}" is the temp folder
    setup: Callable[[World], None] = lambda world: None
    env: dict[str, str] = field(default_factory=dict)  # "{root}" expanded; "" removes the variable
    read_only: list[str] = field(default_factory=list)  # folders under the temp root


def _answers(data: bytes) -> Callable[[World], None]:
    return lambda world: world.answers.write_bytes(data)


def _corrupt_db(world: World) -> None:
    world.data.mkdir()
    (world.data / "sandbox.db").write_bytes(b"this is not an sqlite database at all, sorry" * 4)


def _mkdirs(*names: str) -> Callable[[World], None]:
    return lambda world: [(world.root / n).mkdir(parents=True, exist_ok=True) for n in names]


SANDBOX = ["--sandbox", "--data", "{root}/sandbox"]
APPLY = ["apply", *SANDBOX, "--yes"]
NO_XDG = {"XDG_DATA_HOME": "", "XDG_STATE_HOME": "", "COLLEGE_TUI_STATE_DIR": ""}

CASES = {
    "answers in UTF-16": Case(
        ["plan", *SANDBOX, "--answers", "{root}/answers.toml"],
        2,
        ["{root}/answers.toml", "UTF-16", "save it as UTF-8"],
        _answers('alias = "ada"\n'.encode("utf-16")),
    ),
    "answers in UTF-16 without a BOM": Case(
        ["plan", *SANDBOX, "--answers", "{root}/answers.toml"],
        2,
        ["{root}/answers.toml", "UTF-16"],
        _answers('alias = "ada"\n'.encode("utf-16-le")),
    ),
    "answers in Latin-1": Case(
        ["plan", *SANDBOX, "--answers", "{root}/answers.toml"],
        2,
        ["{root}/answers.toml", "not UTF-8", "save it as UTF-8"],
        _answers('project = "Caf\u00e9"\n'.encode("latin-1")),
    ),
    "read-only home": Case(
        ["apply", "--sandbox", "--yes"],
        1,
        ["{root}/home", "cannot be written", "--data", "COLLEGE_TUI_STATE_DIR"],
        env=NO_XDG,
        read_only=["home"],
    ),
    "read-only home, plan": Case(
        ["plan", "--sandbox"],
        1,
        ["{root}/home", "cannot be written", "--data"],
        env=NO_XDG,
        read_only=["home"],
    ),
    "read-only state folder": Case(
        APPLY,
        1,
        ["{root}/state", "cannot be written", "COLLEGE_TUI_STATE_DIR"],
        _mkdirs("state"),
        read_only=["state"],
    ),
    "state folder is a file": Case(
        APPLY,
        1,
        ["{root}/state-file", "is a file", "COLLEGE_TUI_STATE_DIR"],
        lambda world: (world.root / "state-file").write_text("x"),
        env={"COLLEGE_TUI_STATE_DIR": "{root}/state-file"},
    ),
    "unwritable --data": Case(
        ["plan", "--sandbox", "--data", "{root}/locked/sandbox"],
        1,
        ["{root}/locked", "cannot be written", "--data"],
        _mkdirs("locked"),
        read_only=["locked"],
    ),
    "--data is a file": Case(
        ["plan", "--sandbox", "--data", "{root}/a-file"],
        2,
        ["{root}/a-file", "is a file"],
        lambda world: (world.root / "a-file").write_text("x"),
    ),
    "damaged sandbox.db": Case(
        ["plan", *SANDBOX],
        1,
        ["{root}/sandbox/sandbox.db", "damaged", "--fresh", "--data"],
        _corrupt_db,
    ),
    **{
        f"--faults {spec}": Case(["plan", *SANDBOX, "--faults", spec], 2, ["--faults", words])
        for spec, words in [
            ("latency=nan", "latency"),
            ("latency=inf", "latency"),
            ("latency=-1", "latency"),
            ("5xx=nan", "5xx"),
            ("429=1.5", "429"),
            ("drop=-0.1", "drop"),
            ("retry_after=-1", "retry_after"),
            ("seed=-7", "seed"),
        ]
    },
}


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` with a hash of its bytes (folders as "dir")."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def without_start_lock(found: dict[str, str]) -> dict[str, str]:
    return {rel: digest for rel, digest in found.items() if not rel.endswith("/starting.lock")}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_environment_gets_a_sentence_naming_the_path(tmp_path, name):
    case = CASES[name]
    world = World(tmp_path)
    world.home.mkdir()
    case.setup(world)
    root = str(tmp_path)
    env = world.env()
    for key, value in case.env.items():
        if value:
            env[key] = value.replace("{root}", root)
        else:
            env.pop(key, None)
    command = world.command(*(arg.replace("{root}", root) for arg in case.args))
    undo = lambda: None  # noqa: E731
    if case.read_only:
        command, undo = read_only_runner()(command, [tmp_path / f for f in case.read_only])
    before = tree(tmp_path)
    try:
        result = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            cwd=tmp_path,
        )
    finally:
        undo()
    out = result.stdout + result.stderr
    assert result.returncode != 97, "the read-only bind mount failed"
    assert result.returncode == case.exit_code, out
    assert "Traceback" not in out
    for words in case.words:
        assert words.replace("{root}", root) in out, out
    # Nothing half-written. The data folder's empty start lock (sandbox/running.py) may stay: it
    # is how one sandbox per folder is kept, whoever starts it, and holds nothing.
    assert without_start_lock(tree(tmp_path)) == without_start_lock(before)


def test_an_answers_file_with_a_utf8_bom_is_read(tmp_path):
    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_bytes(b'\xef\xbb\xbfproject = "Lab"\n')  # Notepad's "UTF-8 with BOM"
    result = world.run("plan", *world.sandbox_args(), "--answers", str(world.answers))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "There is no project Lab yet" in result.stdout
