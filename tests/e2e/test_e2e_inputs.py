"""Every invalid input gets a clear message, and nothing on disk or in the sandbox is half-made.

Inputs are checked before the sandbox starts (names, e-mails, local files), so a refused run
leaves no sandbox data at all; a wrong PAT is refused by the service before any change.
"""

from __future__ import annotations

import pytest

from .conftest import World, leftovers


def refused_before_anything(world: World, result, *words: str) -> str:
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    for word in words:
        assert word in out, out
    assert "nothing was changed" in out.lower(), out
    assert not (world.data / "sandbox.db").exists(), "the sandbox should never have started"
    assert not world.state.exists() or not list(world.state.rglob("*.json"))
    assert "Traceback" not in out
    return out


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ('organization = "my college!"', "organization", "VS850015"),
        ('project = "College/2024"', "project", "may not contain /"),
        ('team = "College..Team"', "team", "ellipsis"),
        ('repo = "ai:college"', "repo", "may not contain :"),
        ('members = ["grace@example", "alan@exa mple.com"]', "members[1]", "not an e-mail address"),
    ],
    ids=["org", "project", "team", "repo", "emails"],
)
def test_an_invalid_name_or_address_is_refused_naming_the_field(world, answers, field, words):
    world.answers.write_text(answers + "\n", encoding="utf-8")
    result = world.apply()
    out = refused_before_anything(world, result, f"{field}:", words)
    if field == "members[1]":
        assert "members[2]:" in out  # every bad address is named, not just the first


def test_an_existing_key_file_that_is_not_rsa_is_refused_and_left_alone(world):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key_path = world.sandbox_home / ".ssh" / "college_tui_rsa"
    key_path.parent.mkdir(parents=True)
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    key_path.write_bytes(pem)
    key_path.chmod(0o600)
    result = world.apply()
    refused_before_anything(world, result, "key_path:", "RSA")
    assert key_path.read_bytes() == pem
    assert sorted(p.name for p in key_path.parent.iterdir()) == ["college_tui_rsa"]


def test_a_clone_folder_holding_something_else_is_refused_and_left_alone(world):
    folder = world.sandbox_home / "college" / "aidevcollege"
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("my own notes\n")
    result = world.apply()
    refused_before_anything(world, result, "clone_dir:", "holds other files")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_an_invalid_org_url_is_refused(world):
    result = world.run("plan", "--org", "https://dev.azure.com/not_valid!")
    assert result.returncode == 2
    assert "VS850015" in result.stderr and "--org" in result.stderr


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://dev.azure.com/college", "unencrypted"),
        ("https://ada:secret-pat-in-url@dev.azure.com/college", "no user name or token in the URL"),
    ],
)
def test_an_org_url_that_would_expose_the_pat_is_refused_without_repeating_it(world, url, words):
    result = world.run("plan", "--org", url, env=world.env(AZURE_DEVOPS_PAT="p" * 52))
    assert result.returncode == 2, result.stdout + result.stderr
    assert words in result.stderr and "--org" in result.stderr
    assert "secret-pat-in-url" not in result.stdout + result.stderr


