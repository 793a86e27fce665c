"""A pull request's reviewer votes (`PUT …/pullRequests/{id}/reviewers/{reviewerId}`): how the
instructor approves an attendee's pull request, which the class view shows as its review state.

Votes: 10 approved, 5 approved with suggestions, 0 no vote, -5 waiting for the author,
-10 rejected. A reviewer not yet on the pull request is added with the vote, as the service does.
"""

from __future__ import annotations

from typing import Any

from ..errors import ServiceError
from ..routing import Answer, Call
from .git import _routes
from .pull_requests import _reviewer, _save_pr, pr_in_repo

VOTES = (-10, -5, 0, 5, 10)


@_routes(
    "PUT",
    "_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/reviewers/{reviewerId}",
)
def vote(call: Call) -> Answer:
    _repo, pr = pr_in_repo(call)
    body = call.body if isinstance(call.body, dict) else {}
    value = body.get("vote", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value not in VOTES:
        raise ServiceError(
            400,
            "InvalidArgumentValueException",
            f"The vote {value!r} is not one of {', '.join(map(str, VOTES))}.",
        )
    reviewer_id = call.params["reviewerId"].lower()
    reviewers = [r for r in pr["reviewers"] if str(r.get("id", "")).lower() != reviewer_id]
    entry = _reviewer(call, {"id": reviewer_id, "vote": value, **_flags(body)})
    pr["reviewers"] = [*reviewers, entry]
    _save_pr(call.sandbox, pr)
    return entry


def _flags(body: dict[str, Any]) -> dict[str, Any]:
    return {"isRequired": bool(body.get("isRequired"))}
