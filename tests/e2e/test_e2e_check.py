"""`check` is what an instructor runs: each outcome done or missing, with the reason."""

from __future__ import annotations


def test_check_names_what_is_missing_and_why(world, sandbox):
    world.answers.write_text(
        'members = ["grace@example.com", "ghost@college.invalid"]\n', encoding="utf-8"
    )
    target = world.service_args(sandbox.info)
    env = world.env(AZURE_DEVOPS_PAT=sandbox.info.pat)
    applied = world.run("apply", *target, "--yes", "--until", "members", env=env)
    assert applied.returncode == 1, applied.stdout + applied.stderr
    assert "[members] ! ghost@college.invalid was not added" in applied.stdout
    assert "Not everything is done yet (members)" in applied.stdout

    result = world.run("check", *target, env=env)
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert lines[0].startswith("✓ done     Organisation: Organisation college-sandbox")
    assert (
        lines[1] == "✓ done     Project College on the Agile process: Project College exists "
        "(Agile)"
    )
    assert lines[2].startswith("✓ done     College Team is the default team")
    assert lines[3].startswith(
        "✗ missing  Colleagues in College Team: not in the team: ghost@college.invalid ("
    )
    assert "VS403283" in lines[3]
    assert lines[4].startswith("✗ missing  SSH key registered")
    assert lines[-1] == "3 of 9 challenge outcomes done."
    assert sandbox.info.pat not in result.stdout + applied.stdout


def test_check_with_a_wrong_pat_says_every_outcome_is_unknown_because_of_sign_in(world, sandbox):
    wrong = "q" * 52
    result = world.run(
        "check",
        "--org",
        sandbox.info.org_url,
        "--profile-url",
        sandbox.info.profile_url,
        env=world.env(AZURE_DEVOPS_PAT=wrong),
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == 10 and lines[-1] == "0 of 9 challenge outcomes done."
    assert all(line.startswith("✗ missing") and "Sign-in failed" in line for line in lines[:-1])
    assert wrong not in result.stdout + result.stderr
