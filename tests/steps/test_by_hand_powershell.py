""" "By hand" in the attendee's shell: PowerShell on Windows, complete and runnable as shown
(no `$(…)`, no `&&` for Windows PowerShell 5.1, no `mkdir -p`, no `~` for native programs, no
`>` that writes UTF-16); bash elsewhere, as before. Run by `pwsh` where it is installed (the
GitHub runners of .github/workflows/tests.yml have it on all three systems)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from college_tui.steps.by_hand import by_hand
from college_tui.steps.shells import Shell
from college_tui.workstation.hostos import Host

from .test_by_hand import ORG, real

POWERSHELL = Shell("powershell")
KEYS = ("sign-in", "organization", "project", "team", "members", "ssh-key", "import", "clone",
        "pull-request")  # fmt: skip


def test_windows_attendees_get_powershell_and_the_others_bash(monkeypatch):
    for system, shell in (("win32", "powershell"), ("darwin", "bash"), ("linux", "bash")):
        monkeypatch.setattr(Host, "current", classmethod(lambda cls, s=system: Host(s, {})))
        assert Shell.attendees().name == shell


def test_no_bash_only_syntax_in_the_powershell_text(tmp_path):
    target, answers = real(tmp_path)
    for key in KEYS:
        text = by_hand(key, target, answers, POWERSHELL)
        for bash_only in ("$(", "&&", "~/", "mkdir -p", " > ", "echo "):
            assert bash_only not in text, (key, bash_only, text)
    members = by_hand("members", target, answers, POWERSHELL).splitlines()
    assert members[0].startswith("$G = az devops security group list --project College ")
    assert all("--group-id $G " in line for line in members if "membership add" in line)
    assert by_hand("ssh-key", target, answers, POWERSHELL).startswith(
        "ssh-keygen -t rsa -b 3072 -f $HOME/.ssh/college_tui_rsa\n"
    )
    pr = by_hand("pull-request", target, answers, POWERSHELL).splitlines()
    assert pr[:6] == [
        "cd $HOME/college/aidevcollege",
        "git switch -c users/ada/hello-college",
        "New-Item -ItemType Directory -Force attendees | Out-Null",
        "Set-Content -Encoding utf8 attendees/ada.md '# ada'",
        "git add attendees/ada.md",
        "if ($?) { git commit -m 'Add ada to the attendees' }",
    ]
    assert pr[-1].startswith(f"az repos pr create --organization {ORG} --project College ")


def test_powershell_quotes_with_single_quotes_doubled():
    assert POWERSHELL.q("College") == "College"
    assert POWERSHELL.q("Ada's team") == "'Ada''s team'"
    assert POWERSHELL.q("$HOME") == "'$HOME'" and POWERSHELL.q("a,b") == "'a,b'"
    assert POWERSHELL.q("@x") == "'@x'"  # splatting


def test_bash_text_is_what_it_was(tmp_path):
    target, answers = real(tmp_path)
    pr = by_hand("pull-request", target, answers, Shell("bash")).splitlines()
    assert pr[2:4] == [
        "mkdir -p attendees && echo '# ada' > attendees/ada.md",
        "git add attendees/ada.md && git commit -m 'Add ada to the attendees'",
    ]


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="needs PowerShell (pwsh)")
def test_the_pull_request_sequence_runs_in_powershell(tmp_path):
    clone = tmp_path / "college" / "aidevcollege"
    clone.mkdir(parents=True)
    # pwsh takes $HOME from HOME (Linux, macOS) or USERPROFILE (Windows).
    env = {**os.environ, "HOME": str(tmp_path), "USERPROFILE": str(tmp_path),
           "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@college.example",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@college.example"}  # fmt: skip
    git = ["git", "-C", str(clone)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(clone)], check=True, env=env)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "start"], check=True, env=env)
    target, answers = real(tmp_path)
    local = by_hand("pull-request", target, answers, POWERSHELL).splitlines()[:6]

    done = subprocess.run(
        ["pwsh", "-NoProfile", "-NonInteractive", "-Command", "-"],
        input="\n".join([*local, "exit $LASTEXITCODE"]), capture_output=True, text=True, env=env,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert (clone / "attendees" / "ada.md").read_text(encoding="utf-8-sig").strip() == "# ada"
    log = subprocess.run([*git, "log", "--format=%s", "-1"], capture_output=True, text=True)
    assert log.stdout.strip() == "Add ada to the attendees"


def test_paths_inside_git_s_own_shell_keep_their_separators_on_windows():
    assert POWERSHELL.git_path(r"C:\Users\ada\.ssh\config") == "C:/Users/ada/.ssh/config"
    assert Shell("bash").git_path("/home/ada/.ssh/config") == "/home/ada/.ssh/config"
