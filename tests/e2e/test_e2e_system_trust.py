"""A company laptop behind a TLS-re-signing proxy, rehearsed: the sandbox served over HTTPS with a
CA that is in the OS trust store only (OpenSSL's SSL_CERT_FILE here), not in certifi's list.
`college-tui apply` (a subprocess: the SDK, the wizard's own requests, discovery) succeeds
because every HTTPS call verifies with the OS store (truststore)."""

from __future__ import annotations

import json
import subprocess
import sys

from college_tui.sandbox.server import SandboxServer
from college_tui.sandbox.service import SandboxConfig
from tests.conftest import FAST

from .conftest import World

PROBE = "import requests, sys; requests.get(sys.argv[1], timeout=10)"


def test_the_wizard_trusts_a_ca_only_the_os_store_has(world: World):
    server = SandboxServer(world.data, ssh=False, https=True, config=SandboxConfig(**FAST), port=0)
    info = server.start()
    try:
        assert info.org_url.startswith("https://127.0.0.1:")
        env = world.env(SSL_CERT_FILE=info.ca_file, AZURE_DEVOPS_PAT=info.pat)
        env.pop("REQUESTS_CA_BUNDLE", None)
        env.pop("CURL_CA_BUNDLE", None)
        # certifi's list alone (plain requests) refuses the sandbox's certificate...
        plain = subprocess.run(
            [sys.executable, "-c", PROBE, info.org_url], env=env, capture_output=True, text=True
        )
        assert plain.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in plain.stderr
        # ...the wizard, with the OS store, gets through: sign-in, project, team.
        world.answers.write_text('auth = "pat"\n', encoding="utf-8")
        result = world.run(
            "apply",
            "--org",
            info.org_url,
            "--answers",
            str(world.answers),
            "--yes",
            "--until",
            "team",
            env=env,
            timeout=180,
        )
        said = result.stdout + result.stderr
        assert result.returncode == 0, said
        assert "certificate" not in said.lower()
        assert "Signed in as" in said and "College Team" in said

        # The doctor names what re-signs TLS (here the sandbox's CA plays the company proxy).
        doctor = world.run("doctor", "--org", info.org_url, "--json", env=env, timeout=120)
        checks = {c["key"]: c for c in json.loads(doctor.stdout)["checks"]}
        https = checks["https"]
        assert https["status"] == "warning", https
        assert "signed by “college-tui sandbox”" in https["found"]
        assert "company proxy" in https["found"] and "trust store" in https["advice"]
    finally:
        server.stop()
