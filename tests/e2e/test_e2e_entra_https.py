"""An Entra sign-in when SSH is blocked: `apply --sandbox --yes --faults ssh=closed` with
`auth = "device-code"` clones and pushes over HTTPS, the Bearer token reaching git only through
the one-command credential helper (never in a file, a URL or git's environment), and the pull
request exists."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .conftest import ANSWERS_PLAIN, World, snapshot
from .test_e2e_entra import JWT_HEAD, run_as_person


def test_device_code_sign_in_clones_over_https_when_ssh_is_closed(tmp_path):
    world = World(tmp_path)
    world.home.mkdir()
    world.answers.write_text(ANSWERS_PLAIN + 'auth = "device-code"\n', encoding="utf-8")
    spy, path = world.spy_on_git()  # git writes down its arguments and environment
    env = world.env(PATH=path)
    args = world.sandbox_args("--faults", "ssh=closed")
    code, out = run_as_person(
        world, "apply", *args, "--answers", str(world.answers), "--yes", env=env
    )
    assert code == 0, out
    assert "All 9 steps are done." in out
    assert "with Microsoft Entra" in out
    assert "SSH cannot get through from here, the clone will use HTTPS" in out
    assert re.search(r"\[clone\] ✓ Cloned aidevcollege into .* over HTTP in ", out), out
    assert "Pushed users/ada/hello-college over HTTP" in out

    seen = snapshot(world.data)
    assert "refs/heads/users/ada/hello-college" in seen.branches
    assert len(seen.active_prs) == 1

    dumps = [d.read_bytes() for d in spy.iterdir()]
    assert any(b"credential.helper=" in d for d in dumps)  # HTTPS went through our helper
    for dump in dumps:  # argv and environment of every git: no token, no token in a URL
        assert JWT_HEAD not in dump
    for path in world.root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert JWT_HEAD not in path.read_bytes(), path
    clone = world.sandbox_home / "college" / "aidevcollege"
    remote = (clone / ".git" / "config").read_text()
    url = urlsplit(re.search(r"url = (\S+)", remote)[1])
    assert url.scheme == "http" and url.password is None  # the remoteUrl: a user name at most
    assert JWT_HEAD not in out.encode()
