"""`college-tui apply --sandbox` against today's service rules (2025-2026), as a subprocess in a
throw-away HOME: device code blocked by Conditional Access ends in one sentence and the ways that
work, with nothing of azure-identity's raw text on stdout or stderr."""

from __future__ import annotations

from .conftest import World


def test_apply_with_device_code_blocked_exits_with_the_sentence_and_the_other_ways(world: World):
    world.answers.write_text('auth = "device-code"\n', encoding="utf-8")
    result = world.apply("--faults", "devicecode=blocked", "--until", "sign-in")
    said = result.stdout + result.stderr
    assert result.returncode != 0, said
    assert "Your organisation blocks device-code sign-in" in said
    assert 'auth = "browser"' in said and "az login" in said and "personal access token" in said
    for raw in ("AADSTS", "get_token failed", "Content:", "Traceback", '"error"'):
        assert raw not in said, said
