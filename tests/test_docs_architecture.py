"""docs/architecture.md names only what exists, so the map of the house cannot rot.

Paths written out (`college_tui/...`, `tests/...`, `docs/...`) must exist as written. A bare
module or folder name in backticks (`wizard_model.py`, `api/`) must exist in the room whose
section names it: under a `college_tui/...` folder its `###` heading names, or, outside the
rooms, anywhere under college_tui/ or tests/. (A file or folder made at run time, such as the
state dir's logs, is named in plain words, not as a backticked path.)
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"

FULL_PATH = re.compile(r"(?<![\w/.])((?:college_tui|tests|docs)/[\w./-]*)")
BARE_NAME = re.compile(r"`([\w/]*\w\.(?:py|tcss)|\w+(?:/\w+)*/)`")


def full_paths(text: str) -> list[str]:
    return [match.rstrip(".") for match in FULL_PATH.findall(text)]


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) for each `##`/`###` section, the text before the first one included."""
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    return [("", parts[0])] + list(zip(parts[1::2], parts[2::2], strict=True))


def rooms_of(heading: str) -> list[Path]:
    """The folders a room's heading names; none: the name may be anywhere in the project."""
    folders = []
    for path in full_paths(heading):
        found = ROOT / path
        folders.append(found if path.endswith("/") else found.parent)
    return folders or [ROOT / "college_tui", ROOT / "tests"]


def exists_in(name: str, folders: list[Path]) -> bool:
    name = name.rstrip("/")
    return any(
        (folder / name).exists() or any(folder.rglob(name)) for folder in folders if folder.is_dir()
    )


def missing_names(text: str) -> list[str]:
    missing = [f"{path} (as written)" for path in full_paths(text) if not (ROOT / path).exists()]
    for heading, body in sections(text):
        folders = rooms_of(heading)
        for name in BARE_NAME.findall(body):
            if FULL_PATH.fullmatch(name) is None and not exists_in(name, folders):
                where = ", ".join(str(f.relative_to(ROOT)) for f in folders)
                missing.append(f"{name} (not under {where}: {heading or 'the top'})")
    return missing


def test_every_module_the_map_names_exists():
    text = DOC.read_text(encoding="utf-8")
    assert len(full_paths(text)) > 20  # guard: a pattern that matches nothing passes nothing
    assert len(BARE_NAME.findall(text)) > 80
    assert missing_names(text) == []


def test_a_renamed_module_is_caught():
    text = (
        "### The front end: college_tui/ui/\n\n- `wizard_model.py` and `wizard_state.py`.\n"
        "- `college_tui/ui/gone.py`; `app.py` is in the room, `sshserver.py` is not.\n"
    )
    assert missing_names(text) == [
        "college_tui/ui/gone.py (as written)",
        "wizard_state.py (not under college_tui/ui: ### The front end: college_tui/ui/)",
        "sshserver.py (not under college_tui/ui: ### The front end: college_tui/ui/)",
    ]


def test_the_readme_and_the_engine_page_link_the_map():
    assert "(docs/architecture.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(architecture.md)" in (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")


def unnamed_modules(text: str) -> list[str]:
    """Every module of the package the map does not name: by its full path anywhere, or by its
    bare name (`wizard_model.py`, `api/views.py`) in a room that holds it."""
    named_paths = set(full_paths(text))
    named_in: list[tuple[list[Path], set[str]]] = [
        (rooms_of(heading), set(BARE_NAME.findall(body))) for heading, body in sections(text)
    ]
    missing = []
    for module in sorted((ROOT / "college_tui").rglob("*.py")):
        relative = module.relative_to(ROOT).as_posix()
        if module.name == "__init__.py" and module.stat().st_size < 200:
            continue  # a package marker: its folder is the name
        if module.is_relative_to(ROOT / "college_tui" / "sandbox" / "course"):
            continue  # the bundled course repository's files, not a module of ours
        if relative in named_paths:
            continue
        if not any(
            any(
                module.is_relative_to(folder)
                and (f"/{module.relative_to(folder).as_posix()}").endswith(f"/{name}")
                for folder in folders
            )
            for folders, names in named_in
            for name in names
        ):
            missing.append(relative)
    return missing


def test_the_map_names_every_module():
    unnamed = unnamed_modules(DOC.read_text(encoding="utf-8"))
    assert unnamed == [], "name each in docs/architecture.md, in its room's section: " + ", ".join(
        unnamed
    )


def test_an_unnamed_module_is_caught():
    text = "### The front end: college_tui/ui/\n\n- `wizard_model.py`.\n"
    missing = unnamed_modules(text)
    assert "college_tui/ui/app.py" in missing and "college_tui/ui/wizard_model.py" not in missing
