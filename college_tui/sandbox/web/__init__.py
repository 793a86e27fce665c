"""The sandbox's read-only web pages, at the real service's URL shapes.

What the wizard prints or opens in a browser (the organisation, a project, its teams, a repository,
a pull request, the user's SSH keys and tokens) is served here as a small HTML page, so every link
of a run works. Pages are for browsers: a request with an api-version, or one that asks for JSON
only, is left to the REST routes. The pages need no sign-in (the sandbox listens on loopback only,
for one attendee) and never show the PAT or any private key.
"""

from __future__ import annotations

from .routes import match_page, wants_page

__all__ = ["match_page", "wants_page"]
