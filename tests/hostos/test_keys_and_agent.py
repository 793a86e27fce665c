"""A private key made private and checked per operating system (Windows: its ACL, through a
recording `icacls`), the adopted key with a loose ACL made private, and Windows' agent service."""

from __future__ import annotations

import stat

import pytest

from college_tui.workstation.hostos import Host
from college_tui.workstation.hostos.agent import windows_agent_service
from college_tui.workstation.hostos.keyfiles import (
    applies_modes,
    loose_acl,
    loose_mode,
    make_private,
)
from college_tui.workstation.sshkeys import generate_rsa_key

from .layouts import log_lines, program, recorder

LOOSE = "BUILTIN\\Users:(I)(RX)"


def fake_icacls(tmp_path, loose: bool):
    log = tmp_path / "icacls.log"
    listing = f'echo "$1 {LOOSE}"' if loose else 'echo "$1 DESKTOP\\\\ada:(F)"'
    recorder(tmp_path / "bin", "icacls", log, then=f"[ $# -eq 1 ] && {listing}; exit 0")
    return Host("win32", {"PATH": str(tmp_path / "bin"), "USERNAME": "ada"}), log


def test_windows_makes_a_key_private_with_a_protected_acl(tmp_path):
    host, log = fake_icacls(tmp_path, loose=False)
    key = tmp_path / "key"
    key.write_text("k")
    assert make_private(key, host) is None
    assert log_lines(log) == [
        f"icacls {key} /reset",
        f"icacls {key} /inheritance:r /grant:r ada:F /grant:r *S-1-5-18:F /grant:r *S-1-5-32-544:F",
    ]
    assert not applies_modes(host) and loose_mode(key, host) is None


def test_windows_reads_who_else_may_read_a_key(tmp_path):
    host, _log = fake_icacls(tmp_path, loose=True)
    key = tmp_path / "key"
    key.write_text("k")
    assert loose_acl(key, host) == LOOSE
    private, _ = fake_icacls(tmp_path / "other", loose=False)
    assert loose_acl(key, private) is None


def test_windows_without_icacls_says_what_to_run(tmp_path):
    said = make_private(tmp_path / "key", Host("win32", {"PATH": str(tmp_path), "USERNAME": "a"}))
    assert "icacls" in said and "/inheritance:r" in said and "$env:USERNAME" in said


@pytest.mark.parametrize("system", ["darwin", "linux"])
def test_macos_and_linux_use_the_mode(tmp_path, system):
    host = Host(system, {"PATH": str(tmp_path)})
    key = tmp_path / "key"
    key.write_text("k")
    key.chmod(0o644)
    assert loose_mode(key, host) == 0o644 and loose_acl(key, host) is None
    assert make_private(key, host) is None
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and loose_mode(key, host) is None


def test_an_adopted_key_with_a_loose_windows_acl_is_made_private(tmp_path, monkeypatch):
    key = generate_rsa_key(tmp_path / "id_rsa").path
    host, log = fake_icacls(tmp_path, loose=True)
    monkeypatch.setattr(Host, "current", classmethod(lambda cls: host))

    adopted = generate_rsa_key(key)

    assert adopted.adopted
    assert any("readable by you only" in note and LOOSE in note for note in adopted.notes)
    assert f"icacls {key} /reset" in log_lines(log)


@pytest.mark.parametrize(
    ("query", "config", "state"),
    [
        ("STATE              : 4  RUNNING", "START_TYPE : 3 DEMAND_START", "running"),
        ("STATE              : 1  STOPPED", "START_TYPE : 4 DISABLED", "disabled"),
        ("STATE              : 1  STOPPED", "START_TYPE : 3 DEMAND_START", "stopped"),
    ],
)
def test_windows_reads_the_agent_services_state(tmp_path, query, config, state):
    program(
        tmp_path,
        "sc",
        f'[ "$1" = query ] && echo "{query}"; [ "$1" = qc ] && echo "{config}"; exit 0',
    )
    assert windows_agent_service(Host("win32", {"PATH": str(tmp_path)})) == state


def test_a_missing_agent_service_and_other_systems(tmp_path):
    program(
        tmp_path, "sc", 'echo "[SC] EnumQueryServicesStatus:OpenService FAILED 1060:"; exit 1060'
    )
    assert windows_agent_service(Host("win32", {"PATH": str(tmp_path)})) == "absent"
    assert windows_agent_service(Host("linux", {"PATH": str(tmp_path)})) is None


def test_a_key_others_may_read_is_named_as_such_not_as_unregistered(tmp_path):
    from college_tui.workstation.errors import SshAuthError
    from college_tui.workstation.gitrun import git_error
    from college_tui.workstation.sshlogin import openssh_login

    said = "@@@ WARNING: UNPROTECTED PRIVATE KEY FILE! @@@\\nPermission denied (publickey)."
    ssh = program(tmp_path, "ssh.exe", f'printf "{said}\\\\n" >&2; exit 255')
    with pytest.raises(SshAuthError, match="other users may read it"):
        openssh_login(str(ssh), "ssh.dev.azure.com")
    hint = str(git_error("Cloning", 128, tuple(said.split("\\n"))))
    assert "other users may read it" in hint and "is it registered" not in hint
