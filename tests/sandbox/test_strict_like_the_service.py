"""Issue 26: the sandbox as strict as the service, over real HTTP. It answers only loopback Host
names (no DNS rebinding: its links were built from any Host), refuses changes from another site's
page, refuses a signup for an organisation that exists, and links its SSH keys page."""

from __future__ import annotations

import stat

import pytest
import requests

from tests.sandbox.test_identity_provider import ADO, CLI, DEVICE, Idp

BROWSER = {"Accept": "text/html"}
EVIL = "evil.example"

pytestmark = pytest.mark.timeout(30)


def _port(sandbox) -> int:
    return int(sandbox.info.base_url.rsplit(":", 1)[1])


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/{org}/_apis/projects", {}),
        ("/{org}", BROWSER),  # a web page (its links were made from the Host)
        ("/_sandbox/signup", BROWSER),
        ("/_sandbox/identity", {}),
    ],
)
def test_a_host_name_that_is_not_loopback_is_refused(sandbox, path, headers):
    base, port = sandbox.info.base_url, _port(sandbox)
    url = base + path.format(org=sandbox.info.org_url.rsplit("/", 1)[1])
    auth = ("", sandbox.info.pat)
    for host in (f"{EVIL}:{port}", EVIL, f"127.0.0.1.{EVIL}:{port}", f"localhost:{port + 1}"):
        answer = requests.get(url, headers={**headers, "Host": host}, auth=auth, timeout=10)
        assert answer.status_code == 400, (host, answer.text)
        assert "answers only its loopback addresses" in answer.text
        assert EVIL not in answer.text.replace(repr(host)[1:-1], "")  # no link made from it
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost"):
        answer = requests.get(url, headers={**headers, "Host": host}, auth=auth, timeout=10)
        assert answer.status_code in (200, 203), (host, answer.status_code, answer.text)


def test_the_identity_provider_answers_only_loopback_host_names(start_sandbox):
    info = start_sandbox().info
    port = int(info.authority.rsplit(":", 1)[1])
    url = f"{info.authority}/{info.tenant_id}/v2.0/.well-known/openid-configuration"
    bad = requests.get(url, headers={"Host": f"{EVIL}:{port}"}, verify=info.ca_file, timeout=10)
    assert bad.status_code == 400 and EVIL + ":" not in bad.text.split("host name")[0]
    good = requests.get(url, verify=info.ca_file, timeout=10)
    assert good.status_code == 200 and EVIL not in good.text


def _signup(sandbox, name: str, **headers) -> requests.Response:
    return requests.post(
        f"{sandbox.info.base_url}/_sandbox/signup",
        data={"name": name},
        headers={**BROWSER, **headers},
        timeout=10,
    )


def _orgs(sandbox) -> list[str]:
    """The organisations the service holds (read from its store: the signup makes no other)."""
    return sorted(doc["accountName"] for doc in sandbox.sandbox.store.find("org"))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": f"http://{EVIL}"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Referer": f"http://{EVIL}/attack.html"},
        {"Origin": "http://127.0.0.1:1"},  # loopback, but not this sandbox
    ],
    ids=["another site", "null origin", "referer only", "another port"],
)
def test_a_page_of_another_site_cannot_create_an_organisation(sandbox, headers):
    before = _orgs(sandbox)
    answer = _signup(sandbox, "hijacked", **headers)
    assert answer.status_code == 403, answer.text
    assert "a page of another site may not change this sandbox" in answer.text
    assert _orgs(sandbox) == before and "hijacked" not in before


def test_the_signup_page_itself_and_clients_without_origin_still_create(sandbox):
    own = sandbox.info.base_url
    assert _signup(sandbox, "from-the-page", Origin=own).status_code == 201
    assert _signup(sandbox, "from-curl").status_code == 201
    assert {"from-the-page", "from-curl"} <= set(_orgs(sandbox))


