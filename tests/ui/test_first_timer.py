"""The first-timer's walk in a real 80x24 terminal (tmux), keys counted: from the welcome, "My
Azure DevOps" with no URL against a served sandbox, a device code read off the screen and typed
on the page as an account with no organisation, the organisation created on the sign-up page the
wizard opens through BROWSER, then on to the pull request: at most 15 keys besides the
organisation's name (and the code, typed on the page), no mouse. Afterwards the attendee's real
~/.ssh still sends ssh.dev.azure.com to Azure DevOps, and pins nothing under that name."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys

import pytest

from college_tui.sandbox.identity.accounts import NEWCOMER
from tests.azdo.stand_in_browser import sign_in_on_device_page
from tests.tmux import TMUX

from .test_terminal import TmuxWizard, _quit
from .test_terminal_sign_in import CODE, PAGE, enter_until, wait_for

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or shutil.which("ssh") is None,
    reason="tmux and OpenSSH are needed",
)

SIGN_UP = """#!/bin/sh
# A stand-in browser: the person fills the sign-up page the wizard opened ($1) as {account}.
exec "{python}" -c '
import sys, urllib.parse, requests
url = sys.argv[1]
name = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["name"][0]
base = url.split("/_sandbox/")[0]
done = requests.post(base + "/_sandbox/signup", data={{"name": name, "account": "{account}"}}, timeout=10)
open("{log}", "a").write(f"{{done.status_code}} {{url}}\\n")
' "$1"
"""


class Keys:
    """The keys sent, counted (typed text is counted apart)."""

    def __init__(self, session: TmuxWizard) -> None:
        self.session, self.count = session, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.session.send(key)

    def type(self, text: str) -> None:
        """Typed text (the organisation's name): not counted as keys."""
        subprocess.run([*TMUX, "send-keys", "-l", "-t", self.session.name, text], check=True)


def ssh_settings(home, host: str) -> dict[str, str]:
    shown = subprocess.run(
        ["ssh", "-F", str(home / ".ssh" / "config"), "-G", host],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in shown.splitlines() if " " in line)


def test_a_first_timer_reaches_the_pull_request_in_at_most_15_keys(start_sandbox, tmp_path):
    server = start_sandbox(ssh=True, device_code_interval=1)
    browser = tmp_path / "browser.sh"
    opened = tmp_path / "browser.log"
    browser.write_text(SIGN_UP.format(python=sys.executable, account=NEWCOMER[1], log=opened))
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    session = TmuxWizard(
        tmp_path,
        "first-timer",
        args="",
        size=(80, 24),
        COLLEGE_TUI_SERVICE_URL=server.info.base_url,
        BROWSER=str(browser),
        SSH_CONNECTION="10.0.0.2 50000 10.0.0.1 22",  # no display: a device code is suggested
        DISPLAY="",
        WAYLAND_DISPLAY="",
    )
    keys = Keys(session)
    try:
        wait_for(session, "Where shall we work")
        keys.press("Tab")  # from "The practice sandbox" to "My Azure DevOps"; no URL typed
        keys.press("Enter")
        wait_for(session, r"Enter\s+runs")
        keys.press("Enter")  # sign in, the way shown: a device code
        code = wait_for(session, CODE)[1].replace(" ", "")
        page = wait_for(session, PAGE)[0]
        assert NEWCOMER[1] in sign_in_on_device_page(page, code, NEWCOMER[1])
        wait_for(session, "no organisation yet")  # listed: none, and the name field focused
        keys.type("noors-college")
        keys.press("Enter")  # Create: the sign-up page opens in the BROWSER
        wait_for(session, "Organisation noors-college", timeout=90)
        enter_until(
            session, "challenge outcomes done", timeout=300, press=lambda: keys.press("Enter")
        )
        screen = session.screen()
        assert "/noors-college/College/_git/aidevcollege/pullrequest/" in screen, screen
        print(f"keys besides the name and the code: {keys.count}")
        assert keys.count <= 15, keys.count
        assert opened.read_text().startswith("201 "), opened.read_text()  # opened by the wizard
        assert _quit(session) == "0"
    finally:
        session.close()
    home = tmp_path / "home"
    real = ssh_settings(home, "ssh.dev.azure.com")
    assert (real["hostname"], real["port"]) == ("ssh.dev.azure.com", "22")
    known = (home / ".ssh" / "known_hosts").read_text()
    assert "ssh.dev.azure.com" not in known
