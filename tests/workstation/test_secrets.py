"""PAT storage: secure keyrings only, memory for this run otherwise, nothing on disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringLocked

from college_tui.workstation import secrets
from college_tui.workstation.errors import SecretStoreError
from college_tui.workstation.memory_keyring import MemoryKeyring

ORG = "https://dev.azure.com/fabrikam"
PAT = "pat-0123456789abcdefghijklmnopqrstuvwxyz"


def unregistered(cls):
    """Keep a test backend out of keyring's auto-detection for the rest of the session."""
    KeyringBackend._classes.discard(cls)  # keyring registers every subclass it sees
    return cls


@unregistered
class PlaintextTestKeyring(KeyringBackend):
    """Stands in for keyrings.alt's PlaintextKeyring: writes secrets into a file under HOME."""

    priority = 0.5

    def _file(self) -> Path:
        return Path(os.environ["HOME"]) / ".local" / "share" / "python_keyring" / "keyring_pass.cfg"

    def set_password(self, service, username, password):
        self._file().parent.mkdir(parents=True, exist_ok=True)
        self._file().write_text(f"[{service}]\n{username} = {password}\n")

    def get_password(self, service, username):
        raise AssertionError("college-tui must not read from a plain-text keyring")

    def delete_password(self, service, username):
        raise AssertionError("college-tui must not touch a plain-text keyring")


@unregistered
class LockedKeyring(KeyringBackend):
    """A secure-looking backend that fails (a locked Secret Service collection)."""

    priority = 5

    def set_password(self, service, username, password):
        raise KeyringLocked(f"collection is locked while saving {password}")

    def get_password(self, service, username):
        raise KeyringLocked("collection is locked")

    def delete_password(self, service, username):
        raise KeyringLocked("collection is locked")


@pytest.fixture(autouse=True)
def isolated_keyring(home, monkeypatch):
    # Read before the variable goes: if keyring were first initialised here, it would
    # auto-detect a fail/null backend and later modules would inherit that one.
    previous = keyring.get_keyring()
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    secrets.forget_session_pats()
    yield
    keyring.set_keyring(previous)
    secrets.forget_session_pats()


def files_containing(folder: Path, needle: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def test_secure_backend_stores_loads_and_deletes():
    backend = MemoryKeyring()
    keyring.set_keyring(backend)

    result = secrets.store_pat(ORG + "/", PAT)

    assert result.stored and result.reason is None
    assert result.backend.endswith("MemoryKeyring")
    assert backend.get_password("college-tui", ORG) == PAT  # keyed by the normalised org URL
    secrets.forget_session_pats()  # a later run: only the keyring remembers
    assert secrets.load_pat("https://dev.azure.com/Fabrikam") == PAT
    assert secrets.delete_pat(ORG) is True
    assert secrets.load_pat(ORG) is None
    assert secrets.delete_pat(ORG) is False


@pytest.mark.parametrize("backend", [PlaintextTestKeyring(), fail.Keyring(), null.Keyring()])
def test_insecure_backends_keep_the_pat_in_memory_only(home, tmp_path, backend):
    keyring.set_keyring(backend)

    result = secrets.store_pat(ORG, PAT)

    assert not result.stored
    assert "no secure keyring" in result.reason
    assert "kept in memory for this run only" in result.reason
    assert PAT not in repr(result)
    assert files_containing(tmp_path, PAT) == []  # written nowhere on disk
    assert secrets.load_pat(ORG) == PAT  # usable for this run
    secrets.forget_session_pats()
    assert secrets.load_pat(ORG) is None  # and gone with it


def test_plaintext_refusal_names_the_backend():
    keyring.set_keyring(PlaintextTestKeyring())
    reason = secrets.store_pat(ORG, PAT).reason
    assert "unencrypted" in reason and "PlaintextTestKeyring" in reason


def test_a_failing_keyring_falls_back_to_memory_without_leaking(tmp_path):
    keyring.set_keyring(LockedKeyring())

    result = secrets.store_pat(ORG, PAT)

    assert not result.stored
    assert "KeyringLocked" in result.reason and "memory for this run only" in result.reason
    assert PAT not in result.reason
    assert secrets.load_pat(ORG) == PAT
    secrets.forget_session_pats()
    assert secrets.load_pat(ORG) is None
    with pytest.raises(SecretStoreError) as info:
        secrets.delete_pat(ORG)
    assert "password manager" in str(info.value)


def test_empty_values_are_refused():
    keyring.set_keyring(MemoryKeyring())
    with pytest.raises(SecretStoreError, match="empty"):
        secrets.store_pat(ORG, "   ")
    with pytest.raises(SecretStoreError, match="organisation URL"):
        secrets.store_pat(" ", PAT)


def run_python(code: str, env_backend: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    if env_backend:
        env["PYTHON_KEYRING_BACKEND"] = env_backend
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_memory_keyring_via_environment_variable():
    code = (
        "import keyring; from college_tui.workstation import secrets as s; "
        "k = keyring.get_keyring(); r = s.store_pat('https://x/org', 'p'); "
        "print(type(k).__name__, type(k).priority, r.stored, s.load_pat('https://x/org'))"
    )
    out = run_python(code, "college_tui.workstation.memory_keyring.MemoryKeyring")
    assert out == "MemoryKeyring 1 True p"


def test_test_backends_are_not_auto_selectable():
    viable = set(KeyringBackend.get_viable_backends())
    assert not viable & {PlaintextTestKeyring, LockedKeyring, MemoryKeyring}


def test_memory_keyring_is_never_auto_selected():
    code = (
        "import college_tui.workstation.memory_keyring, keyring; "
        "print(type(keyring.get_keyring()).__name__)"
    )
    assert run_python(code, None) != "MemoryKeyring"


def test_insecure_reason_judges_a_chainer_by_its_first_backend():
    class FakeChainer:
        backends = [PlaintextTestKeyring(), MemoryKeyring()]

    FakeChainer.__module__ = "keyring.backends.chainer"
    assert "unencrypted" in secrets.insecure_reason(FakeChainer())
    FakeChainer.backends = []
    assert "no secure keyring" in secrets.insecure_reason(FakeChainer())
