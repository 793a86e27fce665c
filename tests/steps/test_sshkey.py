"""The SSH key step: an RSA key made (or adopted) once, registered once, ssh config and a pinned
host key written into the (sandbox) home, and a login that trusts only the pinned key.

Everything runs against the sandbox with its SSH server, through the real facade, the real
workstation functions and the real OpenSSH client; the home is a temp folder.
"""

from __future__ import annotations

import base64
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from college_tui.azdo.errors import PortalRefused
from college_tui.events import NeedsYou, Note, StepProgress
from college_tui.steps.answers import Answers
from college_tui.steps.runner import run
from college_tui.steps.signin import SignInStep
from college_tui.steps.sshkey import SshKeyStep
from college_tui.vocabulary import StepKey, StepStatus
from college_tui.workstation.errors import KeyPassphraseError
from college_tui.workstation.sshconfig import BEGIN_MARKER
from college_tui.workstation.sshkeys import load_key_info

from .conftest import signed_in

FAST = dict(poll_interval=0.05, verify_delay=0.05)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def registered(server) -> list[str]:
    """`type base64` of every key the sandbox holds (what Azure DevOps would list)."""
    return [" ".join(k["publicData"].split()[:2]) for k in server.sandbox.store.find("sshkey")]


def uploads(events) -> list:
    return [e for e in events.posts() if "HierarchyQuery" in e.path]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def ssh_t(home: Path) -> subprocess.CompletedProcess:
    """What an attendee types to test the key: `ssh -T git@ssh.dev.azure.com` (sandbox home)."""
    return subprocess.run(
        [
            "ssh",
            "-F",
            str(home / ".ssh" / "config"),
            "-o",
            "BatchMode=yes",
            "-T",
            "git@ssh.dev.azure.com",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def other_rsa_public() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )


class RefusingUploads:
    """The real facade, except that the portal refuses the key upload (as it may for a PAT)."""

    def __init__(self, real) -> None:
        self.real = real

    def for_step(self, step: str) -> RefusingUploads:
        return RefusingUploads(self.real.for_step(step))

    def add_ssh_key(self, *args, **kwargs):
        raise PortalRefused("the portal answered HTTP 401 to the key upload", status=401)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_new_key_is_made_registered_and_ssh_works_with_the_real_client(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    home = ctx.target.home

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert report.ok, ctx.emit.text()
    ssh_dir, key = home / ".ssh", home / ".ssh" / "college_tui_rsa"
    assert mode(ssh_dir) == 0o700
    assert mode(key) == 0o600
    assert mode(key.with_name("college_tui_rsa.pub")) == 0o644
    assert key.read_bytes().startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    info = load_key_info(key)
    assert info.bits == 3072
    assert registered(sandbox_ssh) == [info.key_material]
    assert len(uploads(ctx.emit)) == 1

    config = (ssh_dir / "config").read_text()
    assert config.startswith(BEGIN_MARKER)
    assert "\nHost ssh.dev.azure.com\n" in config
    for line in (
        "HostName 127.0.0.1",
        f"Port {sandbox_ssh.info.ssh_port}",
        "HostKeyAlias ssh.dev.azure.com",
        f"IdentityFile {key}",
        "IdentitiesOnly yes",
        f"UserKnownHostsFile {ssh_dir / 'known_hosts'}",
    ):
        assert f"  {line}\n" in config
    host_key = " ".join(sandbox_ssh.info.ssh_host_key.split()[:2])
    assert (ssh_dir / "known_hosts").read_text() == f"ssh.dev.azure.com {host_key}\n"

    finished = ctx.emit.finished(StepKey.SSH_KEY).summary
    assert info.fingerprint_sha256 in finished and "ssh to ssh.dev.azure.com works" in finished
    assert any(
        n.message.startswith("SSH works: authenticated as git")
        for n in ctx.emit.of(Note, "ssh-key")
    )
    # The attendee's own check with OpenSSH, using only what the step wrote.
    answer = ssh_t(home)
    assert "Shell access is not supported" in answer.stderr + answer.stdout
    assert "Permission denied" not in answer.stderr
    assert ctx.state.get(StepKey.SSH_KEY)["key_path"] == str(key)
    fractions = [e.fraction for e in ctx.emit.of(StepProgress, "ssh-key") if e.fraction]
    assert fractions == sorted(fractions) and fractions[0] < 0.1 and fractions[-1] >= 0.9


def test_a_second_run_uploads_nothing_and_changes_no_file(sandbox_ssh, make_ctx):
    first = make_ctx(sandbox_ssh)
    assert run(first, [SignInStep, SshKeyStep(**FAST)]).ok
    ssh_dir = first.target.home / ".ssh"
    before = snapshot(ssh_dir)

    again = make_ctx(sandbox_ssh)
    assert SshKeyStep().inspect(signed_in(again)).done
    report = run(again, [SignInStep, SshKeyStep(**FAST)])

    assert report.results[1].status == StepStatus.ALREADY
    assert uploads(again.emit) == []
    assert snapshot(ssh_dir) == before
    assert len(registered(sandbox_ssh)) == 1


def test_the_inspection_lists_what_is_missing_before_anything_is_made(sandbox_ssh, make_ctx):
    ctx = signed_in(make_ctx(sandbox_ssh))
    inspection = SshKeyStep().inspect(ctx)
    assert not inspection.done
    assert inspection.summary.startswith("There is no key at ")
    assert "create a 3072-bit RSA key" in inspection.todo
    assert "write the Host ssh.dev.azure.com block" in inspection.todo
    assert "pin the ssh.dev.azure.com host key" in inspection.todo
    assert not (ctx.target.home / ".ssh").exists()


def test_a_passphrase_encrypts_the_key_with_bcrypt_and_only_it_opens_it(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    ctx.secrets.key_passphrase = "correct horse battery staple"
    ctx.state.guard(ctx.secrets.key_passphrase)

    assert run(ctx, [SignInStep, SshKeyStep(**FAST)]).ok, ctx.emit.text()

    key = ctx.target.home / ".ssh" / "college_tui_rsa"
    text = key.read_bytes()
    body = base64.b64decode(b"".join(text.splitlines()[1:-1]))
    assert body.startswith(b"openssh-key-v1\x00")
    assert b"aes256-ctr" in body[:64] and b"bcrypt" in body[:64]
    with pytest.raises(KeyPassphraseError):
        load_key_info(key)
    with pytest.raises(KeyPassphraseError):
        load_key_info(key, "wrong")
    assert load_key_info(key, "correct horse battery staple").bits == 3072
    # ssh-keygen agrees: only the passphrase opens it.
    assert (
        subprocess.run(
            ["ssh-keygen", "-y", "-P", "wrong", "-f", str(key)], capture_output=True
        ).returncode
        != 0
    )
    assert "correct horse" not in ctx.emit.text()
    assert "correct horse" not in ctx.state.path.read_text()


def keygen_by_hand(key) -> None:
    """An RSA key the attendee made with OpenSSH, with their own comment."""
    subprocess.run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            "rsa",
            "-b",
            "3072",
            "-N",
            "",
            "-C",
            "ada@laptop",
            "-f",
            str(key),
        ],
        check=True,
    )


def test_an_existing_rsa_key_is_adopted_byte_for_byte(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    key = ctx.target.home / ".ssh" / "college_tui_rsa"
    key.parent.mkdir(parents=True, mode=0o700)
    keygen_by_hand(key)
    before = (key.read_bytes(), key.with_name("college_tui_rsa.pub").read_bytes())

    assert run(ctx, [SignInStep, SshKeyStep(**FAST)]).ok, ctx.emit.text()

    assert (key.read_bytes(), key.with_name("college_tui_rsa.pub").read_bytes()) == before
    public = before[1].decode().split()
    assert registered(sandbox_ssh) == [f"{public[0]} {public[1]}"]
    assert any("Using your existing RSA key" in n.message for n in ctx.emit.of(Note, "ssh-key"))


def test_a_key_registered_by_hand_is_recognised_by_its_key_material_and_not_sent_again(
    sandbox_ssh, make_ctx
):
    # The attendee made the key and pasted it in the portal earlier (another comment, another
    # name); the wizard now runs with that key file: it must find it, not upload it again.
    ctx = make_ctx(sandbox_ssh)
    key = ctx.target.home / ".ssh" / "college_tui_rsa"
    key.parent.mkdir(parents=True, mode=0o700)
    keygen_by_hand(key)
    blob = " ".join(key.with_name("college_tui_rsa.pub").read_text().split()[:2])
    portal = signed_in(make_ctx(sandbox_ssh)).azdo
    portal.add_ssh_key(
        "My laptop",
        f"{blob} pasted-in-the-portal",
        portal.connection_data().instance_id,
        "2099-01-01",
    )

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert report.ok, ctx.emit.text()
    assert uploads(ctx.emit) == []
    assert registered(sandbox_ssh) == [blob]
    assert "was already registered" in ctx.emit.finished(StepKey.SSH_KEY).summary
    assert any(
        "already registered in Azure DevOps as “My laptop”" in n.message
        for n in ctx.emit.of(Note, "ssh-key")
    )


def test_an_ed25519_key_is_refused_with_a_reason_and_left_untouched(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh)
    key = ctx.target.home / ".ssh" / "college_tui_rsa"
    key.parent.mkdir(parents=True, mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    before = snapshot(key.parent)

    report = run(ctx, [SignInStep, SshKeyStep(**FAST)])

    assert not report.ok
    message = ctx.emit.failed(StepKey.SSH_KEY).message
    assert "Ed25519" in message and "RSA keys only" in message and "key_path" in message
    assert snapshot(key.parent) == before  # no config, no known_hosts, key untouched
    assert registered(sandbox_ssh) == []
    inspection = SshKeyStep().inspect(ctx)
    assert not inspection.done and "RSA keys only" in inspection.summary


def test_a_refused_upload_shows_the_key_and_page_then_waits_until_it_is_added(
    sandbox_ssh, make_ctx
):
    ctx = signed_in(make_ctx(sandbox_ssh))
    real = ctx.azdo
    ctx.azdo = RefusingUploads(real)
    pasted = threading.Event()
    record = ctx.emit

    def emit(event):
        record(event)
        if isinstance(event, NeedsYou):
            # The attendee pastes the key on the page a little later, from "the browser".
            def paste():
                instance = real.connection_data().instance_id
                real.add_ssh_key("pasted by hand", event.detail, instance, "2099-01-01")
                pasted.set()

            threading.Timer(0.3, paste).start()

    ctx.emit = emit
    outcome = SshKeyStep(**FAST, wait_timeout=20).apply(ctx)

    assert pasted.is_set()
    asked = record.of(NeedsYou, "ssh-key")
    assert len(asked) == 1
    public = (ctx.target.home / ".ssh" / "college_tui_rsa.pub").read_text().strip()
    assert asked[0].detail == public
    assert asked[0].url == f"{sandbox_ssh.info.org_url}/_usersSettings/keys"
    assert "New Key" in asked[0].message
    assert registered(sandbox_ssh) == [" ".join(public.split()[:2])]
    assert "registered" in outcome.summary and "works" in outcome.summary


def test_a_refused_upload_gives_up_after_the_bounded_wait(sandbox_ssh, make_ctx):
    ctx = signed_in(make_ctx(sandbox_ssh))
    ctx.azdo = RefusingUploads(ctx.azdo)

    report = run(ctx, [SshKeyStep(**FAST, wait_timeout=0.4)])

    message = ctx.emit.failed(StepKey.SSH_KEY).message
    assert not report.ok
    assert message.startswith("Gave up waiting for your SSH key to appear on ")
    assert "_usersSettings/keys" in message and "Run the step again" in message
    assert registered(sandbox_ssh) == []
    # What was made locally stays made; the rerun only waits for the key again.
    assert (ctx.target.home / ".ssh" / "config").exists()


def test_a_4096_bit_key_when_the_answers_ask_for_it(sandbox_ssh, make_ctx):
    ctx = make_ctx(sandbox_ssh, Answers(key_bits=4096))

    assert run(ctx, [SignInStep, SshKeyStep(**FAST)]).ok, ctx.emit.text()

    assert load_key_info(ctx.target.home / ".ssh" / "college_tui_rsa").bits == 4096
    assert "4096-bit RSA" in ctx.emit.finished(StepKey.SSH_KEY).summary
