"""`college-tui apply --sandbox` against today's service rules (2025-2026), as a subprocess in a
throw-away HOME: device code blocked by Conditional Access ends in one sentence and the ways that
work, with nothing of azure-identity's raw text on stdout or stderr."""

from __future__ import annotations

import re

from .conftest import World


def test_apply_with_device_code_blocked_exits_with_the_sentence_and_the_other_ways(world: World):
    world.answers.write_text('auth = "device-code"\n', encoding="utf-8")
    result = world.apply("--faults", "devicecode=blocked", "--until", "sign-in")
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "Your organisation blocks device-code sign-in" in said
    assert 'auth = "browser"' in said and "az login" in said and "personal access token" in said
    for raw in ("AADSTS", "get_token failed", "Content:", "Traceback", '"error"', "correlation"):
        assert raw not in said, said
    # The activity log file (apply's, in the user's log folder) keeps the refusal's AADSTS code
    # and correlation id for an administrator, under the same sentence; the output names it.
    (log,) = world.root.rglob("wizard-*.log")
    assert f"The details for your administrator are in {log}." in result.stdout
    kept = log.read_text(encoding="utf-8")
    assert "Your organisation blocks device-code sign-in" in kept
    assert re.search(r"\(for an administrator: AADSTS53003 correlation [0-9a-f-]{36}\)", kept), kept
    assert "get_token failed" not in kept and '"error"' not in kept  # the codes, not the JSON
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_ssh_policy_off_and_pats_restricted_complete_over_https_with_no_pat(world: World):
    """The organisation refuses SSH and PAT creation: an Entra sign-in clones and pushes over HTTPS
    with its token through the one-call credential helper; no PAT is made or stored."""
    from college_tui.sandbox.store import Store

    from .conftest import ANSWERS_PLAIN, snapshot
    from .test_e2e_entra import JWT_HEAD, run_as_person

    world.answers.write_text(ANSWERS_PLAIN + 'auth = "device-code"\n', encoding="utf-8")
    faults = ("--faults", "sshpolicy=off,pats=restricted")
    code, out = run_as_person(
        world,
        "apply",
        *world.sandbox_args(*faults),
        "--answers",
        str(world.answers),
        "--yes",
        env=world.env(),
    )
    assert code == 0, out
    assert "All 9 steps are done." in out
    assert "SSH policy is off" in out
    assert "over HTTPS" in out and "Microsoft Entra sign-in's token (no PAT)" in out
    assert "credential.azreposCredentialType oauth" in out
    seen = snapshot(world.data)
    assert seen.ssh_keys == [] and len(seen.active_prs) == 1
    store = Store(world.data / "sandbox.db")
    try:
        assert store.find("pat") == []  # no PAT was made
    finally:
        store.close()
    for path in world.root.rglob("*"):  # no token in any file (the keyring is in memory)
        if path.is_file() and not path.is_symlink():
            assert JWT_HEAD not in path.read_bytes(), path


def test_check_json_reminds_of_the_pipeline_grant(world: World):
    import json

    result = world.run("check", *world.sandbox_args(), "--json")
    assert result.returncode != 0, result.stdout + result.stderr  # nothing done yet
    report = json.loads(result.stdout)
    assert report["done"] < report["total"] == len(report["items"])
    reminder = next(r for r in report["reminders"] if r["key"] == "pipeline-grant")
    assert reminder["url"] == "https://aka.ms/azpipelines-parallelism-request"
    assert "2-3 business days" in reminder["text"]
