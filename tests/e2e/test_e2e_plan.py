"""`plan` looks and changes nothing: proved by counting the sandbox's requests by method."""

from __future__ import annotations

from collections import Counter

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def by_method(server) -> Counter:
    counts: Counter = Counter()
    for row in server.sandbox.stats()["requests"]:
        counts[row["method"]] += row["count"]
    return counts


def test_plan_on_a_fresh_organisation_says_what_apply_would_do_and_writes_nothing(world, sandbox):
    before = by_method(sandbox)
    result = world.run(
        "plan",
        *world.service_args(sandbox.info),
        env=world.env(AZURE_DEVOPS_PAT=sandbox.info.pat),
    )
    after = by_method(sandbox)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert after["GET"] > before["GET"]  # it did look
    assert {m: after[m] - before[m] for m in WRITES} == dict.fromkeys(WRITES, 0)
    assert "[organization] ✓ Organisation college-sandbox" in out
    assert (
        "[project] + There is no project College yet: would create the project College "
        "with the Agile process" in out
    )
    assert "[team] + Project College does not exist yet: would adopt the team College Team" in out
    assert (
        "[members] + The team College Team does not exist yet: would invite 2 colleague(s)" in out
    )
    assert (
        f"step(s) left to do; `college-tui apply --org {sandbox.info.org_url} --profile-url "
        f"{sandbox.info.profile_url} --answers {world.answers}` does them."
    ) in out
    assert sandbox.info.pat not in out
    assert not (world.home / ".ssh").exists()


def test_college_tui_sandbox_alone_shows_the_plan_and_changes_nothing(world):
    result = world.run("--sandbox", "--data", str(world.data))
    assert result.returncode == 0, result.stderr
    assert "The full-screen wizard needs a terminal" in result.stdout  # stdin is not one here
    assert "would create the project College" in result.stdout


def test_verbose_shows_every_http_call_without_the_pat(world, sandbox):
    result = world.run(
        "plan",
        "-v",
        "--org",
        sandbox.info.org_url,
        "--profile-url",
        sandbox.info.profile_url,
        env=world.env(AZURE_DEVOPS_PAT=sandbox.info.pat),
    )
    lines = [
        line.split("http ", 1)[1]
        for line in result.stdout.splitlines()
        if " http " in line or line.startswith("http ")
    ]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[sign-in] http GET /app/_apis/Profile/Profiles/me 200" in result.stdout
    assert lines and all(line.split()[0] in ("GET", "OPTIONS", "HEAD") for line in lines)
    assert sandbox.info.pat not in result.stdout


def test_plan_closing_hint_is_the_exact_apply_command_for_the_sandbox(world):
    result = world.run("plan", *world.sandbox_args())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith(
        f"step(s) left to do; `college-tui apply --sandbox --data {world.data}` does them."
    )


def test_plan_and_check_write_no_run_state(world):
    """plan and check only look: the run-state file is neither made nor changed by them."""
    for command in ("plan", "check"):
        looked = world.run(command, *world.sandbox_args(), "--answers", str(world.answers))
        assert looked.returncode in (0, 1), looked.stdout + looked.stderr
        assert not list(world.state.rglob("*.json")), command
    applied = world.apply("--until", "project")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    [state_file] = world.state.rglob("*.json")
    before = (state_file.read_bytes(), state_file.stat().st_mtime_ns)
    for command in ("plan", "check"):
        world.run(command, *world.sandbox_args(), "--answers", str(world.answers))
        assert (state_file.read_bytes(), state_file.stat().st_mtime_ns) == before, command
