"""`AzureDevOps`: the only way the steps talk to the service (its contract: docs/architecture.md and docs/engine.md).

Every method runs in the caller's (worker) thread, emits an `HttpCall` for each request, retries
per azdo/retry.py and raises `AzdoError` with a sentence for the attendee. Results are the frozen
dataclasses of azdo/models.py.

Creating calls are never re-sent blindly. Each one re-checks the service itself after a failure
that may have lost the answer, and only sends again when the object is absent:

| method | after a lost answer it looks for | "already exists" after a lost answer |
|---|---|---|
| queue_create_project | the operation remembered for that name, then the project by name | our request landed: a `project:{name}` operation id (below) |
| create_team | the team list, by name | the team found by name |
| create_repository | the repository, by name | the repository found by name |
| create_import | the import requests of the repository, same source URL, not failed | the request found |
| create_pull_request | active pull requests with the same source and target | the pull request found |
| add_ssh_key | the key list, by key material (also checked before the first POST) | the key found |
| invite | the user entitlements, by e-mail | success (an existing user is fine) |
| invite_many | — adding someone already there finds them: sent again as is; whoever its answer refuses or leaves out is invited alone (`invite`) | that person invited alone |
| add_member | — PUT, idempotent: retried as is | — |
| set_default_team | — setting the same default twice is harmless: retried as is, then verified | — |

Reads inside a run are remembered (`remember_reads`, which the step runner turns on for one run):
a fact one step read (the project, the repository, the key list, the pull requests) is not fetched
again by the next step or by `apply` after `inspect`. Any write through the facade forgets all of
them (before and after it, so a recheck never sees a stale answer), `forget_reads` forgets them
before each poll, and who the credential belongs to (profile, connection data) is read once.

`queue_create_project` returns the service's operation id; when the answer was lost and the
operation id is unknowable, it returns `project:{name}`, which `get_operation` answers by reading
the project (succeeded once it is wellFormed, inProgress until then).
"""

from __future__ import annotations

from .accounts import Accounts
from .members import Members
from .orgusers import OrgUsers
from .projects import PROJECT_BY_NAME, Projects
from .pullrequests import PullRequests
from .removals import Removals
from .repos import Repositories
from .shared import _use_our_sdk_cache, sdk_cache_saved_once
from .sshkeys import SshKeys

__all__ = ["PROJECT_BY_NAME", "AzureDevOps", "_use_our_sdk_cache", "sdk_cache_saved_once"]


class AzureDevOps(
    Accounts, Projects, Members, SshKeys, PullRequests, Repositories, OrgUsers, Removals
):
    """One signed-in view of an organization (and of the profile host). See docs/engine.md.

    Each service area is a mixin over `Plumbing` (one module each, by area); they share the
    `_Shared` state of shared.py."""
