"""The welcome runs doctor's quick local checks in a worker and shows what is not ok, with what
to do: a `Host *` block in ~/.ssh/config is a warning, no git and no ssh on PATH are problems,
and a clean machine says it is ready (warnings only where this test environment has them)."""

from __future__ import annotations

import shutil

import pytest

from college_tui.steps.doctor import quick_checks

from .conftest import make_app, settle


@pytest.fixture
def clean_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


async def _welcome_text(wizard_env) -> tuple[str, object]:
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        return str(app.screen.query_one("#welcome-checks").content), app


async def test_a_host_star_block_in_ssh_config_is_a_warning_with_what_to_do(wizard_env, clean_home):
    (clean_home / ".ssh").mkdir(mode=0o700)
    (clean_home / ".ssh" / "config").write_text(
        "Host *\n    ProxyCommand nc -X connect -x proxy:8080 %h %p\n"
    )
    text, _ = await _welcome_text(wizard_env)
    expected = {c.key: c for c in quick_checks(clean_home, (120, 40))}
    assert expected["ssh-config"].status == "warning"
    assert "~/.ssh/config" in text and "Host *" in text and "ProxyCommand" in text
    assert expected["ssh-config"].advice in text
    assert "problem" not in text.splitlines()[0]  # git and ssh are here: warnings only
    assert "college-tui doctor" in text


async def test_no_git_and_no_ssh_on_path_are_problems_said_before_anything_starts(
    wizard_env, clean_home, tmp_path, monkeypatch
):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert shutil.which("git") is None
    text, app = await _welcome_text(wizard_env)
    first = text.splitlines()[0]
    assert first.startswith("This machine: ") and " to fix before the day" in first
    assert "✗ git: not found on PATH" in text and "https://git-scm.com/downloads" in text
    assert "✗ OpenSSH client: ssh not found on PATH" in text
    assert app.wizard is None  # nothing was opened


async def test_the_terminal_size_is_the_wizards_own_screen(wizard_env, clean_home):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(70, 20)) as pilot:
        await settle(app, pilot)
        text = str(app.screen.query_one("#welcome-checks").content)
    assert "! Terminal size: 70×20" in text and "at least 80×24" in text
