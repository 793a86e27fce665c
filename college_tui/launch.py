"""The wizard's start: whether there is a terminal, opening the full-screen wizard, and the
opener it calls (in a worker thread) to open its target through `college_tui.opening`.

`college-tui` and `college-tui --sandbox` in a terminal come here straight from the entry point
(`college_tui/__main__.py`) without loading cli/: importing click and building every command's
options was 50-80 ms of the half second to the first frame. cli/ starts the wizard through
`run_wizard` as well, so both ways open the same wizard. Neither click nor cli/ is imported here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from .opening import PAT_ENV, TargetOptions

if TYPE_CHECKING:
    from .steps.session import OpenedTarget


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def in_a_terminal() -> bool:
    """The full-screen wizard needs a keyboard and a screen."""
    return interactive() and sys.stdout is not None and sys.stdout.isatty()


def no_screen_control() -> str | None:
    """The sentence for a terminal that cannot place the cursor (TERM=dumb, unknown or unset),
    where the full-screen wizard would draw a broken screen; None for any other terminal."""
    from .workstation.hostos.desktop import no_screen_control as sentence

    return sentence()


def no_terminal() -> str:
    """What to say when there is no terminal: Git Bash's mintty gets its own sentence."""
    from .workstation.hostos.desktop import no_terminal_sentence

    return no_terminal_sentence() or (
        "The full-screen wizard needs a terminal. `college-tui apply` runs the same "
        "steps without one."
    )


def run_wizard(options: TargetOptions) -> int:
    """Open the full-screen wizard on `options` (checked already); its exit code."""
    with keys_kept():
        return _run_wizard(options)


@contextlib.contextmanager
def keys_kept() -> Iterator[None]:
    """Until the block ends, the keys typed before Textual takes the terminal wait for it.

    A cooked terminal swallows ctrl+q (XON, flow control) and holds every key until Enter: a
    ctrl+q in the ~0.3 s before Textual's driver starts was lost. So the terminal goes at once
    into the input mode Textual's driver sets (no echo, no line editing, no flow control, Enter
    as "\r"); ctrl+c still interrupts. The terminal's own settings come back at the end.
    """
    try:
        import termios
    except ImportError:  # Windows: no cooked terminal to undo
        yield
        return
    try:
        fd = sys.stdin.fileno()
        before = termios.tcgetattr(fd)
    except (OSError, ValueError, AttributeError, termios.error):  # not a terminal
        yield
        return
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~(  # iflag
        termios.IGNBRK
        | termios.BRKINT
        | termios.PARMRK
        | termios.ISTRIP
        | termios.INLCR
        | termios.IGNCR
        | termios.ICRNL
        | termios.IXON
    )
    attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)  # lflag (ISIG stays)
    attrs[6][termios.VMIN], attrs[6][termios.VTIME] = 1, 0
    with contextlib.suppress(termios.error):
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, before)


QUIT_KEY = b"\x11"  # ctrl+q


def quit_typed_early() -> bool:
    """True when ctrl+q was typed while the wizard loaded (keys_kept keeps it waiting).

    Read here, before Textual starts: a ctrl+q its app meets while its first screen mounts
    does not quit cleanly. Any other key typed meanwhile is put back for the wizard.
    """
    try:
        import fcntl
        import struct
        import termios

        fd = sys.stdin.fileno()
        waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        typed = os.read(fd, waiting) if waiting > 0 else b""
    except (ImportError, OSError, ValueError, AttributeError):
        return False
    if QUIT_KEY in typed:
        return True
    for byte in typed:  # TIOCSTI: "as if typed" (a kernel that forbids it loses them)
        try:
            fcntl.ioctl(fd, termios.TIOCSTI, bytes([byte]))
        except OSError:
            break
    return False


def _run_wizard(options: TargetOptions) -> int:
    problem = no_screen_control()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    # No collections while Textual and the UI import: the first frame comes ~7 % sooner. The
    # app turns the collector back on at its first frame (ui/app.py on_ready).
    gc.disable()
    from .terminal_glyphs import use_stand_ins
    from .ui.app import CollegeApp

    use_stand_ins()  # a C-locale terminal: ASCII stand-ins, not escapes like \u25c6
    if quit_typed_early():  # nothing is drawn or started yet: quit at once
        gc.enable()
        return 0

    start = "sandbox" if options.use_sandbox else ("org" if options.org_url else None)
    with contextlib.ExitStack() as stack:
        app = CollegeApp(opener=wizard_opener(options, stack), start=start, org_url=options.org_url)
        app.run()
    return app.return_code or 0


def wizard_opener(
    base: TargetOptions, stack: contextlib.ExitStack[bool | None]
) -> Callable[[bool, str | None], OpenedTarget]:
    """What the wizard calls (in a worker thread) to open its target; the stack closes it."""

    def open_(sandbox: bool, org_url: str | None = None) -> OpenedTarget:
        from .opening import TargetRefused, open_target
        from .steps.base import StepError
        from .steps.session import OpenedTarget

        if sandbox:
            options = replace(base, use_sandbox=True, org_url=None)
        else:
            # No URL: "My Azure DevOps" from nothing (sign in first, pick the organisation after).
            options = replace(
                base,
                use_sandbox=False,
                org_url=org_url,
                data=None,
                fresh=False,
                faults=None,
                org_later=not org_url,
            )
        try:
            opened = stack.enter_context(
                open_target(replace(options, long_run=True, sandbox_apart=True))
            )
        except TargetRefused as exc:  # the wizard shows the sentence
            raise StepError(exc.message) from None
        from .opening.service_target import default_auth

        pat = opened.sandbox_pat or (os.environ.get(PAT_ENV) or "").strip() or None
        return OpenedTarget(opened.target, pat, auth=default_auth(opened))

    return open_
