"""The rules of grading that need no application: cut-offs, validity, scoring dimensions."""

from __future__ import annotations

from datetime import date

import pytest

from domain.grading.errors import InvalidScoresError
from domain.grading.grades import GradeCutoffs, grade_label, validity_for
from domain.grading.scoring import DIMENSIONS, check_scores
from domain.organizations.credit_code import OrganizationCategory

DEFAULT = GradeCutoffs()


@pytest.mark.parametrize(
    ("total", "label"),
    [(1000, "5A"), (900, "5A"), (899, "4A"), (800, "4A"), (799, "3A"), (700, "3A"),
     (699, "2A"), (600, "2A"), (599, "1A"), (0, "1A")],
)
def test_default_cutoffs_give_the_grade_of_each_total(total: int, label: str) -> None:
    assert grade_label(DEFAULT.level_for(total)) == label


def test_default_cutoffs_are_900_800_700_600() -> None:
    assert (DEFAULT.five_a, DEFAULT.four_a, DEFAULT.three_a, DEFAULT.two_a) == (
        900, 800, 700, 600)


def test_raised_cutoffs_move_the_boundaries() -> None:
    strict = GradeCutoffs(five_a=950, four_a=850, three_a=750, two_a=650)

    assert [strict.level_for(t) for t in (950, 949, 850, 849, 750, 749, 650, 649)] == [
        5, 4, 4, 3, 3, 2, 2, 1]


@pytest.mark.parametrize(
    "cutoffs",
    [
        {"five_a": 1001},
        {"five_a": 800, "four_a": 800},
        {"four_a": 950},
        {"three_a": 600, "two_a": 600},
        {"two_a": 0},
        {"two_a": -10},
    ],
    ids=["above-1000", "5A-equals-4A", "4A-above-5A", "3A-equals-2A", "2A-zero",
         "2A-negative"],
)
def test_cutoffs_not_falling_within_the_scale_raise(cutoffs: dict[str, int]) -> None:
    with pytest.raises(ValueError) as invalid:
        GradeCutoffs(**cutoffs)

    assert str(invalid.value).startswith("grade cut-offs must fall from 5A to 2A within 1..1000")


def test_cutoffs_at_the_edges_of_the_scale_are_accepted() -> None:
    edge = GradeCutoffs(five_a=1000, four_a=3, three_a=2, two_a=1)

    assert [edge.level_for(t) for t in (1000, 999, 3, 2, 1, 0)] == [5, 4, 4, 3, 2, 1]


@pytest.mark.parametrize(
    ("confirmed_on", "valid_from", "valid_until"),
    [
        (date(2026, 4, 20), date(2027, 1, 1), date(2031, 12, 31)),
        (date(2026, 1, 1), date(2027, 1, 1), date(2031, 12, 31)),
        (date(2026, 12, 31), date(2027, 1, 1), date(2031, 12, 31)),
        (date(2027, 1, 1), date(2028, 1, 1), date(2032, 12, 31)),
        (date(2028, 2, 29), date(2029, 1, 1), date(2033, 12, 31)),
    ],
    ids=["april", "1-january", "31-december", "next-1-january", "29-february"],
)
def test_validity_runs_from_next_1_january_to_31_december_of_the_fifth_year(
    confirmed_on: date, valid_from: date, valid_until: date,
) -> None:
    assert validity_for(confirmed_on) == (valid_from, valid_until)


@pytest.mark.parametrize("category", list(OrganizationCategory))
def test_each_category_scores_out_of_1000(category: OrganizationCategory) -> None:
    assert sum(d.max_points for d in DIMENSIONS[category]) == 1000


@pytest.mark.parametrize("category", list(OrganizationCategory))
def test_each_category_scores_basic_conditions_governance_and_reputation(
    category: OrganizationCategory,
) -> None:
    names = [d.name for d in DIMENSIONS[category]]

    assert names[0] == "基础条件" and names[1] == "内部治理" and names[-1] == "社会评价"
    assert len(names) == len(set(names)) == 4


def test_social_service_organizations_are_scored_on_business_and_integrity() -> None:
    service = [d.name for d in DIMENSIONS[OrganizationCategory.SOCIAL_SERVICE]]

    assert "业务活动和诚信建设" in service and "工作绩效" not in service
    for other in (OrganizationCategory.SOCIAL_GROUP, OrganizationCategory.FOUNDATION,
                  OrganizationCategory.OTHER):
        names = [d.name for d in DIMENSIONS[other]]
        assert "工作绩效" in names and "业务活动和诚信建设" not in names


def test_check_scores_full_marks_are_accepted_in_dimension_order() -> None:
    full = {d.name: d.max_points for d in DIMENSIONS[OrganizationCategory.FOUNDATION]}

    checked = check_scores(OrganizationCategory.FOUNDATION, dict(reversed(full.items())))

    assert list(checked) == ["基础条件", "内部治理", "工作绩效", "社会评价"]
    assert sum(checked.values()) == 1000


def test_check_scores_zero_is_accepted() -> None:
    zero = {d.name: 0 for d in DIMENSIONS[OrganizationCategory.SOCIAL_GROUP]}

    assert sum(check_scores(OrganizationCategory.SOCIAL_GROUP, zero).values()) == 0


def test_check_scores_a_true_flag_is_not_a_score() -> None:
    scores: dict[str, int] = {"基础条件": True, "内部治理": 300, "工作绩效": 300,
                              "社会评价": 80}

    with pytest.raises(InvalidScoresError, match="基础条件的得分应为整数（现为 True）"):
        check_scores(OrganizationCategory.SOCIAL_GROUP, scores)
