"""Deleting a project (`DELETE _apis/projects/{id}`), as `college-tui teardown` asks.

The service answers 202 with an operation and removes the project with everything in it: its
teams and groups (and their memberships), its repositories (storage included), their pull
requests and import requests. The sandbox does it at once; the operation reads "succeeded".
(The real service keeps a deleted project restorable for 28 days; the sandbox does not.)
"""

from __future__ import annotations

import uuid

from .. import repos
from ..routing import Answer, Call, Reply, router
from .lookups import membership_id, require_project


@router.route("DELETE", "dev", "_apis/projects/{projectId}")
def delete_project(call: Call) -> Answer:
    project = require_project(call, call.params["projectId"])
    store, pid, org = call.store, project["id"], project["org"]
    with store.transaction():
        for repo in store.find("repo", parent=pid) + store.find("deleted_repo", parent=pid):
            for kind in ("pull_request", "import_request"):
                for doc in store.find(kind, parent=repo["id"]):
                    store.delete(kind, doc.get("key") or doc["id"])
            store.delete("repo", repo["id"])
            repos.purge_repository(call.sandbox, repo)
        for kind in ("team", "group"):
            for doc in store.find(kind, parent=pid):
                for member in store.find("membership", org=org, parent=doc["descriptor"]):
                    store.delete(
                        "membership",
                        membership_id(
                            org, member["memberDescriptor"], member["containerDescriptor"]
                        ),
                    )
                store.delete(kind, doc["id"])
        store.delete("project", pid)
        op_id = str(uuid.uuid4())
        store.put(
            "operation",
            op_id,
            {"id": op_id, "org": org, "name": f"delete:{project['name']}", "status": "succeeded"},
            org=org,
            name=f"delete:{project['name']}",
        )
    url = f"{call.host_url()}/_apis/operations/{op_id}"
    return Reply(202, {"id": op_id, "status": "queued", "url": url})
