"""Keep docs/troubleshooting.md complete: every sentence the engine can show a user has an entry.

The sentences are read from the source with `ast`, so a new message is found wherever it is
built (a `raise`, a helper that returns a sentence, a `problems.append`, a hint table): every
string of four or more words that reads like a sentence, in the modules listed in SECTIONS, is a
message, except docstrings, log calls and purely informational events (notes, progress, summaries).
f-string placeholders become `{…}`, so `Gave up waiting for {what} after {timeout:g} s.` and the
doc's `Gave up waiting for {what} after {seconds} s.` are the same message.

    python -m tests.troubleshooting            # list messages without an entry (exit 1 if any)
    python -m tests.troubleshooting --update   # add a TODO entry for each, drop stale ones

The test (tests/test_troubleshooting.py) fails on a message without an entry, an entry whose
message no longer exists, and an entry whose cause or fix still says TODO.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "college_tui"
DOC = ROOT / "docs" / "troubleshooting.md"

# Where messages come from, and the doc section (one per step, then the shared layers) they go to.
# Order = order in the doc. A module not listed here is not scanned: add it when it gains messages.
SECTIONS: list[tuple[str, list[str]]] = [
    (
        "Before anything starts: the answers file and the machine",
        [
            "steps/answers.py",
            "steps/answer_limits.py",
            "steps/roster.py",
            "steps/textfiles.py",
            "steps/preflight.py",
            "steps/plan.py",
        ],
    ),
    (
        "Step 1 — Sign in",
        [
            "steps/signin.py",
            "steps/signin_help.py",
            "azdo/credentials.py",
            "azdo/entra_errors.py",
            "azdo/authority.py",
            "azdo/remembered.py",
        ],
    ),
    ("Step 2 — Organisation", ["steps/organization.py"]),
    ("Step 3 — Project", ["steps/project.py"]),
    ("Step 4 — Team", ["steps/team.py"]),
    ("Step 5 — Members", ["steps/members.py"]),
    (
        "Step 6 — SSH key",
        [
            "steps/sshkey.py",
            "steps/sshkey_registration.py",
            "steps/sshrules.py",
            "steps/sshaccess.py",
            "workstation/sshkeys.py",
            "workstation/sshkeyfiles.py",
            "workstation/sshconfig.py",
            "workstation/knownhosts.py",
            "workstation/sshcheck.py",
            "workstation/sshlogin.py",
            "workstation/sshagent.py",
        ],
    ),
    ("Step 7 — Import the course repository", ["steps/importrepo.py"]),
    (
        "Step 8 — Clone",
        [
            "steps/clone.py",
            "steps/gitaccess.py",
            "workstation/git.py",
            "workstation/gitrun.py",
            "workstation/gitssh.py",
            "workstation/gitcredential.py",
        ],
    ),
    ("Step 9 — Pull request", ["steps/pullrequest.py"]),
    ("After the day: teardown", ["steps/teardown.py", "opening/teardown.py"]),
    (
        "Any step: talking to Azure DevOps",
        [
            "azdo/errors.py",
            "azdo/client/plumbing.py",
            "azdo/client/failures.py",
            "azdo/client/shared.py",
            "azdo/client/accounts.py",
            "azdo/client/projects.py",
            "azdo/client/members.py",
            "azdo/client/sshkeys.py",
            "azdo/client/repos.py",
            "azdo/client/pullrequests.py",
            "azdo/raw.py",
            "azdo/retry.py",
            "azdo/http.py",
            "azdo/reach.py",
            "azdo/redact.py",
            "azdo/urls.py",
            "steps/org_url.py",
            "azdo/models.py",
        ],
    ),
    (
        "Any step: files, keyring and progress on your machine",
        [
            "steps/base.py",
            "steps/runner.py",
            "steps/session.py",
            "steps/state.py",
            "steps/checklist.py",
            "steps/printer.py",
            "workstation/errors.py",
            "workstation/atomic.py",
            "workstation/secrets.py",
            "workstation/childenv.py",
            "workstation/openssh.py",
            "workstation/fresh.py",
            "workstation/localwork.py",
        ],
    ),
    (
        "college-tui doctor",
        [
            "steps/doctor.py",
            "steps/doctor_check.py",
            "steps/doctor_local.py",
            "steps/doctor_network.py",
        ],
    ),
    (
        "Windows, macOS, WSL and your terminal",
        [
            "launch.py",
            "steps/desktop.py",
            "workstation/hostos/keyfiles.py",
            "workstation/hostos/agent.py",
            "workstation/hostos/desktop.py",
        ],
    ),
    (
        "The command line",
        [
            "cli/root.py",
            "cli/common.py",
            "cli/engine_commands.py",
            "cli/class_commands.py",
            "cli/sandbox_commands.py",
            "opening/__init__.py",
            "opening/engine.py",
            "opening/sandbox_target.py",
            "opening/sandbox_plan.py",
            "opening/sandbox_folder.py",
            "opening/fresh.py",
            "opening/class_account.py",
            "opening/class_view.py",
            "opening/service_target.py",
            "settings.py",
            "ui/wizard_model.py",
        ],
    ),
    ("The sandbox's own answers", ["sandbox/guard.py", "sandbox/web/internal.py"]),
]
# Modules with messages that must be in SECTIONS (a new module under these folders is caught).
SCANNED_FOLDERS = ("steps", "azdo", "workstation", "opening")
# Never shown to a user as a problem: the in-memory keyring of the tests and the sandbox, and
# the panels' "By hand" sequences (teaching text, not messages to troubleshoot).
NOT_SCANNED = {"workstation/memory_keyring.py", "steps/by_hand.py"}
# Modules read for the sentences named here only (their other strings are status lines and
# prompts, not problems); an entry for one goes stale as soon as the module stops saying it.
PICKED = {"ui/wizard_model.py": ("Could not open the target.",)}

# Calls whose string arguments are information, not something to troubleshoot.
_INFORMATIONAL_CALLS = {
    "Note",
    "note",
    "StepProgress",
    "progress",
    "Inspection",
    "StepFinished",
    "StepStarted",
    "HttpCall",
    "ok",
    "echo_plan",
}
_LOG_RECEIVERS = {"log", "logger", "logging", "_log", "LOG"}
_CLASS_FIELDS = {"teaches", "title", "key"}  # a step's own description, shown as information
# Text that is content, not a message: what the pull-request step commits and describes.
NOT_MESSAGES = ("{…} joins the AI Developer College. Made by college-tui",)
_SENTENCE_END = re.compile(r"[.?!]['\")\]]*(\s|$)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_ERROR_NAME = re.compile(r"(Error|Exception|Refused|NotReady)$")
HOLE = "{…}"


@dataclass(frozen=True)
class Message:
    """A sentence in the source: `text` with placeholders as {…}, and where it is."""

    text: str
    module: str  # "steps/signin.py"
    line: int

    @property
    def key(self) -> str:
        return normalise(self.text)


def normalise(text: str) -> str:
    """Placeholders (`{…}`, `{what}`, `{timeout:g}`) become {…}; whitespace collapses."""
    return " ".join(_PLACEHOLDER.sub(HOLE, text).split())


def _text_of(node: ast.AST) -> str | None:
    """The text of a str constant, f-string or `+` of those; None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append(HOLE)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text_of(node.left), _text_of(node.right)
        if left is not None or right is not None:
            return (left if left is not None else HOLE) + (right if right is not None else HOLE)
    return None


