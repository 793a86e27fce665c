"""The wizard's state machine, without Textual: what the screen shows and does next.

Facts come in (an engine event, the target opened, a run ended, the summary arrived, a key
pressed, a worker failed); effects come out (wizard_effects.py: a step's state, the status
sentence, a panel's outcome, which step to show, a run to start, a question to ask).
`WizardScreen` routes messages and applies the effects to its widgets; every decision is here,
where a test needs no terminal: what follows a run, whether the next step of a run may start
(the quit question), which worker's failure stops the wizard, the questions asked first, whether
a box that needs you takes the keyboard (typing_pause.py) and (sign_in_modes.py) the ways to sign in.

A step's state is a `StepStatus` (vocabulary.py): a result's status is a state as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import StepKey, StepStatus
from .sign_in_modes import SignInModes
from .step_states import StepStates
from .typing_pause import Typing
from .wizard_effects import (
    ENGINE,
    PANELS,
    RESULT_STATES,
    SUMMARY,
    TICKED,
    Ask,
    CancelRun,
    Effect,
    FollowUp,
    Handoff,
    LogLine,
    Outcome,
    Quit,
    Result,
    RunSteps,
    ShowCommands,
    ShowStep,
    SignInWithPat,
    Status,
    Tell,
)

if TYPE_CHECKING:
    from .. import events as ev

QUIT_QUESTION = (
    "A step is running. Quit now? The step is cancelled cleanly and can be run again later."
)
# The worker groups whose failure stops the wizard (others are helpers: the wizard goes on).
STOPPING_GROUPS = (ENGINE, PANELS)


BACKGROUND = "Running in the background, beside the steps that do not need it…"


class WizardModel:
    """The wizard's state: the steps' states, whether the target is open, whether a run the user
    started is going on, whether the quit question is on screen."""

    def __init__(self, steps: list[StepKey], sandbox: bool, org_url: str | None = None) -> None:
        self.steps = list(steps)
        self.sandbox = sandbox
        self.states = StepStates(steps)
        self.opening = True  # the target is being opened and inspected (read-only)
        self.open = False
        self.running = False  # a run the user started
        self.asking_to_quit = False
        self.gone = False  # the screen went (a crash, the terminal closed): nothing waits
        self.run_rest_pending = False  # ctrl+r while the target was opening
        self.summary_ready = False
        self.found: dict[StepKey, str] = {}  # seen made while opening, before the sign-in
        self.summary_done = (0, 0)
        self.typing = Typing()  # a box that appears takes the keyboard, unless typing goes on
        # From nothing (no organisation URL): the sign-in comes before any organisation.
        self.sign_in = SignInModes(sandbox, from_nothing=org_url is None)

    @property
    def busy(self) -> bool:
        """Whether the engine works: the target opening (read-only) or a run the user started."""
        return self.opening or self.running

    # -- the engine's events ------------------------------------------------------------------

    def event(
        self, event: ev.Event, looking: bool, current: str, background: bool = False
    ) -> list[Effect]:
        """Effects of one engine event (`looking`: from an inspect-only call; `background`:
        from a step started early beside the run's own, ui/background_steps.py)."""
        from .. import events as ev  # its dataclasses: after the first frame (figure 1)

        if event.step not in self.states:
            return []
        key = StepKey(event.step)
        if background and isinstance(event, ev.StepStarted | ev.StepProgress | ev.Waiting):
            # The panel and the status pane stay with the step in the foreground.
            if not isinstance(event, ev.StepStarted):
                return []
            return [self.states.set(key, StepStatus.RUNNING), Outcome(key, BACKGROUND)]
        if looking:
            if isinstance(event, ev.StepFailed):
                failed = Outcome(key, f"✗ {event.message}", failed=True)
                return [self.states.set(key, StepStatus.FAILED), failed]
            if isinstance(event, ev.StepFinished) and self.opening:
                if event.skipped:
                    return [self.states.set(key, StepStatus.SKIPPED), Outcome(key, event.summary)]
                if key != self.steps[0] and not self.states.signed_in:
                    # Seen before the sign-in (the sandbox's organisation exists from the
                    # start): said on its panel, ticked only once the attendee signed in.
                    self.found[key] = event.summary
                    return [Outcome(key, f"Found: {event.summary}")]
                # Found made before this session: "already there", not "done".
                return [
                    self.states.set(key, StepStatus.ALREADY),
                    Outcome(key, f"✓ {event.summary}"),
                ]
            return []
        if isinstance(event, ev.StepStarted):
            # An earlier ✗ (or ✓) is gone as the step runs again: its new end is said.
            effects: list[Effect] = [
                self.states.set(key, StepStatus.RUNNING),
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
            stop = " (Escape stops waiting)" if self.states[key] == StepStatus.NEEDS_YOU else ""
            return [Status(wait=f"{event.how_long.capitalize()}: {event.message}{stop}")]
        if isinstance(event, ev.NeedsYou):
            # The step's last operation (e.g. an upload that was refused) is over: the status
            # says whose turn it is, and the wait that follows says for how long.
            return [
                self.states.set(key, StepStatus.NEEDS_YOU),
                Handoff(key, event, focus=key == current and not self.typing.now),
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
                said = Outcome(key, event.summary)
                return [self.states.set(key, StepStatus.SKIPPED), Handoff(key, None), said]
            state = StepStatus.ALREADY if event.already_done else StepStatus.DONE
            effects = [
                self.states.set(key, state),
                Handoff(key, None),
                Outcome(key, f"✓ {event.summary}"),
            ]
            if key == self.steps[0]:  # signed in: what was found before is ticked now
                for seen, summary in self.found.items():
                    if self.states[seen] == StepStatus.TODO:
                        ticked = Outcome(seen, f"✓ {summary}")
                        effects += [self.states.set(seen, StepStatus.ALREADY), ticked]
                self.found.clear()
            return effects
        if isinstance(event, ev.StepFailed):
            return [
                self.states.set(key, StepStatus.FAILED),
                Handoff(key, None),
                Outcome(key, f"✗ {event.message}", failed=True),
            ]
        return []

    # -- the target opened --------------------------------------------------------------------

    def opened(self, results: list[Result], local_problems: list[str]) -> list[Effect]:
        """The target is open and every step inspected: where the walk starts."""
        self.opening = False
        self.open = True
        effects: list[Effect] = [LogLine(f"! {problem}") for problem in local_problems]
        for result in results:
            if result.status == StepStatus.FAILED:
                effects.append(self.states.set(result.step, StepStatus.FAILED))
        left = self.states.left()
        done = self.states.count(*TICKED)
        skipped = self.states.count(StepStatus.SKIPPED)
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

    def steps_left(self) -> list[StepKey]:
        """The steps not done yet, in order (what ctrl+r runs)."""
        return self.states.left()

    def first_failed(self) -> StepKey | None:
        return self.states.first(StepStatus.FAILED)

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

    def start(self, steps: list[StepKey]) -> list[Effect]:
        """Run `steps` (the screen collects their answers first: see `confirm`)."""
        refused = self.refusal()
        if refused:
            return [Tell(refused)]
        return [RunSteps(tuple(steps))]

    def confirmation(self, steps: tuple[StepKey, ...], changes: dict[str, object]) -> Ask | None:
        """The question to ask before `steps` run with `changes`, or None: run at once.

        On a real organisation the SSH key step writes into the user's ~/.ssh and registers the
        key with their account: asked first. The sandbox's own home is the sandbox's."""
        if StepKey.SSH_KEY in steps and not self.sandbox:
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
        """Between two steps of a run (asked on the run's worker thread): go on, unless the quit
        question is shown. Once the screen is gone nothing waits: the run ends, cancelled."""
        return self.gone or not self.asking_to_quit

    @staticmethod
    def run_goes_on(results: list[Result]) -> bool:
        """After one step of a run: the next starts unless this one failed."""
        return not any(r.status == StepStatus.FAILED for r in results)

    def follow_up(self, results: list[Result]) -> FollowUp:
        """What the worker reads for the screen once a run (or the opening) ends: the public key
        once the SSH key step is through, your organisations to pick from once signed in to
        Azure DevOps (not before the organisation step is through), the summary at the end."""
        through = {r.step for r in results if r.ok or r.status == StepStatus.WARNING}
        return FollowUp(
            show_key=StepKey.SSH_KEY in through,
            list_organizations=StepKey.SIGN_IN in through
            and not self.sandbox
            and StepKey.ORGANIZATION not in through,
            fill_summary=through >= set(self.steps) or StepKey.PULL_REQUEST in through,
        )

    def organization_known(self, org_url: str) -> list[Effect]:
        """A run made the organisation known (picked or created): By hand names it from now on;
        still to sign in (a personal account's way), the token made on its page is the way."""
        effects: list[Effect] = [ShowCommands()]
        if not self.states.signed_in:
            effects.append(SignInWithPat(org_url))
        return effects

    def run_ended(
        self, results: list[Result], problems: list[str], log_path: str | None, current: str
    ) -> list[Effect]:
        """A run ended: the states, the status sentence and the step shown next."""
        self.running = False
        if problems:
            where = StepKey(current) if current in self.states else self.steps[0]
            return [
                Outcome(where, "✗ " + " ".join(problems), failed=True),
                Status(end="Nothing was run: fix the answer shown."),
            ]
        effects: list[Effect] = [
            self.states.set(r.step, r.status) for r in results if r.status in RESULT_STATES
        ]
        failed = [r for r in results if r.status == StepStatus.FAILED]
        if failed:
            effects.append(Status(end=f"{failed[0].title}: failed. Press Enter to retry."))
            effects.append(ShowStep(failed[0].step))
            return effects
        if log_path:
            effects.append(LogLine(f"Details: {log_path}"))
        effects.append(Status(end="Done. Enter runs the next step."))
        following = self.next_open_step(results[-1].step if results else self.steps[0])
        if following and not self.states.signed_in:
            following = self.steps[0]  # nothing after works before the sign-in: shown there
        if following:
            effects.append(ShowStep(following))
        elif self.summary_ready:
            effects.append(Status(end=self.summary_sentence()))
            effects.append(ShowStep(SUMMARY, later=True))
        return effects

    def next_open_step(self, after: StepKey) -> StepKey | None:
        """The first step after `after` that is not done yet."""
        return next(iter(self.states.left(after=after)), None)

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

    def worker_failed(self, group: str | None, apology: str, current: str) -> list[Effect]:
        """A worker's exception (a bug of ours): an engine call or the panels' mounting stops
        the wizard (`crashed`); a helper's (the warm-up, the browser) is said and the wizard
        goes on."""
        if group in STOPPING_GROUPS:
            return self.crashed(apology, current)
        return [LogLine(apology), Tell(apology, error=True)]

    def crashed(self, apology: str, current: str) -> list[Effect]:
        """A bug of ours stopped the wizard: nothing runs any more; the apology (with the
        log file's path) in the log, and on the panel shown."""
        self.running = False
        self.opening = False
        effects: list[Effect] = [Status(end="Stopped by an unexpected error."), LogLine(apology)]
        if current in self.states:
            effects.append(Outcome(StepKey(current), apology, failed=True))
        return effects

    # -- moving and quitting ------------------------------------------------------------------

    def neighbour(self, current: str, offset: int) -> str:
        order: list[str] = [*self.steps, SUMMARY]
        index = order.index(current) if current in order else 0
        return order[max(0, min(len(order) - 1, index + offset))]

    def quit_requested(self) -> Quit:
        """ctrl+q: at once unless a run the user started is going on (opening only reads)."""
        if not self.running:
            return Quit.NOW
        self.asking_to_quit = True
        return Quit.ASK_FIRST

    def quit_answered(self, yes: bool) -> list[Effect]:
        """The quit question answered: the run goes on (no), or is cancelled (yes) and the app
        exits once the engine's worker ended; either way the gate between steps opens."""
        self.asking_to_quit = False
        if not yes:
            return []
        return [CancelRun(), Status(wait="Cancelling: the step stops at its next safe point…")]

    def cancel_requested(self) -> list[Effect]:
        """Escape while a step of a run waits for the person (a device code, a new organisation,
        a key added by hand): the step ends, cancelled. Nothing runs: nothing to stop."""
        if not self.running:
            return []
        return [CancelRun(), Status(wait="Cancelling: the step stops waiting…")]

    def screen_gone(self) -> None:
        """The wizard screen went with the question unanswered (a crash, the terminal closed, a
        test's end): a run waiting between two steps goes on to its cancelled end."""
        self.gone = True
        self.asking_to_quit = False
