"""docs/troubleshooting.md explains every sentence the engine can show: no message without an entry.

When this fails after you added or changed a message, run `python -m tests.troubleshooting --update`
and write the cause and the fix into the TODO entry it adds (tests/troubleshooting.py says how
messages are found).
"""

from __future__ import annotations

import textwrap

from tests import troubleshooting as ts

HOW = "run `python -m tests.troubleshooting --update` and write the cause and fix"


def doc_text() -> str:
    return ts.DOC.read_text(encoding="utf-8")


def test_every_engine_message_has_an_entry():
    missing, _stale = ts.missing_and_stale(doc_text())
    assert not missing, f"messages without an entry ({HOW}):\n" + "\n".join(
        f"  {m.module}:{m.line}: {m.text}" for m in missing
    )


def test_no_entry_explains_a_message_that_is_gone():
    _missing, stale = ts.missing_and_stale(doc_text())
    assert not stale, f"entries for messages that no longer exist ({HOW}):\n" + "\n".join(stale)


def test_every_entry_has_a_cause_and_a_fix():
    assert ts.todo_entries(doc_text()) == []
    _head, sections = ts.parse_doc(doc_text())
    entries = [e for found in sections.values() for e in found]
    assert len(entries) > 50
    for entry in entries:
        assert "**Cause:**" in entry.body and "**Fix:**" in entry.body, entry.heading


def test_every_module_with_messages_is_scanned():
    assert ts.unlisted_modules() == []


def test_the_collector_finds_messages_wherever_they_are_built(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent('''
        """A module docstring is not a message. It has sentences."""
        import logging
        log = logging.getLogger(__name__)

        def step(ctx, path, problems):
            """Docstrings are not messages either, are they?"""
            log.warning("A log line is not shown to the user. Never.")
            ctx.emit(Note("s", "A note is information for the attendee. Skip it."))
            problems.append(f"clone_dir: {path} exists and is not a folder. Move it away.")
            if not path:
                raise StepError(f"Gave up waiting for {path!r} after {3:g} s. Run it again.")
            raise ValueError(f"unknown step {path}: use one")
            return _refused(path)

        def _refused(where):
            return (f"The server at {where} refused the key: is it registered? Add it "
                    "there and check again.")
    ''')
    )
    texts = sorted(m.text for m in ts.messages_in(probe))
    assert texts == sorted(
        [
            "clone_dir: {…} exists and is not a folder. Move it away.",
            "Gave up waiting for {…} after {…} s. Run it again.",
            "unknown step {…}: use one",  # raised: a message whatever its shape
            "The server at {…} refused the key: is it registered? Add it there and check again.",
        ]
    )


def test_placeholders_match_whatever_they_are_named():
    assert ts.normalise("Gave up waiting for {what} after {timeout:g} s.") == ts.normalise(
        "Gave up  waiting for {…} after {seconds} s."
    )


def test_a_message_without_an_entry_is_reported_and_update_adds_it(tmp_path):
    text = doc_text()
    _head, sections = ts.parse_doc(text)
    entry = sections["Step 8 — Clone"][0]
    template = entry.templates[0]
    removed = text.replace(f"> `` {template} ``\n", "", 1)
    before = {m.key for m in ts.missing_and_stale(text)[0]}
    after = {m.key for m in ts.missing_and_stale(removed)[0]}
    assert after - before == {ts.normalise(template)}

    updated = ts.update(removed)
    assert ts.missing_and_stale(updated) == ([], [])
    assert ts.todo_entries(updated)  # the new entry waits for its cause and fix
    kept = ts.parse_doc(updated)[1]["Step 3 — Project"]
    assert [e.body for e in kept] == [e.body for e in sections["Step 3 — Project"]]


def test_an_entry_for_a_message_that_is_gone_is_reported():
    text = doc_text().replace(
        "## Step 3 — Project\n",
        "## Step 3 — Project\n\n### Old\n\n> `` This message was removed long ago. ``\n\n"
        "**Cause:** c.\n\n**Fix:** f.\n",
        1,
    )
    assert ts.missing_and_stale(text)[1] == ["This message was removed long ago."]


def test_update_leaves_a_complete_doc_as_it_is():
    text = doc_text()
    if ts.missing_and_stale(text) == ([], []):  # otherwise the tests above say what is wrong
        assert ts.update(text) == text


def test_a_picked_module_gives_only_its_picked_sentences():
    found = [m for ms in ts.collect().values() for m in ms if m.module == "ui/wizard_model.py"]
    assert [m.text for m in found] == ["Could not open the target."]
