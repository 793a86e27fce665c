"""`college-tui --sandbox`: the wizard's sandbox runs in a process of its own (sandbox/apart.py),
so its threads never compete with the screen; it answers the wizard's steps and stops with it."""

from __future__ import annotations

import threading

import requests

from .conftest import make_app, settle


def answers(base_url: str) -> bool:
    try:
        return requests.get(f"{base_url}/_sandbox/stats", timeout=5).ok
    except requests.ConnectionError:
        return False


async def test_the_wizard_runs_its_sandbox_apart_and_stops_it_when_it_ends(wizard_env):
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        assert screen.session is not None
        org_url = screen.session.ctx.target.org_url
        base_url = org_url.rsplit("/", 1)[0]
        assert answers(base_url)
        assert not [t for t in threading.enumerate() if t.name.startswith("sandbox")]
        await pilot.press("enter")  # the sign-in, against the sandbox in the other process
        await settle(app, pilot)
        assert screen.step_list.states["sign-in"] == "done"
    for stack in wizard_env.stacks:  # what the wizard's process does as it ends (launch.py)
        stack.close()
    assert not answers(base_url)


def test_the_sandbox_starts_from_a_folder_holding_another_college_tui(tmp_path, monkeypatch):
    """`college-tui --sandbox` run inside another checkout (an older clone of this project):
    the child interpreter imports the installed package, not the folder's `college_tui` (it
    used to fail "its process ended (exit code 1)": `python -m` puts the folder first)."""
    from college_tui.sandbox.apart import start_apart
    from college_tui.sandbox.service import SandboxConfig

    stale = tmp_path / "checkout" / "college_tui"
    stale.mkdir(parents=True)
    (stale / "__init__.py").write_text("raise ImportError('the stale checkout')\n")
    monkeypatch.chdir(stale.parent)
    monkeypatch.setenv("COLLEGE_TUI_SANDBOX_FAST", "1")
    started = start_apart(tmp_path / "data", faults=None, config=SandboxConfig())
    try:
        assert answers(started.info.base_url)
    finally:
        started.server.stop()
    assert not answers(started.info.base_url)


async def test_the_first_screen_and_the_sign_in_go_on_while_the_sandbox_ssh_side_starts(
    wizard_env, monkeypatch, tmp_path
):
    """Issue 28: the wizard's sandbox is there once its REST side listens; its SSH server (held
    here by the test's knob) comes up meanwhile, and only the steps that use SSH wait for it."""
    from college_tui.sandbox.server import HOLD_SSH_ENV

    release = tmp_path / "release-ssh"
    monkeypatch.setenv(HOLD_SSH_ENV, str(release))
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            screen = app.wizard
            assert screen.session is not None
            later = screen.session.ctx.target.ssh_later
            assert later is not None and not later.wait(0)  # the first screen came first
            await pilot.press("enter")  # the sign-in, while the SSH side is held
            await settle(app, pilot)
            assert screen.step_list.states["sign-in"] == "done"
            assert not later.wait(0)
            release.touch()
            assert later.wait(60)
            assert screen.session.ctx.ssh_ready().ssh_host_key.startswith("ssh-rsa ")
    finally:
        release.touch()
