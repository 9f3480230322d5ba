"""A purchase contract as an OCDS 1.1 release (开放合同数据标准): the mapping, pure.

Every release is a complete snapshot of the contracting process at its moment: the
planning (the item's budget and the decision to purchase), the tender (the procurement
method), the award, the contract with its implementation (履约节点 as milestones,
payments as transactions) and its amendments.  So the compiled release of a record is
the last release (see ``projections.ocds.compiled``).

Choices a reader of the data should know (the publication policy):

- ``ocid`` is ``<prefix>-<contract id>``; a release's ``id`` is ``<ocid>-<notification
  position>`` of the event it shows, so ids are unique and stable.  Both are added when
  read (``published``), never stored.
- Money is in yuan (CNY): the JSON number equal to fen / 100 exactly (fen are integers).
- Moments are date-times in China time (+08:00): events at their recorded time, legal
  dates at 00:00 (``startDate``, ``dateSigned``, ``dateMet``, transaction dates) or at
  23:59:59 of the day (``endDate``, ``dueDate``).
- Parties: the buying department, id = its department code (govflow holds no credit
  code of departments), roles buyer and procuringEntity (and payer once it has paid);
  the provider, id = ``CN-USCC-<统一社会信用代码>`` with the identifier scheme
  ``CN-USCC`` (GB 32100-2015; built as OCDS advises, country + register, for a register
  that org-id.guide does not list), roles supplier (and payee once paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.calendar import CHINA_TZ
from domain.purchase.contract import ContractStatus, MilestoneStatus, ProcurementMethod, yuan
from projections.ocds_rows import OcdsContractRow

DEFAULT_OCID_PREFIX = "ocds-govflow"
"""The ocid prefix until the publisher sets the one registered for it."""
CURRENCY = "CNY"
SUPPLIER_SCHEME = "CN-USCC"
"""统一社会信用代码 (GB 32100-2015) as an organization identifier scheme."""

PROCUREMENT_METHODS: dict[str, str] = {
    ProcurementMethod.OPEN_TENDER: "open",
    ProcurementMethod.INVITED_TENDER: "selective",
    ProcurementMethod.COMPETITIVE_NEGOTIATION: "limited",
    ProcurementMethod.COMPETITIVE_CONSULTATION: "limited",
    ProcurementMethod.SINGLE_SOURCE: "direct",
    ProcurementMethod.INQUIRY: "limited",
}
"""The six procurement methods (采购方式) in the OCDS method codelist; the Chinese name
goes in ``procurementMethodDetails``."""

CONTRACT_STATUSES: dict[str, str] = {
    ContractStatus.AWARDED: "pending",
    ContractStatus.PERFORMING: "active",
    ContractStatus.REVIEW_DUE: "active",
    ContractStatus.CLOSED: "terminated",
    ContractStatus.TERMINATED: "terminated",
}
"""合同状态 → OCDS contractStatus (``terminated`` is OCDS's word for any contract that
came to a close, fulfilled or not; the Chinese status is in the contract's description)."""

ENDED = frozenset({ContractStatus.CLOSED.value, ContractStatus.TERMINATED.value})


@dataclass(frozen=True)
class Planning:
    """The item's planning as it stood at a moment: the budget for the contract's fiscal
    year and why it is purchased."""

    budget_fen: int | None = None
    rationale: str | None = None

    @property
    def decided(self) -> bool:
        return self.rationale is not None


def money(fen: int) -> dict[str, Any]:
    """An OCDS Value in yuan: exactly fen / 100 (the float nearest the decimal, which
    prints as that decimal)."""
    return {"amount": float(Decimal(fen).scaleb(-2)), "currency": CURRENCY}


def moment(at: datetime) -> str:
    """An event's time in China time, e.g. ``2027-04-09T10:30:00.123456+08:00``."""
    return at.astimezone(CHINA_TZ).isoformat()


def day_start(day: date | str) -> str:
    return f"{_iso(day)}T00:00:00+08:00"


def day_end(day: date | str) -> str:
    return f"{_iso(day)}T23:59:59+08:00"


def _iso(day: date | str) -> str:
    return day.isoformat() if isinstance(day, date) else date.fromisoformat(day).isoformat()


def decision_rationale(reason: str) -> str:
    """The planning rationale of a decision to purchase (决定购买服务)."""
    return "决定以政府购买服务方式实施" + (f"（{reason}）" if reason.strip() else "")


def milestone_status(milestone: dict[str, Any], *, contract_ended: bool) -> str:
    """履约节点状态 → OCDS milestoneStatus: accepted is met; rejected, overdue, or left
    open when the contract ended, is notMet; otherwise scheduled."""
    if milestone["status"] == MilestoneStatus.ACCEPTED:
        return "met"
    if milestone["status"] == MilestoneStatus.REJECTED or milestone["overdue"] or contract_ended:
        return "notMet"
    return "scheduled"


# --- the sections -----------------------------------------------------------------


def _buyer(department: str, name: str) -> dict[str, Any]:
    return {"id": department, "name": name}


def _planning(planning: Planning, *, item_code: str, item_name: str,
              fiscal_year: int) -> dict[str, Any]:
    section: dict[str, Any] = {}
    if planning.rationale is not None:
        section["rationale"] = planning.rationale
    if planning.budget_fen is not None:
        section["budget"] = {
            "id": f"{item_code}-{fiscal_year}",
            "description": f"{item_name}（目录事项 {item_code}）{fiscal_year} 年度预算",
            "amount": money(planning.budget_fen),
        }
    return section


def _item(item_code: str, item_name: str) -> dict[str, Any]:
    return {"id": item_code, "description": item_name}


def planning_release(
    *, contract_id: str, item_code: str, item_name: str, item_description: str,
    department: str, department_name: str, fiscal_year: int, planning: Planning,
    at: datetime, first: bool,
) -> dict[str, Any]:
    """A release of the planning stage, before the award: the budget and the decision."""
    buyer = _buyer(department, department_name)
    return {
        "date": moment(at), "tag": ["planning" if first else "planningUpdate"],
        "initiationType": "tender", "language": "zh",
        "parties": [{**buyer, "roles": ["buyer", "procuringEntity"]}],
        "buyer": buyer,
        "planning": _planning(planning, item_code=item_code, item_name=item_name,
                              fiscal_year=fiscal_year),
        "tender": {
            "id": contract_id, "title": item_name, "description": item_description,
            "status": "planned" if planning.decided else "planning",
            "procuringEntity": buyer, "mainProcurementCategory": "services",
            "items": [_item(item_code, item_name)],
        },
    }


def contract_release(contract: OcdsContractRow, *, tags: list[str],
                     at: datetime) -> dict[str, Any]:
    """A release of the contract as it stands in ``contract``."""
    c = contract
    ended = c.status in ENDED
    paid = bool(c.payments)
    buyer = _buyer(c.department, c.department_name)
    supplier = {"id": f"{SUPPLIER_SCHEME}-{c.provider_credit_code}", "name": c.provider_name}
    award_id = f"{c.id}-award"
    items = [_item(c.item_code, c.item_name)]
    parties = [
        {**buyer, "roles": ["buyer", "procuringEntity", *(["payer"] if paid else [])]},
        {**supplier,
         "identifier": {"scheme": SUPPLIER_SCHEME, "id": c.provider_credit_code,
                        "legalName": c.provider_name},
         "roles": ["supplier", *(["payee"] if paid else [])]},
    ]
    described = f"合同状态：{c.status}"
    if c.termination_reason is not None:
        described += f"（终止理由：{c.termination_reason}）"
    contract_section: dict[str, Any] = {
        "id": str(c.id), "awardID": award_id, "title": c.item_name,
        "description": described, "status": CONTRACT_STATUSES[c.status],
        "period": {"startDate": day_start(c.term_start), "endDate": day_end(c.term_end)},
        "value": money(c.amount_fen), "dateSigned": day_start(c.awarded_on), "items": items,
        "implementation": {
            "transactions": [_transaction(p, buyer=buyer, supplier=supplier)
                             for p in c.payments],
            "milestones": [_milestone(m, contract_ended=ended) for m in c.milestones]
            + [_assessment(a, contract_ended=ended) for a in c.assessments],
        },
    }
    if c.amendments:
        contract_section["amendments"] = [_amendment(a) for a in c.amendments]
    return {
        "date": moment(at), "tag": tags, "initiationType": "tender", "language": "zh",
        "parties": parties, "buyer": buyer,
        "planning": _planning(Planning(c.budget_fen, c.rationale), item_code=c.item_code,
                              item_name=c.item_name, fiscal_year=c.fiscal_year),
        "tender": {
            "id": str(c.id), "title": c.item_name, "description": c.item_description,
            "status": "complete", "procuringEntity": buyer,
            "procurementMethod": PROCUREMENT_METHODS[c.method],
            "procurementMethodDetails": c.method, "mainProcurementCategory": "services",
            "items": items,
        },
        "awards": [{
            "id": award_id, "title": c.item_name,
            "status": "pending" if c.status == ContractStatus.AWARDED else "active",
            "date": day_start(c.awarded_on), "value": money(c.original_amount_fen),
            "suppliers": [supplier], "items": items,
        }],
        "contracts": [contract_section],
    }


def _transaction(payment: dict[str, Any], *, buyer: dict[str, Any],
                 supplier: dict[str, Any]) -> dict[str, Any]:
    return {"id": payment["id"], "date": day_start(payment["approved_on"]),
            "value": money(payment["amount_fen"]), "payer": buyer, "payee": supplier}


def _milestone(m: dict[str, Any], *, contract_ended: bool) -> dict[str, Any]:
    described = f"{m['status']}{'，已逾期' if m['overdue'] else ''}；金额 {yuan(m['amount_fen'])}"
    if m["paid_fen"]:
        described += f"，已付 {yuan(m['paid_fen'])}"
    milestone: dict[str, Any] = {
        "id": m["id"], "title": m["name"], "type": "delivery", "description": described,
        "dueDate": day_end(m["due_on"]),
        "status": milestone_status(m, contract_ended=contract_ended),
    }
    if m["accepted_on"] is not None:
        milestone["dateMet"] = day_start(m["accepted_on"])
    if m["modified_on"] is not None:
        milestone["dateModified"] = day_start(m["modified_on"])
    return milestone


def _assessment(a: dict[str, Any], *, contract_ended: bool) -> dict[str, Any]:
    status = "met" if a["met_on"] is not None else "notMet" if contract_ended else "scheduled"
    assessment: dict[str, Any] = {
        "id": a["id"], "title": a["title"], "type": "assessment",
        "description": a["description"], "status": status,
    }
    if a["met_on"] is not None:
        assessment["dateMet"] = day_start(a["met_on"])
    return assessment


def _amendment(a: dict[str, Any]) -> dict[str, Any]:
    changes: list[str] = []
    if a["added_fen"]:
        changes.append(f"增加合同金额 {yuan(a['added_fen'])}"
                       + (f"（新增履约节点 {a['milestone_id']}）" if a["milestone_id"] else ""))
    changes.append(f"合同期限止 {a['term_end']}")
    return {"id": a["id"], "date": day_start(a["amended_on"]), "rationale": a["reason"],
            "description": "；".join(changes)}


# --- read side: ocid and release ids ------------------------------------------------


def ocid_for(prefix: str, contract_id: str) -> str:
    return f"{prefix}-{contract_id}"


def published(stored: dict[str, Any], *, ocid: str, position: int) -> dict[str, Any]:
    """The stored release with its ``ocid`` and ``id`` (``<ocid>-<position>``) first."""
    return {"ocid": ocid, "id": f"{ocid}-{position}", **stored}


def compiled(releases: list[dict[str, Any]], *, ocid: str) -> dict[str, Any]:
    """The compiled release of snapshot releases (oldest first): the last one, tagged
    ``compiled`` under an id of its own."""
    last = releases[-1]
    return {**last, "id": f"{ocid}-compiled", "tag": ["compiled"]}
