"""govflow's Temporal workflows, their activities, the worker and the client gateways.

Workflows orchestrate and wait; activities adapt; the domain decides (DESIGN.md §2).
Imports only ``domain``, ``temporalio`` and the standard library.
"""
