"""Fixtures for the workstation tests: a temp HOME, keys, git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from college_tui.workstation.sshkeys import generate_rsa_key


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home folder (with a space in its path) set as HOME; git sees no global config."""
    home = tmp_path / "home dir"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


@pytest.fixture(scope="session")
def client_key(tmp_path_factory: pytest.TempPathFactory):
    """A 3072-bit RSA key pair made by generate_rsa_key, shared by the SSH tests."""
    folder = tmp_path_factory.mktemp("client key")
    return generate_rsa_key(folder / "id_rsa", comment="tester@college")


@pytest.fixture(scope="session")
def host_key():
    """The test server's host key."""
    import paramiko

    return paramiko.RSAKey.generate(2048)
