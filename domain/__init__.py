"""govflow's domain: aggregates, rules and the one application that owns them.

Imports only the standard library and ``eventsourcing`` (DESIGN.md §2).
"""
