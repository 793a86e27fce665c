"""The organisation: adopt the one you have, or create it in the browser while the wizard waits."""

from __future__ import annotations

import re
import threading
import time

import requests

from college_tui.events import NeedsYou
from college_tui.steps.answers import Answers
from college_tui.steps.organization import OrganizationStep
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.vocabulary import StepKey, StepStatus


def test_the_sandbox_organisation_is_adopted_without_any_change(sandbox, make_ctx):
    ctx = make_ctx(sandbox)
    report = run(ctx, [SignInStep, OrganizationStep])
    assert [r.status for r in report.results] == ["done", "already"]
    assert ctx.emit.finished(StepKey.ORGANIZATION).summary == (
        f"Organisation college-sandbox ({sandbox.info.org_url})"
    )
    assert ctx.emit.posts() == []


def attendee_signs_up(events, name: str, deadline: float = 10.0) -> threading.Thread:
    """In the background, do what the attendee does: open the page, submit the form."""

    def act() -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            asks = [e for e in list(events) if isinstance(e, NeedsYou)]
            if asks:
                page = requests.get(asks[0].url, timeout=5)
                assert page.status_code == 200 and "<form" in page.text
                form_url = asks[0].url.split("?")[0]
                done = requests.post(form_url, data={"name": name}, timeout=5)
                assert done.status_code == 201
                return
            time.sleep(0.02)

    thread = threading.Thread(target=act)
    thread.start()
    return thread


def test_a_new_organisation_is_handed_to_the_browser_and_adopted_when_it_appears(sandbox, make_ctx):
    ctx = make_ctx(sandbox, Answers(organization="ada-college"))
    browser = attendee_signs_up(ctx.emit, "ada-college")
    report = run(ctx, [SignInStep, OrganizationStep(wait_seconds=20, poll_seconds=0.1)])
    browser.join()
    assert [r.status for r in report.results] == ["done", "done"]
    ask = ctx.emit.of(NeedsYou, "organization")[0]
    assert ask.url == f"{sandbox.info.base_url}/_sandbox/signup?name=ada-college"
    assert "Create the organisation ada-college" in ask.message
    assert ctx.target.org_url == f"{sandbox.info.base_url}/ada-college"
    assert ctx.emit.finished(StepKey.ORGANIZATION).summary.startswith(
        "Organisation ada-college created"
    )
    # Later steps now talk to the new organisation.
    new_id = sandbox.sandbox.org("ada-college")["accountId"]
    assert ctx.service(StepKey.PROJECT).connection_data().instance_id == new_id
    assert ctx.state.get(StepKey.ORGANIZATION)["org_url"] == ctx.target.org_url


def test_waiting_for_an_organisation_is_bounded(sandbox, make_ctx):
    ctx = make_ctx(sandbox, Answers(organization="never-made"))
    report = run(ctx, [SignInStep, OrganizationStep(wait_seconds=0.5, poll_seconds=0.1)])
    assert report.results[1].status == StepStatus.FAILED
    assert ctx.emit.failed(StepKey.ORGANIZATION).message.startswith(
        "Gave up waiting for the organisation never-made to appear after 0.5 s"
    )
    assert sandbox.sandbox.org("never-made") is None


def test_an_invalid_organisation_name_is_refused_before_anything_happens(sandbox, make_ctx):
    answers = Answers()
    answers.organization = "bad name!"  # the TUI validates too; the step never trusts it
    ctx = make_ctx(sandbox, answers)
    report = run(ctx, [SignInStep, OrganizationStep(wait_seconds=5, poll_seconds=0.1)])
    assert report.results[1].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.ORGANIZATION).message
    assert message.startswith("organization: VS850015") and "letters, digits and hyphens" in message
    assert not ctx.emit.of(NeedsYou)


def test_the_real_service_signup_page_is_the_portal(make_ctx, sandbox):
    import dataclasses

    from college_tui.steps.organization import SIGNUP_URL, signup_url

    ctx = make_ctx(sandbox)
    ctx.target = dataclasses.replace(
        ctx.target, sandbox=False, org_url="https://dev.azure.com/college"
    )
    assert signup_url(ctx, "x") == SIGNUP_URL == "https://go.microsoft.com/fwlink/?LinkId=307137"
    # A served sandbox reached as a service (COLLEGE_TUI_SERVICE_URL, a loopback --org) keeps
    # its own signup page: the portal knows nothing of it.
    ctx.target = dataclasses.replace(ctx.target, org_url=sandbox.info.org_url)
    assert signup_url(ctx, "x").startswith(f"{sandbox.info.base_url}/_sandbox/signup")


