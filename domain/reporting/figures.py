"""The figures of a quarterly report (季度报告), in the order the report shows them.

Each figure counts what happened in the period (by the date, China time, of the event
that did it) for one department; money figures are in fen.  The reporting view computes
them from the log; a report shows them for its department and quarter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    money: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("items_catalogued", "新编目录事项"),
    Figure("items_published", "公示事项"),
    Figure("items_referred", "提交咨询事项"),
    Figure("decided_transfer", "决定转移"),
    Figure("decided_authorization", "决定授权"),
    Figure("decided_entrustment", "决定委托"),
    Figure("decided_purchase", "决定购买服务"),
    Figure("decided_retain", "决定保留"),
    Figure("transfers_approved", "批准职能转移"),
    Figure("contracts_awarded", "签订购买服务合同"),
    Figure("amount_committed_fen", "合同金额（元）", money=True),
    Figure("amount_paid_fen", "支付金额（元）", money=True),
    Figure("reviews_excellent", "绩效评价：优"),
    Figure("reviews_good", "绩效评价：良"),
    Figure("reviews_fair", "绩效评价：中"),
    Figure("reviews_poor", "绩效评价：差"),
    Figure("overdue_cases", "逾期事项"),
)
"""``overdue_cases``: referrals escalated past their deadline and milestones gone overdue."""

FIGURE_KEYS: tuple[str, ...] = tuple(f.key for f in FIGURES)
FIGURE_LABELS: dict[str, str] = {f.key: f.label for f in FIGURES}

DECISION_FIGURES: dict[str, str] = {
    "转移": "decided_transfer",
    "授权": "decided_authorization",
    "委托": "decided_entrustment",
    "购买服务": "decided_purchase",
    "保留": "decided_retain",
}
"""The figure a catalogue decision counts in, by its mode."""

REVIEW_FIGURES: dict[str, str] = {
    "优": "reviews_excellent",
    "良": "reviews_good",
    "中": "reviews_fair",
    "差": "reviews_poor",
}
"""The figure a performance review counts in, by its rating."""


def empty_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURE_KEYS, 0)
