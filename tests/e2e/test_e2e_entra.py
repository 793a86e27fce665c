"""`college-tui apply --sandbox` with `auth = "device-code"` and `auth = "browser"`: the whole
course signed in through the sandbox's identity provider (real azure-identity and MSAL in the
subprocess), then `check` passes, and no token is left in any file of the run."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.azdo.stand_in_browser import sign_in_on_device_page

from .conftest import ANSWERS_PLAIN, World, snapshot

REPO = Path(__file__).resolve().parents[2]
JWT_HEAD = b"eyJ0eXAiOiAiSldUIiwgImFsZyI6ICJIUzI1NiJ9"  # {"typ": "JWT", "alg": "HS256"}
CODE_LINE = re.compile(r"Open (\S+) and enter the code (\w+) to sign in")


def run_as_person(world: World, *args: str, env: dict, timeout: float = 180) -> tuple[int, str]:
    """Run a command; whenever it shows a device code, type it on the page as Ada would."""
    proc = subprocess.Popen(
        world.command(*args),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=world.root,
    )
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        for line in proc.stdout:
            seen.append(line)
            if m := CODE_LINE.search(line):
                sign_in_on_device_page(m[1], m[2], "ada@college.example")
            assert time.monotonic() < deadline, "".join(seen)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
    return proc.returncode, "".join(seen)


def browser_script(world: World) -> str:
    """A `BROWSER` command: starts the stand-in browser in the background (webbrowser waits for
    the command to end, and the application reads the redirect only after that)."""
    script = world.root / "browser.sh"
    script.write_text(
        "#!/bin/sh\n"
        f'cd "{REPO}" && "{sys.executable}" -m tests.azdo.stand_in_browser "$1" '
        f'ada@college.example >> "{world.root / "browser.log"}" 2>&1 &\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.mark.parametrize("mode", ["device-code", "browser"])
def test_apply_signs_in_with_entra_in_the_sandbox_and_check_passes(tmp_path, mode):
    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text(ANSWERS_PLAIN + f'auth = "{mode}"\n', encoding="utf-8")
    env = world.env(BROWSER=browser_script(world)) if mode == "browser" else world.env()
    answers = ("--answers", str(world.answers))
    code, out = run_as_person(world, "apply", *world.sandbox_args(), *answers, "--yes", env=env)
    assert code == 0, out
    assert "All 9 steps are done." in out
    assert "[sign-in] ✓ Signed in as Ada Attendee (ada@college.example) with Microsoft Entra" in out
    if mode == "device-code":
        assert "/_idp/devicelogin" in out
    else:
        assert "browser" in out.lower()
    seen = snapshot(world.data)
    assert seen.projects == ["College"] and seen.repos == ["College", "aidevcollege"]
    assert len(seen.active_prs) == 1

    # check only looks and never prompts: it reads with the sandbox's own token (an Entra
    # sign-in is not remembered between runs; that needs the encrypted token cache).
    plain = world.root / "check.toml"
    plain.write_text(ANSWERS_PLAIN, encoding="utf-8")
    checked = world.run("check", *world.sandbox_args(), "--answers", str(plain), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "9 of 9 challenge outcomes done." in checked.stdout

    for path in world.root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert JWT_HEAD not in path.read_bytes(), path  # no token in any file of the run
    if mode == "browser":
        assert "failed" not in (world.root / "browser.log").read_text()
