"""The footer: Textual's, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys every time the bindings may have changed (each focus
change, several times during start-up alone). This one rebuilds only when the keys it shows
are really different.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ReaderFooter(Footer):
    def __init__(self) -> None:
        # Compact: the reading and highlight keys fit in 120 columns.
        super().__init__(compact=True)
        self._shown: tuple[tuple[str, str, str, bool], ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = tuple(
                (binding.key, binding.description, binding.action, enabled)
                for _node, binding, enabled, _tip in screen.active_bindings.values()
                if binding.show
            )
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
