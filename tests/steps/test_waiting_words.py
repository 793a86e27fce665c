"""How a wait is said: a retry's sub-second or zero delay is never "waiting 0 s" (issue 16 §5)."""

from __future__ import annotations

import pytest

from college_tui.events import Waiting
from college_tui.steps.printer import Printer

MESSAGE = "Azure DevOps did not answer (HTTP 503); trying again…"


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.0, "trying again at once"),
        (0.004, "waiting under a second"),
        (0.37, "waiting under a second"),
        (0.99, "waiting under a second"),
        (1.0, "waiting 1 s"),
        (1.4, "waiting 1 s"),
        (12.6, "waiting 13 s"),
    ],
)
def test_a_wait_is_said_in_words_that_are_true(seconds, said):
    event = Waiting("project", MESSAGE, seconds, 2)
    assert event.how_long == said
    line = Printer(unicode=False).line(event)
    assert line is not None and f"({said}, attempt 2)" in line, line
    assert "waiting 0 s" not in line
