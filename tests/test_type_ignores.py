"""Issue 27: a `# type: ignore` only with its reason, in a comment on the line or just above."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "college_tui"
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?")


def _ignores_without_reason(package: Path = PACKAGE) -> list[str]:
    bare = []
    for path in sorted(package.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            found = IGNORE.search(line)
            if not found:
                continue
            after = line[found.end() :].strip()
            above = lines[number - 2].strip() if number > 1 else ""
            if after.startswith("#") or (above.startswith("#") and not IGNORE.search(above)):
                continue
            bare.append(f"{path.relative_to(package.parent)}:{number}: {line.strip()}")
    return bare


def test_every_type_ignore_gives_its_reason() -> None:
    assert _ignores_without_reason() == []


def test_the_scan_sees_a_bare_ignore(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        "a = f()  # type: ignore[arg-type]\n"
        "b = f()  # type: ignore[arg-type]  # f is untyped\n"
        "# g returns Any\n"
        "c = g()  # type: ignore[no-any-return]\n",
        encoding="utf-8",
    )
    assert _ignores_without_reason(tmp_path / "pkg") == [
        "pkg/m.py:1: a = f()  # type: ignore[arg-type]"
    ]
