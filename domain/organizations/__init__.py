"""Social organizations (社会组织) registered by the committee (DESIGN.md §3.3)."""
