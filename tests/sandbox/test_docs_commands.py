"""Every `sh` block of docs/sandbox.md runs, in order, as written (real CLI, git, ssh, curl).

The commands are read from the markdown, so a command added to the page is run by this test. A
block of `college-tui sandbox serve` lines starts each server (the last one keeps serving for the
blocks after it, with PORT and SSH_PORT set from what it printed); a block that runs the wizard
(`college-tui apply`) runs with no server on its data, as a user would run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from tests.e2e.conftest import World
from tests.sandbox.serving import Served, start_serving

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox.md"
COMMAND_WORDS = ("college-tui ", "git ", "ssh ", "curl ")


def sh_blocks(text: str) -> list[list[str]]:
    """The command lines of each ```sh block (continuations joined, comments and blanks dropped)."""
    blocks = []
    for body in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        lines = [line.strip() for line in body.replace("\\\n", " ").splitlines()]
        blocks.append([line for line in lines if line and not line.startswith("#")])
    return blocks


def test_inline_commands_of_the_page_are_in_its_blocks():
    text = DOC.read_text(encoding="utf-8")
    commands = [line for block in sh_blocks(text) for line in block]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    inline = [span for span in re.findall(r"`([^`\n]+)`", prose) if span.startswith(COMMAND_WORDS)]
    assert inline, "the page names no command in its prose"
    untested = [span for span in inline if not any(c.startswith(span) for c in commands)]
    assert not untested, f"commands named in the prose but run by no block: {untested}"


def _env(world: World, served: Served | None) -> dict[str, str]:
    # A user with no git identity yet (none in the temporary HOME, the system's or the
    # environment): the page's blocks must commit all the same.
    env = {
        k: v
        for k, v in world.env(GIT_CONFIG_NOSYSTEM="1").items()
        if not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_")) and k != "EMAIL"
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # this college-tui
    if served is not None:
        env.update(PORT=str(served.port), SSH_PORT=str(served.ssh_port))
    return env


def _stop(served: Served | None) -> None:
    if served is not None:
        code, err = served.stop()
        assert code == 0 and "Traceback" not in err, err


def test_every_command_of_the_page_runs(tmp_path):
    world = World(tmp_path)
    world.home.mkdir()
    blocks = sh_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    served: Served | None = None
    ran: list[str] = []
    try:
        for block in blocks:
            if all(line.startswith("college-tui sandbox serve") for line in block):
                for line in block:
                    _stop(served)
                    served = None
                    served = start_serving(
                        ["bash", "-c", f"exec {line}"], _env(world, None), tmp_path
                    )
                    assert served.port and served.ssh_port, line
                    ran.append(line)
                continue
            if any(line.startswith("college-tui apply") for line in block):
                _stop(served)  # the wizard runs its own sandbox on the data
                served = None
            else:
                assert served is not None, f"no sandbox serving for {block}"
            script = "set -euo pipefail\n" + "\n".join(block) + "\n"
            result = subprocess.run(
                ["bash", "-c", script],
                env=_env(world, served),
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert result.returncode == 0, f"{block}\n{result.stdout}\n{result.stderr}"
            assert "Traceback" not in result.stderr
            ran.extend(block)
        # What the blocks did really happened: the pushed branch and the clones are there.
        page = requests.get(
            f"http://127.0.0.1:{served.port}/college-sandbox/College/_git/aidevcollege",
            headers={"Accept": "text/html"},
            timeout=10,
        )
        assert page.status_code == 200 and "users/ada/after-the-run" in page.text
        for clone in ("clone-by-alias", "clone-by-address"):
            assert (tmp_path / clone / "README.md").is_file(), clone
    finally:
        _stop(served)
    assert any(line.startswith("git push") for line in ran)
    assert any("ssh://git@127.0.0.1:$SSH_PORT" in line for line in ran)