def _is_sentence(text: str) -> bool:
    plain = _PLACEHOLDER.sub("x", text.replace(HOLE, "x")).strip()
    return (
        len(plain.split()) >= 4
        and bool(_SENTENCE_END.search(plain))
        and not plain.startswith("#")
        and not text.startswith(NOT_MESSAGES)
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _receiver(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


# Exceptions that say the code is wrong, not the user's world: never a sentence for the user.
_BUG_ERRORS = ("RuntimeError", "AssertionError")


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes whose strings are not messages: docstrings, logs, informational events."""
    skipped: set[int] = set()

    def skip(node: ast.AST) -> None:
        skipped.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.endswith(
            "_lines"
        ):
            skip(node)  # formatters of other messages (printer.py, the doctor's table)
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in _CLASS_FIELDS for t in item.targets
                ):
                    skip(item)
        if isinstance(node, ast.keyword) and node.arg == "help":  # click option help
            skip(node)
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and _call_name(node.exc) in _BUG_ERRORS
        ):
            skip(node)  # a broken invariant: the user meets the crash handler's apology instead
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skip(body[0])
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if _receiver(node) in _LOG_RECEIVERS or name in _INFORMATIONAL_CALLS:
            skip(node)
        elif name == "Outcome":  # the summary is information; warnings= are messages
            for arg in node.args[:1]:
                skip(arg)
            for keyword in node.keywords:
                if keyword.arg == "summary":
                    skip(keyword.value)
        elif name in ("warning", "problem"):  # doctor rows: key, title, found are not advice
            for arg in node.args[:3]:
                skip(arg)
        elif name in ("StepResult", "dataclass", "field"):
            skip(node)
    return skipped


def _raised_texts(tree: ast.AST) -> set[int]:
    """ids of strings handed straight to an exception (in a `raise`, or built by a factory that
    returns it): messages whatever their shape."""
    out: set[int] = set()
    for node in ast.walk(tree):
        call = node.exc if isinstance(node, ast.Raise) else node
        if not isinstance(call, ast.Call):
            continue
        if isinstance(node, ast.Raise) or _ERROR_NAME.search(_call_name(call)):
            for arg in call.args[:1]:
                if _text_of(arg) is not None:
                    out.add(id(arg))
    return out


def messages_in(path: Path) -> list[Message]:
    """The user-facing sentences of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = path.relative_to(PACKAGE).as_posix() if path.is_relative_to(PACKAGE) else path.name
    skipped = _skipped_nodes(tree)
    raised = _raised_texts(tree)
    inner: set[int] = set()  # parts of a string already taken whole
    found: list[Message] = []
    for node in ast.walk(tree):
        if id(node) in skipped or id(node) in inner:
            continue
        text = _text_of(node)
        if text is None:
            continue
        inner.update(id(n) for n in ast.walk(node) if n is not node)
        if _is_sentence(text) or (id(node) in raised and len(text.split()) >= 3):
            found.append(Message(" ".join(text.split()), module, node.lineno))
    return found


def scanned_modules() -> list[str]:
    return [module for _title, modules in SECTIONS for module in modules]


def unlisted_modules() -> list[str]:
    """Modules under the scanned folders that hold sentences but have no section."""
    listed = set(scanned_modules())
    out = []
    for folder in SCANNED_FOLDERS:
        for path in sorted((PACKAGE / folder).glob("*.py")):
            module = path.relative_to(PACKAGE).as_posix()
            if module not in listed and module not in NOT_SCANNED and messages_in(path):
                out.append(module)
    return out


def collect() -> dict[str, list[Message]]:
    """Section title -> its messages (first occurrence of each normalised text only)."""
    seen: set[str] = set()
    out: dict[str, list[Message]] = {}
    for title, modules in SECTIONS:
        out[title] = []
        for module in modules:
            path = PACKAGE / module
            if not path.exists():
                continue
            for message in messages_in(path):
                if module in PICKED and message.text not in PICKED[module]:
                    continue
                if message.key not in seen:
                    seen.add(message.key)
                    out[title].append(message)
    return out


# -- the doc --------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One `###` entry of the doc: its heading, the messages it explains, cause and fix."""

    heading: str
    templates: list[str] = field(default_factory=list)  # as written in the doc
    body: str = ""  # the lines after the templates (Cause / Fix), verbatim

    @property
    def keys(self) -> set[str]:
        return {normalise(t) for t in self.templates}

    def render(self) -> str:
        quoted = "\n\n".join(f"> `` {t} ``" for t in self.templates)
        return f"### {self.heading}\n\n{quoted}\n\n{self.body.strip()}\n"


_TODO_BODY = "**Cause:** TODO.\n\n**Fix:** TODO."
_HEADER_END = "<!-- entries: generated by `python -m tests.troubleshooting --update` -->"


class Section(list):
    """The entries of one `##` section, and the text between its title and first entry."""

    intro: str = ""


def parse_doc(text: str) -> tuple[str, dict[str, Section]]:
    """(the text before the entries, section title -> its entries)."""
    head, _, rest = text.partition(_HEADER_END)
    sections: dict[str, Section] = {}
    current: Section | None = None
    entry: Entry | None = None
    for line in rest.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), Section())
            entry = None
        elif line.startswith("### ") and current is not None:
            entry = Entry(line[4:].strip())
            current.append(entry)
        elif (
            entry is not None
            and line.startswith("> `` ")
            and line.rstrip().endswith(" ``")
            and not entry.body.strip()
        ):
            entry.templates.append(line.rstrip()[5:-3])
        elif entry is not None:
            entry.body += line + "\n"
        elif current is not None:
            current.intro += line + "\n"
    return head, sections


