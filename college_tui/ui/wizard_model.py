"""The wizard's state machine, without Textual: what the screen shows and does next.

Facts come in (an engine event, the target opened, a run ended, the summary arrived, a key
pressed); effects come out (a step's state, the status sentence, a panel's outcome, which step to
show, a run to start, a question to ask). `WizardScreen` applies the effects to its widgets and
routes messages; every decision is here, where a test needs no terminal.

One vocabulary for a step's state: the engine's result statuses (steps/runner.py) are the same
strings, so a result's status is a state as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import events as ev
from ..vocabulary import StepStatus

# A step's state in the step list. ALREADY, DONE, WARNING, FAILED and TODO are the engine's own
# result statuses (steps/runner.py; tests/ui/test_wizard_model.py checks they agree).
TODO = StepStatus.TODO
RUNNING = StepStatus.RUNNING
DONE = StepStatus.DONE
ALREADY = StepStatus.ALREADY
NEEDS_YOU = StepStatus.NEEDS_YOU
WARNING = StepStatus.WARNING
FAILED = StepStatus.FAILED
SKIPPED = StepStatus.SKIPPED  # nothing asked of it (nobody listed): finished, never a tick
RESULT_STATES = (ALREADY, DONE, WARNING, FAILED, SKIPPED)  # others leave the state as it is
FINISHED = (DONE, ALREADY, SKIPPED)
TICKED = (DONE, ALREADY)
SUMMARY = "summary"

# What quitting does.
QUIT_NOW = "quit-now"
ASK_FIRST = "ask-first"
QUIT_QUESTION = (
    "A step is running. Quit now? The step is cancelled cleanly and can be run again later."
)


# -- effects (what the screen does) -----------------------------------------------------------


@dataclass(frozen=True)
class SetState:
    step: str
    state: StepStatus


@dataclass(frozen=True)
class Status:
    """A change of the status pane; None fields are left as they are."""

    begin: str | None = None  # a new operation: its clock starts
    operation: str | None = None
    fraction: float | None = None
    clear_fraction: bool = False
    wait: str | None = None
    end: str | None = None  # nothing runs any more: this sentence stays


@dataclass(frozen=True)
class Outcome:
    step: str
    text: str
    failed: bool = False


@dataclass(frozen=True)
class Handoff:
    """Show what the engine needs you to do (event), or hide it (event None)."""

    step: str
    event: ev.NeedsYou | None


@dataclass(frozen=True)
class ShowStep:
    step: str  # a step's key or SUMMARY
    focus: bool = True
    later: bool = False  # after the next refresh (the summary's buttons are being mounted)


@dataclass(frozen=True)
class LogLine:
    text: str


@dataclass(frozen=True)
class RunSteps:
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Ask:
    """A question before `steps` run (Enter says yes)."""

    question: str
    yes: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Tell:
    text: str  # a short notice (a toast)


# What the screen does for the model (effects.py applies each).
Effect = SetState | Status | Outcome | Handoff | ShowStep | LogLine | RunSteps | Ask | Tell


@dataclass(frozen=True)
class Result:
    """What the screen needs of a step's result (steps/runner.py StepResult)."""

    step: str
    status: StepStatus
    title: str = ""

    @property
    def ok(self) -> bool:
        return self.status in FINISHED


