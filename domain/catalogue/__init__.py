"""建立目录 — the catalogue of government functions (DESIGN.md §3.1)."""
