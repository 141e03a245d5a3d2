"""Subcommands beyond the core ones; each module registers itself with the CLI parser."""
