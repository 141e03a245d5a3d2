"""Plain-text, Markdown, HTML and CSV renderings of the practice's results."""
