"""Stories about the portal's raw endpoints: the default team and the SSH key, over plain HTTP."""

from __future__ import annotations

import subprocess

import paramiko
import pytest
import requests
from azure.devops.v7_1.core.models import WebApiTeam

from tests.sandbox.helpers import create_project

ADMIN_TEAMS = "ms.vss-admin-web.admin-teams-data-provider"
ISSUE_TOKEN = "ms.vss-token-web.personal-access-token-issue-session-token-provider"
HEADERS = {
    "X-TFS-FedAuthRedirect": "Suppress",
    "Accept": "application/json;api-version=5.0-preview.1",
}


class Portal:
    """What the wizard does by hand: raw requests with the PAT, as the public tools do."""

    def __init__(self, info, pat: str | None = None) -> None:
        self.dev = info.org_url
        self.vssps = f"{info.base_url}/vssps/{info.org}"
        self.auth = ("", pat if pat is not None else info.pat)

    def query(self, contribution: str, properties: dict, suffix: str = "", **kwargs):
        return requests.post(
            f"{self.dev}/_apis/Contribution/HierarchyQuery{suffix}",
            auth=self.auth,
            headers=HEADERS,
            allow_redirects=False,
            timeout=10,
            json={
                "contributionIds": [contribution],
                "dataProviderContext": {"properties": properties},
            },
            **kwargs,
        )

    def add_key(self, public_line: str, name: str = "college-tui", account: str | None = None):
        return self.query(
            ISSUE_TOKEN,
            {
                "displayName": name,
                "publicData": public_line,
                "validTo": "2099-05-01T00:00:00.000Z",
                "scope": "app_token",
                "isPublic": True,
                "targetAccounts": [account] if account else [],
            },
        )

    def ssh_keys(self, include_public_data: bool = True) -> list[dict]:
        reply = requests.get(
            f"{self.vssps}/_apis/Token/SessionTokens",
            auth=self.auth,
            headers=HEADERS,
            timeout=10,
            params={"isPublic": "true", "includePublicData": str(include_public_data).lower()},
        )
        assert reply.status_code == 200, reply.text
        return reply.json()["value"]


def rsa_line(bits: int = 2048, comment: str = "ada@laptop") -> str:
    key = paramiko.RSAKey.generate(bits)
    return f"{key.get_name()} {key.get_base64()} {comment}"


@pytest.fixture
def portal(sandbox):
    return Portal(sandbox.info)


@pytest.fixture
def account_id(sandbox):
    return sandbox.sandbox.org(sandbox.info.org)["accountId"]


