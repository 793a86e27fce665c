"""A credential handed to a child process over its stdin pipe (steps/members_apart.py): never
on its command line, in its environment, in a file or on a line of its output.

`handed(credential)` is what the parent writes on the pipe: a personal access token as it is; for
a Microsoft Entra sign-in, the access token of the moment and when it expires (renewed first when
it is close to that). In the child, `taken(...)` gives a Credential the facade uses as the
parent's: every secret registered for redaction there too. An Entra token that comes within
REFRESH_MARGIN_SECONDS of expiring (a long class) is asked for again with `ask`: the parent renews
its own credential (as it would for its own requests, the person's help included when it needs
it) and answers on the pipe with `handed` again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .credentials import REFRESH_MARGIN_SECONDS, BearerToken, Credential, PatCredential
from .errors import AzdoError
from .redact import register_secret

Handed = dict[str, Any]


def handed(credential: Credential) -> Handed:
    """What the child needs of `credential`, for its stdin only (AzdoError when an Entra token
    cannot be renewed)."""
    secret = credential.git_password()  # the PAT, or an Entra access token renewed if needed
    if credential.kind == "pat":
        return {"kind": "pat", "secret": secret}
    expires_on = float(getattr(credential, "expires_on", 0.0) or 0.0)
    return {"kind": credential.kind, "secret": secret, "expires_on": expires_on}


def handed_again(credential: Credential) -> Handed:
    """The answer to a child's request for a new token: `handed`, or the sentence saying why
    there is none."""
    try:
        return handed(credential)
    except AzdoError as exc:
        return {"kind": credential.kind, "secret": None, "message": exc.message}


def taken(
    given: Handed, ask: Callable[[], Handed], clock: Callable[[], float] = time.time
) -> Credential:
    """The child's credential from what `handed` gave; `ask` gets a new one from the parent."""
    if given.get("kind") == "pat":
        return PatCredential(str(given.get("secret") or ""))
    return TakenToken(given, ask, clock)


class TakenToken(BearerToken):
    """An Entra access token handed over by the parent, asked for again before it expires."""

    def __init__(
        self, given: Handed, ask: Callable[[], Handed], clock: Callable[[], float]
    ) -> None:
        super().__init__()
        self._ask = ask
        self._clock = clock
        self._take(given)

    def _take(self, given: Handed) -> None:
        secret = given.get("secret")
        if not secret:
            raise AzdoError(
                str(given.get("message") or "The sign-in could not be renewed: run the step again.")
            )
        register_secret(str(secret))
        self._token["access_token"] = str(secret)  # in place: msrest's credentials hold this dict
        self._expires_on = float(given.get("expires_on") or 0.0)

    def refresh_if_needed(self) -> None:
        with self._lock:
            if self._expires_on - self._clock() > REFRESH_MARGIN_SECONDS:
                return
            self._take(self._ask())

    def __repr__(self) -> str:
        return "TakenToken(token='***')"
