"""Workflow ids of the transfer and purchase cases, shared by the gateways and the
grade-change fan-out."""

from __future__ import annotations

from uuid import UUID


def transfer_workflow_id(transfer_id: UUID) -> str:
    return f"transfer:{transfer_id}"


def purchase_contract_workflow_id(contract_id: UUID) -> str:
    return f"purchase-contract:{contract_id}"