class WizardModel:
    """The wizard's state: the steps' states, whether the target is open, whether a run the user
    started is going on, whether the quit question is on screen."""

    def __init__(self, steps: list[str], sandbox: bool) -> None:
        self.steps = list(steps)
        self.sandbox = sandbox
        self.states = {key: TODO for key in steps}
        self.opening = True  # the target is being opened and inspected (read-only)
        self.open = False
        self.running = False  # a run the user started
        self.asking_to_quit = False
        self.run_rest_pending = False  # ctrl+r while the target was opening
        self.summary_ready = False
        self.found: dict[str, str] = {}  # seen made while opening, before the sign-in
        self.summary_done = (0, 0)

    # -- the engine's events ------------------------------------------------------------------

    def event(self, event: ev.Event, looking: bool, current: str) -> list[Effect]:
        """Effects of one engine event (`looking`: from an inspect-only call)."""
        key = event.step
        if key not in self.states:
            return []
        if looking:
            if isinstance(event, ev.StepFailed):
                return [self._set(key, FAILED), Outcome(key, f"✗ {event.message}", failed=True)]
            if isinstance(event, ev.StepFinished) and self.opening:
                if event.skipped:
                    return [self._set(key, SKIPPED), Outcome(key, event.summary)]
                if key != self.steps[0] and self.states[self.steps[0]] not in TICKED:
                    # Seen before the sign-in (the sandbox's organisation exists from the
                    # start): said on its panel, ticked only once the attendee signed in.
                    self.found[key] = event.summary
                    return [Outcome(key, f"Found: {event.summary}")]
                # Found made before this session: "already there", not "done".
                return [self._set(key, ALREADY), Outcome(key, f"✓ {event.summary}")]
            return []
        if isinstance(event, ev.StepStarted):
            # An earlier ✗ (or ✓) is gone as the step runs again: its new end is said.
            effects: list[Effect] = [
                self._set(key, RUNNING),
                Status(begin=event.title),
                Outcome(key, ""),
            ]
            if current != key:
                effects.append(ShowStep(key, focus=False))
            return effects
        if isinstance(event, ev.StepProgress):
            if event.fraction is None:
                return [Status(operation=event.message, clear_fraction=True)]
            return [Status(operation=event.message, fraction=event.fraction)]
        if isinstance(event, ev.Waiting):
            stop = " (Escape stops waiting)" if self.states[key] == NEEDS_YOU else ""
            return [Status(wait=f"{event.how_long.capitalize()}: {event.message}{stop}")]
        if isinstance(event, ev.NeedsYou):
            # The step's last operation (e.g. an upload that was refused) is over: the status
            # says whose turn it is, and the wait that follows says for how long.
            return [
                self._set(key, NEEDS_YOU),
                Handoff(key, event),
                Status(
                    operation="Your turn: see the panel.",
                    clear_fraction=True,
                    wait="Escape stops waiting.",
                ),
            ]
        if isinstance(event, ev.Note) and event.message.startswith("Warning: "):
            return [Outcome(key, event.message)]
        if isinstance(event, ev.StepFinished):
            if event.skipped:
                return [self._set(key, SKIPPED), Handoff(key, None), Outcome(key, event.summary)]
            state = ALREADY if event.already_done else DONE
            effects = [
                self._set(key, state),
                Handoff(key, None),
                Outcome(key, f"✓ {event.summary}"),
            ]
            if key == self.steps[0]:  # signed in: what was found before is ticked now
                for seen, summary in self.found.items():
                    if self.states[seen] == TODO:
                        effects += [self._set(seen, ALREADY), Outcome(seen, f"✓ {summary}")]
                self.found.clear()
            return effects
        if isinstance(event, ev.StepFailed):
            return [
                self._set(key, FAILED),
                Handoff(key, None),
                Outcome(key, f"✗ {event.message}", failed=True),
            ]
        return []

    def _set(self, key: str, state: StepStatus) -> SetState:
        self.states[key] = state
        return SetState(key, state)

    # -- the target opened --------------------------------------------------------------------

    def opened(self, results: list[Result], local_problems: list[str]) -> list[Effect]:
        """The target is open and every step inspected: where the walk starts."""
        self.opening = False
        self.open = True
        effects: list[Effect] = [LogLine(f"! {problem}") for problem in local_problems]
        for result in results:
            if result.status == FAILED:
                effects.append(self._set(result.step, FAILED))
        left = [key for key in self.steps if self.states[key] not in FINISHED]
        done = sum(1 for key in self.steps if self.states[key] in TICKED)
        skipped = sum(1 for key in self.steps if self.states[key] == SKIPPED)
        said = f"{done} of {len(self.steps)} steps done" + (
            f", {skipped} skipped" if skipped else ""
        )
        effects.append(Status(end=f"Ready: {said}. Enter runs the step shown."))
        effects.append(ShowStep(left[0] if left else SUMMARY))
        if self.run_rest_pending:
            self.run_rest_pending = False
            effects += self.run_rest()
        return effects

    def open_failed(self, message: str) -> list[Effect]:
        self.opening = False
        return [
            Status(end="Could not open the target."),
            LogLine(f"✗ {message}"),
            Outcome(self.steps[0], f"✗ {message}", failed=True),
        ]

    # -- runs ---------------------------------------------------------------------------------

    def steps_left(self) -> list[str]:
        """The steps not done yet, in order (what ctrl+r runs)."""
        return [key for key in self.steps if self.states[key] not in FINISHED]

    def first_failed(self) -> str | None:
        return next((key for key in self.steps if self.states[key] == FAILED), None)

    def run_rest(self) -> list[Effect]:
        """ctrl+r: run every step not done yet; while the target opens, once it is open."""
        if self.opening:
            self.run_rest_pending = True
            return [Tell("The rest runs as soon as the target is open.")]
        left = self.steps_left()
        return self.start(left) if left else []

    def retry(self) -> list[Effect]:
        failed = self.first_failed()
        return [ShowStep(failed), *self.start([failed])] if failed else []

    def refusal(self) -> str | None:
        """Why no run may start now (None: one may)."""
        if self.asking_to_quit:
            return "Answer the question first."
        if not self.open:
            return "The target is not open yet."
        if self.running:
            return "Wait: the wizard is still working."
        return None

    def start(self, steps: list[str]) -> list[Effect]:
        """Run `steps` (the screen collects their answers first: see `confirm`)."""
        refused = self.refusal()
        if refused:
            return [Tell(refused)]
        return [RunSteps(tuple(steps))]

    def confirmation(self, steps: tuple[str, ...], changes: dict[str, object]) -> Ask | None:
        """The question to ask before `steps` run with `changes`, or None: run at once.

        On a real organisation the SSH key step writes into the user's ~/.ssh and registers the
        key with their account: asked first. The sandbox's own home is the sandbox's."""
        if "ssh-key" in steps and not self.sandbox:
            question = (
                f"The SSH key step writes {changes.get('key_path')} (and .pub) and "
                "college-tui's block in ~/.ssh/config, and registers the key with your "
                "Azure DevOps account. Go ahead?"
            )
            return Ask(question, "Write the key", tuple(steps))
        return None

    def run_started(self) -> None:
        self.running = True

    def may_start_next_step(self) -> bool:
        """Between two steps of a run: go on (False while the quit question is shown)."""
        return not self.asking_to_quit

    def run_ended(
        self, results: list[Result], problems: list[str], log_path: str | None, current: str
    ) -> list[Effect]:
        """A run ended: the states, the status sentence and the step shown next."""
        self.running = False
        if problems:
            where = current if current in self.states else self.steps[0]
            return [
                Outcome(where, "✗ " + " ".join(problems), failed=True),
                Status(end="Nothing was run: fix the answer shown."),
            ]
        effects: list[Effect] = [
            self._set(r.step, r.status) for r in results if r.status in RESULT_STATES
        ]
        failed = [r for r in results if r.status == FAILED]
        if failed:
            effects.append(Status(end=f"{failed[0].title}: failed. Press Enter to retry."))
            effects.append(ShowStep(failed[0].step))
            return effects
        if log_path:
            effects.append(LogLine(f"Details: {log_path}"))
        effects.append(Status(end="Done. Enter runs the next step."))
        following = self.next_open_step(results[-1].step if results else self.steps[0])
        if following and self.states[self.steps[0]] not in TICKED:
            following = self.steps[0]  # nothing after works before the sign-in: shown there
        if following:
            effects.append(ShowStep(following))
        elif self.summary_ready:
            effects.append(Status(end=self.summary_sentence()))
            effects.append(ShowStep(SUMMARY, later=True))
        return effects

    def next_open_step(self, after: str) -> str | None:
        """The first step after `after` that is not done yet."""
        following = self.steps[self.steps.index(after) + 1 :]
        return next((key for key in following if self.states[key] not in FINISHED), None)

    # -- the summary --------------------------------------------------------------------------

    def summary_filled(self, done: int, total: int, pull_request_url: str | None) -> list[Effect]:
        self.summary_ready = True
        self.summary_done = (done, total)
        effects: list[Effect] = [Status(end=self.summary_sentence())]
        if pull_request_url:
            effects.append(LogLine(f"Pull request: {pull_request_url}"))
        if not self.running:
            effects.append(ShowStep(SUMMARY, later=True))  # once the link buttons are mounted
        return effects

    def summary_sentence(self) -> str:
        done, total = self.summary_done
        return (
            f"Summary: {done} of {total} challenge outcomes done. "
            "Enter copies the link shown and opens it."
        )

    # -- failures of ours ---------------------------------------------------------------------

    def crashed(self, apology: str, current: str) -> list[Effect]:
        """A bug of ours (a worker's exception): nothing runs any more; the apology (with the
        log file's path) in the log, and on the panel shown."""
        self.running = False
        self.opening = False
        effects: list[Effect] = [Status(end="Stopped by an unexpected error."), LogLine(apology)]
        if current in self.states:
            effects.append(Outcome(current, apology, failed=True))
        return effects

    # -- moving and quitting ------------------------------------------------------------------

    def neighbour(self, current: str, offset: int) -> str:
        order = self.steps + [SUMMARY]
        index = order.index(current) if current in order else 0
        return order[max(0, min(len(order) - 1, index + offset))]

    def quit_requested(self) -> str:
        """ctrl+q: at once unless a run the user started is going on (opening only reads)."""
        if not self.running:
            return QUIT_NOW
        self.asking_to_quit = True
        return ASK_FIRST

    def quit_answered(self, yes: bool) -> None:
        self.asking_to_quit = False
