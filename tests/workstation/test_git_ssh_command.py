"""The ssh command git runs for the college's clone (`GIT_SSH_COMMAND`): shell-quoted and
strict, naming an agent when asked, refusing paths ssh would expand."""

from __future__ import annotations

import pytest

from college_tui.workstation import gitssh
from college_tui.workstation.errors import (
    GitError,
)

from .helpers import needs_ssh, run


@needs_ssh
def test_ssh_command_is_shell_quoted_and_strict(home, tmp_path):
    (home / ".ssh").mkdir()
    key = home / ".ssh" / "id rsa"
    key.write_text("not checked by ssh -G, but it must exist")
    known_hosts = home / ".ssh" / "known hosts 100%"

    command = gitssh.ssh_command_for(
        key, known_hosts, port=2222, hostname="127.0.0.1", host_key_alias="ssh.dev.azure.com"
    )

    # git runs GIT_SSH_COMMAND through sh, appending its own arguments: do the same with -G.
    out = run("sh", "-c", command + ' -G "$@"', "sh", "git@ssh.dev.azure.com").stdout
    seen = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert f"identityfile {key}" in out.splitlines()
    assert seen["userknownhostsfile"] == str(known_hosts)
    assert seen["globalknownhostsfile"] == "/dev/null"
    assert seen["stricthostkeychecking"] == "true"
    assert seen["batchmode"] == "yes"
    assert seen["identitiesonly"] == "yes"
    assert seen["identityagent"] == "none"
    assert seen["hostname"] == "127.0.0.1"
    assert seen["port"] == "2222"
    assert seen["hostkeyalias"] == "ssh.dev.azure.com"
    assert seen["user"] == "git"


@needs_ssh
@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("/tmp/agent 1/agent.sock", "/tmp/agent 1/agent.sock"),
        ("/tmp/100%d/agent.sock", "/tmp/100%d/agent.sock"),  # not ssh's home-folder token
        ("SSH_AUTH_SOCK", "SSH_AUTH_SOCK"),  # the user's own agent, read from the environment
    ],
)
def test_ssh_command_can_name_an_agent(home, agent, expected):
    key, known_hosts = home / "id_rsa", home / "known_hosts"
    key.write_text("not read by ssh -G")

    command = gitssh.ssh_command_for(key, known_hosts, identity_agent=agent)

    out = run("sh", "-c", command + ' -G "$@"', "sh", "git@ssh.dev.azure.com").stdout
    seen = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert seen["identityagent"] == expected
    assert seen["identitiesonly"] == "yes" and seen["batchmode"] == "yes"
    assert command.count("IdentityAgent") == 1


def test_paths_ssh_would_expand_are_refused(home):
    with pytest.raises(GitError, match="cannot express"):
        gitssh.ssh_command_for(home / "k", home / "kh", identity_agent="/tmp/${HOME}/agent.sock")
    with pytest.raises(GitError, match="cannot express"):
        gitssh.ssh_command_for(home / 'say "hi"', home / "kh")
