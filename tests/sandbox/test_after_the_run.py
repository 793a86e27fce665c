"""After `apply --sandbox`, `sandbox serve` on the same data: the links it printed open pages and
the clone pushes, also when the sandbox's saved ports were taken meanwhile.

Real everything: the CLI in subprocesses, HTTP to the served pages, git over the sandbox's SSH.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import subprocess

import pytest
import requests

from college_tui.azdo import urls
from tests.e2e.conftest import ANSWERS_PLAIN, World
from tests.sandbox.serving import start_serving

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
URL = re.compile(r"https?://[^\s\"'<>()“”]+")


@pytest.fixture(scope="module")
def after_run(tmp_path_factory):
    """A finished `apply --sandbox --yes` and everything it printed."""
    world = World(tmp_path_factory.mktemp("after-run"))
    world.home.mkdir()
    world.answers.write_text(ANSWERS_PLAIN, encoding="utf-8")
    result = world.apply()
    assert result.returncode == 0, result.stdout + result.stderr
    return world, result.stdout + result.stderr


def serve(world: World, *extra: str):
    return start_serving(
        world.command("sandbox", "serve", "--print-json", "--data", str(world.data), *extra),
        world.env(),
        world.root,
    )


def page(url: str) -> str:
    answer = requests.get(url, headers=BROWSER, timeout=10)
    assert answer.status_code == 200, f"{url}: {answer.status_code} {answer.text[:300]}"
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def test_every_printed_link_and_every_wizard_page_opens_with_its_names(after_run):
    world, output = after_run
    printed = sorted(
        {u.rstrip(".,;:") for u in URL.findall(output)}
        - {"https://github.com/aidevcollege/aidevcollege"}
    )  # the course's source, not a sandbox page
    assert any("/pullrequest/" in u for u in printed), output
    served = serve(world)
    try:
        info = served.info
        org_url = info["org_url"]
        for url in printed:  # the sandbox came back on the run's port: the links are the same
            assert url.startswith(info["base_url"] + "/"), (url, info["base_url"])
        expected = {
            org_url: ["college-sandbox", "College", "grace@example.com"],
            f"{org_url}/College/_git/aidevcollege/pullrequest/1": [
                "Add ada to the attendees",
                "users/ada/hello-college",
                "main",
                "active",
                "Ada Attendee joins the AI Developer College",
            ],
        }
        for url in printed:
            text = page(url)
            for name in expected.get(url, []):
                assert name in text, (url, name)
        assert set(expected) <= set(printed)
        # The pages the wizard opens when it hands a step to the attendee (azdo/urls.py).
        public_key = (world.sandbox_home / ".ssh" / "college_tui_rsa.pub").read_text().split()[1]
        fingerprint = base64.b64encode(hashlib.sha256(base64.b64decode(public_key)).digest())
        wizard_pages = {
            urls.project_web_url(org_url, "College"): [
                "College Team",
                "(default team)",
                "Agile",
                "aidevcollege",
            ],
            urls.team_settings_page(org_url, "College"): [
                "College Team",
                "grace@example.com",
                "Ada Attendee",
            ],
            f"{org_url}/College/_git/aidevcollege": [
                "users/ada/hello-college",
                "README.md",
                "challenges/01-azure-devops.md",
                "Add ada to the attendees",
            ],
            urls.ssh_keys_page(org_url): ["SHA256:" + fingerprint.decode().rstrip("=")],
            urls.personal_access_tokens_page(org_url): ["Ada Attendee"],
        }
        for url, names in wizard_pages.items():
            text = page(url)
            for name in names:
                assert name in text, (url, name)
            assert info["pat"] not in text and public_key not in text
        for url in printed:
            assert info["pat"] not in page(url)
        # A REST client still gets JSON where there is no page, and the SDK's routes are intact.
        rest = requests.get(
            f"{org_url}/College/_git/aidevcollege/pullrequest/1",
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert rest.status_code == 404 and rest.json()["typeKey"] == "RouteNotFoundException"
        api = requests.get(
            f"{org_url}/_apis/projects",
            params={"api-version": "7.1"},
            auth=("", info["pat"]),
            timeout=10,
        )
        assert [p["name"] for p in api.json()["value"]] == ["College"]
    finally:
        code, err = served.stop()
    assert code == 0, err


def _push(world: World, branch: str) -> subprocess.CompletedProcess:
    clone = world.sandbox_home / "college" / "aidevcollege"
    env = world.env(
        GIT_AUTHOR_NAME="Ada",
        GIT_AUTHOR_EMAIL="ada@college.example",
        GIT_COMMITTER_NAME="Ada",
        GIT_COMMITTER_EMAIL="ada@college.example",
    )
    script = (
        f"set -e; git switch -q -c {branch} main; echo {branch} > {branch.replace('/', '-')}"
        f".txt; git add -A; git commit -q -m {branch}; git push -q -u origin {branch}"
    )
    return subprocess.run(
        ["bash", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=60
    )


def _config_port(world: World) -> int:
    text = (world.sandbox_home / ".ssh" / "config").read_text()
    return int(re.search(r"^\s+Port (\d+)$", text, re.MULTILINE)[1])


def test_the_clone_pushes_after_the_run_also_when_the_saved_ports_are_taken(after_run):
    world, _output = after_run
    saved = json.loads((world.data / "ports.json").read_text())
    assert _config_port(world) == saved["ssh_port"]
    served = serve(world)
    try:
        assert (served.port, served.ssh_port) == (saved["port"], saved["ssh_port"])
        pushed = _push(world, "users/ada/same-ports")
        assert pushed.returncode == 0, pushed.stderr
    finally:
        code, err = served.stop()
    assert code == 0 and "in use" not in err, err

    # Another program holds both saved ports now: new ones, said so, and the ssh config follows.
    holders = _hold(saved["port"], saved["ssh_port"])
    try:
        served = serve(world)
        try:
            assert served.port != saved["port"] and served.ssh_port != saved["ssh_port"]
            assert _config_port(world) == served.ssh_port
            pushed = _push(world, "users/ada/moved-ports")
            assert pushed.returncode == 0, pushed.stderr
            refs = requests.get(
                f"{served.info['org_url']}/College/_git/aidevcollege", headers=BROWSER, timeout=10
            ).text
            assert "users/ada/moved-ports" in refs
        finally:
            code, err = served.stop()
    finally:
        for holder in holders:
            holder.close()
    assert code == 0, err
    assert f"port {saved['ssh_port']} (used last time) is in use now" in err
    assert f"port {saved['port']} (used last time) is in use now" in err
    assert f"Port {served.ssh_port}" in err and str(world.sandbox_home / ".ssh" / "config") in err
    assert json.loads((world.data / "ports.json").read_text()) == {
        "port": served.port,
        "ssh_port": served.ssh_port,
        "idp_port": int(served.info["authority"].rsplit(":", 1)[1]),  # the sign-in port is kept too
    }


def _hold(*ports: int) -> list[socket.socket]:
    """Listen on `ports`, as another program would."""
    holders = []
    for port in ports:
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT leftovers
        holder.bind(("127.0.0.1", port))
        holder.listen()
        holders.append(holder)
    return holders


def test_the_wizards_own_sandbox_also_says_when_its_ports_moved_and_fixes_the_ssh_config(after_run):
    world, _output = after_run
    saved = json.loads((world.data / "ports.json").read_text())
    holders = _hold(saved["ssh_port"])
    try:
        result = world.apply()
    finally:
        for holder in holders:
            holder.close()
    assert result.returncode == 0, result.stdout + result.stderr
    now = json.loads((world.data / "ports.json").read_text())
    assert now["port"] == saved["port"] and now["ssh_port"] != saved["ssh_port"]
    assert f"SSH port {saved['ssh_port']} (used last time) is in use now" in result.stderr
    assert f"Port {now['ssh_port']}" in result.stderr
    assert _config_port(world) == now["ssh_port"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option", ["--port", "--ssh-port"])
def test_serve_refuses_a_port_in_use_or_out_of_range_and_suggests_a_free_one(tmp_path, option):
    world = World(tmp_path)
    world.home.mkdir()
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    busy = holder.getsockname()[1]
    try:
        for value, says in (
            (str(busy), f"port {busy} on 127.0.0.1 is in use"),
            ("70000", "is not a TCP port: use 1 to 65535"),
        ):
            result = world.run(
                "sandbox", "serve", "--data", str(world.data), option, value, timeout=60
            )
            assert result.returncode == 2, result.stderr
            assert says in result.stderr and "Traceback" not in result.stderr
            suggested = int(re.search(rf"e\.g\. {option} (\d+) \(free now\)", result.stderr)[1])
            assert 0 < suggested < 65536 and suggested != busy
    finally:
        holder.close()
    assert not (world.data / "ports.json").exists()
