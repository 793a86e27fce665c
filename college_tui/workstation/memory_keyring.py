"""An in-memory keyring backend for tests and the sandbox (secrets vanish at exit).

Select it with ``PYTHON_KEYRING_BACKEND=college_tui.workstation.memory_keyring.MemoryKeyring``
or ``keyring.set_keyring(MemoryKeyring())``. It has priority 1 only when chosen through that
variable; otherwise its priority raises, so keyring's auto-detection never picks it just
because this module happens to be imported. This module imports keyring at the top: only
keyring itself, the sandbox and tests import it, never the wizard's first frame.
"""

from __future__ import annotations

import os
import threading

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

_DOTTED_NAME = "college_tui.workstation.memory_keyring.MemoryKeyring"


class MemoryKeyring(KeyringBackend):
    """A dict-backed keyring; nothing is ever written to disk."""

    @properties.classproperty
    def priority(cls) -> float:
        """1 when selected with PYTHON_KEYRING_BACKEND; not viable for auto-detection otherwise."""
        if os.environ.get("PYTHON_KEYRING_BACKEND") == _DOTTED_NAME:
            return 1
        raise RuntimeError("MemoryKeyring is used only when selected explicitly")

    def __init__(self) -> None:
        # keyring.backend.KeyringBackend.__init__ carries no annotations
        super().__init__()  # type: ignore[no-untyped-call]
        self._passwords: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        """Return the stored password or None."""
        with self._lock:
            return self._passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store a password in memory."""
        with self._lock:
            self._passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        """Forget a password; PasswordDeleteError when there is none (keyring's contract)."""
        with self._lock:
            if self._passwords.pop((service, username), None) is None:
                raise PasswordDeleteError("no such password")

    def clear(self) -> None:
        """Forget every password (tests)."""
        with self._lock:
            self._passwords.clear()
