"""The keys footer shows what Textual's Footer shows, and rebuilds itself only when that
changes: a focus change that leaves the keys alone keeps the same key widgets."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey

from balancecoach.tui.widgets.footer import KeysFooter


class KeysApp(App[None]):
    BINDINGS = [
        Binding("n", "new", "New practice"),
        Binding("d", "demo", "Demo"),
        Binding("x", "hidden", "Hidden", show=False),
    ]

    def __init__(self, footer: type[Footer]) -> None:
        super().__init__()
        self.footer = footer
        #: What check_action answers for "demo": True shown, None shown dimmed, False hidden.
        self.demo: bool | None = True

    def compose(self) -> ComposeResult:
        yield Button("one", id="one")
        yield Button("two", id="two")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.demo if action == "demo" else True


def shown(app: App) -> list[tuple[str, str, bool]]:
    return [
        (key.key, key.description, key.has_class("-disabled"))
        for key in app.query_one(Footer).query(FooterKey)
    ]


async def test_shows_the_same_keys_as_textuals_footer() -> None:
    seen = []
    for footer in (Footer, KeysFooter):
        app = KeysApp(footer)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            seen.append(shown(app))
    assert seen[0] == seen[1]
    assert [key for key, _, _ in seen[1]][:2] == ["n", "d"]
    assert "x" not in [key for key, _, _ in seen[1]]


async def test_a_focus_change_that_keeps_the_keys_keeps_the_widgets() -> None:
    app = KeysApp(KeysFooter)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = list(app.query_one(Footer).query(FooterKey))
        assert before
        for target in ("#two", "#one", "#two"):
            app.query_one(target).focus()
            await pilot.pause()
        assert list(app.query_one(Footer).query(FooterKey)) == before


async def test_a_change_of_what_is_shown_rebuilds_it() -> None:
    app = KeysApp(KeysFooter)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert ("d", "Demo", False) in shown(app)
        app.demo = None  # still shown, but dimmed
        app.refresh_bindings()
        await pilot.pause()
        assert ("d", "Demo", True) in shown(app)
        app.demo = False  # hidden
        app.refresh_bindings()
        await pilot.pause()
        assert "d" not in [key for key, _, _ in shown(app)]
        app.demo = True
        app.refresh_bindings()
        await pilot.pause()
        assert ("d", "Demo", False) in shown(app)
