"""The organisation URL a front end was given, checked before anything uses it."""

from __future__ import annotations


def org_url_problem(text: str) -> tuple[str | None, str | None]:
    """(the organisation URL to use, None) for `text`, or (None, the sentence that refuses it).

    The same rule as `--org` (azdo/urls.py normalize_org_url): the wizard's welcome uses it."""
    from ..azdo.urls import OrgUrlError, normalize_org_url

    if not text.strip():
        return None, "Type your organisation's URL, e.g. https://dev.azure.com/NAME."
    try:
        return normalize_org_url(text).url, None
    except OrgUrlError as exc:
        sentence = str(exc)
        return None, sentence[:1].upper() + sentence[1:]
