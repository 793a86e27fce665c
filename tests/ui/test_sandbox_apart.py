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
