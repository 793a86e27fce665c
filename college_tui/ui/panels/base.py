"""What every step panel has: what the step does and teaches, where it lives in the portal, the
equivalent command, its inputs pre-filled and checked as typed with the engine's own rules, the
engine's sentence when it ends, a guided hand-off when the engine needs you, one primary action.

A panel never calls the engine: it posts `RunRequested` and the screen's worker does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from ...steps.plan import STEPS
from ...steps.session import TypedSecrets, field_problem
from ..messages import RunRequested
from ..screens import college_app

if TYPE_CHECKING:
    from ...events import NeedsYou
    from ...steps.answers import Answers
    from ...vocabulary import StepKey

PATH_FIELDS = ("key_path", "clone_dir", "members_csv")
TEACHES = {step.key: step.teaches for step in STEPS}
TITLES = {step.key: step.title for step in STEPS}


@dataclass(frozen=True)
class Field:
    """One input: an answers field by name, or a secret (never stored in the answers)."""

    name: str
    label: str
    password: bool = False
    secret: bool = False  # the PAT or the passphrase: goes to the session's secrets only
    placeholder: str = ""
    home: bool = False  # a path where "~" is the target's home (the sandbox's own, said so there)


class PanelHeader(Widget):
    """The intro, what the step teaches, where it lives in the portal and the command by hand,
    as one widget below the step's controls (action first: at 80x24 the controls are in the
    panel's first rows; the title is the panel's border title). As four widgets, each cost a
    layout and a first paint whenever the panel was shown."""

    DEFAULT_CSS = """
    PanelHeader { height: auto; margin-top: 1; }
    PanelHeader > .panel-header--where { color: $text-muted; }
    PanelHeader > .panel-header--command { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"panel-header--where", "panel-header--command"}

    def __init__(self, title: str, teaches: str, portal: str, command: str, intro: str) -> None:
        super().__init__(classes="panel-header")
        self.texts = (title, teaches, portal, command, intro)

    def render(self) -> Content:
        title, teaches, portal, command, intro = self.texts
        where = []
        if portal:
            where.append((f"In the portal: {portal}", "panel-header--where"))
        if command:
            sep = "\n" if "\n" in command else " "  # a sequence starts on its own line
            where.append((f"By hand:{sep}{command}", "panel-header--command"))
        # Below the controls (action first): what to type is said first, then what it teaches.
        parts: list[str | tuple[str, str | Style]] = [intro, "\n\n"] if intro else []
        parts += [("What you learn: ", "bold"), teaches]
        for index, (text, component) in enumerate(where):
            parts += ["\n\n" if index == 0 else "\n", (text, self.get_visual_style(component))]
        return Content.assemble(*parts)


class HandoffBox(Vertical):
    """What the engine needs you to do by hand: the page to open and what to paste there.

    Mounted when the engine asks, removed when the step goes on: most runs never need one, and
    as part of every panel its seven widgets were a third of what each panel mounted."""

    def __init__(self, message: str, url: str, detail: str, focus: bool = False) -> None:
        super().__init__(classes="handoff")
        self.texts = (message, url, detail)
        self.takes_focus = focus

    def on_mount(self) -> None:
        if self.takes_focus:
            take_the_keyboard(self)

    def compose(self) -> ComposeResult:
        message, url, detail = self.texts
        yield Static(message, classes="handoff-text", markup=False)
        # A terminal hyperlink on one line: cut visibly (…) if it must be, the whole URL behind it.
        yield Static(Content.styled(url, Style(link=url, bold=True)), classes="handoff-url")
        yield Static(detail, classes="handoff-detail", markup=False)
        with Horizontal(classes="handoff-actions"):
            if url:
                yield Button("Open the page", variant="primary", classes="open-page", compact=True)
            yield Button("Copy", variant="primary", classes="copy-detail", compact=True)


def take_the_keyboard(box: Widget) -> None:
    """A box that needs you, just mounted, takes the focus (when the wizard's model says so): on
    "Open the page", else "Copy", so Enter does what the box asks."""
    pages = [*box.query(".open-page").results(Button), *box.query(".copy-detail").results(Button)]
    if pages:
        pages[0].focus()


