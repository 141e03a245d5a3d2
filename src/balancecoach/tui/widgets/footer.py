"""The footer of the key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's Footer, except that a change of the bindings which leaves the shown keys
    exactly as they are does not rebuild it. A screen's bindings are announced as changed
    at every focus change and screen switch; rebuilding the keys each time was a large part
    of the cost of showing a screen (three rebuilds before home had its first frame)."""

    _composed_for: Any = None

    def _shown_keys(self) -> tuple[Any, ...]:
        """Everything Footer.compose reads to decide what it shows."""
        app = self.app
        active = self.screen.active_bindings
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                binding.tooltip,
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in active.values()
            if binding.show
        )
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            entry = active.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, tooltip = entry
                palette = (
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
        return keys, palette, self.combine_groups

    async def recompose(self) -> None:
        if not self.is_attached or not self._bindings_ready:
            await super().recompose()
            return
        shown = self._shown_keys()
        if shown == self._composed_for:
            return
        self._composed_for = shown
        await super().recompose()
