"""The sandbox answers the recorded calls of the real Azure DevOps the way the service did.

Each cassette in tests/data/azdo-recordings is replayed, in order, against a fresh sandbox
(tests/fidelity/replay.py translates hosts and ids). For every interaction the sandbox serves, the
answer must have the recorded status and at least the recorded fields, recursively, with values of
the same JSON type and URLs of the same path; ids, dates, names and counts may differ.

What is not compared is listed here with the reason: calls the sandbox does not serve (`SKIPPED`)
and differences kept on purpose (`KNOWN_DIFFERENCES`). `PREPARE` makes what a recording took for
granted in the recorded organisation (a project, a branch); `BEFORE` runs a step before one
interaction.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable

import pytest

from tests.conftest import connect
from tests.fidelity.cassettes import RECORDINGS, cassette_name, cassette_paths, load_cassette
from tests.fidelity.replay import Outcome, Replay
from tests.sandbox.helpers import create_project, start_import, wait_for_import

PR_FILE = "test_pull_request_createUpdateVoteListAbandonReactivateCompleteReviewers.yaml"
GROUP_FILE = "test_devops_group_and_member_tests.yaml"
USER_FILE = "test_devops_user_command_addUpdateListShowRemove.yaml"
OLD_TEAM_FILE = "d174813e/test_devops_team_createUpdateShowListDeleteListMember.yaml"

# The calls the sandbox does not serve, by (cassette, interaction index) or (cassette, "*").
_DELETE_PROJECT = (
    "deleting a project is not emulated: the wizard never deletes one, so the "
    "delete and the polls of its operation are left out"
)
_PR_EDITS = "editing a pull request (PATCH) is not emulated: the wizard only creates and reads"
_REVIEWERS = "pull request reviewers and votes are not emulated (the wizard adds none)"
_IDENTITIES = (
    "the recording looks up its reviewer (another user of the recorded organisation) by alias; "
    "the sandbox has no such user"
)
_SECURITY_GROUPS = (
    "security groups made with Graph Groups POST (and groups nested in them) are "
    "not emulated: the wizard's groups are teams"
)
SKIPPED: dict[tuple[str, int | str], str] = {
    (
        "test_devops_team_createUpdateShowListDeleteListMember.yaml",
        "*",
    ): "a 503 from a stopped (deactivated) collection; outages are the fault injector's job "
    "(tests of college_tui/sandbox/faults.py), not a shape the sandbox should copy",
    ("test_admin_banner_addUpdateShowListRemove.yaml", 1): "admin banner settings: not emulated",
    ("test_admin_banner_addUpdateShowListRemove.yaml", 2): "admin banner settings: not emulated",
    **{("test_devops_projects_CreateListShowDelete.yaml", i): _DELETE_PROJECT for i in (9, 10, 11)},
    **{
        (OLD_TEAM_FILE, i): "deleting a team is not emulated (the wizard never deletes one)"
        for i in (14, 15)
    },
    **{(OLD_TEAM_FILE, i): _DELETE_PROJECT for i in (17, 18, 19)},
    **{
        (
            "test_ref_createListUpdateDelete.yaml",
            i,
        ): "locking a branch (PATCH refs) is not emulated: the wizard does not lock"
        for i in (13, 14)
    },
    **{("test_ref_createListUpdateDelete.yaml", i): _DELETE_PROJECT for i in (16, 17, 18)},
    (
        "test_repos_createListShowDelete.yaml",
        4,
    ): "renaming a repository (PATCH) is not emulated: the wizard never renames one",
    (USER_FILE, 1): (
        "the recorded organisation still had the invitee of an earlier run (#2 removes it); "
        "a fresh sandbox has nobody to find"
    ),
    (USER_FILE, 2): (
        "the recording first removes the invitee left by an earlier run; a fresh "
        "sandbox has no such user (it answers 404, as the service would)"
    ),
    **{(PR_FILE, i): _PR_EDITS for i in (6, 11, 13, 29)},
    (PR_FILE, 12): "shows the abandoned state the skipped PATCH #11 made",
    **{(PR_FILE, i): _REVIEWERS for i in (16, 18, 21, 22, 24, 27)},
    **{(PR_FILE, i): "shows the reviewers the skipped reviewer calls added" for i in (17, 19, 28)},
    **{(PR_FILE, i): _IDENTITIES for i in (15, 20)},
    **{
        (GROUP_FILE, i): _SECURITY_GROUPS
        for i in (18, 25, 28, 30, 31, 33, 34, 35, 36, 41, 42, 44, 45, 46, 47, 48, 49, 50, 52)
    },
    **{(GROUP_FILE, i): _DELETE_PROJECT for i in (53, 54, 55)},
}

# Differences kept on purpose: (cassette or "*", interaction index or None, JSON pointer pattern).
KNOWN_DIFFERENCES: dict[tuple[str, int | None, str], str] = {
    (
        "*",
        None,
        "/parameters/gitSource/url",
    ): "the recordings import other GitHub repositories, which the offline sandbox cannot "
    "reach; the replay imports the course (https://github.com/aidevcollege/aidevcollege)",
}


# -- what the recorded organisation already had --------------------------------------------------


def _project(name: str, recorded_id: str | None = None):
    def prepare(replay: Replay, clients) -> None:
        project = create_project(clients, name)
        if recorded_id:
            replay.ids[recorded_id] = project.id

    return prepare


def _branch_from_main(project: str, repo: str, branch: str):
    """A branch at main's commit, as the recording's repository had one to open a PR from."""

    def step(replay: Replay, clients) -> None:
        from azure.devops.v7_1.git.models import GitRefUpdate

        git = clients.get_git_client()
        main = next(r for r in git.get_refs(repo, project) if r.name == "refs/heads/main")
        git.update_refs(
            [
                GitRefUpdate(
                    name=f"refs/heads/{branch}",
                    old_object_id="0" * 40,
                    new_object_id=main.object_id,
                )
            ],
            repo,
            project,
        )

    return step


def _course_project(name: str, recorded_id: str | None = None):
    """A project whose default repository holds commits (the course), as the recorded one did."""

    def prepare(replay: Replay, clients) -> None:
        _project(name, recorded_id)(replay, clients)
        project = clients.get_core_client().get_project(name)
        repo = clients.get_git_client().get_repository(name, name)
        queued = start_import(clients, project, repo.id)
        final = wait_for_import(clients, project, repo.id, queued.import_request_id)
        assert final.status == "completed"

    return prepare


def _project_with_pull_requests(replay: Replay, clients) -> None:
    """PullRequestLiveTest with the course in its default repository and one open PR."""
    from azure.devops.v7_1.git.models import GitPullRequest

    _course_project("PullRequestLiveTest")(replay, clients)
    git = clients.get_git_client()
    repo = git.get_repository("PullRequestLiveTest", "PullRequestLiveTest")
    _branch_from_main("PullRequestLiveTest", repo.name, "testbranch")(replay, clients)
    git.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/testbranch",
            target_ref_name="refs/heads/main",
            title="Fixing a bug in cli engine",
            description="Sample PR description",
        ),
        repo.id,
        "PullRequestLiveTest",
    )


def _group_is_the_default_team(replay: Replay, clients) -> None:
    """The recording adds its invitee to a security group it made (#18); the sandbox's groups are
    teams, so that group stands for the project's default team from here on."""
    project = clients.get_core_client().get_project("GroupTests_000001")
    team = clients.get_graph_client().get_descriptor(project.default_team.id).value
    made = load_cassette(RECORDINGS / GROUP_FILE)[18].response_json["descriptor"]
    replay.ids[made] = team


Step = Callable[[Replay, object], None]
PREPARE: dict[str, Step] = {
    "test_repos_createListShowDelete.yaml": _project(
        "RepoCreateListShowDeleteTests", "b778afa3-eac1-4ff0-92ba-21481d5bfe63"
    ),
    PR_FILE: _course_project("PullRequestLiveTest", "b810b0b0-a954-403b-9795-f0c9d0c9cfe9"),
    "test_pull_request_policies_workitems.yaml": _project_with_pull_requests,
    # The recorded organisation listed a dozen projects; one of the same name is enough.
    "test_invoke_command_basic.yaml": _project("TestSupportProject"),
}
BEFORE: dict[tuple[str, int], Step] = {
    (PR_FILE, 4): _branch_from_main("PullRequestLiveTest", "XVFjTPTE", "testbranch"),
    (GROUP_FILE, 19): _group_is_the_default_team,
}


# -- the replay -------------------------------------------------------------------------------


def skip_reason(cassette: str, index: int) -> str | None:
    return SKIPPED.get((cassette, index)) or SKIPPED.get((cassette, "*"))


def known_as(cassette: str, index: int, pointer: str) -> list[tuple[str, int | None, str]]:
    """The KNOWN_DIFFERENCES entries that excuse a difference."""
    return [
        key
        for key in KNOWN_DIFFERENCES
        if key[0] in ("*", cassette)
        and key[1] in (None, index)
        and fnmatch.fnmatchcase(pointer, key[2])
    ]


CASSETTES = [cassette_name(path) for path in cassette_paths()]


@pytest.mark.parametrize("cassette", CASSETTES)
def test_sandbox_answers_like_the_recording(cassette, start_sandbox):
    items = load_cassette(RECORDINGS / cassette)
    if all(skip_reason(cassette, item.index) for item in items):
        pytest.skip(skip_reason(cassette, items[0].index))
    server = start_sandbox()
    clients = connect(server.info.org_url, server.info.pat).clients_v7_1
    replay = Replay(server)
    if cassette in PREPARE:
        PREPARE[cassette](replay, clients)

    outcomes: list[Outcome] = []
    for item in items:
        reason = skip_reason(cassette, item.index)
        if reason:
            outcomes.append(Outcome(item, skipped=reason))
            continue
        if (cassette, item.index) in BEFORE:
            BEFORE[(cassette, item.index)](replay, clients)
        outcomes.append(replay.play(item))

    compared = [o for o in outcomes if o.skipped is None]
    print(f"{cassette}: {len(compared)} compared, {len(outcomes) - len(compared)} skipped")
    assert compared, f"{cassette}: nothing compared"
    problems, excused = [], set()
    for outcome in compared:
        for difference in outcome.differences:
            keys = known_as(cassette, outcome.item.index, difference.pointer)
            excused.update(keys)
            if not keys:
                problems.append(
                    f"#{outcome.item.index} {outcome.item.method} "
                    f"{outcome.item.sub_path[:80]}: {difference}"
                )
    assert problems == [], "\n".join(problems)
    # A difference kept for this cassette that no longer shows (a pending fix landed) must go.
    stale = [key for key in KNOWN_DIFFERENCES if key[0] == cassette and key not in excused]
    assert stale == [], f"known differences no longer seen, remove them: {stale}"


def test_every_skip_and_known_difference_names_a_real_interaction():
    sizes = {name: len(load_cassette(RECORDINGS / name)) for name in CASSETTES}
    for cassette, index in list(SKIPPED) + list(BEFORE):
        assert cassette in sizes and (index == "*" or index < sizes[cassette]), (cassette, index)
    for cassette, index, _pattern in KNOWN_DIFFERENCES:
        assert cassette == "*" or cassette in sizes, cassette
        assert index is None or index < sizes[cassette], (cassette, index)
    assert all(reason.strip() for reason in [*SKIPPED.values(), *KNOWN_DIFFERENCES.values()])
