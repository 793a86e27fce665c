"""The one place an organisation URL is normalised: what is accepted, rewritten, and refused."""

from __future__ import annotations

import pytest

from college_tui.azdo.urls import OrgUrlError, OrgUrlNeedsName, normalize_org_url


@pytest.mark.parametrize(
    "typed, url, said",
    [
        ("https://dev.azure.com/ada", "https://dev.azure.com/ada", []),
        ("  https://dev.azure.com/ada/  ", "https://dev.azure.com/ada", []),
        ("https://DEV.azure.com/ada", "https://dev.azure.com/ada", []),
        (
            "https://dev.azure.com/ada/College",
            "https://dev.azure.com/ada",
            ["ignored the rest of the URL (College)"],
        ),
        (
            "https://dev.azure.com/ada/College/_git/aidevcollege?path=/README.md",
            "https://dev.azure.com/ada",
            ["ignored the rest of the URL (College/_git/aidevcollege?path=/README.md)"],
        ),
        (
            "https://ada.visualstudio.com",
            "https://dev.azure.com/ada",
            ["https://ada.visualstudio.com is the older form of https://dev.azure.com/ada"],
        ),
        (
            "https://ada.visualstudio.com/College/_git/x",
            "https://dev.azure.com/ada",
            ["older form", "ignored the rest of the URL (College/_git/x)"],
        ),
        ("http://127.0.0.1:8765/college-sandbox", "http://127.0.0.1:8765/college-sandbox", []),
        ("http://localhost:8765/college-sandbox/", "http://localhost:8765/college-sandbox", []),
        ("https://[::1]:8765/college-sandbox", "https://[::1]:8765/college-sandbox", []),
    ],
)
def test_accepted_urls_are_normalised_saying_what_changed(typed, url, said):
    found = normalize_org_url(typed)
    assert found.url == url
    assert len(found.notes) == len(said)
    for note, words in zip(found.notes, said, strict=True):
        assert words in note


@pytest.mark.parametrize(
    "typed, words",
    [
        ("https://example.com/foo", "'example.com' is not Azure DevOps"),
        ("https://dev.azure.com.example.com/ada", "is not Azure DevOps"),
        ("https://evil.example/dev.azure.com/ada", "is not Azure DevOps"),
        ("https://dev.azure.com:8443/ada", "not port 8443"),
        ("https://a.b.visualstudio.com/x", "is not Azure DevOps"),
        ("https://app.vssps.visualstudio.com/x", "is not Azure DevOps"),
        ("https://app.visualstudio.com/", "a service host, not an organisation"),
        ("http://dev.azure.com/ada", "unencrypted"),
        ("http://192.168.1.5/ada", "unencrypted"),
        ("dev.azure.com/ada", "is not a URL"),
        ("ftp://dev.azure.com/ada", "is not a URL"),
    ],
)
def test_everything_else_is_refused_with_a_sentence(typed, words):
    with pytest.raises(OrgUrlError) as refused:
        normalize_org_url(typed)
    assert not isinstance(refused.value, OrgUrlNeedsName)
    assert words in str(refused.value)


def test_a_url_holding_a_token_is_refused_without_repeating_it():
    with pytest.raises(OrgUrlError) as refused:
        normalize_org_url("https://ada:tok3n-in-url@dev.azure.com/ada")
    assert "no user name or token" in str(refused.value)
    assert "tok3n" not in str(refused.value)


@pytest.mark.parametrize(
    "typed", ["https://dev.azure.com", "https://dev.azure.com/", "http://127.0.0.1:8765/"]
)
def test_a_url_without_organisation_asks_for_the_name(typed):
    with pytest.raises(OrgUrlNeedsName) as missing:
        normalize_org_url(typed)
    assert "no organisation name" in str(missing.value)
