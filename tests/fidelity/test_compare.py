"""The replay's comparison demands what the recording shows, and only that."""

from __future__ import annotations

from tests.fidelity.replay import align, compare, url_shape

RECORDED = {
    "id": "c9b977bd-dba8-4fe9-92a0-a9a893c98643",
    "name": "College",
    "revision": 4640,
    "url": "https://dev.azure.com/fabrikam/_apis/projects/c9b977bd-dba8-4fe9-92a0-a9a893c98643",
    "defaultTeam": {"id": "caaf9497-b0c7-42f6-b7bb-76f2bd47e04d", "name": "College Team"},
    "lastUpdateTime": "2025-01-10T12:13:40.297Z",
}
SANDBOX = {
    "id": "0b6f4c1e-55a4-4a4e-9d1c-4e1c3f6b8a10",
    "name": "College",
    "revision": 401,
    "url": "http://127.0.0.1:5123/college-sandbox/_apis/projects/0b6f4c1e-55a4-4a4e-9d1c-4e1c3f6b8a10",
    "defaultTeam": {"id": "5d1f0d3c-8f0e-4d67-a5f2-3c0a4b1e2f33", "name": "College Team"},
    "lastUpdateTime": "2026-11-26T10:00:00.000Z",
    "description": "extra fields are fine",
}


def test_ids_dates_counts_and_hosts_may_differ():
    assert compare(RECORDED, SANDBOX) == []


def test_a_missing_nested_field_is_named_by_its_pointer():
    sandbox = {**SANDBOX, "defaultTeam": {"id": SANDBOX["defaultTeam"]["id"]}}
    assert [str(d) for d in compare(RECORDED, sandbox)] == ["/defaultTeam/name: missing"]


def test_a_value_of_another_json_type_is_reported():
    assert [str(d) for d in compare(RECORDED, {**SANDBOX, "revision": "401"})] == [
        "/revision: recorded number, sandbox sent string"
    ]


def test_a_url_to_another_path_is_reported():
    wrong = {**SANDBOX, "url": "http://127.0.0.1:5123/college-sandbox/_apis/teams/x"}
    [difference] = compare(RECORDED, wrong)
    assert difference.pointer == "/url"


def test_url_shapes_set_aside_host_organisation_and_ids():
    assert url_shape(RECORDED["url"]) == url_shape(SANDBOX["url"]) == "_apis/projects/{id}"
    assert url_shape(
        "https://spsprodcin2.vssps.visualstudio.com/Aa9bae0de-049f-43b5-a1ff-"
        "18f8f805fbe8/_apis/Identities/c9b977bd-dba8-4fe9-92a0-a9a893c98643"
    ) == url_shape(
        "http://127.0.0.1:5123/vssps/college-sandbox/_apis/Identities/"
        "0b6f4c1e-55a4-4a4e-9d1c-4e1c3f6b8a10"
    )
    assert url_shape("git@ssh.dev.azure.com:v3/org/project/repo") is None


def test_list_items_are_matched_by_name_else_the_first_ones_are_compared():
    recorded = [{"name": "Scrum", "isDefault": False}, {"name": "Agile", "isDefault": False}]
    sandbox = [{"name": "Agile"}, {"name": "Basic", "isDefault": True}]
    assert [(i, a["name"], b["name"]) for i, a, b in align(recorded, sandbox)] == [
        (1, "Agile", "Agile")
    ]
    assert [str(d) for d in compare(recorded, sandbox)] == ["/1/isDefault: missing"]
    assert align([{"x": 1}], [{"x": 2}, {"x": 3}]) == [(0, {"x": 1}, {"x": 2})]


def test_an_empty_list_where_the_service_had_items_is_reported():
    assert [str(d) for d in compare({"value": [{"a": 1}]}, {"value": []})] == [
        "/value: recorded 1 items, sandbox sent none"
    ]


def test_recorded_ids_used_as_keys_are_translated():
    ids = {"vssgp.recorded": "vssgp.sandbox"}
    recorded = {"value": {"vssgp.recorded": {"displayName": "College Team"}}}
    assert compare(recorded, {"value": {"vssgp.sandbox": {"displayName": "x"}}}, ids=ids) == []
