"""Home: the practices in the data directory, the demo, a new practice, a draft to resume."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from balancecoach.core.format import signed
from balancecoach.tui.markup import escape
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"
    HELP: ClassVar[str] = """\
## Home

Every practice kept in the data directory is listed here with its latest checkpoint,
where it stood then (quadrant) and its lean (structure − people, from −100 patient-leaning
to +100 production-leaning).

- **Enter** opens the highlighted practice.
- **n** creates a new practice and starts its first visit.
- **d** opens the demo practice (two years of made-up history to explore).
- **r** resumes an unfinished assessment, if there is one.
- **w** opens a coach's workshop for several practices (or makes one).
"""
    BINDINGS: ClassVar = [
        Binding("enter", "open", "Open", id="home.open", show=True),
        Binding("n", "new_practice", "New practice", id="home.new"),
        Binding("d", "open_demo", "Demo", id="home.demo"),
        Binding("r", "resume", "Resume draft", id="home.resume"),
        Binding("w", "workshop", "Workshop", id="home.workshop"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="home-body"):
            yield Static("Practices", classes="title")
            yield DataTable(id="practices", cursor_type="row", zebra_stripes=True)
            yield Static("Loading practices…", id="home-status")
            yield Static("", id="drafts")
        yield KeyBar()

    COLUMNS = (
        ("Practice", "name"),
        ("Last checkpoint", "last"),
        ("Quadrant", "quadrant"),
        ("Lean", "lean"),
        ("Notes", "notes"),
    )

    def on_screen_resume(self) -> None:
        """Read the list each time home shows (the first time included): a visit that just
        ended may have changed it."""
        self.refresh_practices()

    @work(thread=True, exclusive=True, group="home-load")
    def refresh_practices(self) -> None:
        """Read every practice off the event loop; the list fills in when it is done."""
        store = self.app.store
        if not store.slugs():
            from balancecoach.storage.demo import install_demo

            install_demo(store)  # first run: something real to look at
        rows = store.summaries()
        drafts = self.app.drafts.list()
        self.app.call_from_thread(self._show, rows, drafts)

    def _show(self, rows, drafts) -> None:
        table = self.query_one(DataTable)
        cells = [
            (
                row.name,
                row.last_quarter or "none yet",
                row.quadrant or "–",
                "–" if row.lean is None else signed(row.lean),
                _notes(row),
            )
            for row in rows
        ]
        # Columns are laid out afresh with widths that fit what they hold, so the table is
        # right from its first frame rather than after the widget's next idle moment. Cells
        # are plain Text: a name with brackets in it is shown as written, never as markup.
        table.clear(columns=True)
        for i, (label, key) in enumerate(self.COLUMNS):
            width = max([cell_len(label), *(cell_len(c[i]) for c in cells)])
            table.add_column(Text(label, end=""), key=key, width=width)
        for row, values in zip(rows, cells, strict=True):
            table.add_row(*(Text(v, end="") for v in values), key=row.slug)
        self._rows = {row.slug: row for row in rows}
        status = self.query_one("#home-status", Static)
        if rows:
            status.update(
                f"{len(rows)} practice{'s' if len(rows) != 1 else ''} in "
                f"{escape(self.app.store.root)}. "
                "Enter opens the highlighted one; n creates a new one."
            )
        else:
            status.update("No practices yet. Press n to create one, or d for the demo.")
        self._drafts = [d for d in drafts if d.kind == "assessment"]
        draft_line = self.query_one("#drafts", Static)
        if self._drafts:
            d = self._drafts[0]
            name = self._rows[d.slug].name if d.slug in self._rows else d.slug
            if d.saved_at is None:  # damaged: resuming says why and starts afresh
                draft_line.update(
                    f"An unfinished assessment for {escape(name)} could not be read. "
                    "Press r to see why and start it again."
                )
            else:
                draft_line.update(
                    f"An unfinished assessment for {escape(name)} was saved "
                    f"{d.saved_at:%d %b %Y %H:%M}. Press r to resume it."
                )
        else:
            draft_line.update("")
        table.focus()

    def _highlighted(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return key.value

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_practice(event.row_key.value)

    def action_open(self) -> None:
        slug = self._highlighted()
        if slug:
            self.open_practice(slug)

    def open_practice(self, slug: str | None) -> None:
        if not slug:
            return
        from balancecoach.tui.screens.practice import PracticeScreen

        row = getattr(self, "_rows", {}).get(slug)
        if row is not None and row.problems:
            first = row.problems[0]
            self.notify(
                f"{first}\nFix the file by hand (or run `balancecoach validate`); "
                "nothing was changed.",
                title="A file of this practice does not load",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.app.push_screen(PracticeScreen(slug))

    def action_new_practice(self) -> None:
        from balancecoach.tui.screens.new_practice import NewPracticeScreen

        self.app.push_screen(NewPracticeScreen())

    def action_open_demo(self) -> None:
        rows = getattr(self, "_rows", {})
        demo = next((slug for slug, row in rows.items() if row.demo), None)
        if demo is None:
            self.notify("The demo practice is not installed yet; try again in a moment.")
            return
        self.open_practice(demo)

    def action_workshop(self) -> None:
        from balancecoach.tui.screens.workshop_views import WorkshopPickerScreen

        self.app.push_screen(WorkshopPickerScreen())

    def action_resume(self) -> None:
        drafts = getattr(self, "_drafts", [])
        if not drafts:
            self.notify("There is no unfinished assessment to resume.")
            return
        from balancecoach.tui.journey import resume_first_visit

        slug = drafts[0].slug
        row = getattr(self, "_rows", {}).get(slug)
        resume_first_visit(self.app, slug, row.name if row is not None else None)


def _notes(row) -> str:
    if row.problems:
        n = len(row.problems)
        return f"{n} file{'s' if n > 1 else ''} need attention"
    return "demo" if row.demo else ""
