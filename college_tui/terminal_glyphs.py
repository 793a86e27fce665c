"""ASCII stand-ins for what the wizard draws, on a terminal whose encoding cannot show it.

With the C locale and UTF-8 mode off (`LC_ALL=C LANG=C PYTHONUTF8=0`), Python's stderr, where
Textual writes the screen, is ASCII with `backslashreplace`: the header's "◆" reached the
terminal as `\\u25c6`, borders as rows of `\\u2500`. This is the one place that decides what is
drawn instead: every character the stream cannot encode becomes ASCII of the same width in cells
(Textual has placed everything by cells, so a wider stand-in would shift the rest of the line).
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from typing import TextIO

ERRORS = "college-tui-ascii"  # the codec error handler's name (codecs.register_error)

# The wizard's own glyphs (ui/, and the engine's messages it shows), one cell each.
STAND_INS = {
    "◆": "*",  # the header's icon
    "✓": "v",
    "✗": "x",
    "▶": ">",
    "○": "o",
    "★": "*",
    "●": "*",
    "•": "*",
    "…": ".",
    "→": ">",
    "←": "<",
    "▼": "v",
    "▲": "^",
    "×": "x",
    "·": ".",
    "—": "-",
    "–": "-",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "❱": ">",
    "Σ": "S",  # the narrow step list's summary row
}


def stand_in(char: str) -> str:
    """ASCII for `char`, as many characters as `char` takes cells on a terminal."""
    if char in STAND_INS:
        return STAND_INS[char]
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return ""  # takes no cell of its own
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):  # Textual's borders and rules
        return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
    if name == "FULL BLOCK" or "SHADE" in name:  # progress bars
        return "#"
    if "BLOCK" in name:  # the eighths of Textual's tall borders and scrollbars: their colour shows
        return " "
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if len(plain) == 1:  # a letter with an accent: its letter ("é" -> "e")
        return plain * (2 if wide else 1)
    return "??" if wide else "?"


def _replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(stand_in(char) for char in text), error.end


def can_show(stream: object, sample: str = "◆─✓") -> bool:
    """True when `stream`'s encoding can write the wizard's glyphs as they are."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    if encoding == CODEC:
        return False  # it writes stand-ins: choose the plain marks (OK, FAIL) instead
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# The commands' lines (`apply`, `plan`, `doctor`) go through click, which rewraps a stream whose
# encoding is ASCII as UTF-8 ("misconfigured"): “ ” and → reached an ASCII terminal as UTF-8
# bytes. A codec of our own, ASCII with the stand-ins above, is left alone by click.
CODEC = "college-tui-ascii"


class _Encoder(codecs.IncrementalEncoder):
    def encode(self, input: str, final: bool = False) -> bytes:
        return input.encode("ascii", ERRORS)


def _codec(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != CODEC:
        return None
    return codecs.CodecInfo(
        encode=lambda text, errors="strict": (text.encode("ascii", ERRORS), len(text)),
        decode=lambda data, errors="strict": codecs.ascii_decode(data, errors),
        incrementalencoder=_Encoder,
        incrementaldecoder=codecs.getincrementaldecoder("ascii"),
        name=CODEC,
    )


def plain_lines() -> None:
    """Make the commands' stdout and stderr, when they cannot show the glyphs, write ASCII
    stand-ins."""
    codecs.register_error(ERRORS, _replace)
    codecs.register(_codec)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not can_show(stream) and hasattr(stream, "reconfigure"):
            stream.flush()
            stream.reconfigure(encoding=CODEC)


def use_stand_ins(stream: TextIO | None = None) -> bool:
    """Make `stream` (the terminal Textual writes to) draw ASCII stand-ins for what it cannot
    encode; True when it had to. A stream that can show the glyphs is left alone."""
    stream = stream if stream is not None else sys.__stderr__
    if stream is None or can_show(stream) or not hasattr(stream, "reconfigure"):
        return False
    codecs.register_error(ERRORS, _replace)
    stream.reconfigure(errors=ERRORS)
    return True
