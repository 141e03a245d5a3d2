"""Results that come back from a worker after their screen has closed.

A screen reads or writes in a worker thread and hands the result back with
`app.call_from_thread`. By then the screen may have gone (Escape, a jump home from the
command palette, a step back or forward in a visit), and its widgets with it: `query_one`
raised NoMatches and ended the app (found by the monkey test). So every method that shows
a worker's result on a screen starts with

    if not still_open(self):
        return

and the result is dropped. Only the showing is dropped: what the worker wrote stays
written, and whatever has to happen because it was written (removing a finished visit's
draft, telling the user) happens all the same, before the check.

The worker itself takes `app = self.app` first, while the screen is surely there, and
uses `app` from then on: on a worker's thread `self.app` is found by climbing from the
screen to the app, so once the screen has closed it raises instead, and a save or an
export would stop half-way and its result never arrive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen


def still_open(screen: Screen) -> bool:
    """Whether `screen`'s widgets are still there to show a result.

    False once the app is exiting, and from the moment the screen's message loop stops:
    Textual then removes its widgets one by one and only afterwards detaches the screen
    itself, so `is_attached` alone is still True in the instant the widgets are gone
    (which is where the monkey test caught it)."""
    return screen.is_running and screen.is_attached
