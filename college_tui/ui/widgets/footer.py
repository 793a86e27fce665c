"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from ..textual_private import footer_has_bindings

if TYPE_CHECKING:
    from textual.screen import Screen


class KeysFooter(Footer):
    """Textual's Footer recomposes on every focus move (a new row of key widgets and a layout
    pass of the whole screen, up to 75 ms on a slow laptop), although moving between the fields
    of a panel changes none of the keys it shows."""

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        if footer_has_bindings(self) and shown == self._shown:
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # what the recompose it asked for will show
