"""The sandbox's web pages over real HTTP: escaped, 404 pages for unknown names, and the REST API
(and git's smart-HTTP paths) left alone."""

from __future__ import annotations

import pytest
import requests
from azure.devops.v7_1.core.models import TeamProject

from college_tui.sandbox.web import match_page
from tests.sandbox.helpers import wait_for

BROWSER = {"Accept": "text/html"}
AGILE = "adcc42ab-9882-485e-a3ed-7678f01f66bc"
TYPED = '<script>alert("owned")</script> & <b>bold</b>'


def _get(url: str, **kwargs) -> requests.Response:
    return requests.get(url, headers=kwargs.pop("headers", BROWSER), timeout=10, **kwargs)


def test_what_users_typed_is_escaped_on_the_pages(sandbox, org):
    core = org.get_core_client()
    core.queue_create_project(
        TeamProject(
            name="College",
            description=TYPED,
            capabilities={
                "versioncontrol": {"sourceControlType": "Git"},
                "processTemplate": {"templateTypeId": AGILE},
            },
        )
    )
    wait_for(lambda: core.get_projects())
    text = _get(f"{sandbox.info.org_url}/College").text
    assert (
        "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    )
    assert "<script>" not in text and "<b>bold" not in text
    assert sandbox.info.pat not in text


@pytest.mark.parametrize(
    "path, names",
    [
        ("/no-such-org", ["organization no-such-org"]),
        ("/college-sandbox/NoProject", ["project NoProject in college-sandbox"]),
        ("/no-such-org/_usersSettings/keys", ["organization no-such-org"]),
        ("/college-sandbox/NoProject/_git/x/pullrequest/7", ["project NoProject"]),
    ],
)
def test_unknown_names_get_a_404_page_that_names_them(sandbox, path, names):
    answer = _get(sandbox.info.base_url + path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    for name in names:
        assert name in answer.text


def test_rest_clients_and_other_routes_are_not_served_pages(sandbox):
    base, org_url, pat = sandbox.info.base_url, sandbox.info.org_url, sandbox.info.pat
    # The SDK's routes, even when a browser-like Accept comes without an api-version.
    api = _get(f"{org_url}/_apis/projects", auth=("", pat))
    assert api.status_code == 200 and api.json()["count"] == 0
    # An api-version, or JSON only, asks for the REST API: no page, the service's 404 body.
    for kwargs in ({"params": {"api-version": "7.1"}}, {"headers": {"Accept": "application/json"}}):
        answer = _get(f"{org_url}/College", **kwargs)
        assert answer.status_code == 404 and "typeKey" in answer.json()
    # The signup page of the sandbox is still there.
    assert "Create your Azure DevOps organization" in _get(f"{base}/_sandbox/signup").text


@pytest.mark.parametrize(
    "path",
    [
        "/org/College/_git/repo/info/refs",
        "/org/College/_git/repo/git-upload-pack",
        "/org/College/_git/repo/git-receive-pack",
        "/org/College/_git/repo/pullrequest/1/files",
        "/org/_apis/projects",
        "/vssps/org",
        "/app",
    ],
)
def test_paths_under_a_repository_the_pages_do_not_serve_are_left_to_other_routes(path):
    assert match_page(path) is None
