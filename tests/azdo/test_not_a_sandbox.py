"""Issue 26: COLLEGE_TUI_SERVICE_URL (or a loopback organisation) at a web server that is not a
sandbox was told "The sandbox … has no sign-in running: sign in with its personal access token"."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest


@pytest.fixture
def plain_web_server(tmp_path):
    """`python -m http.server` on a free loopback port: a web server, not a sandbox."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.mark.timeout(30)
def test_a_web_server_that_is_not_a_sandbox_is_named_so(plain_web_server):
    from college_tui.azdo.authority import discover_service
    from college_tui.azdo.errors import AzdoError

    with pytest.raises(AzdoError) as refused:
        discover_service(plain_web_server)
    sentence = str(refused.value)
    assert f"{plain_web_server} does not answer as a college-tui sandbox" in sentence
    assert "HTTP 404" in sentence and "college-tui sandbox serve" in sentence
    assert "has no sign-in" not in sentence and "personal access token" not in sentence


@pytest.mark.timeout(30)
def test_a_sandbox_without_its_sign_in_is_still_named_so(tmp_path):
    from college_tui.azdo.authority import discover_service
    from college_tui.azdo.errors import AzdoError
    from college_tui.sandbox.server import SandboxServer

    no_sign_in = "has no sign-in \\(identity provider\\) running"
    with (
        SandboxServer(tmp_path / "data", identity=False) as info,
        pytest.raises(AzdoError, match=no_sign_in),
    ):
        discover_service(info.base_url)
