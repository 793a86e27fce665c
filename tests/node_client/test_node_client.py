"""Microsoft's Node.js client, azure-devops-node-api 17.0.1, against a served sandbox.

It discovers every area with `OPTIONS _apis/{area}` and sends enums as numbers
(`searchCriteria.status=1`): before issue 17's fixes it failed every call ("Failed to find api
location for area: Location") and found no pull request. Installed with npm once per machine into
a cached folder; skipped only where there is no Node.js or npm cannot reach its registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cachelock import building
from tests.conftest import connect
from tests.sandbox.helpers import create_project, import_course

VERSION = "17.0.1"
HERE = Path(__file__).parent
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "college-tui-tests"
    / f"azure-devops-node-api-{VERSION}"
)


@pytest.fixture(scope="session")
def node_client() -> Path:
    """A folder whose node_modules holds azure-devops-node-api (installed on first use)."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Node.js and npm are not installed on this machine")
    marker = CACHE / "complete"
    with building(CACHE):
        if not marker.exists():
            shutil.rmtree(CACHE, ignore_errors=True)
            CACHE.mkdir(parents=True)
            (CACHE / "package.json").write_text('{"private": true}\n')
            npm = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", f"azure-devops-node-api@{VERSION}"],
                cwd=CACHE,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if npm.returncode != 0:
                if any(
                    w in npm.stderr for w in ("ENOTFOUND", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN")
                ):
                    pytest.skip(f"npm cannot reach its registry: {npm.stderr.strip()[-300:]}")
                pytest.fail(f"npm install failed:\n{npm.stderr[-2000:]}")
            marker.write_text("installed\n")
    return CACHE


def test_the_node_client_reads_projects_and_pull_requests_by_number(node_client, sandbox):
    from azure.devops.v7_1.git.models import GitPullRequest, GitRefUpdate

    sdk = connect(sandbox.info.org_url, sandbox.info.pat).clients_v7_1
    project = create_project(sdk)
    repo, _final = import_course(sdk, project)
    git = sdk.get_git_client()
    main = next(r for r in git.get_refs(repo.id, project.name) if r.name == "refs/heads/main")
    update = GitRefUpdate(name="refs/heads/b", old_object_id="0" * 40, new_object_id=main.object_id)
    git.update_refs([update], repo.id, project.name)
    pr = GitPullRequest(
        source_ref_name="refs/heads/b", target_ref_name="refs/heads/main", title="t"
    )
    git.create_pull_request(pr, repo.id, project.name)

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "NODE_PATH": str(node_client / "node_modules"),
        "ORG_URL": sandbox.info.org_url,
        "PAT": sandbox.info.pat,
        "PROJECT": project.name,
        "REPO": repo.name,
    }
    done = subprocess.run(
        ["node", HERE / "read_back.js"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "projects": ["College"],
        "active": ["t"],
        "completed": 0,
        "commits": 0,  # the branch is at main's commit: the PR brings none
    }
