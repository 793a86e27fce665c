"""Opening the sandbox, resolved and checked without acting: the options become one
SandboxPlan (data folder, home, faults, clocks, fresh, who may be borrowed), checked once;
nothing is written, nothing is started, and each refusal is the sentence the command says."""

from __future__ import annotations

from pathlib import Path

import pytest

from college_tui.opening import TargetOptions, TargetRefused, open_target, resolved_target
from college_tui.opening.sandbox_plan import check_sandbox, checked_sandbox, resolve_sandbox
from college_tui.settings import SANDBOX_FAST, SANDBOX_PROJECT_SECONDS


def options(data: Path | None, **changes: object) -> TargetOptions:
    made = TargetOptions(None, True, data, None, None, verbose=False)
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.fixture(autouse=True)
def _no_sandbox_settings(monkeypatch):
    for name in (SANDBOX_FAST, SANDBOX_PROJECT_SECONDS):
        monkeypatch.delenv(name, raising=False)


def test_the_options_resolve_into_one_plan_and_its_target(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = resolve_sandbox(
        options(Path("here"), faults="latency=0.01", fresh=True, discard_local_work=True)
    )
    data = tmp_path / "here"
    assert (plan.data, plan.home) == (data, data / "home")  # absolute, from the working folder
    assert (plan.faults, plan.fresh, plan.discard_local_work, plan.long_run) == (
        "latency=0.01",
        True,
        True,
        False,
    )
    assert plan.state_key == f"sandbox:{data}"
    target = plan.target
    assert (target.sandbox, target.home, target.state_key) == (True, data / "home", plan.state_key)
    assert tree(tmp_path) == []  # resolving wrote nothing, not even the folder


def test_without_data_the_plan_is_the_persistent_sandbox_home(tmp_path, monkeypatch):
    from college_tui.opening import sandbox_plan

    where = tmp_path / "persistent" / "sandbox"  # the platform's user data folder, elsewhere
    monkeypatch.setattr(sandbox_plan, "default_data_dir", lambda: where)
    plan = resolve_sandbox(options(None))
    assert plan.data == tmp_path / "persistent" / "sandbox"
    assert plan.home == plan.data / "home"
    assert tree(tmp_path) == []


def test_the_clocks_are_resolved_once_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(SANDBOX_FAST, "1")
    plan = resolve_sandbox(options(tmp_path / "data"))
    assert plan.clocks["project_create_seconds"] == 0.5
    monkeypatch.setenv(SANDBOX_PROJECT_SECONDS, "soon")
    with pytest.raises(TargetRefused) as refused:
        resolve_sandbox(options(tmp_path / "data"))
    assert SANDBOX_PROJECT_SECONDS in refused.value.message
    # The wizard's first check (before its screen) leaves the clocks to the opening itself.
    assert resolve_sandbox(options(tmp_path / "data"), clocks=False).clocks == {}


def test_a_bad_faults_spec_is_refused_while_resolving(tmp_path):
    with pytest.raises(TargetRefused) as refused:
        resolve_sandbox(options(tmp_path / "data", faults="latency=fast"))
    assert refused.value.option == "--faults"
    assert tree(tmp_path) == []


def test_a_home_leading_outside_the_data_folder_is_refused_while_resolving(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "real-home").mkdir()
    (data / "home").symlink_to(tmp_path / "real-home")
    with pytest.raises(TargetRefused) as refused:
        resolve_sandbox(options(data))
    assert refused.value.option == "--data"
    assert "leads outside the data folder" in refused.value.message
    assert tree(tmp_path / "real-home") == []


def test_a_new_or_empty_or_sandbox_folder_passes_the_check_and_nothing_is_written(tmp_path):
    new = tmp_path / "new" / "data"
    empty = tmp_path / "empty"
    empty.mkdir()
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "sandbox.db").write_bytes(b"")
    before = tree(tmp_path)
    for data in (new, empty, ours):
        assert checked_sandbox(options(data)).data == data
    assert tree(tmp_path) == before


def test_a_folder_of_the_users_files_is_refused_unless_fresh_refuses_it_in_its_own_words(
    tmp_path,
):
    data = tmp_path / "documents"
    data.mkdir()
    (data / "thesis.txt").write_text("chapter 1\n")
    with pytest.raises(TargetRefused) as refused:
        check_sandbox(resolve_sandbox(options(data)))
    assert refused.value.option == "--data"
    assert "thesis.txt" in refused.value.message
    # --fresh lists the folder first and refuses it there (opening/fresh.py): the check lets it.
    check_sandbox(resolve_sandbox(options(data, fresh=True)))
    assert tree(data) == ["thesis.txt"]


def test_an_unusable_folder_is_one_sentence_with_the_other_problem_said_beside_it(tmp_path):
    data = tmp_path / "a-file"
    data.write_text("not a folder\n")
    plan = resolve_sandbox(options(data))
    with pytest.raises(TargetRefused) as refused:
        check_sandbox(plan, also="The run state's folder cannot be written.")
    message = refused.value.message
    assert message.startswith("The run state's folder cannot be written. The sandbox data folder")
    assert "is a file, not a folder" in message
    assert message.endswith(" Nothing was changed.")
    assert (refused.value.option, refused.value.usage) == (None, False)


def test_opening_refuses_before_anything_is_started_or_written(tmp_path):
    data = tmp_path / "documents"
    data.mkdir()
    (data / "thesis.txt").write_text("chapter 1\n")
    with pytest.raises(TargetRefused), open_target(options(data)):
        pytest.fail("opened a folder of the user's")
    assert tree(data) == ["thesis.txt"]  # no start lock, no home, no database


def test_an_organisation_has_no_sandbox_plan_and_both_targets_are_refused(tmp_path):
    org = TargetOptions("https://dev.azure.com/college-org", False, None, None, None, False)
    target, plan = resolved_target(org)
    assert plan is None and target.org_url == "https://dev.azure.com/college-org"
    both = TargetOptions("https://dev.azure.com/college-org", True, tmp_path, None, None, False)
    with pytest.raises(TargetRefused, match="Choose one target"):
        resolved_target(both)
