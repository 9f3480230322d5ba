"""What each role finds in the header, and the page of each kind of entity."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.actors import Actor, Role


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str


PUBLIC_LINKS = (
    NavLink("公开目录", "/web/public/catalogue"),
    NavLink("社会组织与等级", "/web/public/organizations"),
    NavLink("购买服务合同", "/web/public/contracts"),
    NavLink("投诉", "/web/public/complaints/new"),
)

ROLE_LINKS: dict[Role, tuple[NavLink, ...]] = {
    Role.DEPARTMENT: (
        NavLink("待办", "/web/inbox"),
        NavLink("目录", "/web/catalogue"),
        NavLink("起草事项", "/web/catalogue/new"),
        NavLink("导入", "/web/catalogue/import"),
        NavLink("职能转移", "/web/transfers"),
        NavLink("购买服务", "/web/contracts"),
        NavLink("季度报告", "/web/reports"),
    ),
    Role.AGENCY: (
        NavLink("待办", "/web/inbox"),
        NavLink("咨询事项", "/web/referrals"),
    ),
    Role.EVALUATOR: (
        NavLink("待办", "/web/inbox"),
        NavLink("等级评估", "/web/evaluations"),
    ),
    Role.FINANCE: (
        NavLink("待办", "/web/inbox"),
        NavLink("预算安排", "/web/budgets"),
        NavLink("待审批支付", "/web/payments"),
        NavLink("合同台账", "/web/ledger"),
    ),
    Role.COMMITTEE: (
        NavLink("待办", "/web/inbox"),
        NavLink("登记", "/web/registries"),
        NavLink("审批", "/web/approvals"),
        NavLink("督办", "/web/escalations"),
        NavLink("统计报告", "/web/committee/reports"),
        NavLink("验收考核", "/web/acceptance-reviews"),
    ),
    Role.ORGANIZATION: (
        NavLink("待办", "/web/inbox"),
        NavLink("本组织", "/web/organization"),
    ),
}


def links_for(actor: Actor | None) -> tuple[NavLink, ...]:
    """The header's links: the role's work, then what the public reads."""
    if actor is None:
        return PUBLIC_LINKS
    return ROLE_LINKS.get(actor.role, ()) + PUBLIC_LINKS


ENTITY_PAGES: dict[str, str] = {
    "catalogue_item": "/web/catalogue/{id}",
    "grade_evaluation": "/web/evaluations/{id}",
    "function_transfer": "/web/transfers/{id}",
    "staffing_request": "/web/approvals",
    "purchase_contract": "/web/contracts/{id}",
    "quarterly_report": "/web/reports/{id}",
    "acceptance_review": "/web/acceptance-reviews/{id}",
}
"""The page where each kind of entity is read and acted on (the inbox links there; a
staffing request is decided on the approvals page)."""


TASK_PAGES: dict[str, str] = {
    "opinion": "/web/referrals/{id}",
    "approve_payment": "/web/payments",
    "deliver_milestone": "/web/organization",
}
"""Tasks done on another page than their entity's: where the form of the task is."""


def entity_page(entity_type: str, entity_id: UUID) -> str | None:
    template = ENTITY_PAGES.get(entity_type)
    return None if template is None else template.format(id=entity_id)


def task_page(kind: str, entity_type: str, entity_id: UUID) -> str | None:
    """Where an inbox task is done: its own page, else its entity's."""
    template = TASK_PAGES.get(kind)
    if template is not None:
        return template.format(id=entity_id)
    return entity_page(entity_type, entity_id)
