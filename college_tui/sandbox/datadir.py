"""Where the sandbox keeps its data by default: light to import (the wizard asks before its
first frame; the server itself loads later)."""

from __future__ import annotations

from pathlib import Path


def default_data_dir() -> Path:
    """The persistent sandbox home (a later run resumes where the last stopped)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("college-tui", appauthor=False)) / "sandbox"
