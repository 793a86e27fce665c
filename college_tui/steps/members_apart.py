"""The members step's network work for a long list, in a child process of its own.

In the wizard's process the worker threads inviting a class (members_here.py: up to MAX_PARALLEL
of them, each doing msrest's and requests' Python work) held the interpreter's lock in turn with
the screen: the event loop stalled three times longer than Textual alone while the members step
added 300 (figure 3, docs/performance.md). `add_apart` runs the same `add_in_threads` in a child
interpreter instead, as sandbox/apart.py runs the sandbox; the wizard's process keeps its event
loop, the step's thread and one thread reading the child's lines.

The conversation, one JSON object a line:
- parent → child, on stdin: the job first (`{"job": ...}`: the facade's `settings()`, the
  credential as azdo/handover.py hands it, the project, the team's descriptor and the colleagues),
  then `{"token": ...}` for each `{"ask": "token"}`. The credential travels on this pipe only:
  never on the command line, in the environment (workstation/childenv.py leaves secrets out), in
  a file or in a line the child writes. The child's stdin closing means stop: the parent cancelled,
  or its process ended (even killed); the child then ends within GRACE_SECONDS.
- child → parent, on stdout: `{"event": ...}` for each event the facade emits (HttpCall, Waiting;
  events.py `event_as_dict`), `{"result": [email, state, message]}` for each colleague after its
  events, `{"ask": "token"}`, and `{"end": true}` once every colleague has a result.

The parent emits the events and hands each result to `done` from the caller's thread, in the
child's order, so progress, the run state and resume are what they are in-process. A child that
cannot start or ends before `end` leaves its unfinished colleagues to the caller, with a sentence.

Run as `python -P -m college_tui.steps.members_apart` by `add_apart` only.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from typing import IO, TYPE_CHECKING, Any

from .members_here import CANCELLED, FAILED, MemberResult, Work, add_in_threads
from .roster import Member

if TYPE_CHECKING:
    from ..azdo.handover import Handed
    from ..events import Event

# The child's CPU priority below the wizard's (POSIX nice; Windows' "below normal" class): where
# the cores are busy (two of them, the sandbox serving the class too), the screen goes first.
NICE = 10
GRACE_SECONDS = 3.0  # after stdin closes: the child's time to say what it finished, then it ends
STOPPED = "The run was stopped before the sign-in was renewed: run the step again to add the rest."


def add_apart(
    work: Work, todo: list[Member], early: Child | None = None
) -> tuple[list[Member], str | None]:
    """`add_in_threads` in a child process (`early`, when one was started beforehand). Returns
    the colleagues it left unfinished (none unless the child could not start or ended early)
    and, then, a sentence saying so."""
    from ..azdo.handover import handed

    left = {m.email: m for m in todo}
    try:
        child = early or Child.start()
    except OSError as exc:
        return todo, _said(f"it could not start ({exc.strerror or exc})", len(todo))
    try:
        job = {
            "facade": work.base.settings(),
            "credential": handed(work.base.credential),
            "step": work.step,
            "project_id": work.project_id,
            "container": work.container,
            "todo": [[m.email, m.access_level] for m in todo],
        }
        child.send({"job": job})
        del job  # the credential's only copy outside the facade
        ended = _follow(child, work, left)
    finally:
        code = child.stop()
    if ended or work.cancel.is_set():
        for member in list(left.values()):  # the child had no time to say: as in-process
            work.done(member, MemberResult(member.email, FAILED, CANCELLED))
        return [], None
    return list(left.values()), _said(f"its process ended (exit code {code})", len(left))


def _said(what: str, left: int) -> str:
    return (
        f"The colleagues could not be added from a process of their own: {what}. The {left} "
        "left are added from the wizard's own process instead; the screen may answer more "
        "slowly until they are done."
    )


def _follow(child: Child, work: Work, left: dict[str, Member]) -> bool:
    """Act on the child's lines until it says `end` (True) or stops without (False)."""
    from ..azdo.handover import handed_again
    from ..events import event_from_dict

    deadline: float | None = None
    while True:
        if deadline is None and work.cancel.is_set():
            child.close()  # the child's signal to stop
            deadline = time.monotonic() + GRACE_SECONDS
        try:
            said = child.lines.get(timeout=0.05)
        except queue.Empty:
            if deadline is not None and time.monotonic() > deadline:
                return False
            continue
        if said is None:
            return False
        if "event" in said:
            work.emit(event_from_dict(said["event"]))
        elif "result" in said:
            email, state, message = said["result"]
            member = left.pop(email, None)
            if member is not None:
                work.done(member, MemberResult(email, state, message))
        elif "ask" in said:
            child.send({"token": handed_again(work.base.credential)})
        elif "end" in said:
            return True


