"""The run state: one JSON file per target, written atomically, never holding a secret."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest

from college_tui.steps.state import RunState, StateLockedError, state_path
from college_tui.vocabulary import StepKey


def test_values_survive_a_reload_and_the_file_is_keyed_by_target(state_dir):
    state = RunState.for_key("https://dev.azure.com/college")
    state.update("project", project_id="p-1", operation_id="op-1")
    state.mark_done("project", "Project College created (Agile)")

    digest = hashlib.sha256(b"https://dev.azure.com/college").hexdigest()[:16]
    assert state.path == state_dir / "runs" / f"{digest}.json"
    again = RunState.for_key("https://dev.azure.com/college")
    assert again.get(StepKey.PROJECT)["project_id"] == "p-1"
    assert again.is_done(StepKey.PROJECT)
    assert not again.is_done(StepKey.TEAM)
    assert RunState.for_key("sandbox:/tmp/other").path != state.path
    assert stat.S_IMODE(state.path.stat().st_mode) == 0o600
    assert json.loads(state.path.read_text())["target"] == "https://dev.azure.com/college"


def test_get_returns_a_copy_and_forget_drops_values(state_dir):
    state = RunState.for_key("k")
    state.update("members", failed={"a@example.com": "refused"})
    copy = state.get(StepKey.MEMBERS)
    copy["failed"].clear()
    assert state.get(StepKey.MEMBERS)["failed"] == {"a@example.com": "refused"}
    state.forget("members", "failed")
    assert "failed" not in RunState.for_key("k").get("members")


def test_a_guarded_secret_is_never_written(state_dir):
    state = RunState.for_key("k")
    state.guard("s3cret-pat-value")
    with pytest.raises(RuntimeError, match="secret"):
        state.update("sign-in", note="token s3cret-pat-value")
    assert not state_path("k").exists() or "s3cret" not in state_path("k").read_text()


def test_a_damaged_file_means_starting_afresh(state_dir):
    path = state_path("k")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    state = RunState.for_key("k")
    assert state.get(StepKey.PROJECT) == {}
    state.update("project", project_id="p")
    assert json.loads(path.read_text())["steps"]["project"]["project_id"] == "p"
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_two_runs_on_one_target_are_refused(state_dir):
    first, second = RunState.for_key("k"), RunState.for_key("k")
    with (
        first.exclusive(),
        pytest.raises(StateLockedError, match="Another college-tui run"),
        second.exclusive(),
    ):
        pass
    with second.exclusive():  # released when the first run ends
        pass


def test_a_temp_file_left_by_a_killed_write_is_removed_by_the_next_run(tmp_path):
    from college_tui.steps.state import RunState

    state = RunState(tmp_path / "runs" / "abc.json", "key")
    state.update("project", project_id="p1")
    stale = state.path.with_name(f".{state.path.name}.deadbeef.tmp")
    stale.write_text('{"half": ', encoding="utf-8")
    other = state.path.with_name(".someone-else.json.cafe.tmp")
    other.write_text("x", encoding="utf-8")
    with state.exclusive():
        assert not stale.exists()
    assert other.exists()  # only our own state file's leftovers are ours to remove
    assert state.get(StepKey.PROJECT)["project_id"] == "p1"
