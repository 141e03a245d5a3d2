"""The key bar shows the keys Textual's Footer would show, clicking one presses it, and it
draws again only when what it shows changes; the title bar follows the screen's sub-title."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey

from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar


class KeysApp(App[None]):
    BINDINGS = [
        Binding("n", "new", "New practice"),
        Binding("d", "demo", "Demo"),
        Binding("x", "hidden", "Hidden", show=False),
    ]

    def __init__(self, footer: type[Footer] | type[KeyBar] = KeyBar) -> None:
        super().__init__()
        self.footer = footer
        #: What check_action answers for "demo": True shown, None shown dimmed, False hidden.
        self.demo: bool | None = True
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Button("one", id="one")
        yield Button("two", id="two")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.demo if action == "demo" else True

    def action_new(self) -> None:
        self.pressed.append("new")

    def action_demo(self) -> None:
        self.pressed.append("demo")


def textual_keys(app: App) -> list[tuple[str, str, bool]]:
    return [
        (key.key, key.description, not key.has_class("-disabled"))
        for key in app.query_one(Footer).query(FooterKey)
    ]


def bar_keys(app: App) -> list[tuple[str, str, bool]]:
    bar = app.query_one(KeyBar)
    shown = [(k.key, k.description, k.enabled) for k in bar.keys]
    if bar.palette_key is not None:
        k = bar.palette_key
        shown.append((k.key, k.description, k.enabled))
    return shown


async def test_shows_the_keys_textuals_footer_shows() -> None:
    for demo in (True, None, False):
        seen = []
        for footer, read in ((Footer, textual_keys), (KeyBar, bar_keys)):
            app = KeysApp(footer)
            app.demo = demo
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                seen.append(read(app))
        assert seen[0] == seen[1], f"demo={demo}"
        keys = [key for key, _, _ in seen[1]]
        assert "x" not in keys
        assert ("d" in keys) == (demo is not False)


async def test_draws_the_keys_and_dims_a_disabled_one() -> None:
    app = KeysApp()
    app.demo = None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.query_one(KeyBar).render()
        assert line.plain.startswith(" n New practice  d Demo ")
        assert line.plain.rstrip().endswith("^p palette")
        assert len(line.plain) == 80
        demo_at = line.plain.index(" d Demo")
        assert any("dim" in str(span.style) for span in line.spans if span.start >= demo_at)


async def test_clicking_a_key_presses_it_and_a_disabled_key_does_nothing() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        x = bar.render().plain.index("New practice")
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert app.pressed == ["new"]
        app.demo = None
        app.refresh_bindings()
        await pilot.pause()
        x = bar.render().plain.index("Demo")
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert app.pressed == ["new"]


async def test_keys_that_do_not_fit_are_left_out_whole() -> None:
    app = KeysApp()
    async with app.run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        line = app.query_one(KeyBar).render().plain
        assert len(line) == 30
        # " n New practice " fits beside the palette's key; " d Demo " would not, and no
        # part of it is drawn
        assert line.startswith(" n New practice ")
        assert line[len(" n New practice ") :].strip() == "^p palette"


async def test_a_focus_change_that_keeps_the_keys_does_not_draw_again() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        drawn = []
        original = bar.refresh

        def counting_refresh(*args, **kwargs):
            drawn.append(1)
            return original(*args, **kwargs)

        bar.refresh = counting_refresh  # type: ignore[method-assign]
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "two"
        assert drawn == []
        app.demo = False  # the keys change: it draws again
        app.refresh_bindings()
        await pilot.pause()
        assert drawn
        assert "d" not in [k.key for k in bar.keys]


class Titled(Screen[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Smile Dental · results"


async def test_title_bar_follows_the_app_and_the_screen() -> None:
    app = KeysApp()
    app.title = "balancecoach"
    app.sub_title = "/data"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert str(app.query_one(TitleBar).render()) == "balancecoach — /data"
        app.sub_title = "/elsewhere"
        await pilot.pause()
        assert str(app.query_one(TitleBar).render()) == "balancecoach — /elsewhere"
        await app.push_screen(Titled())
        await pilot.pause()
        title = app.screen.query_one(TitleBar)
        assert str(title.render()) == "balancecoach — Smile Dental · results"


class GroupedApp(App[None]):
    SECTION = Binding.Group("Section")
    BINDINGS = [
        Binding("1", "section(1)", "First", group=SECTION),
        Binding("2", "section(2)", "Second", group=SECTION),
        Binding("c", "continue", "Continue"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def action_section(self, n: int) -> None:
        self.pressed.append(f"section {n}")

    def action_continue(self) -> None:
        self.pressed.append("continue")


async def test_the_keys_of_a_group_are_drawn_together_and_each_can_be_clicked() -> None:
    app = GroupedApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = app.query_one(KeyBar).render().plain
        assert line.startswith(" 1 2 Section  c Continue ")
        await pilot.click(KeyBar, offset=(line.index("2"), 0))
        await pilot.click(KeyBar, offset=(line.index("Continue"), 0))
        await pilot.pause()
        assert app.pressed == ["section 2", "continue"]