def test_signing_up_an_organisation_that_exists_is_refused(sandbox):
    existing = sandbox.info.org_url.rsplit("/", 1)[1]
    before = _orgs(sandbox)
    assert before == [existing]
    for name in (existing, existing.upper()):
        answer = _signup(sandbox, name)
        assert answer.status_code == 409, answer.text
        assert "already taken" in answer.text and "Organization created" not in answer.text
    assert _orgs(sandbox) == before


def test_every_page_links_the_ssh_keys_page(sandbox):
    page = requests.get(sandbox.info.org_url, headers=BROWSER, timeout=10).text
    assert f'href="{sandbox.info.org_url}/_usersSettings/keys">SSH public keys' in page, page
    assert "built-in method" not in page


def test_every_secret_the_sandbox_keeps_is_0600_again_at_each_start(start_sandbox, tmp_path):
    """ca-key.pem and token-signing.key stayed 0644 when loosened (the database and host key
    were tightened back): every secret is checked at each start."""
    data = tmp_path / "data"
    start_sandbox(data, ssh=True).stop()
    secret_files = [
        data / "identity" / "ca-key.pem",
        data / "identity" / "server-key.pem",
        data / "identity" / "token-signing.key",
        data / "ssh_host_rsa_key",
        data / "sandbox.db",
    ]
    for path in secret_files:
        path.chmod(0o644)
    (data / "identity").chmod(0o755)
    start_sandbox(data, ssh=True)
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in secret_files}
    assert modes == {path.name: 0o600 for path in secret_files}
    assert stat.S_IMODE((data / "identity").stat().st_mode) == 0o700


def test_wrong_device_codes_are_limited_per_code_and_per_client(start_sandbox):
    """300 wrong codes in 0.4 s were answered, and the right one still worked after: a pending
    code is void after 10 wrong tries, and the page refuses a client after 30 (as Entra)."""
    from college_tui.sandbox.identity.tokens import WRONG_CODES_PER_CLIENT, WRONG_CODES_PER_CODE

    info = start_sandbox(device_code_interval=2).info
    idp = Idp(info)

    def device_code() -> dict:
        return idp.post("/oauth2/v2.0/devicecode", client_id=CLI, scope=ADO).json()

    def typed(flow: dict, code: str) -> requests.Response:
        return requests.post(flow["verification_uri"], data={"otc": code}, timeout=10)

    flow = device_code()
    for attempt in range(WRONG_CODES_PER_CODE):
        assert typed(flow, f"WRONG{attempt:04d}").status_code == 400
    right = typed(flow, flow["user_code"])
    assert right.status_code == 400 and "didn't work" in right.text  # void: not "Pick an account"
    poll = idp.token(grant_type=DEVICE, device_code=flow["device_code"])
    assert (poll.status_code, poll.json()["error"]) == (400, "expired_token"), poll.text

    fresh = device_code()
    for attempt in range(WRONG_CODES_PER_CLIENT - WRONG_CODES_PER_CODE):
        typed(fresh, f"AGAIN{attempt:04d}")
    newest = device_code()
    locked = typed(newest, newest["user_code"])
    assert locked.status_code == 429 and "Too many wrong codes" in locked.text
    assert "Pick an account" not in locked.text


def test_a_row_damaged_under_the_running_sandbox_is_named_not_a_traceback(sandbox, org, caplog):
    """A team row set to `{}` while the sandbox runs: "Internal error" and a traceback before;
    now the damaged-database sentence, in the answer and in one log line."""
    import sqlite3

    from tests.sandbox.helpers import create_project

    project = create_project(org)
    with sqlite3.connect(sandbox.sandbox.store.path) as db:
        db.execute("UPDATE docs SET data='{}' WHERE kind='team'")
    db.close()
    answer = requests.get(
        f"{sandbox.info.org_url}/_apis/projects/{project.id}/teams",
        params={"api-version": "7.1"},
        auth=("", sandbox.info.pat),
        timeout=10,
    )
    assert answer.status_code == 500
    assert "is damaged" in answer.text and "--fresh" in answer.text, answer.text
    assert "Internal error" not in answer.text
    assert not any(record.exc_info for record in caplog.records)
