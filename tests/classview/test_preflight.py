"""`college-tui class preflight` on a folder of 40 doctor reports with varied problems.

The reports are made as `doctor --json` makes them (`as_json`) from the real checks, run in
prepared homes and PATHs: no ssh, no git, an ssh config block that also applies, a key file that
is not a key. Three more files are not readable reports and must be named, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from click.testing import CliRunner

from college_tui.cli import main
from college_tui.steps.doctor import as_json
from college_tui.steps.doctor_local import (
    check_existing_key,
    check_git,
    check_python,
    check_ssh_client,
    check_ssh_config,
)

pytestmark = pytest.mark.skipif(
    shutil.which("ssh") is None or shutil.which("git") is None, reason="needs git and OpenSSH"
)

# name prefix -> (how many, the machine's trouble)
CLASS = {"ok": 19, "nossh": 6, "nogit": 3, "config": 5, "badkey": 3, "gitkey": 3}


def _only(tmp_path, monkeypatch, *programs: str) -> None:
    folder = tmp_path / ("only-" + "-".join(programs))
    folder.mkdir(exist_ok=True)
    for name in programs:
        if not (folder / name).exists():
            (folder / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(folder))


def _home(tmp_path, name: str, *, config: bool = False, bad_key: bool = False):
    home = tmp_path / "homes" / name
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    if config:
        (home / ".ssh" / "config").write_text(
            "Host *.azure.com\n  ProxyCommand nc -X connect -x proxy:8080 %h %p\n"
        )
    if bad_key:
        (home / ".ssh" / "college_tui_rsa").write_text("not a key at all\n")
    return home


def _report(tmp_path, monkeypatch, kind: str) -> str:
    """The report of one kind of machine, from the real checks."""
    home = _home(tmp_path, kind, config=kind == "config", bad_key=kind in ("badkey", "gitkey"))
    with monkeypatch.context() as patch:
        if kind == "nossh":
            _only(tmp_path, patch, "git")
        elif kind in ("nogit", "gitkey"):
            _only(tmp_path, patch, "ssh")
        checks = [
            check_python(),
            check_git(),
            check_ssh_client(),
            check_ssh_config(home),
            check_existing_key(home),
        ]
    return as_json(checks)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("class")
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.MonkeyPatch.context() as monkeypatch:
        made = {kind: _report(tmp_path, monkeypatch, kind) for kind in CLASS}
    for kind, count in CLASS.items():
        for n in range(count):
            (folder / f"doctor-{kind}{n:02}.json").write_text(made[kind], encoding="utf-8")
    # Windows PowerShell 5.1's `>` writes UTF-16: read like any other (counted in "ok").
    (folder / "doctor-ok99.json").write_text(made["ok"], encoding="utf-16")
    (folder / "notes.json").write_text("these are my notes, not a report\n")
    (folder / "other.json").write_text(json.dumps({"name": "a package.json"}))
    future = json.loads(made["ok"]) | {"version": 2, "made_by": "college-tui 9.0"}
    (folder / "future.json").write_text(json.dumps(future))
    (folder / "README.txt").write_text("not read: not .json\n")
    return folder


def _run(*args: str):
    result = CliRunner().invoke(main, ["class", "preflight", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def _names(kind: str) -> set[str]:
    return {f"{kind}{n:02}" for n in range(CLASS[kind])}


def test_forty_reports_grouped_by_problem_with_the_fix_to_send(reports):
    result = _run(str(reports), "--json")
    assert result.exit_code == 1  # some attendees are blocked
    data = json.loads(result.output)
    assert data["reports"] == 40
    groups = {(g["key"], g["status"]): g for g in data["groups"]}
    assert set(groups["ssh-client", "problem"]["attendees"]) == _names("nossh")
    assert "Install the OpenSSH client" in groups["ssh-client", "problem"]["fix"]
    assert set(groups["git", "problem"]["attendees"]) == _names("nogit") | _names("gitkey")
    assert "git-scm.com" in groups["git", "problem"]["fix"]
    assert set(groups["ssh-key", "problem"]["attendees"]) == _names("badkey") | _names("gitkey")
    assert set(groups["ssh-config", "warning"]["attendees"]) == _names("config")
    assert len(groups) == 4  # nothing else differs between these machines
    ready = _names("ok") | {"ok99"} | _names("config")
    assert set(data["ready"]) == ready
    blocked = _names("nossh") | _names("nogit") | _names("badkey") | _names("gitkey")
    assert set(data["blocked"]) == blocked
    # Problems come first, the biggest group first.
    assert [g["status"] for g in data["groups"]] == ["problem"] * 3 + ["warning"]
    assert data["groups"][0]["key"] == "ssh-client"
    unread = {u["file"].rsplit("/", 1)[-1]: u["reason"] for u in data["unread"]}
    assert set(unread) == {"notes.json", "other.json", "future.json"}
    assert (
        "not JSON" in unread["notes.json"] and "college-tui doctor --json" in unread["notes.json"]
    )
    assert "not a doctor report" in unread["other.json"]
    assert "version 2" in unread["future.json"] and "college-tui 9.0" in unread["future.json"]


def test_the_table_and_the_spreadsheet(reports):
    table = _run(str(reports)).output
    assert "40 reports read, 3 files not read" in table
    assert "Ready: 25 (5 with warnings to read). Blocked: 15." in table
    assert "OpenSSH client (ssh-client): 6 attendees" in table
    assert "fix to send: Install the OpenSSH client" in table
    assert "future.json: a doctor report of version 2" in table
    rows = list(csv.DictReader(io.StringIO(_run(str(reports), "--csv").output)))
    assert len(rows) == 43
    by_name = {r["attendee"]: r for r in rows if r["attendee"]}
    assert by_name["gitkey00"]["ready"] == "no"
    assert by_name["gitkey00"]["problems"] == "git; SSH key"
    assert by_name["config00"]["ready"] == "yes" and by_name["config00"]["warnings"]
    assert sum(r["ready"] == "not read" for r in rows) == 3


def test_files_named_one_by_one_and_a_missing_one(reports, tmp_path):
    result = _run(str(reports / "doctor-ok00.json"), str(tmp_path / "absent.json"))
    assert result.exit_code == 1
    assert "1 reports read, 1 files not read" in result.output or "1 report" in result.output
    assert "absent.json" in result.output and "Check the path" in result.output
    alone = _run(str(reports / "doctor-ok00.json"))
    assert alone.exit_code == 0 and "Ready: 1" in alone.output
