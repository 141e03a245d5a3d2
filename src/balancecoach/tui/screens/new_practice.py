"""Create a practice: its name, providers and working calendar, checked as they are typed."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.validation import Function, Integer, Number, ValidationResult
from textual.widgets import Button, Input, Label, Static

from balancecoach.core.errors import DataError
from balancecoach.tui.late import still_open
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar


def _name_ok(value: str) -> bool:
    return 0 < len(value.strip()) <= 120 and value.isprintable()


class NewPracticeScreen(Screen[None]):
    CSS_PATH = "new_practice.tcss"
    HELP: ClassVar[str] = """\
## New practice

Give the practice a name, the number of producing providers (doctors and hygienists whose
work is scheduled), and, if you know them, the working days a year and clinical hours a
day. Without the calendar, no daily or hourly goal is shown later.

Only the practice's own totals are ever asked for: no patient details.

- **Tab** moves between fields; a field with a problem says what is wrong under it.
- **Ctrl+S** (or the Create button) creates the practice and starts its first visit.
- **Escape** goes back without creating anything.
"""
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "create", "Create", id="new.create"),
        Binding("escape", "app.pop_screen", "Back", id="new.back"),
    ]

    FIELDS: ClassVar = {
        "name": (
            "Practice name",
            "e.g. Harbour Family Dental",
            [Function(_name_ok, "Enter a name of 1 to 120 characters.")],
            False,
        ),
        "providers": (
            "Producing providers",
            "e.g. 2",
            [Integer(1, 100, "A whole number from 1 to 100.")],
            False,
        ),
        "working_days": (
            "Working days a year (optional)",
            "commonly 185–195",
            [Integer(1, 366, "A whole number from 1 to 366.")],
            True,
        ),
        "hours": (
            "Clinical hours a day (optional)",
            "e.g. 8",
            [Number(0.5, 24, "A number of hours from 0.5 to 24.")],
            True,
        ),
    }

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="form"):
            yield Static("A new practice", classes="title")
            for key, (label, placeholder, validators, optional) in self.FIELDS.items():
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    yield Input(
                        placeholder=placeholder,
                        id=f"field-{key}",
                        validators=validators,
                        valid_empty=optional,
                        value="1" if key == "providers" else "",
                        compact=True,
                    )
                yield Static("", id=f"error-{key}", classes="field-error")
            yield Static(
                "Only the practice's own totals are ever asked for: no patient details.",
                id="privacy",
            )
            with Horizontal(id="form-buttons"):
                yield Button("Create and start the first visit", id="create", variant="primary")
                yield Button("Back", id="back")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#field-name", Input).focus()

    @on(Input.Changed)
    def _show_validation(self, event: Input.Changed) -> None:
        self._report(event.input, event.validation_result)

    def _report(self, field: Input, result: ValidationResult | None) -> None:
        key = (field.id or "").removeprefix("field-")
        message = ""
        if result is not None and not result.is_valid:
            message = " ".join(result.failure_descriptions)
        self.query_one(f"#error-{key}", Static).update(message)

    @on(Input.Submitted)
    def _next_or_create(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_create()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.app.pop_screen()

    #: True while the practice is being written: a second Ctrl+S (or click) waits for it.
    _saving = False

    def action_create(self) -> None:
        if self._saving:
            return
        first_bad: Input | None = None
        for field in self.query(Input):
            result = field.validate(field.value)
            self._report(field, result)
            if result is not None and not result.is_valid and first_bad is None:
                first_bad = field
        if first_bad is not None:
            first_bad.focus()
            self.notify("Some fields need attention: see the notes under them.", severity="warning")
            return
        values = {key: self.query_one(f"#field-{key}", Input).value.strip() for key in self.FIELDS}
        self._saving = True
        self._save(values)

    @work(thread=True, exclusive=True)
    def _save(self, values: dict[str, str]) -> None:
        from balancecoach.core.records import Practice

        app = self.app  # first: once the screen has closed it is not found from this thread
        calendar = None
        if values["working_days"]:
            calendar = {"working_days": int(values["working_days"])}
            if values["hours"]:
                calendar["clinical_hours_per_day"] = float(values["hours"])
        try:
            practice = Practice.model_validate(
                {
                    "practice": {
                        "name": values["name"],
                        "providers": int(values["providers"]),
                        "created": app.clock(),
                    },
                    "calendar": calendar,
                }
            )
            slug = app.store.create_practice(practice)
        except DataError as exc:
            app.call_from_thread(self._not_saved, exc)
            return
        app.call_from_thread(self._created, slug, values["name"])

    def _not_saved(self, exc: DataError) -> None:
        self._saving = False  # corrected and tried again, it may be saved
        self.app.notify(
            str(exc), title="The practice was not saved", severity="error", markup=False
        )

    def _created(self, slug: str, name: str) -> None:
        if not still_open(self):
            # Escape was pressed while the practice was being written: it is created all
            # the same, and no visit starts behind the user's back.
            self.app.notify(
                f"{name} is created: open it from the list and press a to start its first visit.",
                title="Practice created",
                markup=False,
            )
            from balancecoach.tui.screens.home import HomeScreen

            stack = self.app.screen_stack
            if stack and isinstance(stack[-1], HomeScreen):
                stack[-1].refresh_practices()  # its list may have been read just before
            return
        from balancecoach.tui.journey import start_first_visit

        while self in self.app.screen_stack:  # with help (F1), if it was opened meanwhile
            self.app.pop_screen()
        start_first_visit(self.app, slug, name)
