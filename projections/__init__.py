"""Read models: projections of the application's log into views (DESIGN.md §5)."""
