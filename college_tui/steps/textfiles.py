"""Reading a small text file the attendee names (the answers file, the CSV roster) safely.

Only a regular file is read, and only up to a size limit: a FIFO, a device such as /dev/zero or a
folder is refused from its `stat` alone, before anything opens it (opening a FIFO blocks until a
writer comes, which froze the wizard). The text must be UTF-8 (a BOM is fine); UTF-16, other
encodings and binary files get a sentence that says how to save the file, never a
`UnicodeDecodeError`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_BYTES = 8 * 1024 * 1024  # 8 MB: a roster of 100,000 colleagues fits; /dev/zero does not


class TextFileError(Exception):
    """The file cannot be read as text; the message is one sentence naming it."""


def text_file_problem(
    path: os.PathLike[str] | str, what: str, *, limit: int = MAX_BYTES
) -> str | None:
    """Why `path` is not a regular file of at most `limit` bytes, from `stat` only (never opens
    it, so a FIFO cannot block the caller); None when it may be read."""
    try:
        info = os.stat(path)
    except OSError as exc:
        return f"Cannot read {what} {path}: {exc.strerror or exc}. Check the path."
    if stat.S_ISDIR(info.st_mode):
        return f"{what.capitalize()} {path} is a folder: give the path of a file."
    if not stat.S_ISREG(info.st_mode):
        return _not_regular(path, what)
    if info.st_size > limit:
        return _too_big(path, what, limit)
    return None


def _not_regular(path: os.PathLike[str] | str, what: str) -> str:
    return (
        f"{what.capitalize()} {path} is not a regular file (a pipe, device or socket): "
        "save the text in a file and give its path."
    )


def _too_big(path: os.PathLike[str] | str, what: str, limit: int) -> str:
    return (
        f"{what.capitalize()} {path} is bigger than {limit // 1024 // 1024} MB: check that it "
        "is the right file."
    )


def read_text_file(path: os.PathLike[str] | str, what: str, *, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of regular file `path` (at most `limit` bytes), or `TextFileError`.

    `what` names the file in the sentence ("the answers file", "the CSV roster")."""
    problem = text_file_problem(path, what, limit=limit)
    if problem:
        raise TextFileError(problem)
    try:
        # O_NONBLOCK: if the path became a FIFO since the stat, opening it does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise TextFileError(
            f"Cannot read {what} {path}: {exc.strerror or exc}. Check the path."
        ) from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise TextFileError(_not_regular(path, what))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TextFileError(_too_big(path, what, limit))
    return decode_text(data, Path(path), what)


def decode_text(data: bytes, path: Path, what: str) -> str:
    """`data` as UTF-8 (BOM or not); a sentence naming the encoding problem otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise TextFileError(
            f"{what.capitalize()} {path} is saved as UTF-16: save it as UTF-8 "
            "(in Notepad: Save as, Encoding UTF-8)."
        )
    if b"\x00" in data:
        raise TextFileError(
            f"{what.capitalize()} {path} is not a text file (it holds binary data): "
            "check the path, or save the file as UTF-8 text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextFileError(
            f"{what.capitalize()} {path} is not UTF-8 text (byte {exc.start + 1} cannot be "
            "read; Latin-1 or Windows-1252 perhaps): save it as UTF-8."
        ) from None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: mostly-ASCII text puts a NUL in every other byte."""
    if len(data) < 4 or b"\x00" not in data:
        return False
    evens, odds = data[0::2], data[1::2]
    return evens.count(0) >= 0.9 * len(evens) or odds.count(0) >= 0.9 * len(odds)
