"""Microsoft's Node.js client, azure-devops-node-api 17.0.1, against a served sandbox.

It discovers every area with `OPTIONS _apis/{area}` and sends enums as numbers
(`searchCriteria.status=1`): before issue 17's fixes it failed every call ("Failed to find api
location for area: Location") and found no pull request. Installed with npm once per machine into
a cached folder (tests/interop_envs.py); an interop test: the default `pytest` deselects it,
`pytest -m interop` runs it, skipped only where there is no Node.js or npm cannot reach its
registry.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import connect
from tests.interop_envs import BuildFailed, Unreachable, build_node_client
from tests.sandbox.helpers import create_project, import_course

pytestmark = pytest.mark.interop
HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def node_client() -> Path:
    """A folder whose node_modules holds azure-devops-node-api (installed on first use)."""
    try:
        return build_node_client()
    except Unreachable as exc:
        pytest.skip(str(exc))
    except BuildFailed as exc:
        pytest.fail(str(exc))


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
