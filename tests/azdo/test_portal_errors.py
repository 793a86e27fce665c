"""Portal calls fail by what the real service is known to send: status and message, never typeKey.

Nobody has published how the real portal describes a failing data provider, so whatever shape the
details take, the attendee reads the service's own sentence and gets the guided hand-off. Each
shape is served by the sandbox over real HTTP (its provider-failure details swapped for the shape).
"""

from __future__ import annotations

import pytest

from college_tui.azdo import raw
from college_tui.azdo.errors import PortalRefused
from college_tui.sandbox.api import portal
from tests.azdo.conftest import create_project

SENTENCE = "VS800075: The team cannot be made the default team right now."

SHAPES = {
    "the SDK's DataProviderExceptionDetails only": lambda sentence: {
        "exceptionType": "SomeServerException",
        "message": sentence,
        "stackTrace": None,
    },
    "a typeKey the wizard has never seen": lambda sentence: {
        "exceptionType": "X",
        "message": sentence,
        "typeKey": "BrandNewException",
    },
    "a typeKey the sandbox uses for bad input": lambda sentence: {
        "exceptionType": "X",
        "message": sentence,
        "typeKey": "InvalidArgumentValueException",
    },
    "the older Message/ClassName form": lambda sentence: {
        "Message": sentence,
        "ClassName": "Microsoft.VisualStudio.Services.WebApi.Exception",
    },
    "a bare string": lambda sentence: sentence,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_any_failed_provider_shape_shows_the_message_and_hands_off(
    sandbox, azdo, monkeypatch, shape
):
    project = create_project(azdo)
    team = azdo.create_team(project.id, "Reviewers", "")
    # These shapes leave the sandbox's own (assumed) contract on purpose: stop checking it.
    monkeypatch.setattr(sandbox.sandbox, "observers", [])

    def details(err):
        return SHAPES[shape](SENTENCE)

    def refuse(call, props):
        from college_tui.sandbox.errors import ServiceError

        raise ServiceError(400, "Whatever", SENTENCE)

    monkeypatch.setattr(portal, "_exception_details", details)
    monkeypatch.setitem(portal.PROVIDERS, portal.ADMIN_TEAMS, refuse)
    with pytest.raises(PortalRefused) as failure:
        azdo.set_default_team(project.name, team.id)
    assert failure.value.message == (
        f"Azure DevOps refused to set the default team through its portal API: {SENTENCE} The "
        "wizard will show you how to do it in the browser instead."
    )


def test_an_unexpected_status_from_the_portal_shows_the_message_and_hands_off(azdo, monkeypatch):
    # An api-version the service does not serve: HTTP 400 with its own sentence, a status the
    # portal call was never known to answer. Not retried, not a bare error: a hand-off.
    project = create_project(azdo)
    team = azdo.create_team(project.id, "Reviewers", "")
    monkeypatch.setattr(raw, "RAW_API_VERSION", "99.0")
    with pytest.raises(PortalRefused) as failure:
        azdo.set_default_team(project.name, team.id)
    assert failure.value.status == 400
    message = failure.value.message
    assert message.startswith(
        "Azure DevOps did not let the wizard set the default team through "
        "its portal API (HTTP 400: "
    )
    assert "99.0" in message  # the service's sentence names the version it refused
    assert message.endswith("the wizard will show you how to do it in the browser instead.")
