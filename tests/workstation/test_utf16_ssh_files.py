"""An ssh config or known_hosts saved as UTF-16 (PowerShell's `>`) gets a sentence saying what
to do, and is never rewritten."""

from __future__ import annotations

import pytest

from college_tui.workstation.errors import KnownHostsError, SshConfigError
from college_tui.workstation.knownhosts import ensure_azure_devops_host_key
from college_tui.workstation.sshconfig import ensure_host_block


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_ssh_config_is_refused_untouched(tmp_path, encoding):
    config = tmp_path / "config"
    config.write_bytes("Host github.com\n  User git\n".encode(encoding))
    before = config.read_bytes()
    with pytest.raises(SshConfigError) as info:
        ensure_host_block(config, "ssh.dev.azure.com", tmp_path / "key")
    assert "UTF-16" in str(info.value) and "Set-Content -Encoding utf8" in str(info.value)
    assert config.read_bytes() == before


def test_a_utf16_known_hosts_is_refused_untouched(tmp_path):
    known = tmp_path / "known_hosts"
    known.write_bytes("github.com ssh-ed25519 AAAA\n".encode("utf-16"))
    before = known.read_bytes()
    with pytest.raises(KnownHostsError, match="UTF-16"):
        ensure_azure_devops_host_key(known)
    assert known.read_bytes() == before
