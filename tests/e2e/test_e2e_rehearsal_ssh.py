"""A served sandbox rehearsed as Azure DevOps (`apply --org http://127.0.0.1:P/NAME`, the PAT from
the environment) writes the real ~/.ssh only under an alias of its own: after the whole course,
`ssh -G ssh.dev.azure.com` in that HOME still reaches Azure DevOps on port 22, known_hosts pins
nothing under the real host's name, and the clone's origin names the sandbox's alias. Nothing is
left in the temp folder. A data folder whose home leads outside it is refused."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ANSWERS_PLAIN, World

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH is not installed")


def ssh_settings(home, host: str) -> dict[str, str]:
    """`ssh -G host` as the attendee's ssh sees it (OpenSSH reads the account's home, not $HOME:
    `-F` names the test HOME's config)."""
    shown = subprocess.run(
        ["ssh", "-F", str(home / ".ssh" / "config"), "-G", host],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split(" ", 1) for line in shown.splitlines() if " " in line)


def test_a_served_sandbox_leaves_ssh_dev_azure_com_to_azure_devops(world: World, start_sandbox):
    server = start_sandbox(ssh=True)
    info = server.info
    alias = f"college-tui-sandbox-{info.ssh_port}"
    temp = world.root / "tmp"
    temp.mkdir()
    env = world.env(AZURE_DEVOPS_PAT=info.pat, TMPDIR=str(temp))
    # no passphrase: a private ssh-agent's socket would not fit under a long TMPDIR
    world.answers.write_text(ANSWERS_PLAIN + 'auth = "pat"\n', encoding="utf-8")
    done = world.run(
        "apply", "--org", info.org_url, "--answers", str(world.answers), "--yes",
        env=env, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr

    real = ssh_settings(world.home, "ssh.dev.azure.com")
    assert (real["hostname"], real["port"]) == ("ssh.dev.azure.com", "22")
    ours = ssh_settings(world.home, alias)
    assert (ours["hostname"], ours["port"]) == ("127.0.0.1", str(info.ssh_port))
    known = (world.home / ".ssh" / "known_hosts").read_text()
    assert "ssh.dev.azure.com" not in known and alias in known
    assert "ssh.dev.azure.com" not in (world.home / ".ssh" / "config").read_text()
    origin = subprocess.run(
        ["git", "-C", str(world.home / "college" / "aidevcollege"), "remote", "get-url", "origin"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.strip()  # fmt: skip
    assert origin.startswith(f"git@{alias}:v3/"), origin
    said = " ".join(done.stdout.split())  # the run says what it wrote where
    assert f"Host {alias}" in said and f"the sandbox's host key for {alias}" in said, said
    assert not list(temp.iterdir())  # the sandbox's CA, fetched for the sign-in, is gone


@pytest.mark.parametrize("link", ["home", "home/.ssh"])
def test_a_data_folder_whose_home_leads_to_the_real_home_is_refused(world: World, link):
    (world.home / ".ssh").mkdir()
    (world.data / link).parent.mkdir(parents=True, exist_ok=True)
    (world.data / link).symlink_to(world.home / link.removeprefix("home").lstrip("/"))
    before = sorted(world.home.rglob("*"))
    done = world.apply()
    assert done.returncode == 2, done.stdout + done.stderr
    said = " ".join((done.stdout + done.stderr).split())
    assert "leads outside the data folder" in said and "nothing was changed" in said, said
    assert sorted(world.home.rglob("*")) == before
