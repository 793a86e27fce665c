"""Carrying out a checked plan (opening/sandbox_target.py), in process on a real sandbox: under
the data folder's start lock the sandbox serving the folder is reused, or one is started and
announced; a run that outlives the sandbox it finds, or one with faults, borrows none."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from college_tui.opening import Asker, TargetOptions, TargetRefused
from college_tui.opening.sandbox_plan import SandboxPlan, checked_sandbox
from college_tui.opening.sandbox_target import opened_sandbox
from college_tui.sandbox.running import announcement


def plan_for(data: Path) -> SandboxPlan:
    return checked_sandbox(TargetOptions(None, True, data, None, None, verbose=False))


def listening(said: list[str]) -> Asker:
    return Asker(say=lambda text, err=False: said.append(text))


def test_a_plan_starts_and_announces_one_sandbox_and_a_second_reuses_it(tmp_path):
    data = tmp_path / "data"
    first_said: list[str] = []
    second_said: list[str] = []
    with opened_sandbox(plan_for(data), listening(first_said)) as first:
        assert first.target.sandbox and first.target.home == data / "home"
        assert first.target.org_url.startswith("http://127.0.0.1:")
        assert first.sandbox_pat
        # Yielded once REST listens; announced whole (its SSH side too) once SSH listens.
        assert first.target.ssh_later is not None and first.target.ssh_later.wait(60)
        assert (announcement(data) or {}).get("by") == "run"
        assert (announcement(data) or {}).get("ssh_host_key", "").startswith("ssh-rsa ")
        assert (data / "home").is_dir()
        with opened_sandbox(plan_for(data), listening(second_said)) as second:
            assert second.target.org_url == first.target.org_url  # its ports, its database
            assert second.target.ssh_port == first.target.ssh_port
            assert second.sandbox_pat == first.sandbox_pat
        assert announcement(data) is not None  # the borrower stopped nothing
    assert announcement(data) is None  # the starter's end stops and unannounces it
    assert not any("already running" in line for line in first_said)
    assert f"Using the sandbox already running for {data} ({first.target.org_url})." in second_said


def test_a_long_run_or_faults_borrow_no_sandbox_another_run_started(tmp_path):
    data = tmp_path / "data"
    with opened_sandbox(plan_for(data), Asker()):
        long_run = replace(plan_for(data), long_run=True)
        with pytest.raises(TargetRefused) as refused, opened_sandbox(long_run, Asker()):
            pytest.fail("borrowed a sandbox that stops with another run")
        assert "Another college-tui run is using the sandbox" in refused.value.message
        assert refused.value.usage is False
        with_faults = replace(plan_for(data), faults="5xx=0.5")
        with pytest.raises(TargetRefused) as refused, opened_sandbox(with_faults, Asker()):
            pytest.fail("borrowed a sandbox without this command's faults")
        assert refused.value.option == "--faults"
        assert f"runs for {data} already, without this command's faults" in refused.value.message
        assert (announcement(data) or {}).get("by") == "run"  # the first still serves
