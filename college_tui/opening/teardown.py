"""`college-tui teardown`: sign in as the run did, list what the wizard made, ask, remove."""

from __future__ import annotations

from pathlib import Path

from .options import Asker, TargetOptions, TargetRefused


def teardown_command(
    options: TargetOptions,
    answers_file: Path | None,
    asker: Asker,
    assume_yes: bool = False,
    discard_local_work: bool = False,
) -> int:
    """List, ask (each item, then all), remove; the exit code (1 when something was not)."""
    from ..steps.organization import OrganizationStep
    from ..steps.plan import steps_until
    from ..steps.session import Session
    from ..steps.teardown import organisation_line, remove, teardown_items
    from .engine import engine

    if not assume_yes and not asker.interactive():
        raise TargetRefused(
            "teardown removes things and asks first, but there is no terminal to ask: run it "
            "in a terminal, or add --yes to remove everything it ticks."
        )
    with engine(options, answers_file, asker, quiet=True, assume_yes=assume_yes) as (ctx, _p):
        report = Session(ctx, steps_until("sign-in")).run()
        if not report.ok or ctx.azdo is None:
            failed = next((r for r in report.results if not r.ok), None)
            why = failed.message if failed is not None else "not signed in"
            raise TargetRefused(f"teardown could not sign in: {why}", usage=False)
        OrganizationStep().inspect(ctx)  # the answers' organisation, when it is not the target's
        items = teardown_items(ctx, discard_local_work=discard_local_work)
        if all(item.key == "progress" for item in items):  # saved by this sign-in only
            remove(ctx, items)
            asker.say("Nothing the wizard made is left here.")
            asker.say(organisation_line(ctx))
            return 0
        asker.say("college-tui made these (ticked: removed when you say so):")
        for item in items:
            mark = "[x]" if item.ticked else "[ ]"
            asker.say(f"  {mark} {item.what}" + (f" ({item.why_not})" if item.why_not else ""))
        if not assume_yes:
            for item in items:
                item.ticked = asker.confirm(f"Remove {item.what}?", item.ticked)
            count = sum(item.ticked for item in items)
            if not count or not asker.confirm(f"Remove these {count} now?", False):
                asker.say("Nothing was removed.")
                return 1
        lines = remove(ctx, items)
    for line in lines:
        asker.say(line)
    return 1 if any(line.startswith("Not removed") for line in lines) else 0
