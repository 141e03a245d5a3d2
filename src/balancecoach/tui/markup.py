"""Text from the user or their files, put into the screens' markup so it shows as written.

Textual reads a str given to Static, Label, `update`, `notify`, an option's prompt, a
button's or a tab's label as content markup: a practice called "Smile [/] Dental" ended the
app with a MarkupError and "Dr [b]Lee" was shown bold without its brackets. Such text is
either given as plain content (`textual.content.Content(text)`, rich `Text`, `notify(...,
markup=False)`, `Static(..., markup=False)`) or, where it sits inside markup of our own,
passed through `escape` here.

`textual.markup.escape` is not enough for Textual 8's markup: it is Rich's escape, which
only escapes what looks like a Rich tag (a lowercase letter, `#`, `/` or `@` after the
bracket), while Textual reads every unescaped `[` as the start of a tag, so "[North]",
"[Q1]", "[B]" or "[$accent]" were still taken as tags and vanished.

(Rich's own markup, for a str in a DataTable cell or a Rich table, is another grammar:
give those cells `rich.text.Text` instead of escaping.)
"""

from __future__ import annotations

__all__ = ["escape"]


def escape(text: object) -> str:
    """`text` (as str) escaped for Textual content markup: it shows exactly as written.

    Every `[` gets a backslash; a backslash before a `[` in the text stays a backslash.
    One thing content markup cannot say: a backslash at the very end of `text` followed
    at once by a tag of ours escapes that tag, so put our tags elsewhere (or a space
    between)."""
    return str(text).replace("[", "\\[")