def test_switching_the_default_team_through_the_portal(org, portal):
    college = create_project(org)
    core = org.get_core_client()
    ops = core.create_team(WebApiTeam(name="Ops Team", description="Runs things"), college.id)
    assert core.get_project("College").default_team.name == "College Team"

    reply = portal.query(
        ADMIN_TEAMS,
        {
            "setDefaultTeam": True,
            "teamId": ops.id,
            "sourcePage": {"routeValues": {"project": "College"}},
        },
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["dataProviderSharedData"] == {}
    assert body["dataProviders"]["ms.vss-web.component-data"] == {}
    assert body["dataProviders"]["ms.vss-web.shared-data"] is None
    assert body["dataProviders"][ADMIN_TEAMS]["defaultTeam"]["id"] == ops.id
    assert "dataProviderExceptions" not in body
    assert core.get_project(college.id).default_team.id == ops.id

    # The scoped form of the URL works too, and switching back restores "College Team".
    back = portal.query(
        ADMIN_TEAMS,
        {
            "setDefaultTeam": True,
            "teamId": college.default_team.id,
            "sourcePage": {"routeValues": {"project": college.id}},
        },
        suffix=f"/project/{college.id}",
    )
    assert back.status_code == 200
    assert core.get_project("College").default_team.name == "College Team"


def test_an_unknown_team_is_reported_by_the_data_provider(org, portal):
    college = create_project(org)
    reply = portal.query(
        ADMIN_TEAMS,
        {
            "setDefaultTeam": True,
            "teamId": "11111111-2222-3333-4444-555555555555",
            "sourcePage": {"routeValues": {"project": "College"}},
        },
    )
    assert reply.status_code == 200
    body = reply.json()
    assert ADMIN_TEAMS not in body["dataProviders"]
    failure = body["dataProviderExceptions"][ADMIN_TEAMS]
    assert failure["typeKey"] == "TeamNotFoundException"
    assert "11111111-2222-3333-4444-555555555555" in failure["message"]
    assert org.get_core_client().get_project(college.id).default_team.name == "College Team"


def test_registering_listing_and_deleting_an_ssh_key(sandbox, portal, account_id):
    line = rsa_line()
    reply = portal.add_key(line, account=account_id)
    assert reply.status_code == 200
    token = reply.json()["dataProviders"][ISSUE_TOKEN]
    assert token["publicData"] == line
    assert token["isValid"] is True and token["isPublic"] is True
    assert token.get("token") is None  # an SSH key has no secret to show
    assert token["targetAccounts"] == [account_id]
    assert token["userId"] == sandbox.sandbox.user["id"]

    listed = portal.ssh_keys()
    assert [(k["authorizationId"], k["publicData"]) for k in listed] == [
        (token["authorizationId"], line)
    ]
    assert [k.get("publicData") for k in portal.ssh_keys(include_public_data=False)] == [None]
    # The SSH git server reads the same document.
    [stored] = sandbox.sandbox.store.find("sshkey", org=sandbox.info.org)
    assert stored["publicData"] == line and stored["validTo"].startswith("2099-05-01")

    one = requests.get(
        f"{portal.vssps}/_apis/Token/SessionTokens/{token['authorizationId']}",
        params={"isPublic": "true"},
        auth=portal.auth,
        headers=HEADERS,
        timeout=10,
    )
    assert one.status_code == 200 and one.json()["displayName"] == "college-tui"

    gone = requests.delete(
        f"{portal.vssps}/_apis/Token/SessionTokens/{token['authorizationId']}",
        params={"isPublic": "true"},
        auth=portal.auth,
        headers=HEADERS,
        timeout=10,
    )
    assert gone.status_code == 204
    assert portal.ssh_keys() == []
    assert sandbox.sandbox.store.find("sshkey", org=sandbox.info.org) == []


def test_the_same_key_twice_is_a_duplicate(portal, account_id):
    line = rsa_line()
    assert portal.add_key(line, account=account_id).status_code == 200
    # Same key material under another name and comment: still the same key.
    again = portal.add_key(
        line.rsplit(" ", 1)[0] + " other-comment", name="again", account=account_id
    ).json()
    assert ISSUE_TOKEN not in again["dataProviders"]
    assert again["dataProviderExceptions"][ISSUE_TOKEN]["typeKey"] == "DuplicatePublicKeyException"
    assert len(portal.ssh_keys()) == 1


def test_only_rsa_keys_of_2048_bits_or_more_are_accepted(portal, account_id, tmp_path):
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "ada@laptop",
            "-f",
            str(tmp_path / "id_ed25519"),
        ],
        check=True,
    )
    ed25519 = (tmp_path / "id_ed25519.pub").read_text().strip()
    refused = portal.add_key(ed25519, account=account_id).json()["dataProviderExceptions"]
    assert refused[ISSUE_TOKEN]["message"] == 'Invalid key: Valid keys will start with "ssh-rsa".'

    short = portal.add_key(rsa_line(1024), account=account_id).json()["dataProviderExceptions"]
    assert "2048" in short[ISSUE_TOKEN]["message"]
    garbled = portal.add_key("ssh-rsa AAAAnot-base64!", account=account_id).json()
    assert garbled["dataProviderExceptions"][ISSUE_TOKEN]["typeKey"] == (
        "InvalidPublicKeyException"
    )
    assert portal.ssh_keys() == []


def test_the_direct_session_token_post_shares_the_storage(portal, account_id):
    line = rsa_line()
    reply = requests.post(
        f"{portal.vssps}/_apis/Token/SessionTokens",
        params={"isPublic": "true"},
        auth=portal.auth,
        headers=HEADERS,
        timeout=10,
        json={
            "displayName": "direct",
            "publicData": line,
            "scope": "app_token",
            "validTo": "2099-01-01T00:00:00Z",
            "targetAccounts": [account_id],
        },
    )
    assert reply.status_code == 200
    assert [k["displayName"] for k in portal.ssh_keys()] == ["direct"]
    assert portal.add_key(line, account=account_id).json()["dataProviderExceptions"]


def test_a_wrong_pat_is_refused_like_the_service_does(sandbox):
    intruder = Portal(sandbox.info, pat="not-the-pat")
    reply = intruder.add_key(rsa_line())
    assert reply.status_code == 401
    assert reply.json()["typeKey"] == "UnauthorizedRequestException"

    # Without the Suppress header the service answers with its sign-in page instead.
    page = requests.get(
        f"{intruder.vssps}/_apis/Token/SessionTokens",
        params={"isPublic": "true"},
        auth=intruder.auth,
        timeout=10,
        headers={"Accept": HEADERS["Accept"]},
        allow_redirects=False,
    )
    assert page.status_code == 203
    assert page.headers["content-type"].startswith("text/html")
    assert sandbox.sandbox.store.find("sshkey") == []
