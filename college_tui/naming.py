"""Azure DevOps naming rules (Services), shared by the wizard's checks and the sandbox.

Source: MicrosoftDocs `naming-restrictions.md` (see the API reference §13). Each `check_*` returns
None when the name is valid, else a sentence saying what is wrong and what to do.
Lengths count UTF-16 code units like the service (an emoji counts 2).
"""

from __future__ import annotations

import re
import unicodedata

PROJECT_FORBIDDEN = set("/:\\~&%;@'\"?<>|#$*}{,+=[]")
PROJECT_RESERVED = {
    "prn",
    "nul",
    "con",
    "aux",
    "server",
    "signalr",
    "defaultcollection",
    "web",
    "app_browsers",
    "app_code",
    "app_data",
    "app_globalresources",
    "app_localresources",
    "app_themes",
    "app_webresources",
    "bin",
    "web.config",
    *(f"com{i}" for i in range(1, 11)),
    *(f"lpt{i}" for i in range(1, 10)),
}
TEAM_RESERVED = {
    "prn",
    "nul",
    "con",
    "aux",
    *(f"com{i}" for i in range(1, 11)),
    *(f"lpt{i}" for i in range(1, 10)),
}
EMAIL_FORBIDDEN = set('"/\\[]:|<>+=;?*,')
_ORG = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _bad_chars(text: str) -> str | None:
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Cf", "Zl", "Zp", "Cn"):
            return f"U+{ord(ch):04X}"
    return None


def _common(
    kind: str, name: str, *, limit: int, reserved: set[str], forbidden: set[str]
) -> str | None:
    if not name or not name.strip():
        return f"The {kind} name is empty: type a name."
    if name != name.strip():
        return f"The {kind} name {name!r} starts or ends with a space: remove it."
    if utf16_len(name) > limit:
        return f"The {kind} name is longer than {limit} characters: shorten it."
    hidden = _bad_chars(name)
    if hidden:
        return f"The {kind} name contains an invisible or control character ({hidden}): retype it."
    bad = sorted({ch for ch in name if ch in forbidden})
    if bad:
        return f"The {kind} name may not contain {' '.join(bad)}: remove {'it' if len(bad) == 1 else 'them'}."
    if name.startswith("_"):
        return f"The {kind} name may not start with an underscore."
    if name.startswith(".") or name.endswith("."):
        return f"The {kind} name may not start or end with a dot."
    if name.lower() in reserved:
        return f"{name!r} is a name Azure DevOps reserves: choose another {kind} name."
    return None


def check_project_name(name: str) -> str | None:
    """The service's project-name rules (64 chars, forbidden characters, reserved names)."""
    return _common(
        "project", name, limit=64, reserved=PROJECT_RESERVED, forbidden=PROJECT_FORBIDDEN
    )


def check_team_name(name: str) -> str | None:
    """The service's team-name rules; also no `..` or `…`."""
    problem = _common("team", name, limit=64, reserved=TEAM_RESERVED, forbidden=PROJECT_FORBIDDEN)
    if problem:
        return problem
    if ".." in name or "\u2026" in name:
        return "The team name may not contain an ellipsis (.. or …)."
    return None


def check_repo_name(name: str) -> str | None:
    """The service's Git repository name rules."""
    return _common("repository", name, limit=64, reserved=set(), forbidden=PROJECT_FORBIDDEN)


def check_org_name(name: str) -> str | None:
    """Organisation names: letters, digits and hyphens, starting and ending with a letter or digit."""
    if not name or not name.strip():
        return "The organization name is empty: type a name."
    if len(name) > 50:
        return "The organization name is longer than 50 characters: shorten it."
    if not _ORG.match(name):
        return (
            f"VS850015: The specified name is not allowed to be used: {name}. Use English "
            "letters, digits and hyphens, starting and ending with a letter or digit."
        )
    return None


def check_email(address: str) -> str | None:
    """An address the service can invite (its user-name rules plus the shape of an e-mail)."""
    if not address or not address.strip():
        return "The e-mail address is empty."
    if address != address.strip():
        return f"The e-mail address {address!r} has spaces around it: remove them."
    if utf16_len(address) > 256:
        return "The e-mail address is longer than 256 characters."
    hidden = _bad_chars(address)
    if hidden:
        return f"The e-mail address contains an invisible or control character ({hidden})."
    bad = sorted({ch for ch in address if ch in EMAIL_FORBIDDEN})
    if bad:
        return f"The e-mail address {address!r} may not contain {' '.join(bad)}."
    if address.endswith("."):
        return f"The e-mail address {address!r} may not end with a dot."
    if not _EMAIL.match(address):
        return f"{address!r} is not an e-mail address (expected name@domain.tld)."
    local, _, domain = address.rpartition("@")
    if ".." in address:
        return f"The e-mail address {address!r} has two dots in a row: check the address."
    if local.startswith(".") or local.endswith("."):
        return (
            f"The e-mail address {address!r} starts or ends its name (before the @) with a dot: "
            "check the address."
        )
    if any(label.startswith("-") or label.endswith("-") for label in domain.split(".")):
        return (
            f"The e-mail address {address!r} has a domain part starting or ending with a "
            "hyphen: check the address."
        )
    return None
