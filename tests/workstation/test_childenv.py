"""The environment git, ssh and ssh-agent get: everything but this run's secrets."""

from __future__ import annotations

import pytest

from college_tui.workstation.childenv import child_env, forget_hidden, hide_from_children


@pytest.fixture(autouse=True)
def nothing_hidden_yet():
    forget_hidden()
    yield
    forget_hidden()


def test_secrets_are_left_out_by_name_and_by_value_and_the_rest_is_kept():
    shell = {
        "PATH": "/usr/bin",
        "HOME": "/home/ada",
        "AZURE_DEVOPS_PAT": "p" * 52,
        "COLLEGE_KEY_PASSPHRASE": "open sesame",
        "MY_COPY": "open sesame\n",
        "OTHER_TOKEN": "t0k3n",
    }
    assert child_env(shell) == {
        "PATH": "/usr/bin",
        "HOME": "/home/ada",
        "COLLEGE_KEY_PASSPHRASE": "open sesame",
        "MY_COPY": "open sesame\n",
        "OTHER_TOKEN": "t0k3n",
    }

    hide_from_children(names=["COLLEGE_KEY_PASSPHRASE"])  # cli.py: the variable the answers name
    hide_from_children(values=["open sesame"])  # make_context: the passphrase itself
    assert child_env(shell, values=["t0k3n"]) == {"PATH": "/usr/bin", "HOME": "/home/ada"}
