"""Hand a secret (PAT or access token) to ONE git command over HTTPS, through a credential helper.

Why this way, and not another:

- Not in the URL (`https://TOKEN@host/...`): git writes the URL into `.git/config` and repeats it
  in its messages and in the process list.
- Not in an environment variable read by `GIT_ASKPASS` or a helper: the environment of git and
  of every child it starts (remote-https, helpers, hooks) stays readable in /proc/PID/environ for
  as long as each runs. And git asks the user's own credential helpers first and tells them to
  `store` a credential that worked: `credential-store` would write the PAT in plain text to
  ~/.git-credentials, `credential-cache` keep it in a daemon.
- So: `-c credential.helper=` empties the helper list (no helper of the user's is asked or told
  to store anything), then `-c credential.helper=!f() {...}; f` adds ours, which answers `get`
  with the content of a pipe git inherits. We write the secret into the pipe and close our end
  before git starts, so the pipe holds it exactly once: the helper's read drains it, and nothing
  that runs later (a hook, another helper call) can read it again. The command line shows only
  the pipe's descriptor number, read as /dev/fd/N (dash cannot redirect descriptors above 9).

That is POSIX. Windows has no /dev/fd: there the helper fetches the secret once from a loopback
socket of ours that answers only to a random nonce (workstation/hostos/secretpass.py), again
never through a file, an argument or the environment.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from .errors import GitError
from .hostos.secretpass import OneTimeSecret, channel

DEFAULT_USER = "college-tui"  # Azure Repos takes any user name with a PAT
_PLAIN_USER = re.compile(r"^[A-Za-z0-9._-]+$")  # goes into a shell script: nothing to quote


class HttpsCredential:
    """A secret for git over HTTPS; `for_one_command()` gives the git options that pass it on."""

    def __init__(self, secret: str, username: str | None = None) -> None:
        if not secret or any(ch in secret for ch in "\r\n\0"):
            raise GitError("The token for git over HTTPS is empty or spans lines; sign in again.")
        self._secret = secret
        self.username = username if username and _PLAIN_USER.match(username) else DEFAULT_USER

    def __repr__(self) -> str:  # never the secret, in a log or a traceback
        return "HttpsCredential(secret='***')"

    @contextlib.contextmanager
    def for_one_command(self, url: str) -> Iterator[tuple[list[str], tuple[int, ...]]]:
        """(git's leading `-c` options, descriptors to pass) for one git command on `url`.

        Our end of the pipe is closed when the block ends: start git inside it (git keeps its
        own copy of the descriptor, and with it the secret, until its helper reads it).
        """
        if channel() == "socket":
            yield self._over_socket(url), ()
            return
        read_end, write_end = os.pipe()
        try:
            data = self._secret.encode()
            while data:  # well below a pipe's capacity: never blocks
                data = data[os.write(write_end, data) :]
            os.close(write_end)
            write_end = -1
            yield (
                [
                    "-c",
                    "credential.helper=",
                    "-c",
                    f"credential.helper={self._helper(url, read_end)}",
                ],
                (read_end,),
            )
        finally:
            if write_end != -1:
                os.close(write_end)
            os.close(read_end)

    def _over_socket(self, url: str) -> list[str]:
        # Served once, then closed; or closed after its lifetime when git never asks.
        served = OneTimeSecret(self._secret)
        helper = served.helper(username="" if urlsplit(url).username else self.username)
        return ["-c", "credential.helper=", "-c", f"credential.helper={helper}"]

    def _helper(self, url: str, fd: int) -> str:
        # The user name is no secret: the URL's own (the service's remoteUrl names the org), else
        # ours. `store` and `erase` are ignored: nothing is kept anywhere.
        user = "" if urlsplit(url).username else self.username
        name = f"echo username={user}; " if user else ""
        return (
            f'!f() {{ test "$1" = get || exit 0; {name}printf password=; '
            f"cat /dev/fd/{int(fd)}; echo; }}; f"
        )
