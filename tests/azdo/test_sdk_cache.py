"""The SDK's discovery cache goes to our cache dir, never to ~/.azure-devops (read-only homes)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_sdk_cache_lands_in_the_user_cache_dir_not_in_home(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "AZURE_DEVOPS_CACHE_DIR"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(cache))
    script = (
        "from college_tui.azdo.client import _use_our_sdk_cache\n"
        "_use_our_sdk_cache()\n"
        "import azure.devops.connection\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    assert not (home / ".azure-devops").exists()
    assert (cache / "college-tui" / "azure-devops-sdk").is_dir()


def test_a_cache_dir_set_by_the_user_wins(tmp_path, monkeypatch):
    from college_tui.azdo.client import _use_our_sdk_cache

    monkeypatch.setenv("AZURE_DEVOPS_CACHE_DIR", str(tmp_path / "mine"))
    _use_our_sdk_cache()
    assert os.environ["AZURE_DEVOPS_CACHE_DIR"] == str(tmp_path / "mine")


def test_a_class_refresh_writes_the_sdk_caches_once_not_per_organisation(tmp_path, monkeypatch):
    """`sdk_cache_saved_once` (the class view's refresh): 30 organisations' discovery answers
    kept in memory, the file written once at the end with all of them; outside it, every new
    entry writes the file again, as the SDK does."""
    import json

    from azure.devops._file_cache import OPTIONS_CACHE, FileCache

    from college_tui.azdo.client import sdk_cache_saved_once

    writes: list[str] = []
    real = FileCache._save
    monkeypatch.setattr(
        FileCache, "_save", lambda self: writes.append(self.file_name) or real(self)
    )
    monkeypatch.setattr(OPTIONS_CACHE, "file_name", str(tmp_path / "options.json"))
    monkeypatch.setattr(OPTIONS_CACHE, "data", {})
    monkeypatch.setattr(OPTIONS_CACHE, "initial_load_occurred", True)
    with sdk_cache_saved_once():
        for number in range(30):
            OPTIONS_CACHE[f"https://dev.azure.com/class-{number:03}"] = [{"id": str(number)}]
        assert writes == [] and not (tmp_path / "options.json").exists()
    assert writes.count(str(tmp_path / "options.json")) == 1
    assert len(json.loads((tmp_path / "options.json").read_text(encoding="utf-8"))) == 30
    OPTIONS_CACHE["https://dev.azure.com/class-030"] = []
    assert writes.count(str(tmp_path / "options.json")) == 2
