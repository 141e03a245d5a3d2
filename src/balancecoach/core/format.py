"""Number formatting shared by every view, so a figure reads the same everywhere."""

from __future__ import annotations


def money(value: float, cents: bool = False, symbol: str = "$") -> str:
    """``$863,095``; with cents ``$937.50``. Negative amounts read ``−$1,200``."""
    sign = "−" if value < 0 else ""
    amount = abs(value)
    body = f"{amount:,.2f}" if cents else f"{round(amount):,}"
    return f"{sign}{symbol}{body}"


def percent(value: float, digits: int = 0) -> str:
    """A 0–100 value as ``62%``."""
    return f"{value:.{digits}f}%"


def signed(value: float, digits: int = 0) -> str:
    """``+12`` / ``−8`` / ``0``, with a true minus sign."""
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def format_value(unit: str, value: float) -> str:
    """A metric or input value in its unit: 62%, $1,250, $937.50/h, 14, NPS 38."""
    if unit == "percent":
        return percent(value)
    if unit == "currency":
        return money(value)
    if unit == "currency_per_hour":
        return money(value, cents=True) + "/h"
    if unit == "hours":
        return f"{count(value)} h"
    if unit == "score":
        return signed(value)
    return count(value)
