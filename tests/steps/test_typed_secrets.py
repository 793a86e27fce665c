"""The secrets a run is given from the TUI's panels (steps.session.TypedSecrets): typed, merged
panel by panel without a later panel undoing an earlier one's choice, never shown."""

from __future__ import annotations

from college_tui.steps.session import TypedSecrets

PAT = "pat-5f1e0c9b7a-never-shown"


def test_a_later_panel_keeps_what_an_earlier_one_said():
    sign_in = TypedSecrets(pat=PAT, remember_pat=True)
    ssh_key = TypedSecrets(passphrase="")  # no passphrase typed: the key gets none
    merged = sign_in.merged(ssh_key)
    assert merged == TypedSecrets(pat=PAT, remember_pat=True, passphrase="")
    assert merged.remember_sign_in is None  # not asked: the run's own choice stays
    assert TypedSecrets(remember_sign_in=False).merged(TypedSecrets()).remember_sign_in is False


def test_nothing_typed_is_falsy_and_a_secret_is_never_in_its_repr():
    assert not TypedSecrets()
    assert TypedSecrets(passphrase="")  # an empty passphrase is an answer
    typed = TypedSecrets(pat=PAT, passphrase="hunter22")
    assert PAT not in repr(typed) and "hunter22" not in repr(typed)
    assert typed.values() == [PAT, "hunter22"]
