"""git's messages pass through the engine's one redactor (azdo/redact.py), not a weaker copy.

A token can sit in a URL as the user (`https://TOKEN@host`, how Azure Repos takes a PAT) or as
the password (`https://user:TOKEN@host`); both must be gone from every message git's failures
produce, and so must any secret this run registered, wherever git repeats it.
"""

from __future__ import annotations

import pytest

from college_tui.azdo.redact import forget_secrets, redact, register_secret
from college_tui.workstation import git as gitw
from college_tui.workstation.errors import GitError

TOKEN = "s3cr3tPAT0123456789"  # not PAT-shaped: only the URL rule can catch it


@pytest.fixture(autouse=True)
def _no_registered_secrets():
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(
    "url",
    [
        f"https://{TOKEN}@127.0.0.1:9/org/p/_git/r",
        f"https://ada:{TOKEN}@127.0.0.1:9/org/p/_git/r",
        f"http://{TOKEN}@127.0.0.1:9/org/p/_git/r",
    ],
)
def test_a_token_in_a_url_never_reaches_a_git_message(home, url):
    with pytest.raises(GitError) as info:
        gitw.clone(url, home / "x")
    message = f"{info.value} {' '.join(info.value.stderr_tail)}"
    assert TOKEN not in message
    assert "Cloning http" in message and "127.0.0.1:9/org/p/_git/r" in message

    with pytest.raises(GitError) as info:
        gitw.ls_remote(url)
    assert TOKEN not in f"{info.value} {' '.join(info.value.stderr_tail)}"


def test_the_shared_redactor_drops_user_info_but_keeps_the_ssh_user():
    assert redact(f"fatal: https://{TOKEN}@dev.azure.com/org") == "fatal: https://dev.azure.com/org"
    assert redact(f"at https://ada:{TOKEN}@dev.azure.com/o/p") == "at https://dev.azure.com/o/p"
    kept = "ssh://git@127.0.0.1:2222/v3/org/College/aidevcollege and git@ssh.dev.azure.com:v3/o"
    assert redact(kept) == kept


def test_a_registered_secret_is_redacted_from_git_messages(home, tmp_path):
    # The weaker copy knew URL passwords only; the shared one also knows this run's secrets.
    secret = "correct horse battery staple"
    register_secret(secret)
    with pytest.raises(GitError) as info:
        gitw.clone(str(tmp_path / secret / "repo.git"), home / "x")
    message = f"{info.value} {' '.join(info.value.stderr_tail)}"
    assert secret not in message
    assert "***" in message
