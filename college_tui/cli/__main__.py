"""`python -m college_tui.cli`: the command line without the entry point's fast wizard path."""

from __future__ import annotations

from . import main

if __name__ == "__main__":
    main()
