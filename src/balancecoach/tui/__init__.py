"""The Textual interface. Imported only by the command that runs it."""