def test_unattended_a_missing_organisation_fails_at_once_listing_yours(sandbox, make_ctx):
    ctx = make_ctx(sandbox, Answers(organization="no-such-org"))
    ctx.attended = False  # apply --yes, or no terminal: nobody will create it in a browser
    started = time.monotonic()
    report = run(ctx, [SignInStep, OrganizationStep(wait_seconds=60, poll_seconds=0.1)])
    assert time.monotonic() - started < 10  # not the 60 s wait
    assert report.results[1].status == StepStatus.FAILED
    message = ctx.emit.failed(StepKey.ORGANIZATION).message
    assert message.startswith(
        "You have no organisation named no-such-org. Your organisations: college-sandbox."
    )
    assert 'organization = "NAME"' in message
    assert not ctx.emit.of(NeedsYou)


def test_attended_the_wait_says_how_long_it_has_left_and_can_be_cancelled(sandbox, make_ctx):
    from college_tui.events import StepProgress

    ctx = make_ctx(sandbox, Answers(organization="later-org"))
    step = OrganizationStep(wait_seconds=50, poll_seconds=0.05, remind_seconds=0.2)

    def cancel_after_a_reminder() -> None:
        end = time.monotonic() + 20
        while time.monotonic() < end and not ctx.emit.of(StepProgress, "organization"):
            time.sleep(0.02)
        ctx.cancel.set()  # what the TUI's Cancel button (or Ctrl+C) does

    watcher = threading.Thread(target=cancel_after_a_reminder)
    watcher.start()
    started = time.monotonic()
    report = run(ctx, [SignInStep, step])
    watcher.join()
    assert time.monotonic() - started < 20
    reminder = ctx.emit.of(StepProgress, "organization")[0].message
    assert re.match(
        r"Still waiting for the organisation later-org: 0 min (49|50) s left "
        r"\(run again to wait more\)",
        reminder,
    ), reminder
    assert report.results[1].status == StepStatus.FAILED
    assert ctx.emit.failed(StepKey.ORGANIZATION).message.startswith("Cancelled")


def test_a_tenant_that_restricts_organisation_creation_gets_its_own_sentence(
    start_sandbox, make_ctx
):
    """Entra's "Restrict organization creation": the portal refuses the tenant's work account,
    nothing appears, and the hand-off and the give-up say what it means and what to do."""
    sandbox = start_sandbox(faults="orgs=restricted")
    owner = sandbox.sandbox.owner["email"]  # a work account of the sandbox tenant
    refused: list[requests.Response] = []

    def act() -> None:
        end = time.monotonic() + 10
        while time.monotonic() < end:
            asks = [e for e in list(ctx.emit) if isinstance(e, NeedsYou)]
            if asks:
                form_url = asks[0].url.split("?")[0]
                refused.append(
                    requests.post(
                        form_url,
                        data={"name": "ada-college", "account": owner},
                        timeout=5,
                    )
                )
                return
            time.sleep(0.02)

    ctx = make_ctx(sandbox, Answers(organization="ada-college"))
    browser = threading.Thread(target=act)
    browser.start()
    report = run(ctx, [SignInStep, OrganizationStep(wait_seconds=1.5, poll_seconds=0.1)])
    browser.join()
    assert report.results[1].status == StepStatus.FAILED
    assert refused and refused[0].status_code == 403
    assert "restricted who can create new Azure DevOps organizations" in refused[0].text
    assert sandbox.sandbox.org("ada-college") is None
    ask = ctx.emit.of(NeedsYou, "organization")[0]
    failed = ctx.emit.failed(StepKey.ORGANIZATION).message
    for said in (ask.message, failed):
        assert "restrict who can create organizations" in said
        assert "ask your instructor for an organisation" in said
        assert "personal Microsoft account or an account of another tenant" in said
    assert failed.startswith("Gave up waiting for the organisation ada-college to appear")
