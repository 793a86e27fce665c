"""Colleagues as Basic while the organisation has free Basic seats (its first five Basic users, the
owner included), then Stakeholder with a sentence: a Stakeholder has no Azure Repos. A level in
the answers or the CSV wins. Against the sandbox counting seats (`licences=counted`), read back
with the official SDK."""

from __future__ import annotations

from college_tui.events import Note
from college_tui.steps.answers import Answers, Member
from college_tui.steps.members import MembersStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus

from .test_members import BEFORE, licences, team_member_names


def test_the_default_answers_invite_two_colleagues_as_basic(start_sandbox, make_ctx):
    server = start_sandbox(project_create_seconds=0.2, faults="licences=counted")
    assert run(make_ctx(server), BEFORE).ok
    emails = ["grace@college.example", "alan@college.example"]
    ctx = make_ctx(server, Answers(members=[Member(e) for e in emails]))
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.ok, ctx.emit.text()
    levels = licences(server)
    assert [levels[e] for e in emails] == ["express", "express"]
    assert set(emails) <= team_member_names(server)
    said = " ".join(n.message for n in ctx.emit.of(Note, "members"))
    assert "Inviting grace@college.example, alan@college.example as Basic" in said


def test_a_roster_of_eight_gets_four_basic_and_four_stakeholders_and_says_so(
    start_sandbox, make_ctx
):
    server = start_sandbox(project_create_seconds=0.2, faults="licences=counted")
    assert run(make_ctx(server), BEFORE).ok
    emails = [f"c{n}@college.example" for n in range(8)]
    ctx = make_ctx(server, Answers(members=[Member(e) for e in emails]))
    report = run(ctx, [SignInStep, MembersStep()])
    assert report.ok, ctx.emit.text()
    levels = licences(server)
    assert [levels[e] for e in emails] == ["express"] * 4 + ["stakeholder"] * 4
    said = " ".join(n.message for n in ctx.emit.of(Note, "members"))
    assert (
        "The organisation's 5 free Basic seats are taken, so c4@college.example, "
        "c5@college.example, c6@college.example, c7@college.example are invited as Stakeholder: "
        "they will not see the repository aidevcollege until an organisation owner assigns "
        "them Basic"
    ) in said


def test_a_level_in_the_answers_wins(start_sandbox, make_ctx):
    server = start_sandbox(project_create_seconds=0.2, faults="licences=counted")
    assert run(make_ctx(server), BEFORE).ok
    answers = Answers(
        members=[Member("grace@college.example", "stakeholder"), Member("alan@college.example")]
    )
    ctx = make_ctx(server, answers)
    assert run(ctx, [SignInStep, MembersStep()]).ok, ctx.emit.text()
    levels = licences(server)
    assert levels["grace@college.example"] == "stakeholder"
    assert levels["alan@college.example"] == "express"


def test_a_refused_guest_gets_a_sentence_naming_the_setting_and_the_others_go_on(
    start_sandbox, make_ctx
):
    server = start_sandbox(project_create_seconds=0.2, faults="guests=off")
    assert run(make_ctx(server), BEFORE).ok
    answers = Answers(members=[Member("grace@elsewhere.example"), Member("noor@college.example")])
    ctx = make_ctx(server, answers)
    report = run(ctx, [SignInStep, MembersStep()])
    result = report.result(StepKey.MEMBERS)
    assert result.status == StepStatus.WARNING, ctx.emit.text()
    warning = " ".join(result.warnings)
    assert "grace@elsewhere.example was not added: Azure DevOps refused the invitation" in warning
    assert "Organization settings → Policies → External guest access" in warning
    assert "noor@college.example" in team_member_names(server)
