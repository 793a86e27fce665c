"""benchmarks/run.py `--only N --write`: the table's rows of N replaced, the other rows kept, and
one line under the table per set of figures saying when they were last measured (a line for
figures measured anew since is dropped: it no longer describes any row)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

DOC = """# Performance

<!-- benchmark table: begin -->
| # | measure | median (min–max, n) | baseline, same run | target | status |
|---|---|---|---|---|---|
| 3 | stall | 124 ms | 40 ms | ≤ 1.5× | missed |
| 8 | flow | 48.9 s | 47.1 s | ≤ 1.05× | met |

Figure(s) 8 measured again by `python benchmarks/run.py --only 8`, 2026-12-08 02:13 UTC: here.

Figure(s) 3 measured again by `python benchmarks/run.py --only 3`, 2026-12-08 02:11 UTC: here.

Figure(s) 3, 8 measured again by `python benchmarks/run.py --only 3,8`, 2026-12-08 00:28 UTC: here.
<!-- benchmark table: end -->

The end.
"""


@pytest.fixture
def run_module(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    sys.modules.pop("run", None)
    import run

    doc = tmp_path / "performance.md"
    doc.write_text(DOC, encoding="utf-8")
    monkeypatch.setattr(run, "DOC", doc)
    yield run
    sys.modules.pop("run", None)


def test_only_3_replaces_its_rows_and_its_older_dated_lines(run_module):
    from common import Row

    new = Row("3", "stall", "50 ms", "48 ms", "≤ 1.5×", "met")
    run_module.update_doc_rows([new], {"3"}, "python benchmarks/run.py --only 3", "quiet")
    text = run_module.DOC.read_text(encoding="utf-8")

    assert "| 3 | stall | 50 ms | 48 ms | ≤ 1.5× | met |" in text
    assert "124 ms" not in text
    assert "| 8 | flow | 48.9 s |" in text  # other figures' rows kept
    dated = [line for line in text.splitlines() if "measured again" in line]
    assert len(dated) == 3  # the new line, figure 8's, and the one for 3 and 8 together
    assert dated[0].startswith("Figure(s) 3 measured again") and dated[0].endswith(": quiet.")
    assert "02:11 UTC" not in text  # figure 3's older line no longer describes a row
    assert "02:13 UTC" in text and "00:28 UTC" in text
    assert "\n\n\n" not in text
    assert text.endswith("<!-- benchmark table: end -->\n\nThe end.\n")
