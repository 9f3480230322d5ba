"""Reporting (建立机制): quarterly reports of departments and the year-end acceptance review."""
