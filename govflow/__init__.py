"""The composition root: settings, bootstrap() and the command line (DESIGN.md §2)."""
