"""`college-tui`'s entry point (__main__.py): the two plain wizard command lines open the wizard
without loading click (a tenth of the time to the first frame); every other command line goes to
cli.py, and both ways start the same wizard with the same options."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from college_tui import __main__ as entry
from college_tui import cli, launch

# Runs `college-tui ARGS` with the wizard replaced by a line saying what it was asked to open.
PROBE = """
import sys
from college_tui import launch
from college_tui.__main__ import main
def run_wizard(options):
    print(f"WIZARD {options!r} click={'click' in sys.modules}", flush=True)
    return 0
launch.run_wizard = run_wizard
sys.argv = ["college-tui", *sys.argv[1:]]
main()
"""


def in_a_pty(*args: str, timeout: float = 30.0) -> str:
    """Run the probe with stdin, stdout and stderr on a pseudo-terminal; what it printed."""
    primary, secondary = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", PROBE, *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    seen, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([primary], [], [], 0.1)[0]:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        assert proc.wait(timeout=10) == 0, seen.decode(errors="replace")
    finally:
        proc.kill()
        os.close(primary)
    return seen.decode(errors="replace").replace("\r\n", "\n")


@pytest.mark.parametrize("args", [[], ["--sandbox"]])
def test_the_plain_wizard_command_lines_open_it_without_click(args):
    out = in_a_pty(*args)
    expected = launch.TargetOptions(None, bool(args), None, None, None, verbose=False)
    assert f"WIZARD {expected!r} click=False" in out


def test_any_other_command_line_goes_to_the_click_commands(tmp_path):
    out = in_a_pty("--sandbox", "--data", str(tmp_path))
    assert "click=True" in out
    assert f"data=PosixPath('{tmp_path}')" in out and "use_sandbox=True" in out


def test_without_a_terminal_the_click_command_says_the_wizard_needs_one():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "WIZARD" not in out
    assert "The full-screen wizard needs a terminal" in out


@pytest.mark.parametrize("args", [[], ["--sandbox"]])
def test_both_ways_start_the_wizard_with_the_same_options(monkeypatch, args):
    asked: list[launch.TargetOptions] = []
    monkeypatch.setattr(launch, "in_a_terminal", lambda: True)
    monkeypatch.setattr(launch, "run_wizard", lambda options: asked.append(options) or 0)
    monkeypatch.setattr(sys, "argv", ["college-tui", *args])
    with pytest.raises(SystemExit) as fast:
        entry.main()
    with pytest.raises(SystemExit) as through_click:
        cli.main(args, prog_name="college-tui")
    assert fast.value.code == through_click.value.code == 0
    assert len(asked) == 2 and asked[0] == asked[1]
