"""The sentences of azdo/errors.py, and the scope list the sign-in step shows."""

from __future__ import annotations

import inspect

from college_tui.azdo import errors
from college_tui.azdo.client import AzureDevOps


def facade_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(AzureDevOps, inspect.isfunction)
        if not name.startswith("_") and name not in PLUMBING
    }


# Methods that send no request of their own: nothing to describe, no scope.
PLUMBING = (
    "for_step",
    "remember_reads",
    "forget_reads",
    "use_ssh_alias",
    "rate_limit_pause",
    "concurrency",
    "discover",
    "share_pool",
    "settings",
)


def test_every_facade_method_has_a_description_and_a_known_scope():
    assert facade_methods() <= set(errors.METHOD_SCOPES)
    required = {scope for scope, _label, _why in errors.REQUIRED_PAT_SCOPES}
    for method in errors.METHOD_SCOPES:
        scope = errors.scope_for(method)
        assert scope is None or scope in required, method


def test_the_required_scopes_name_the_portal_labels():
    labels = dict((s, label) for s, label, _why in errors.REQUIRED_PAT_SCOPES)
    assert labels["vso.project_manage"] == "Project and Team: Read, write & manage"
    assert labels["vso.code_manage"] == "Code: Read, write & manage"
    assert all(why for _s, _l, why in errors.REQUIRED_PAT_SCOPES)


def test_a_403_names_the_scope_to_add():
    error = errors.refused(
        "create_team", 403, "TF400813: not authorized.", "UnauthorizedAccessException"
    )
    assert error.status == 403 and error.scope_hint == "vso.project_manage"
    assert error.message.startswith("Azure DevOps refused to create the team (HTTP 403).")
    assert "“Project and Team: Read, write & manage” (vso.project_manage)" in error.message
    # A read refused: the scope to add is the one in the list that covers it.
    assert errors.refused("refs", 403).scope_hint == "vso.code_manage"
    assert errors.refused("ssh_keys", 403).scope_hint is None


def test_the_other_sentences_say_what_to_do_next():
    assert errors.service_trouble("processes", 503).message == (
        "Azure DevOps is having trouble (HTTP 503) and could not list the processes — try again "
        "in a minute; nothing was lost."
    )
    assert errors.org_not_found("https://dev.azure.com/nope").message.startswith(
        "Organization not found: Azure DevOps has no organization at https://dev.azure.com/nope"
    )
    assert "wait a few minutes" in errors.rate_limited("teams", 30).message.lower()
    assert "Check your network" in errors.unreachable("teams", "dev.azure.com", "timed out").message
    assert errors.sign_in_failed(maybe_scope="vso.code_manage").scope_hint is None
