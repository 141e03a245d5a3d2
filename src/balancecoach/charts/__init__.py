"""Terminal charts of a practice's progress, drawn from the series in core/series.py.

Used by the progress view, `balancecoach chart` and the reports. The drawing functions live
in charts/figures.py, which imports plotext; they are loaded on first use, so reading the
size limits below costs nothing.
"""

from __future__ import annotations

from typing import Any

#: Below this size a figure is replaced by a line asking for more room.
MIN_WIDTH = 40
MIN_HEIGHT = 10
#: The size the command line draws at unless told otherwise.
DEFAULT_WIDTH = 80
DEFAULT_HEIGHT = 24

_FIGURES = (
    "chart",
    "dimensions_chart",
    "empty_state",
    "financials_chart",
    "lean_chart",
    "metric_chart",
    "metric_charts",
    "quadrant_chart",
)

__all__ = ["DEFAULT_HEIGHT", "DEFAULT_WIDTH", "MIN_HEIGHT", "MIN_WIDTH", *_FIGURES]


def __getattr__(name: str) -> Any:
    if name in _FIGURES:
        from balancecoach.charts import figures

        return getattr(figures, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
