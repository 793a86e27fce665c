"""What a person sees beyond the snapshots: the notice of a window below 80×24 and the activity
log in plain words with its details one key away."""

from __future__ import annotations

from .conftest import log_text, make_app, settle, wait_until


def _notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_a_window_below_80x24_gets_a_notice_with_the_size_that_works(wizard_env):
    app = make_app(wizard_env.cli_opener(), start=None, env=wizard_env)
    async with app.run_test(size=(70, 20), notifications=True) as pilot:
        await settle(app, pilot)
        said = [text for text in _notices(app) if "70×20" in text]
        assert len(said) == 1 and "80×24" in said[0], _notices(app)
        assert app.screen.query_one("#choose-sandbox")  # a notice, not a refusal
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.resize_terminal(79, 24)
        await pilot.pause()
        assert any("79×24" in text for text in _notices(app)), _notices(app)
        assert not any("100×30" in text for text in _notices(app))


async def test_the_log_speaks_plain_words_and_f2_shows_the_http_lines(wizard_env):
    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        opened = log_text(app)
        assert "▶" not in opened and "http " not in opened  # no line for steps not run
        await pilot.press("enter")  # sign in
        await settle(app, pilot)
        await wait_until(pilot, lambda: screen.step_list.state_text("sign-in") == "done")
        plain = log_text(app)
        assert "✓ Signed in as" in plain and "http " not in plain, plain
        await pilot.press("f2")
        detailed = log_text(app)
        assert "[sign-in] http GET" in detailed, detailed
        await pilot.press("f2")
        assert log_text(app) == plain


async def test_a_link_too_wide_is_shortened_visibly_with_the_whole_address_behind_it():
    from textual.app import App

    from college_tui.ui.widgets.link_line import LinkLine

    url = "https://dev.azure.com/college/College/_git/aidevcollege/pullrequest/" + "1" * 40

    class OneLink(App):
        def compose(self):
            yield LinkLine("Pull request", url)
            yield LinkLine("Team", "https://dev.azure.com/college/College/_settings/teams")

    app = OneLink()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        long, short = app.query(LinkLine)
        shown = long.render()
        label, address = shown.plain.split("\n")
        assert label == "Pull request:" and len(address) <= 60 and "…" in address
        assert {span.style.link for span in shown.spans} == {url}  # the whole address behind
        assert short.render().plain == "Team: https://dev.azure.com/college/College/_settings/teams"
        assert long.region.height == 2 and short.region.height == 1


async def test_the_log_wraps_again_at_its_new_width_after_a_resize(wizard_env):
    from college_tui.ui.widgets.activity_log import AGAIN, ActivityLog

    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        log = app.wizard.query_one(ActivityLog)
        words = " ".join(f"word{index}" for index in range(80))
        log.add(f"A long sentence: {words}")
        wide = log.scrollable_content_region.width
        for size in ((80, 24), (120, 40)):
            await pilot.resize_terminal(*size)
            width = log.scrollable_content_region.width
            await wait_until(pilot, lambda w=width: log.wrapped_at == w, 5, "the log's wrap")
            await pilot.pause()
            assert width < wide if size == (80, 24) else width == wide
            ours = [line for line in log.lines if "word" in line]  # (an address stays whole)
            assert len(ours) > 4 and max(map(len, ours)) <= width  # nothing cut at the right
            assert max(map(len, ours)) > width - 10  # nor left narrow
            assert words in " ".join(" ".join(ours).split())  # every word whole, in order
            screen = app.export_screenshot().replace("&#160;", " ")
            height = log.scrollable_content_region.height
            visible = log.lines[round(log.scroll_y) :][:height]
            assert len(visible) == height and all(row.strip() in screen for row in visible)
        # A long log (a class of 2,000's progress) is written again in part: the last AGAIN
        # lines, the older ones said to be in the log file (all again took seconds).
        before = len([text for text, _ in log.entries if text is not None])
        for index in range(AGAIN):
            log.add(f"member {index} invited")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: log.lines[0].startswith("…"), 5, "the log written again")
        assert log.lines[0] == f"… {before} earlier lines: in the log file."
        assert log.lines[1:] == [f"member {index} invited" for index in range(AGAIN)]


async def test_by_hand_shows_whole_or_below_the_fold_in_every_panel_at_80x24(wizard_env):
    from textual.content import Content

    from college_tui.ui.panels.base import PanelHeader

    def screen_rows() -> list[str]:
        rows = app.screen._compositor.render_full_update(simplify=True).strips
        return ["".join(strip.text for strip in row) for row in rows]

    def panel_rows(panel) -> list[str]:
        """The rows of the screen the panel covers: the activity log below it shows the same
        temporary paths (its log file's), which would be found there."""
        x, y, width, height = panel.region
        return [row[x : x + width] for row in screen_rows()[y : y + height]]

    app = make_app(wizard_env.cli_opener(), env=wizard_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.wizard
        below = []
        for key in screen.centre.steps:
            screen.switch_to(key)
            await pilot.pause()
            panel = screen.panel(key)
            header = panel.query_one(PanelHeader)

            def by_hand(header: PanelHeader = header) -> list[str]:
                """By hand's rows as the header wraps them now (its text and width can change
                while the step's first look ends: a scrollbar, the key's path)."""
                return [
                    str(line).strip() for line in Content(header.by_hand()).wrap(header.size.width)
                ]

            def whole_or_none(panel=panel) -> bool:
                lines, rows = by_hand(), panel_rows(panel)
                seen = [any(line in row for row in rows) for line in lines]
                return seen in ([True] * len(lines), [False] * len(lines))

            # The section is moved below the fold once the panel has its size (a busy machine
            # takes more than one pause to get there); cut at the fold, it never settles.
            try:
                await wait_until(pilot, whole_or_none, 10, f"{key}: By hand whole or none")
            except AssertionError:
                raise AssertionError((key, by_hand(), panel_rows(panel))) from None
            lines = by_hand()
            assert lines[0].startswith("By hand:") and len(lines) >= 2
            if not any(lines[0] in row for row in panel_rows(panel)):
                below.append(key)
                panel.scroll_end(animate=False, immediate=True)
                await pilot.pause()
                rows = panel_rows(panel)
                assert all(any(line in row for row in rows) for line in by_hand()), (key, rows)
        assert {"team", "clone", "pull-request"} <= set(below)  # (cut at the fold before)
