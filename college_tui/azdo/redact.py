"""Redaction at the source: every HttpCall path, every AzdoError message and every git message.

The one implementation for the whole engine: `workstation/git.py` redacts git's output and the
URLs it prints with `redact` too.

Secrets known at runtime (the PAT, an Entra token, a key passphrase) are registered with
`register_secret`, together with the encodings they travel in (the Basic header is
base64(":" + PAT)). Shapes are caught even when nobody registered them: Authorization values,
PAT-shaped words, JWTs, secret query parameters and the user-info part of URLs.
"""

from __future__ import annotations

import base64
import re
import threading
from urllib.parse import urlsplit

MASK = "***"

_secrets: set[str] = set()
_lock = threading.Lock()

# "Authorization: Basic abc", "'Authorization': 'Bearer eyJ...'", "authorization=..."
_AUTH_HEADER = re.compile(
    r"""(authorization['"]?\s*[:=]\s*['"]?)(?:(basic|bearer|negotiate)\s+)?[^\s'",}]+""",
    re.IGNORECASE,
)
_SCHEME_VALUE = re.compile(r"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._\-]{8,}")
# Query parameters that carry secrets in Azure DevOps / Entra / storage URLs.
_SECRET_QUERY = re.compile(
    r"([?&;](?:access_token|token|sig|code|client_secret|password|pat|refresh_token)=)[^&#\s'\"]*",
    re.IGNORECASE,
)
# https://TOKEN@host and https://user:TOKEN@host lose the user-info; `git@` (the SSH user of every
# Azure Repos URL, never a secret) stays, so an ssh:// URL shown to the user still works.
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.\-]*://)([^/@\s'\"]+)@", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")
# Classic PATs are 52 chars of base32 (a-z2-7); the sandbox's are 52 url-safe chars; the 2024 format
# is 84 alphanumerics. A '.' or '-' before the word means a Graph descriptor or a GUID: kept.
_PAT_52 = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z0-9_\-]{52}(?![A-Za-z0-9_\-])")
_PAT_84 = re.compile(r"(?<![A-Za-z0-9_.\-])[A-Za-z0-9]{84}(?![A-Za-z0-9])")


def register_secret(secret: str | None) -> None:
    """Remember a secret (and its Basic-auth encodings) so `redact` removes it everywhere."""
    if not secret or len(secret) < 4:
        return
    forms = {secret}
    for raw in (f":{secret}", secret):
        forms.add(base64.b64encode(raw.encode()).decode())
    with _lock:
        _secrets.update(forms)


def forget_secrets() -> None:
    """Drop every registered secret (tests; a new sign-in)."""
    with _lock:
        _secrets.clear()


def redact(text: str | None) -> str:
    """`text` with every known secret and every secret-shaped value replaced by ***."""
    if not text:
        return text or ""
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _AUTH_HEADER.sub(
        lambda m: m.group(1) + (f"{m.group(2)} " if m.group(2) else "") + MASK, text
    )
    text = _SCHEME_VALUE.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, text)
    text = _USERINFO.sub(_drop_userinfo, text)
    text = _JWT.sub(MASK, text)
    text = _PAT_84.sub(MASK, text)
    return _PAT_52.sub(MASK, text)


def _drop_userinfo(match: re.Match[str]) -> str:
    kept: str = match.group(0) if match.group(2) == "git" else match.group(1)
    return kept


def redact_url(url: str) -> str:
    """Path and (redacted) query of a URL: no scheme, host or user-info, for HttpCall events."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return redact(path)
