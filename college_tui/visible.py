"""Text from the service, files or the user, made safe to show: the one sanitiser.

A display name such as `Ada\\x1b]0;PWNED\\x07\\x1b[2J` in the service's answer would set the
terminal's title and clear the screen if printed as it is, and keep the raw escapes in the
activity log. Every control character (C0 but newline and tab, DEL, C1) and every character
that reorders text on screen (the bidirectional overrides and isolates) is shown as its escape
(`\\x1b`, `\\u202e`) instead: visible, so nothing is hidden, and inert. Events, inspections and
outcomes pass their text through it when made (events.py, steps/base.py), and every printer and
the activity file pass their lines through it again, so no front end meets a raw one.
"""

from __future__ import annotations

import re

# C0 controls but \t and \n, DEL, C1 controls, and the bidi marks, embeddings, overrides and
# isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069).
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character shown as its escape; newlines and tabs kept."""
    if not isinstance(text, str) or not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(_escape, text)


def visible_fields(obj: object) -> None:
    """Make every text field of a (frozen) dataclass instance visible, in place."""
    for name, value in vars(obj).items():
        if isinstance(value, str) and _HIDDEN.search(value):
            object.__setattr__(obj, name, visible(value))
        elif isinstance(value, tuple) and any(isinstance(v, str) for v in value):
            object.__setattr__(obj, name, tuple(visible(v) for v in value))
