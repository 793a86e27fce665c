"""A flaky service: lost answers, 5xx, rate limits. Calls finish, nothing is created twice."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from college_tui.azdo.errors import AzdoError
from college_tui.azdo.http import HttpObserver
from college_tui.events import HttpCall, Waiting

from .conftest import agile_id, create_project, script_faults, wait_for

QUIET = "latency=0.001,retry_after=1"  # fault layer on, no random faults: tests script them


@pytest.fixture
def flaky(start_sandbox):
    return start_sandbox(faults=QUIET)


def test_a_team_whose_answer_was_lost_is_created_exactly_once(flaky, connect, recorder):
    azdo = connect(flaky)
    project = create_project(azdo)
    azdo.teams(project.id)  # discovery done: the next request is the POST

    script_faults(flaky, "drop-after")  # the service creates the team, the answer is lost
    team = azdo.create_team(project.id, "Reviewers", "")

    assert team.name == "Reviewers"
    teams = flaky.sandbox.store.find("team", parent=project.id)
    assert sorted(t["name"] for t in teams) == ["College Team", "Reviewers"]
    # What the user saw: the POST without an answer, a short wait, then the re-check (a GET).
    tail = recorder.events[-3:]
    assert isinstance(tail[0], HttpCall) and (tail[0].method, tail[0].status) == ("POST", None)
    assert isinstance(tail[1], Waiting) and tail[1].attempt == 1
    assert isinstance(tail[2], HttpCall) and tail[2].method == "GET"


def test_a_team_refused_with_a_5xx_is_sent_again_after_the_recheck(flaky, connect):
    azdo = connect(flaky)
    project = create_project(azdo)
    azdo.teams(project.id)
    script_faults(flaky, "5xx")
    azdo.create_team(project.id, "Reviewers", "")
    assert len(flaky.sandbox.store.find("team", parent=project.id, name="Reviewers")) == 1


def test_a_project_whose_answer_was_lost_is_created_once_and_can_be_followed(flaky, connect):
    azdo = connect(flaky)
    process_id = agile_id(azdo)
    azdo.get_project("College")  # discovery done

    script_faults(flaky, "drop-after")
    operation = azdo.queue_create_project("College", "", process_id)

    final = wait_for(lambda: (o := azdo.get_operation(operation)).done and o)
    assert final.status == "succeeded"
    assert len(flaky.sandbox.store.find("operation")) == 1
    assert [p["name"] for p in flaky.sandbox.store.find("project")] == ["College"]
    assert azdo.get_project("College").default_team_name == "College Team"


def test_a_repository_and_a_key_whose_answers_were_lost_exist_once(flaky, connect):
    from .test_ssh_keys import in_a_year, public_line

    azdo = connect(flaky)
    project = create_project(azdo)
    org_id = azdo.connection_data().instance_id
    azdo.repositories(project.name)
    azdo.ssh_keys()

    script_faults(flaky, "drop-after")
    repo = azdo.create_repository(project.id, "aidevcollege")
    assert sorted(r.name for r in azdo.repositories(project.name)) == ["College", "aidevcollege"]
    assert repo.name == "aidevcollege"

    line = public_line()
    script_faults(flaky, None, "drop-after")  # the key list (before uploading), then the upload
    key = azdo.add_ssh_key("college-tui", line, org_id, in_a_year())
    assert [k.authorization_id for k in azdo.ssh_keys()] == [key.authorization_id]


def test_a_rate_limit_is_waited_out_as_the_service_asks(flaky, connect, recorder):
    azdo = connect(flaky)
    azdo.processes()

    script_faults(flaky, "429")
    assert azdo.processes()

    wait = recorder.waits()[-1]
    assert wait == Waiting("test", "Azure DevOps asked us to wait (rate limit)…", 1.0, 1)
    assert [c.status for c in recorder.calls()[-2:]] == [429, 200]


def test_a_service_that_stays_down_is_explained_after_bounded_retries(flaky, connect, recorder):
    azdo = connect(flaky, max_attempts=3)
    azdo.processes()
    plan = script_faults(flaky, "5xx", "5xx", "5xx")
    with pytest.raises(AzdoError) as failure:
        azdo.processes()
    assert failure.value.status == 503
    assert failure.value.message.startswith("Azure DevOps is having trouble (HTTP 503)")
    assert "nothing was lost" in failure.value.message
    assert len(recorder.waits()) == 2
    # Three attempts, three requests. Hidden urllib3 retries (msrest's default policy) would
    # have used up the three faults inside the first attempt and then succeeded.
    assert [c.status for c in recorder.calls()[-3:]] == [503, 503, 503]
    assert plan.script == []


def test_a_request_that_takes_too_long_times_out_and_is_explained(start_sandbox, recorder):
    from college_tui.azdo.client import AzureDevOps
    from college_tui.azdo.credentials import PatCredential

    from .conftest import fast_policy

    slow = start_sandbox(faults="latency=1.5")  # far beyond the 0.1 s read timeout, even under load
    azdo = AzureDevOps(
        slow.info.org_url,
        slow.info.profile_url,
        PatCredential(slow.info.pat),
        recorder,
        "test",
        fast_policy(max_attempts=2),
        timeout=(2, 0.1),
    )
    with pytest.raises(AzdoError) as failure:
        azdo.processes()
    assert "the request timed out" in failure.value.message
    assert [c.status for c in recorder.calls()] == [None, None]
    assert all(c.duration_ms < 1200 for c in recorder.calls())  # cut short, not answered


def test_a_wait_ends_at_once_when_the_attendee_cancels(flaky, connect, recorder):
    from college_tui.azdo.errors import Cancelled

    cancel = threading.Event()
    azdo = connect(flaky, cancel=cancel, base_delay=30, max_delay=30, jitter=0)
    azdo.processes()
    script_faults(flaky, "5xx")
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(Cancelled):
        azdo.processes()
    assert recorder.waits()[-1].seconds == 30  # a long wait was announced, and cut short


def test_an_unreachable_service_is_explained(connect, recorder):
    class Nowhere:
        class info:  # noqa: N801 - stands in for SandboxInfo
            org_url = "http://127.0.0.1:9/college-sandbox"
            profile_url = "http://127.0.0.1:9/app"
            pat = "p" * 52

    azdo = connect(Nowhere, max_attempts=2)
    with pytest.raises(AzdoError) as failure:
        azdo.processes()
    assert failure.value.message.startswith("Could not reach Azure DevOps (127.0.0.1:9)")
    assert failure.value.status is None
    assert [c.status for c in recorder.calls()] == [None, None]


def test_the_whole_journey_survives_random_faults_without_duplicates(
    start_sandbox, connect, recorder
):
    from .test_ssh_keys import in_a_year, public_line

    server = start_sandbox(faults="5xx=0.2,429=0.1,retry_after=1,drop=0.1,seed=3")
    azdo = connect(server, step="journey")

    me = azdo.profile()
    assert [o.name for o in azdo.organizations(me.id)] == ["college-sandbox"]
    who = azdo.connection_data()
    project = create_project(azdo)
    team = azdo.create_team(project.id, "Reviewers", "Reviews pull requests.")
    invite = azdo.invite("grace@college.example", "stakeholder", project.id)
    container = azdo.descriptor(team.id)
    azdo.add_member(invite.user_descriptor, container)
    repo = azdo.create_repository(project.id, "aidevcollege")
    key = azdo.add_ssh_key("college-tui", public_line(), who.instance_id, in_a_year())

    store = server.sandbox.store
    assert len(store.find("operation")) == 1
    assert [p["name"] for p in store.find("project")] == ["College"]
    assert sorted(t["name"] for t in store.find("team", parent=project.id)) == [
        "College Team",
        "Reviewers",
    ]
    assert len(store.find("entitlement", name="grace@college.example")) == 1
    assert azdo.is_member(invite.user_descriptor, container)
    assert sorted(r.name for r in azdo.repositories(project.name)) == ["College", repo.name]
    assert [k.authorization_id for k in azdo.ssh_keys()] == [key.authorization_id]
    # The faults really happened, and every wait was announced.
    statuses = {c.status for c in recorder.calls()}
    assert {None, 429, 503} <= statuses
    assert any(w.message.startswith("Azure DevOps asked us to wait") for w in recorder.waits())


class _RateLimitedHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b'{"value": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Retry-After", "2")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_retry_after_on_a_successful_answer_delays_the_next_request(recorder):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RateLimitedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slept: list[float] = []
    observer = HttpObserver(sleep=slept.append)
    url = f"http://127.0.0.1:{server.server_address[1]}/org/_apis/anything"
    try:
        with observer.context(recorder, "team"):
            assert observer.session().get(url).status_code == 200
            assert slept == []
            observer.session().get(url)
    finally:
        server.shutdown()
    assert len(slept) == 1 and 1.5 < slept[0] <= 2
    assert recorder.waits()[0].message == "Azure DevOps asked us to wait (rate limit)…"
    assert [c.status for c in recorder.calls()] == [200, 200]


def test_a_read_on_a_connection_closed_under_it_is_sent_again_once_quietly(
    flaky, connect, recorder
):
    """A kept-alive connection the server closed while idle: the GET goes again, nobody waits."""
    azdo = connect(flaky)
    create_project(azdo)
    recorder.events.clear()

    script_faults(flaky, "drop-before")  # the connection closes without an answer
    assert azdo.get_project("College") is not None

    assert recorder.waits() == []
    calls = recorder.calls()
    assert [(c.method, c.status) for c in calls] == [("GET", None), ("GET", 200)]  # --verbose
    script_faults(flaky, "drop-before", "drop-before")  # twice in a row: the retry layer's turn
    azdo.forget_reads()
    assert azdo.get_project("College") is not None
    assert len(recorder.waits()) == 1


def test_the_sandbox_keeps_an_idle_connection_open_as_long_as_the_service(flaky):
    from college_tui.sandbox.server import KEEP_ALIVE_SECONDS

    assert flaky._server.config.timeout_keep_alive == KEEP_ALIVE_SECONDS >= 60
