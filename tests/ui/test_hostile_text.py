"""Issue 26: terminal escapes in the service's answers reach the wizard's screen and its activity
log only as visible text (`\\x1b`), never as escapes the terminal would obey."""

from __future__ import annotations

import sqlite3

from .conftest import log_text, make_app, server_opener, settle

HOSTILE = "Ada\x1b]0;PWNED\x07\x1b[2J\u202eevil"
SHOWN = "Ada\\x1b]0;PWNED\\x07\\x1b[2J\\u202eevil"


async def test_a_display_name_with_terminal_escapes_is_shown_not_obeyed(start_sandbox, wizard_env):
    start_sandbox(wizard_env.data).stop()  # made, then its user renamed as a service could
    with sqlite3.connect(wizard_env.data / "sandbox.db") as db:
        db.execute(
            "UPDATE docs SET data=json_set(data, '$.displayName', ?) WHERE kind='user'", (HOSTILE,)
        )
    db.close()
    server = start_sandbox(wizard_env.data)
    app = make_app(server_opener(server), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # sign in
        await settle(app, pilot)
        screen = app.export_screenshot()
        log = log_text(app)
    assert SHOWN in log, log
    assert "\x1b" not in log and "\x07" not in log and "\u202e" not in log
    assert "\x1b" not in screen and "\u202e" not in screen
    written = "".join(p.read_text(encoding="utf-8") for p in wizard_env.logs.glob("*.log"))
    assert SHOWN in written and "\x1b" not in written, written
