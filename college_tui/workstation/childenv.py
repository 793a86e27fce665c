"""The environment of the programs college-tui starts (git, ssh, ssh-agent): never a secret.

A child inherits the whole environment by default, so `AZURE_DEVOPS_PAT` or the variable holding
the key passphrase would reach git, ssh, their helpers and hooks. Every child environment is built
here instead: variables with a secret's name, or whose value is a secret of this run, are left out.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping

# Variables that hold a credential whatever their value (AZURE_DEVOPS_EXT_PAT is the az CLI's).
SECRET_ENV_NAMES = frozenset({"AZURE_DEVOPS_PAT", "AZURE_DEVOPS_EXT_PAT"})

_names: set[str] = set()
_values: set[str] = set()
_lock = threading.Lock()


def hide_from_children(
    *, names: Iterable[str | None] = (), values: Iterable[str | None] = ()
) -> None:
    """Never pass these variables, or any variable holding one of these values, to a child."""
    with _lock:
        _names.update(n for n in names if n)
        _values.update(v for v in values if v)


def forget_hidden() -> None:
    """Drop what `hide_from_children` registered (tests)."""
    with _lock:
        _names.clear()
        _values.clear()


def child_env(
    base: Mapping[str, str] | None = None, values: Iterable[str | None] = ()
) -> dict[str, str]:
    """A copy of `base` (default: this process's environment) without any secret.

    `values` are further secrets to leave out for this one call (e.g. the passphrase at hand).
    """
    base = os.environ if base is None else base
    with _lock:
        names = SECRET_ENV_NAMES | _names
        secrets = _values | {v for v in values if v}
    return {
        k: v
        for k, v in base.items()
        if k not in names and not (v and (v in secrets or v.strip() in secrets))
    }
