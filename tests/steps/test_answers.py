"""The answers: the course's names by default, and every bad input refused before any call."""

from __future__ import annotations

from pathlib import Path

import pytest

from college_tui.steps.answers import Answers, AnswersError, Member, load_answers
from college_tui.target import Target


@pytest.fixture
def target(tmp_path) -> Target:
    return Target(
        org_url="https://dev.azure.com/college-org",
        profile_url="https://app.vssps.visualstudio.com",
        home=tmp_path / "home",
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path, target, text: str) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        load_answers(write(tmp_path, text), target)
    return caught.value.problems


def test_without_a_file_the_answers_are_the_course_names_and_paths_live_in_the_home(target):
    answers = load_answers(None, target)
    assert (answers.project, answers.process, answers.team, answers.repo) == (
        "College",
        "Agile",
        "College Team",
        "aidevcollege",
    )
    assert answers.source_url == "https://github.com/aidevcollege/aidevcollege"
    assert answers.key_path == target.home / ".ssh" / "college_tui_rsa"
    assert answers.clone_dir == target.home / "college" / "aidevcollege"
    assert answers.key_bits == 3072 and answers.auth == "pat"
    assert answers.branch == f"users/{answers.alias}/hello-college"
    assert answers.all_members() == []


def test_a_file_sets_members_from_the_list_and_a_csv_each_address_once(tmp_path, target):
    (tmp_path / "colleagues.csv").write_text(
        "email,access_level\ngrace@example.com,basic\nalan@example.com,\n"
        "GRACE@example.com,stakeholder\n",
        encoding="utf-8",
    )
    answers = load_answers(
        write(
            tmp_path,
            """
        project = "College"
        alias = "ada"
        members = ["linus@example.com", { email = "grace@example.com", access_level = "stakeholder" }]
        members_csv = "colleagues.csv"
        key_path = "~/.ssh/course_key"
        clone_dir = "work/clone"
    """,
        ),
        target,
    )
    assert answers.all_members() == [
        Member("linus@example.com"),
        Member("grace@example.com", "stakeholder"),
        Member("alan@example.com"),
    ]
    assert Member("x@example.com", "basic").license == "express"
    assert answers.key_path == target.home / ".ssh" / "course_key"
    assert answers.clone_dir == tmp_path / "work" / "clone"
    assert answers.branch == "users/ada/hello-college"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('organization = "my org"', "organization", "VS850015"),
        ('organization = "-college"', "organization", "VS850015"),
        ('project = "College/2024"', "project", "may not contain /"),
        ('project = "CON"', "project", "reserves"),
        ('project = "' + "x" * 65 + '"', "project", "longer than 64"),
        ('team = "Team..A"', "team", "ellipsis"),
        ('team = "_hidden"', "team", "underscore"),
        ('repo = "ai:college"', "repo", "may not contain :"),
        ('repo = ".git"', "repo", "dot"),
        ('members = ["not-an-email"]', "members[1]", "not an e-mail address"),
        ('members = ["a;b@example.com"]', "members[1]", "may not contain ;"),
        (
            'members = [{ email = "a@example.com", access_level = "owner" }]',
            "members[1]",
            "unknown",
        ),
        ("key_bits = 2048", "key_bits", "3072"),
        ('key_passphrase_env = "my secret passphrase"', "key_passphrase_env", "NAME"),
        ('branch = "users/ada/has space"', "branch", "not a valid git branch"),
        ('alias = "a b"\nbranch = "users/ab/x"', "alias", "letters, digits"),
        ('auth = "password"', "auth", "unknown"),
        ('source_url = "github.com/x"', "source_url", "http(s) URL"),
        ('colour = "blue"', "colour", "unknown field"),
        ("project = 7", "project", "expected a string"),
    ],
)
def test_every_invalid_input_is_refused_with_a_message_naming_its_field(
    tmp_path, target, text, field, words
):
    problems = problems_of(tmp_path, target, text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{field}:")
    assert words in problems[0]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('key_passphrase_env = "my secret passphrase"', "my secret passphrase"),
        ('source_url = "https://ada:ghp_token123@github.com/aidevcollege/x"', "ghp_token123"),
    ],
)
def test_a_secret_pasted_into_the_answers_is_refused_and_not_repeated(
    tmp_path, target, text, secret
):
    problems = problems_of(tmp_path, target, text)
    assert len(problems) == 1 and secret not in problems[0]


def test_bad_csv_rows_are_named_by_line(tmp_path, target):
    (tmp_path / "people.csv").write_text(
        "email\nok@example.com\nbroken\nx@example.com,admin\n", encoding="utf-8"
    )
    problems = problems_of(tmp_path, target, 'members_csv = "people.csv"')
    assert [p.split(":")[0] for p in problems] == ["members_csv line 3", "members_csv line 4"]


def test_a_missing_csv_and_broken_toml_say_what_is_wrong(tmp_path, target):
    assert "cannot read" in problems_of(tmp_path, target, 'members_csv = "nowhere.csv"')[0]
    assert "not valid TOML" in problems_of(tmp_path, target, 'project = "College')[0]


def test_validate_collects_every_problem_at_once():
    answers = Answers(project="", team="CON", repo="_x", key_bits=1024)
    fields = [p.split(":")[0] for p in answers.validate()]
    assert fields == ["project", "team", "repo", "key_bits"]
