"""Step 6: an RSA key pair for Azure DevOps, registered, with an ssh config block and a pinned host key.

Azure DevOps accepts RSA keys only. The key is created once (OpenSSH format, 0600, never over an
existing file; an existing RSA key is adopted), its public half is uploaded through the portal's
API unless the same key material is already registered (when the portal refuses, the attendee
pastes it on the SSH keys page while the step polls), `~/.ssh/config` gets a marked `Host` block
and `~/.ssh/known_hosts` the pinned host key (never trust on first use). Finally paramiko logs in
as `git` against that pinned key, and OpenSSH logs in as git will run it (same ssh config and
key), to prove it all works.

In sandbox mode "~" is the sandbox home: the block points the alias `ssh.dev.azure.com` at the
sandbox's SSH server (HostName, Port, HostKeyAlias, its own UserKnownHostsFile), and the real
`~/.ssh` is never touched. Where the files are and how git reaches the server live in
`sshaccess.py`, which the clone and pull-request steps share.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..events import Waiting
from ..vocabulary import StepKey
from .base import Context, Inspection, Outcome, Step, StepError
from .explain import explained
from .sshaccess import (
    SshPaths,
    block_in_place,
    can_log_in,
    check_settings,
    host_block,
    host_key_in_place,
    login,
    pinned_host_key,
    redirected,
    ssh_endpoint,
)
from .sshkey_registration import display_name, find_key, hand_off, revoke
from .sshrules import (
    POLICY_OFF_NOTE,
    expiry_text,
    needs_renewal,
    policy_off,
    ssh_off,
)

if TYPE_CHECKING:
    from ..azdo.client import AzureDevOps
    from ..azdo.models import SshKey
    from ..workstation.sshkeys import KeyInfo

KEY_VALID_DAYS = 365  # Azure DevOps lets SSH keys live one year
POLICY_OFF = "the organisation's SSH policy is off, the clone and the push use HTTPS"


class SshKeyStep(Step):
    key = StepKey.SSH_KEY
    needs_ssh = True  # it pins the host key and logs in: the runner waits for the SSH server

    def __init__(
        self,
        poll_interval: float = 5.0,
        wait_timeout: float = 900.0,
        verify_attempts: int = 4,
        verify_delay: float = 2.0,
    ) -> None:
        self.poll_interval = poll_interval  # how often the hand-off polls the key list
        self.wait_timeout = wait_timeout  # how long the hand-off waits for the pasted key
        self.verify_attempts = verify_attempts  # a new key can take a moment to be accepted
        self.verify_delay = verify_delay

    # -- inspect -------------------------------------------------------------------------------

    def inspect(self, ctx: Context) -> Inspection:
        paths = SshPaths.of(ctx)
        todo: list[str] = []
        facts: dict[str, Any] = {"key_path": str(paths.key)}
        material, problem = self._peek_key(ctx, paths)
        if problem:
            return Inspection(False, problem, todo="choose another key file name", facts=facts)
        if material is None:
            todo.append(f"create a {ctx.answers.key_bits}-bit RSA key at {paths.key}")
        else:
            from ..workstation.sshkeyfiles import fingerprint_of_material

            facts["fingerprint"] = fingerprint_of_material(material)
            registered = self._registered(ctx, paths, material)
            facts["registered"] = bool(registered)
            valid_to = getattr(registered, "valid_to", None)
            if valid_to:
                facts["valid_to"] = valid_to
            if not registered and not ssh_off(ctx):
                todo.append("register the public key in Azure DevOps")
            elif needs_renewal(valid_to):
                todo.append(f"renew the key's registration ({expiry_text(valid_to)})")
        if not block_in_place(ctx, paths):
            todo.append(f"write the Host {ctx.target.ssh_alias} block in {paths.config}")
        later = ctx.target.ssh_later  # a sandbox whose SSH server is still starting (issue 28)
        starting = later is not None and not later.wait(0)
        # Not done anyway: the pin is not waited for (the wizard's first look goes on at once).
        if (starting and todo) or not host_key_in_place(ctx, paths):
            todo.append(f"pin the {ctx.target.ssh_alias} host key in {paths.known_hosts}")
        if todo:
            summary = (
                f"Key {paths.key} exists; not everything is set up"
                if material
                else f"There is no key at {paths.key} yet"
            )
            return Inspection(False, summary, todo="; ".join(todo), facts=facts)
        if not facts["registered"]:  # the organisation's SSH policy is off
            return Inspection(True, f"SSH key {facts['fingerprint']}: {POLICY_OFF}", facts=facts)
        return Inspection(
            True,
            f"SSH key {facts['fingerprint']} is registered ({expiry_text(facts.get('valid_to'))}); "
            "ssh config and known_hosts are in place",
            facts=facts,
        )

    # -- apply ---------------------------------------------------------------------------------

    def apply(self, ctx: Context) -> Outcome:
        paths = SshPaths.of(ctx)
        svc = ctx.service(self.key)  # signed in first: nothing on disk changes otherwise
        with explained():
            from ..workstation.sshkeys import ensure_ssh_dir

            folder = ensure_ssh_dir(ctx.target.home)
        if folder.note:
            self.note(ctx, folder.note)
        made = not os.path.lexists(paths.key)  # teardown removes only a key the wizard made
        info = self._key(ctx, paths)
        ctx.state.update(self.key, key_path=str(paths.key), fingerprint=info.fingerprint_sha256)
        if made:
            ctx.state.update(self.key, key_created=True)
        # The local half first: after a hand-off the SSH login is the proof the key is there.
        wrote_config = self._configure(ctx, paths)
        check_settings(ctx, paths)  # ssh really uses them (no other block of the user's wins)
        pinned = self._pin(ctx, paths)
        how = self._register(ctx, svc, paths, info)
        if how == "policy off":
            return Outcome(f"SSH key {info.fingerprint_sha256}: {POLICY_OFF}")
        blocked = self._verify(ctx, paths)
        already = info.adopted and how == "existing" and not (wrote_config or pinned)
        until = expiry_text(ctx.state.get(self.key).get("valid_to"))
        summary = (
            f"SSH key {info.fingerprint_sha256} ({info.bits}-bit RSA) "
            f"{'was already registered' if how == 'existing' else 'registered'} ({until}); "
            + (
                f"ssh to {ctx.target.ssh_alias} works"
                if not blocked
                else "SSH cannot get through from here, the clone will use HTTPS"
            )
        )
        return Outcome(summary, already_done=already)

    # -- the key -------------------------------------------------------------------------------

    def _key(self, ctx: Context, paths: SshPaths) -> KeyInfo:
        from ..workstation.sshkeys import generate_rsa_key

        bits = ctx.answers.key_bits
        passphrase = ctx.secrets.key_passphrase
        new = not os.path.lexists(paths.key)
        if new:
            self.progress(ctx, f"Generating a {bits}-bit RSA key (this takes a moment)", 0.05)
        started = time.monotonic()
        with explained(" Set key_path in the answers to use another file."):
            info = generate_rsa_key(paths.key, bits=bits, passphrase=passphrase)
        elapsed = time.monotonic() - started
        ctx.state.update(self.key, key_seconds=round(elapsed, 3))
        if info.adopted:
            self.note(
                ctx,
                f"Using your existing RSA key {paths.key} ({info.bits} bits, "
                f"{info.fingerprint_sha256}); college-tui never overwrites a key.",
            )
            for line in info.notes:
                self.note(ctx, line)
        else:
            protected = (
                "protected by your passphrase"
                if passphrase
                else "without a passphrase (anyone who can read the file can use it)"
            )
            self.note(
                ctx,
                f"Created a {info.bits}-bit RSA key in {elapsed:.2f} s: {paths.key} "
                f"(private, mode 0600, {protected}) and {paths.public} (public, "
                f"0644). Fingerprint {info.fingerprint_sha256}.",
            )
        self.progress(ctx, "Key ready", 0.2)
        return info

    def _peek_key(self, ctx: Context, paths: SshPaths) -> tuple[str | None, str | None]:
        """(key material, None) / (None, None) when absent / (None, why it can't be used)."""
        from ..workstation.errors import KeyPassphraseError, SshKeyError
        from ..workstation.sshkeyfiles import key_material
        from ..workstation.sshkeys import load_key_info

        if not os.path.lexists(paths.key):
            return None, None
        try:
            return load_key_info(paths.key, ctx.secrets.key_passphrase).key_material, None
        except KeyPassphraseError as exc:
            # Without the passphrase the .pub still tells what is registered.
            try:
                line = paths.public.read_text(encoding="utf-8").strip()
            except OSError:
                return None, str(exc)
            return (key_material(line), None) if line.startswith("ssh-rsa ") else (None, str(exc))
        except SshKeyError as exc:
            return None, str(exc)

    # -- registration --------------------------------------------------------------------------

    def _registered(self, ctx: Context, paths: SshPaths, material: str) -> SshKey | bool | None:
        """Is the key registered? Its registration from the key list, or (when the portal
        refuses the list) whether an SSH login works."""
        from ..azdo.errors import PortalRefused

        if ctx.azdo is None:
            return False
        try:
            return find_key(ctx.service(self.key).ssh_keys(), material)
        except PortalRefused:
            return can_log_in(ctx, paths, quiet=True)

    def _register(self, ctx: Context, svc: AzureDevOps, paths: SshPaths, info: KeyInfo) -> str:
        """Upload the public key unless it is there; "existing", "uploaded" or "by hand"."""
        from ..azdo.errors import PortalRefused

        try:
            found = find_key(svc.ssh_keys(), info.key_material)
        except PortalRefused as exc:
            return hand_off(self, ctx, svc, paths, info, exc.message)
        ctx.state.update(self.key, ssh_policy_off=False)
        if found is not None and needs_renewal(found.valid_to):
            revoke(self, ctx, svc, found)
        elif found is not None:
            ctx.state.update(
                self.key, authorization_id=found.authorization_id, valid_to=found.valid_to
            )
            self.note(
                ctx,
                f"The key is already registered in Azure DevOps as "
                f"“{found.display_name}” ({expiry_text(found.valid_to)}); nothing uploaded.",
            )
            return "existing"
        self.progress(ctx, "Uploading the public key to Azure DevOps", 0.5)
        instance_id = svc.connection_data().instance_id
        valid_to = datetime.now(UTC) + timedelta(days=KEY_VALID_DAYS)
        try:
            key = svc.add_ssh_key(display_name(), info.public_line, instance_id, valid_to)
        except PortalRefused as exc:
            if policy_off(exc.message):
                ctx.state.update(self.key, ssh_policy_off=True)
                self.note(ctx, POLICY_OFF_NOTE)
                return "policy off"
            return hand_off(self, ctx, svc, paths, info, exc.message)
        ctx.state.update(
            self.key,
            authorization_id=key.authorization_id,
            valid_to=key.valid_to or valid_to.isoformat(),
        )
        self.note(
            ctx,
            f"Registered the public key in Azure DevOps as “{key.display_name}”, "
            f"valid until {valid_to:%Y-%m-%d} (User settings → SSH public keys).",
        )
        return "uploaded"

    # -- ssh config and known_hosts ------------------------------------------------------------

    def _configure(self, ctx: Context, paths: SshPaths) -> bool:
        from ..workstation.sshconfig import ensure_host_block

        with explained():
            change = ensure_host_block(paths.config, **host_block(ctx, paths))
        if change != "unchanged":
            where = (
                f" pointing at the sandbox's SSH server {ssh_endpoint(ctx.target)[0]}:"
                f"{ssh_endpoint(ctx.target)[1]}"
                if redirected(ctx.target)
                else ""
            )
            self.note(
                ctx,
                f"{'Wrote' if change == 'created' else 'Updated'} the college-tui "
                f"block “Host {ctx.target.ssh_alias}” at the top of {paths.config}"
                f"{where}: it uses only your key (IdentitiesOnly yes). The rest of "
                "the file is unchanged.",
            )
        self.progress(ctx, "ssh config ready", 0.3)
        return change != "unchanged"

    def _pin(self, ctx: Context, paths: SshPaths) -> bool:
        from ..workstation.knownhosts import ensure_known_host, fingerprint_of

        key_type, blob = pinned_host_key(ctx.target)
        with explained():
            change = ensure_known_host(paths.known_hosts, ctx.target.ssh_alias, key_type, blob)
        if change != "unchanged":
            ctx.state.update(self.key, known_hosts_added=True)  # teardown removes the line
            source = (
                "the sandbox's host key"
                if ctx.target.sandbox or ctx.target.ssh_host_key
                else "the host key Microsoft publishes"
            )
            self.note(
                ctx,
                f"Pinned {source} for {ctx.target.ssh_alias} ({fingerprint_of(blob)}) "
                f"in {paths.known_hosts}: SSH will refuse any server that shows "
                "another key.",
            )
        self.progress(ctx, "Host key pinned", 0.4)
        return change != "unchanged"

    # -- verification --------------------------------------------------------------------------

    def _verify(self, ctx: Context, paths: SshPaths) -> bool:
        """Log in as git with paramiko against the pinned host key (never trust on first use).

        True when SSH cannot get through (refused, timed out) and the answers allow HTTPS: the
        key stays registered, so the clone can switch to SSH later with one command.
        """
        from ..workstation.errors import SshAuthError, SshCheckError, SshConnectError

        host, port = ssh_endpoint(ctx.target)
        self.progress(ctx, f"Checking SSH to {ctx.target.ssh_alias}", 0.9)
        for attempt in range(1, self.verify_attempts + 1):
            try:
                result = login(ctx, paths)
            except SshAuthError as exc:
                if attempt == self.verify_attempts:
                    raise StepError(str(exc)) from None
                # A key registered a moment ago may take a little while to be accepted.
                ctx.emit(
                    Waiting(
                        self.key,
                        "The server does not accept the new key yet; trying again",
                        self.verify_delay,
                        attempt,
                    )
                )
                ctx.sleep(self.verify_delay)
                continue
            except SshConnectError as exc:
                if ctx.answers.clone_protocol == "ssh":
                    raise StepError(str(exc)) from None
                self.note(
                    ctx,
                    f"The key is registered, but SSH cannot get through from here: "
                    f"{exc} The clone and the push will use HTTPS with your personal "
                    "access token; the key is ready for when SSH gets through.",
                )
                return True
            except SshCheckError as exc:  # host key mismatch: never retried blindly
                raise StepError(str(exc)) from None
            self.note(ctx, f"SSH works: {result} ({host}:{port}).")
            return False
        return False