def test_a_wrong_pat_is_a_clear_sign_in_failure_and_changes_nothing(world, sandbox):
    wrong = "w" * 52
    before = sandbox.sandbox.stats()
    result = world.run(
        "apply",
        "--org",
        sandbox.info.org_url,
        "--profile-url",
        sandbox.info.profile_url,
        "--yes",
        env=world.env(AZURE_DEVOPS_PAT=wrong),
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "[sign-in] ✗ Sign-in failed" in out
    assert "Nothing was changed" in out
    assert wrong not in out and "Traceback" not in out
    writes = [
        r
        for r in sandbox.sandbox.stats()["requests"]
        if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
    ]
    assert writes == [
        r for r in before["requests"] if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
    ]
    assert not (world.home / ".ssh").exists()
    assert leftovers(world.root) == []


def test_apply_without_a_terminal_refuses_unless_told_yes(world):
    result = world.run("apply", *world.sandbox_args())
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert not world.data.exists()


def test_the_target_must_be_said(world):
    result = world.run("plan")
    assert result.returncode == 2
    assert "--org https://dev.azure.com/NAME, or --sandbox" in result.stderr


def test_a_missing_passphrase_variable_is_refused(world):
    env = world.env()
    del env["COLLEGE_E2E_KEY_PASSPHRASE"]
    result = world.apply(env=env)
    refused_before_anything(world, result, "COLLEGE_E2E_KEY_PASSPHRASE", "not set")


# -- the organisation URL (issue 7 §5) ------------------------------------------------------------


def test_an_org_url_on_another_host_is_refused_before_the_pat_is_used(world):
    # .invalid never resolves: had the URL been accepted, nothing would leave the machine anyway.
    result = world.run(
        "plan", "--org", "https://example.invalid/foo", env=world.env(AZURE_DEVOPS_PAT="p" * 52)
    )
    out = result.stdout + result.stderr
    assert result.returncode == 2, out
    assert "'example.invalid' is not Azure DevOps" in result.stderr and "--org" in result.stderr
    assert "[sign-in]" not in out  # nothing ran: no step, no credential read


def test_an_org_url_without_the_name_asks_for_it_or_says_so(world, sandbox, monkeypatch):
    alone = world.run("plan", "--org", "https://dev.azure.com/")
    assert alone.returncode == 2, alone.stdout + alone.stderr
    assert "the URL has no organisation name" in alone.stderr
    assert "no terminal to ask for the name" in alone.stderr
    assert "VS850015" not in alone.stderr

    from click.testing import CliRunner

    from college_tui import cli
    from college_tui.cli import common as cli_common

    monkeypatch.setattr(cli_common, "interactive", lambda: True)  # as if typed at a terminal
    for key, value in world.env(AZURE_DEVOPS_PAT=sandbox.info.pat).items():
        monkeypatch.setenv(key, value)
    asked = CliRunner().invoke(
        cli.main,
        ["plan", "--org", f"{sandbox.info.base_url}/", "--profile-url", sandbox.info.profile_url],
        input="college-sandbox\n",
    )
    assert "The URL names no organisation. Organisation name: " in asked.output
    assert "[organization] ✓ Organisation college-sandbox" in asked.output


def test_a_pasted_repository_url_uses_its_organisation_and_says_what_was_ignored(world, sandbox):
    result = world.run(
        "plan",
        "--org",
        f"{sandbox.info.org_url}/College/_git/aidevcollege",
        "--profile-url",
        sandbox.info.profile_url,
        env=world.env(AZURE_DEVOPS_PAT=sandbox.info.pat),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"--org: Using the organisation {sandbox.info.org_url}; ignored the rest of the URL "
        "(College/_git/aidevcollege)."
    ) in result.stderr
    assert "[organization] ✓ Organisation college-sandbox" in result.stdout


def test_the_legacy_visualstudio_url_is_rewritten_saying_so(world):
    world.answers.write_text(
        'project = "College/2024"\n', encoding="utf-8"
    )  # stops before signing in
    result = world.run(
        "plan", "--org", "https://ada.visualstudio.com/", "--answers", str(world.answers)
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        "--org: https://ada.visualstudio.com/ is the older form of https://dev.azure.com/ada: "
        "using https://dev.azure.com/ada."
    ) in result.stderr


def test_with_yes_a_missing_organisation_fails_at_once_listing_yours(world):
    world.answers.write_text('organization = "no-such-org"\n', encoding="utf-8")
    result = world.apply("--until", "organization", timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "[organization] ✗ You have no organisation named no-such-org. Your organisations: "
        "college-sandbox."
    ) in result.stdout
    assert "Create the organisation" not in result.stdout  # no browser hand-off, no wait


def test_in_the_sandbox_the_azure_cli_is_refused(world):
    world.answers.write_text('auth = "azure-cli"\n', encoding="utf-8")
    result = world.apply()
    refused_before_anything(
        world,
        result,
        "auth: 'azure-cli' asks the Azure CLI",
        "knows nothing of the offline sandbox",
    )


# -- say what is true (issue 7 §6) --------------------------------------------------------------


def test_a_key_path_outside_the_sandbox_home_is_refused_in_sandbox_mode(world):
    world.answers.write_text(f'key_path = "{world.home}/.ssh/id_rsa"\n', encoding="utf-8")
    result = world.apply()
    refused_before_anything(
        world,
        result,
        f"key_path: {world.home}/.ssh/id_rsa is outside the sandbox home {world.sandbox_home}",
    )
    assert not (world.home / ".ssh").exists()


def test_step_headings_use_the_answers(world):
    world.answers.write_text(
        'project = "Lab"\nprocess = "Scrum"\nteam = "Lab Crew"\nmembers = ["grace@example.com"]\n',
        encoding="utf-8",
    )
    result = world.apply("--until", "members")
    out = result.stdout
    assert "[project] ▶ Create the project Lab (Scrum)" in out, out + result.stderr
    assert "[team] ▶ Make Lab Crew the default team" in out
    assert "[members] ▶ Add your colleagues to Lab Crew" in out
    assert "College" not in out


def test_a_member_listed_twice_with_different_levels_is_named_with_the_level_used(world):
    # No level given is "automatic": Basic while the organisation has free Basic seats.
    world.answers.write_text(
        'members = ["grace@example.com", { email = "Grace@Example.com", '
        'access_level = "basic" }]\n',
        encoding="utf-8",
    )
    result = world.run("plan", *world.sandbox_args(), "--answers", str(world.answers))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "Note: grace@example.com is listed more than once with different access levels "
        "(automatic, basic): the first, automatic, is used."
    ) in result.stdout
