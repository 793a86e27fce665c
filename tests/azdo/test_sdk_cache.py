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
