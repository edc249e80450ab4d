"""The footer: Textual's, with the keys that fit the width, and always ``?`` and ``q``.

Textual's Footer lays out every key it is given and lets the row run off the right edge
(under the palette key, which is docked there): at 80–100 columns ``q Quit`` and ``? Keys``
were cut off and a letter of them showed after the palette key. This one shows ``?`` and ``q``
first, then as many of the other keys, in their order, as fit before the palette key.

It also rebuilds only when the keys it shows really change (Textual's rebuilds on each focus
change, several times during start-up alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

# Always shown, first: how to get help and how to leave.
ESSENTIAL = ("help", "quit")
# Shown after them while the lists are hidden (one pane at a time on narrow screens, or the
# lists giving way to an article and its sidebar): the way back to them, as "Lists" — the
# only one a mouse user has.
BACK = "back"
BACK_LABEL = "Lists"


class ReaderFooter(Footer):
    def __init__(self) -> None:
        # Compact: the reading and highlight keys fit in 120 columns.
        super().__init__(compact=True)
        self._shown: tuple[object, ...] | None = None

    def _key_width(self, binding: Binding) -> int:
        """Cells a compact key takes: "k Description" and a space after it."""
        return cell_len(self.app.get_key_display(binding)) + 1 + cell_len(binding.description) + 1

    def fitting(self, width: int) -> list[tuple[Binding, bool, str]]:
        """The keys to show in ``width`` cells: the essential ones, then the others in their
        order while they fit (the palette key on the right keeps its room)."""
        seen: dict[str, tuple[Binding, bool, str]] = {}
        active = self.screen.active_bindings
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:
                seen[binding.action] = (binding, enabled, tooltip)
        essential = [k for k in seen.values() if k[0].id in ESSENTIAL]
        essential.sort(key=lambda k: ESSENTIAL.index(k[0].id or ""))
        if self.screen.has_class("-no-lists"):
            back = next((v for v in active.values() if v[1].id == BACK), None)
            if back is not None:
                _node, binding, enabled, tooltip = back
                essential.append((replace(binding, description=BACK_LABEL), enabled, tooltip))
        room = width - sum(self._key_width(k[0]) for k in essential)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and palette:
            room -= 1 + self._key_width(palette.binding)  # its border, and its own width
        chosen = list(essential)
        for key in seen.values():
            if key in essential:
                continue
            room -= self._key_width(key[0])
            if room < 0:
                break
            chosen.append(key)
        return chosen

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        yield from self._keys(self.fitting(width))
        yield from self._palette_key()

    def _keys(self, keys: list[tuple[Binding, bool, str]]) -> Iterator[FooterKey]:
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)

    def _palette_key(self) -> Iterator[FooterKey]:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return
        _node, binding, enabled, _tooltip = active
        yield FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )

    def _state(self, screen: Screen[object]) -> tuple[object, ...]:
        width = self.size.width or self.app.size.width
        return (
            width,
            screen.has_class("-no-lists"),
            tuple(
                (binding.key, binding.description, binding.action, enabled)
                for _node, binding, enabled, _tip in screen.active_bindings.values()
                if binding.show
            ),
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = self._state(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    def on_resize(self, event: Resize) -> None:
        if self._bindings_ready and self.is_attached:
            self.bindings_changed(self.screen)
