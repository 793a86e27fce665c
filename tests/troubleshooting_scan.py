"""The sentences in the source, read with `ast` (tests/troubleshooting.py says what counts as a
message and how the doc is kept complete)."""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from tests.troubleshooting_sections import (
    NOT_MESSAGES,
    NOT_SCANNED,
    PACKAGE,
    PICKED,
    SCANNED_FOLDERS,
    SECTIONS,
)

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
    """The user-facing sentences of one module (parsed again only when its text changes)."""
    return list(_messages_in(path, path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=1024)
def _messages_in(path: Path, source: str) -> tuple[Message, ...]:
    # Each test of the doc reads every scanned module (about a second of parsing); keyed by the
    # text itself, so a changed module is never served from the cache.
    tree = ast.parse(source)
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
    return tuple(found)


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