def missing_and_stale(doc_text: str) -> tuple[list[Message], list[str]]:
    """Messages with no entry, and doc templates that match no message any more."""
    _head, sections = parse_doc(doc_text)
    documented = {key for entries in sections.values() for e in entries for key in e.keys}
    messages = [m for found in collect().values() for m in found]
    current = {m.key for m in messages}
    missing = [m for m in messages if m.key not in documented]
    stale = [
        t
        for entries in sections.values()
        for e in entries
        for t in e.templates
        if normalise(t) not in current
    ]
    return missing, stale


def todo_entries(doc_text: str) -> list[str]:
    _head, sections = parse_doc(doc_text)
    return [e.heading for entries in sections.values() for e in entries if "TODO" in e.body]


def update(doc_text: str) -> str:
    """The doc with a TODO entry for each new message and stale templates removed."""
    head, sections = parse_doc(doc_text)
    current = collect()
    keys = {m.key for found in current.values() for m in found}
    for entries in sections.values():
        for entry in entries:
            entry.templates = [t for t in entry.templates if normalise(t) in keys]
    documented = {k for entries in sections.values() for e in entries for k in e.keys}
    out = [head.rstrip() + "\n\n" + _HEADER_END + "\n"]

    def section(title: str, entries: list[Entry]) -> None:
        intro = sections[title].intro.strip() if title in sections else ""
        out.append(f"\n## {title}\n" + (f"\n{intro}\n" if intro else ""))
        out.extend("\n" + e.render() for e in entries)

    for title, messages in current.items():
        entries = [e for e in sections.get(title, []) if e.templates]
        for message in messages:
            if message.key not in documented:
                entries.append(Entry(_heading(message.text), [message.text], _TODO_BODY))
                documented.add(message.key)
        if entries:
            section(title, entries)
    for title, old in sections.items():  # a section that no longer exists keeps its entries
        if title not in current and any(e.templates for e in old):
            section(title, [e for e in old if e.templates])
    return "".join(out)


def _heading(text: str) -> str:
    words = text.replace(HOLE, "…").split()
    short = " ".join(words[:9])
    return short if len(words) <= 9 else short.rstrip(".,:;") + " …"


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Troubleshooting\n"
    if "--update" in argv:
        DOC.write_text(update(text), encoding="utf-8")
        text = DOC.read_text(encoding="utf-8")
    missing, stale = missing_and_stale(text)
    for message in missing:
        print(f"no entry: {message.module}:{message.line}: {message.text}")
    for template in stale:
        print(f"stale entry: {template}")
    for heading in todo_entries(text):
        print(f"TODO in entry: {heading}")
    for module in unlisted_modules():
        print(f"not scanned: college_tui/{module} holds sentences: add it to SECTIONS")
    return 1 if missing or stale or todo_entries(text) or unlisted_modules() else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
