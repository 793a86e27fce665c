"""`college-tui teardown`: what the wizard made, listed, and removed as the attendee ticks it.

In the organisation: the project (with its repository, team and pull requests), the repository
alone when the project stays, the SSH key's registration, the colleagues the run invited (the
instructor among them). On this machine: college-tui's block in the ssh config, the pinned
host-key line, the key files (only when the wizard made them), the clone (kept, unticked, when
it holds work that exists nowhere else), a remembered sign-in, the run's saved progress. The
organisation itself is never deleted: there is no API for it, and it may hold more than the
course (the last line says where the portal deletes it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..vocabulary import StepKey
from .base import Context, StepError
from .clone import clone_dir
from .sshaccess import SshPaths


@dataclass
class Item:
    """One thing the wizard made: removed when `ticked`."""

    key: str
    what: str
    ticked: bool = True
    why_not: str = ""  # why it is not ticked by default (work only in the clone, ...)
    data: dict[str, Any] = field(default_factory=dict)


def teardown_items(ctx: Context, *, discard_local_work: bool = False) -> list[Item]:
    """Everything the wizard made that exists now, each ticked unless keeping it is safer."""
    return _service_items(ctx) + _machine_items(ctx, discard_local_work)


def _service_items(ctx: Context) -> list[Item]:
    from ..azdo.models import key_material

    answers, org = ctx.answers, ctx.target.org
    svc = ctx.service("teardown")
    items: list[Item] = []
    project = svc.get_project(answers.project)
    if project is not None:
        repo = svc.get_repository(project.id, answers.repo)
        items.append(
            Item(
                "project",
                f"the project {project.name} in {org} (its repositories, teams and pull "
                "requests go with it)",
                data={"id": project.id},
            )
        )
        if repo is not None:
            items.append(
                Item(
                    "repository",
                    f"the repository {repo.name} (goes with the project; alone when the "
                    "project stays)",
                    data={"project": project.id, "id": repo.id},
                )
            )
    paths = SshPaths.of(ctx)
    mine = _read(paths.public)
    if mine:
        for key in svc.ssh_keys():
            if key.key_material == key_material(mine):
                items.append(
                    Item(
                        "ssh-key-registration",
                        f"the SSH key registration “{key.display_name}” in Azure DevOps",
                        data={"id": key.authorization_id},
                    )
                )
    for member in answers.all_members():
        found = svc.user_entitlement(member.email)
        if found is not None and found.user_id:
            items.append(
                Item(
                    f"member:{member.email.lower()}",
                    f"{member.email}'s membership of {org} (invited by the run)",
                    data={"id": found.user_id, "email": member.email},
                )
            )
    return items


def _machine_items(ctx: Context, discard_local_work: bool) -> list[Item]:
    from ..workstation.localwork import unsaved_work
    from ..workstation.sshconfig import read_block

    items: list[Item] = []
    paths = SshPaths.of(ctx)
    facts = ctx.state.get(StepKey.SSH_KEY)
    if read_block(paths.config) is not None:
        items.append(Item("ssh-config", f"college-tui's Host block in {paths.config}"))
    if _pinned_line(ctx, paths) and (ctx.target.sandbox or facts.get("known_hosts_added")):
        items.append(
            Item("known-hosts", f"the {ctx.target.ssh_alias} host-key line in {paths.known_hosts}")
        )
    if os.path.lexists(paths.key):
        if facts.get("key_created"):
            items.append(Item("key-files", f"the SSH key files {paths.key} and {paths.public}"))
        else:
            items.append(
                Item(
                    "key-files",
                    f"the SSH key {paths.key}",
                    ticked=False,
                    why_not="the wizard adopted it (it was there before): yours to keep",
                )
            )
    dest = clone_dir(ctx)
    if (dest / ".git").exists():
        work = unsaved_work(dest)
        items.append(
            Item(
                "clone",
                f"the clone {dest}",
                ticked=not work or discard_local_work,
                why_not=f"it holds work that is not on the server: {'; '.join(work)}"
                if work
                else "",
            )
        )
    if ctx.target.org_url and _remembered_pat(ctx.target.org_url):
        items.append(Item("sign-in", f"the personal access token remembered for {ctx.target.org}"))
    if ctx.state.path.exists():
        items.append(Item("progress", f"the run's saved progress {ctx.state.path}"))
    return items


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _pinned_line(ctx: Context, paths: SshPaths) -> bool:
    from ..workstation.knownhosts import find_host_keys
    from .sshaccess import pinned_host_key

    _type, blob = pinned_host_key(ctx.target)
    return any(
        e.key_base64 == blob for e in find_host_keys(paths.known_hosts, ctx.target.ssh_alias)
    )


def _remembered_pat(org_url: str) -> bool:
    from ..workstation.secrets import load_pat

    try:
        return bool(load_pat(org_url))
    except Exception:  # a keyring that cannot be read remembers nothing we can remove
        return False


# -- removing -----------------------------------------------------------------------------------


def remove(ctx: Context, items: list[Item]) -> list[str]:
    """Remove the ticked items, in an order that never strands one (the project's repository
    with the project); one line per item: what was removed, or why not."""
    ticked = {i.key: i for i in items if i.ticked}
    lines = []
    if "project" in ticked:
        ticked.pop("repository", None)  # it goes with the project
    if "progress" in ticked:  # last: nothing after it saves progress again
        ticked["progress"] = ticked.pop("progress")
    for item in ticked.values():
        try:
            lines.append(_remove_one(ctx, item))
        except (StepError, OSError) as exc:
            lines.append(f"Not removed: {item.what}: {getattr(exc, 'message', None) or exc}")
        except Exception as exc:  # AzdoError and friends carry .message
            message = getattr(exc, "message", None)
            if message is None:
                raise
            lines.append(f"Not removed: {item.what}: {message}")
    for item in items:
        if not item.ticked:
            lines.append(f"Kept: {item.what}" + (f" ({item.why_not})" if item.why_not else ""))
    lines.append(organisation_line(ctx))
    return lines


def _remove_one(ctx: Context, item: Item) -> str:
    from ..workstation import teardown as machine

    svc = ctx.service("teardown")
    paths = SshPaths.of(ctx)
    if item.key == "project":
        op = svc.delete_project(item.data["id"])
        ctx.poll(
            lambda: True if svc.get_operation(op).status == "succeeded" else None,
            timeout=120,
            what="the project's deletion",
        )
    elif item.key == "repository":
        svc.delete_repository(item.data["project"], item.data["id"])
    elif item.key == "ssh-key-registration":
        svc.revoke_ssh_key(item.data["id"])
    elif item.key.startswith("member:"):
        svc.remove_user(item.data["id"])
    elif item.key == "ssh-config":
        machine.remove_ssh_block(paths.config)
    elif item.key == "known-hosts":
        from ..workstation.knownhosts import remove_known_host
        from .sshaccess import pinned_host_key

        remove_known_host(paths.known_hosts, ctx.target.ssh_alias, pinned_host_key(ctx.target)[1])
    elif item.key == "key-files":
        machine.remove_key_files(paths.key)
    elif item.key == "clone":
        machine.remove_clone(clone_dir(ctx))
    elif item.key == "sign-in":
        from ..workstation.secrets import delete_pat

        delete_pat(ctx.target.org_url)
    elif item.key == "progress":
        ctx.state.path.unlink(missing_ok=True)
    if item.key in ("ssh-config", "known-hosts", "key-files"):
        machine.remove_empty_ssh_dir(paths.ssh_dir)
    return f"Removed: {item.what}"


def organisation_line(ctx: Context) -> str:
    """The organisation stays: where the portal deletes it, if the attendee wants that."""
    org = ctx.target.org
    return (
        f"Kept: the organisation {org} (college-tui never deletes an organisation). To delete "
        f"it yourself: {ctx.target.org_url}/_settings/organizationOverview → Delete."
    )
