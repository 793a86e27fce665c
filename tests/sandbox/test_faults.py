"""Seeded fault injection: the same seed gives the same faults; each kind looks like the real thing."""

from __future__ import annotations

import time

import pytest
import requests

from college_tui.sandbox.faults import FaultPlan, Faults


def test_the_spec_parses_and_rejects_nonsense():
    f = Faults.parse("latency=0.05,5xx=0.1,429=0.05,retry_after=2,drop=0.02,seed=7")
    assert (f.latency, f.error_rate, f.throttle_rate, f.retry_after, f.drop_rate, f.seed) == (
        0.05,
        0.1,
        0.05,
        2,
        0.02,
        7,
    )
    for bad in ("boom=1", "5xx=2", "seed=x", "latency"):
        with pytest.raises(ValueError):
            Faults.parse(bad)


def test_the_same_seed_draws_the_same_faults():
    spec = Faults.parse("5xx=0.2,429=0.2,drop=0.2,seed=42")
    a, b = FaultPlan(spec), FaultPlan(spec)
    draws_a = [a.draw() for _ in range(200)]
    draws_b = [b.draw() for _ in range(200)]
    assert draws_a == draws_b
    assert {"5xx", "429", "drop-before", "drop-after", None} == set(draws_a)


def _get(url: str, pat: str):
    return requests.get(
        url, auth=("", pat), timeout=5, headers={"X-TFS-FedAuthRedirect": "Suppress"}
    )


def test_5xx_and_429_faults_answer_like_the_service(start_sandbox):
    server = start_sandbox(faults="5xx=0.3,429=0.3,retry_after=3,seed=1")
    url = f"{server.info.org_url}/_apis/process/processes"
    statuses = [_get(url, server.info.pat) for _ in range(40)]
    codes = {r.status_code for r in statuses}
    assert codes == {200, 429, 503}
    throttled = next(r for r in statuses if r.status_code == 429)
    assert throttled.headers["Retry-After"] == "3"
    assert "TF400733" in throttled.json()["message"]
    failed = next(r for r in statuses if r.status_code == 503)
    assert failed.json()["typeKey"] == "VssServiceException"


def test_dropped_connections_fail_without_an_answer(start_sandbox):
    server = start_sandbox(faults="drop=1,seed=2")
    with pytest.raises(requests.exceptions.ConnectionError):
        _get(f"{server.info.org_url}/_apis/process/processes", server.info.pat)


def test_a_dropped_answer_can_hide_work_that_was_done(start_sandbox):
    # seed 5 with drop=1: find draws of drop-after to show the work happened without an answer.
    server = start_sandbox(faults="drop=1,seed=5")
    plan = FaultPlan(Faults.parse("drop=1,seed=5"))
    kinds = [plan.draw() for _ in range(10)]
    assert "drop-after" in kinds and "drop-before" in kinds
    body = {
        "name": "College",
        "capabilities": {
            "versioncontrol": {"sourceControlType": "Git"},
            "processTemplate": {"templateTypeId": "adcc42ab-9882-485e-a3ed-7678f01f66bc"},
        },
    }
    for _ in kinds:
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.post(
                f"{server.info.org_url}/_apis/projects?api-version=7.1",
                json=body,
                auth=("", server.info.pat),
                timeout=5,
            )
    # At least one POST was processed although the client saw only a dropped connection.
    assert server.sandbox.store.find("operation")


def test_latency_delays_every_api_call(start_sandbox):
    server = start_sandbox(faults="latency=0.2")
    started = time.monotonic()
    assert _get(f"{server.info.org_url}/_apis/process/processes", server.info.pat).ok
    assert time.monotonic() - started >= 0.2