class StepPanel(VerticalScroll):
    STEP: ClassVar[StepKey]
    PORTAL: ClassVar[str] = ""
    COMMAND: ClassVar[str] = ""
    ACTION: ClassVar[str] = "Run this step"
    FIELDS: ClassVar[tuple[Field, ...]] = ()

    def __init__(self, answers: Answers, sandbox: bool) -> None:
        super().__init__(id=f"{self.STEP}-panel", classes="step-panel")
        self.answers = answers
        self.sandbox = sandbox
        self.home: Path | None = None  # the target's home: "~" in path fields
        self.last_handoff: NeedsYou | None = None  # what the engine last asked of you

    # -- what subclasses say ------------------------------------------------------------------

    def fields(self) -> list[Field]:
        """The panel's inputs: its FIELDS, a home path's label saying whose home "~" is."""
        return [replace(f, label=self.home_label(f.label)) if f.home else f for f in self.FIELDS]

    def intro(self) -> str:
        return ""

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def initial(self, name: str) -> str:
        value = getattr(self.answers, name, "")
        if isinstance(value, Path) and self.home is not None and value.is_relative_to(self.home):
            return f"~/{value.relative_to(self.home).as_posix()}"
        return "" if value is None else str(value)

    def value(self, name: str) -> Any:
        """The typed text as the answers field's type (~ is the target's home, as in apply)."""
        raw = self.raw(name).strip()
        if name in PATH_FIELDS:
            if not raw:
                return None
            if self.home is not None and (raw == "~" or raw.startswith("~/")):
                return self.home / raw[2:]
            return Path(raw).expanduser()
        return raw

    def secrets(self) -> TypedSecrets:
        return TypedSecrets()

    def home_label(self, label: str) -> str:
        return f"{label} (~ is the sandbox's own home)" if self.sandbox else label

    def extra_problem(self, name: str) -> str | None:
        """A check the answers cannot make (e.g. the passphrase typed twice)."""
        return None

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.border_title = TITLES[self.STEP]
        yield from self.compose_controls()
        yield Button(
            self.ACTION, variant="primary", classes="primary", id=f"{self.STEP}-run", compact=True
        )
        yield Static("", classes="outcome", id=f"{self.STEP}-outcome", markup=False)
        yield from self.compose_results()
        yield PanelHeader(
            TITLES[self.STEP], TEACHES[self.STEP], self.PORTAL, self.COMMAND, self.intro()
        )

    def compose_results(self) -> ComposeResult:
        """What the step made, under its outcome (e.g. the public key)."""
        yield from ()

    def compose_controls(self) -> ComposeResult:
        """The step's inputs, first in the panel (the primary button follows them)."""
        for field in self.fields():
            yield Label(field.label, classes="field-label")
            yield Input(
                value="" if field.secret else self.initial(field.name),
                password=field.password,
                placeholder=field.placeholder,
                name=field.name,
                id=self.field_id(field.name),
                compact=True,
            )
            # Its error line is mounted under it when it first has a problem (`show_problem`):
            # one widget less per field in each panel's mount at the start (figure 3).
        yield from self.compose_extra()

    def field_id(self, name: str) -> str:
        return f"{self.STEP}-{name.replace('_', '-')}"

    def raw(self, name: str) -> str:
        return self.query_one(f"#{self.field_id(name)}", Input).value

    def load(self, answers: Answers, sandbox: bool, home: Path | None = None) -> None:
        """The session is open: show the engine's defaults resolved for the target."""
        self.answers, self.sandbox, self.home = answers, sandbox, home
        for field in self.fields():
            if not field.secret:
                self.query_one(f"#{self.field_id(field.name)}", Input).value = self.initial(
                    field.name
                )

    def show_command(self, command: str) -> None:
        """The "By hand" commands for the run's target (the session's `by_hand`)."""
        header = self.query_one(PanelHeader)
        title, teaches, portal, _old, intro = header.texts
        header.texts = (title, teaches, portal, college_app(self).scrub(command), intro)
        header.refresh(layout=True)

    def focus_first(self) -> None:
        """The panel opens at its top (its title in view) with the keyboard on its first field
        or its button; Tab scrolls a field below the fold into view as it gets the focus."""
        self.scroll_home(animate=False, immediate=True)
        for widget in self.query("Input, Select"):
            if widget.display and not widget.disabled:
                widget.focus(scroll_visible=False)
                return
        self.query_one(".primary", Button).focus(scroll_visible=False)

    # -- checking as typed --------------------------------------------------------------------

    def problem(self, name: str) -> str | None:
        extra = self.extra_problem(name)
        if extra:
            return extra
        if any(f.name == name and f.secret for f in self.fields()):
            return None
        return field_problem(self.answers, name, self.value(name))

    def show_problem(self, name: str) -> str | None:
        problem = self.problem(name)
        field_id = self.field_id(name)
        error = next(iter(self.query(f"#{field_id}-error").results(Static)), None)
        if error is None:  # never had a problem: its line is not mounted yet
            if not problem:
                return None
            field = self.query_one(f"#{field_id}", Input)
            error = Static("", id=f"{field_id}-error", classes="field-error", markup=False)
            if not field.display:  # a hidden field's line stays hidden (sign-in's PAT)
                error.display = False
            self.mount(error, after=field)
        if str(error.content) != (problem or ""):  # each update is a layout pass of the screen
            error.update(problem or "")
            error.set_class(bool(problem), "-shown")
        return problem

    @on(Input.Changed)
    def _checked_as_typed(self, event: Input.Changed) -> None:
        if event.input.name:
            self.show_problem(event.input.name)
        if event.input.has_focus:  # typed into while below the fold (the panel opened at its top)
            event.input.scroll_visible(animate=False)

    @on(Input.Submitted)
    def _enter_runs(self, event: Input.Submitted) -> None:
        event.stop()
        self.request_run()

    @on(Button.Pressed, ".primary")
    def _run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.request_run()

    def request_run(self) -> None:
        self.post_message(RunRequested(self.STEP))

    def changes(self) -> dict[str, Any] | None:
        """The answers shown, or None (problems shown under their fields) when one is wrong."""
        names = [f.name for f in self.fields()]
        problems = [name for name in names if self.show_problem(name)]
        if problems:
            self.query_one(f"#{self.field_id(problems[0])}", Input).focus()
            return None
        typed = {f.name: self.value(f.name) for f in self.fields() if not f.secret}
        return {**typed, **self.chosen()}

    def chosen(self) -> dict[str, Any]:
        """Answers picked outside the text fields (a Select's value), added to `changes`."""
        return {}

    # -- what the engine said -----------------------------------------------------------------

    def show_outcome(self, text: str, *, failed: bool = False) -> None:
        outcome = self.query_one(".outcome", Static)
        outcome.update(college_app(self).scrub(text))
        outcome.set_class(failed, "-failed")
        outcome.set_class(bool(text), "-shown")  # empty, it takes no rows (80x24 has few)
        self.query_one(".primary", Button).label = "Retry" if failed else self.ACTION

    def show_handoff(self, event: NeedsYou, *, focus: bool = False) -> None:
        """The box of what `event` needs you to do, first in the panel; `focus`: it takes the
        keyboard (the model's decision: not while the attendee types in a field)."""
        self.last_handoff = event
        show = college_app(self).scrub
        texts = (show(event.message), show(event.url or ""), show(event.detail or ""))
        if any(box.texts == texts for box in self.query(HandoffBox)):
            return  # asked again while the step waits: the same box stays (and its focus)
        self.hide_handoff()
        # First in the panel: what needs you is in view as it opens.
        box = HandoffBox(*texts, focus=focus)
        box.border_title = "Your turn"
        self.mount(box, before=0)
        self.add_class("-handed-off")  # the box is your turn: the step's button goes quiet
        self.scroll_home(animate=False)

    def hide_handoff(self) -> None:
        self.remove_class("-handed-off")
        for box in self.query(HandoffBox):
            box.remove()  # no id: a box still being removed never clashes with a new one

    @on(Button.Pressed, ".open-page")
    def _open_page(self, event: Button.Pressed) -> None:
        event.stop()
        if self.last_handoff and self.last_handoff.url:
            college_app(self).open_link(self.last_handoff.url)

    @on(Button.Pressed, ".copy-detail")
    def _copy(self, event: Button.Pressed) -> None:
        event.stop()
        asked = self.last_handoff
        what = "The code" if asked and asked.detail else "The link"
        college_app(self).share((asked.detail or asked.url or "") if asked else "", what)


def select_value(panel: StepPanel, selector: str, default: Any) -> Any:
    value = panel.query_one(selector, Select).value
    return default if value is Select.NULL else value