class Child:
    """The child process, a thread reading its lines into `lines` (None at its end)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._writing = threading.Lock()
        self.lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, name="members-apart", daemon=True).start()

    @classmethod
    def start(cls) -> Child:
        from ..workstation.childenv import child_env
        from ..workstation.hostos.processes import own_group_below_normal

        # The terminal's Ctrl+C is the wizard's; on Windows below its priority (see NICE).
        options = own_group_below_normal()
        process = subprocess.Popen(
            # -P: not the current folder first on the path (another checkout's college_tui)
            [sys.executable, "-P", "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # never over the wizard's screen
            env=child_env(),  # no secret: the credential comes on stdin
            **options,
        )
        return cls(process)

    @classmethod
    def early(cls) -> Child | None:
        """A child started before it is known to be needed; None when it cannot start (then
        `add_apart` tries again, and says why)."""
        try:
            return cls.start()
        except OSError:
            return None

    def discard(self) -> None:
        """End a child that was not given a job (or has ended): at once, not after its start."""
        from ..workstation.hostos.processes import stop_tree

        self.close()
        if self._process.poll() is None:
            stop_tree(self._process)
        self.stop()

    @property
    def pid(self) -> int:
        return self._process.pid

    def _read(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        for line in stdout:
            try:
                said = json.loads(line)
            except ValueError:
                continue
            if isinstance(said, dict):
                self.lines.put(said)
        self.lines.put(None)

    def send(self, message: dict[str, Any]) -> None:
        """One line on the child's stdin; nothing when it has gone (its lines say so)."""
        stdin = self._process.stdin
        with self._writing:
            if stdin is None or stdin.closed:
                return
            with contextlib.suppress(OSError):  # gone: its lines say so
                stdin.write(json.dumps(message).encode() + b"\n")
                stdin.flush()

    def close(self) -> None:
        stdin = self._process.stdin
        with self._writing:
            if stdin is not None and not stdin.closed:
                with contextlib.suppress(OSError):
                    stdin.close()

    def stop(self) -> int:
        """Close its stdin, give it GRACE_SECONDS, then end it; its exit code."""
        from ..workstation.hostos.processes import stop_tree

        self.close()
        try:
            return self._process.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            stop_tree(self._process)
        try:
            return self._process.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()


# -- the child ---------------------------------------------------------------------------------


class _Out:
    """The child's stdout: one JSON object a line, from any thread."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, message: dict[str, Any]) -> None:
        line = json.dumps(message).encode() + b"\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except OSError:  # the parent has gone: nobody to work for
                os._exit(1)

    def event(self, event: Event) -> None:
        from ..events import event_as_dict

        self.write({"event": event_as_dict(event)})


class _Inbox:
    """The child's stdin after the job: token answers; its end sets `cancel`."""

    def __init__(self, stream: IO[bytes], out: _Out) -> None:
        self.cancel = threading.Event()
        self._stream = stream
        self._out = out
        self._asking = threading.Lock()
        self._answers: queue.Queue[Handed] = queue.Queue()

    def read(self) -> None:
        for line in self._stream:
            try:
                said = json.loads(line)
            except ValueError:
                continue
            if isinstance(said, dict) and isinstance(said.get("token"), dict):
                self._answers.put(said["token"])
        self.cancel.set()
        self._answers.put({"secret": None, "message": STOPPED})
        # What is in flight gets GRACE_SECONDS to finish and be said; then the child ends.
        timer = threading.Timer(GRACE_SECONDS, os._exit, (0,))
        timer.daemon = True
        timer.start()

    def ask(self) -> Handed:
        """A new token from the parent (one question at a time)."""
        with self._asking:
            if self.cancel.is_set():
                return {"secret": None, "message": STOPPED}
            self._out.write({"ask": "token"})
            return self._answers.get()


def main() -> int:
    """The child: read the job, add everyone, say each one's result, then `end`."""
    from ..workstation.hostos.processes import lower_own_priority

    lower_own_priority(NICE)  # and its session's, on Linux: the screen goes first
    from ..azdo.client import AzureDevOps
    from ..azdo.client.shared import _quick_msrest, _use_our_sdk_cache
    from ..azdo.handover import taken

    # What every request needs, imported before the job comes (the parent reads meanwhile).
    _use_our_sdk_cache()
    _quick_msrest()
    import azure.devops.connection  # noqa: F401
    import azure.devops.v7_1.graph  # noqa: F401
    import azure.devops.v7_1.member_entitlement_management  # noqa: F401

    out = _Out(sys.stdout.buffer)
    first = sys.stdin.buffer.readline()
    if not first:
        return 0  # started early, then not needed
    try:
        job = json.loads(first)["job"]
    except (ValueError, KeyError, TypeError):
        return 2
    inbox = _Inbox(sys.stdin.buffer, out)
    threading.Thread(target=inbox.read, name="members-inbox", daemon=True).start()
    step = str(job["step"])
    credential = taken(job.pop("credential"), inbox.ask)
    svc = AzureDevOps.from_settings(job["facade"], credential, out.event, step, inbox.cancel)

    def done(member: Member, outcome: MemberResult | BaseException) -> None:
        if not isinstance(outcome, MemberResult):
            from .runner import describe_failure

            outcome = MemberResult(
                member.email, FAILED, describe_failure(outcome, step, "apply")[0]
            )
        out.write({"result": [outcome.email, outcome.state, outcome.message]})

    todo = [Member(str(email), str(level)) for email, level in job["todo"]]
    work = Work(svc, step, job["project_id"], job["container"], inbox.cancel, out.event, done)
    add_in_threads(work, todo)
    out.write({"end": True})
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Not sys.exit: the inbox's thread is still reading stdin, and ending the interpreter under
    # a daemon thread holding stdin's lock aborts it (SIGABRT).
    os._exit(code)
