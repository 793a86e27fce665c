"""Rendering pages with Jinja2 (imported on first use): autoescaped templates under templates/."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment
    from starlette.responses import HTMLResponse


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("college_tui.sandbox.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """An HTML response of `template` filled with `values` (every value is escaped)."""
    from starlette.responses import HTMLResponse

    return HTMLResponse(_environment().get_template(template).render(**values), status_code=status)
