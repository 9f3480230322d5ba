"""/evaluators and /grade-evaluations: the committee's evaluators, an evaluation's steps
from application to confirmation, what is refused, and who sees the scores and appeal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from fastapi import FastAPI

from domain.actors import Role
from domain.aggregate import aggregate_id_for
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    ConfirmGrade,
    DeclareEvaluatorAffiliations,
    FileAppeal,
    RegisterEvaluator,
    ScoreEvaluation,
)
from tests.api.helpers import PROBLEM_JSON, Tokens, field_errors
from tests.api.organization_fakes import (
    FakeEvaluationViews,
    FakeGradingCommands,
    FakeOrganizationCommands,
)
from tests.api.organization_helpers import (
    SOCIAL_SERVICE_SCORES,
    TODAY,
    Seeded,
    evaluation_row,
    evaluator_row,
)


@pytest.fixture
def app(organization_app: FastAPI) -> FastAPI:
    return organization_app


def problem(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    found: dict[str, Any] = response.json()
    assert found["type"] == error
    return found


# --- evaluators ------------------------------------------------------------------------


async def test_register_evaluator_returns_201_with_location_and_sends_the_command(
    client: httpx.AsyncClient, committee: dict[str, str],
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await client.post("/evaluators", json={
        "name": "台山市社会组织评估所", "contact": "0750-5550000"}, headers=committee)

    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith(f"/evaluators/{response.json()['id']}")
    (command,) = organization_commands.commands
    assert isinstance(command, RegisterEvaluator)
    assert (command.name, command.actor.role) == ("台山市社会组织评估所", Role.COMMITTEE)
    assert response.json()["id"] == str(aggregate_id_for(command.command_id))


async def test_declare_evaluator_affiliations_sends_each_organization_once(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    organization_commands: FakeOrganizationCommands,
) -> None:
    response = await client.put(f"/evaluators/{orgs.evaluator}/affiliations", json={
        "organization_ids": [str(orgs.centre), str(orgs.association), str(orgs.centre)]},
        headers=committee)

    assert response.status_code == 200, response.text
    (command,) = organization_commands.commands
    assert isinstance(command, DeclareEvaluatorAffiliations)
    assert command.organization_ids == (orgs.centre, orgs.association)


async def test_declare_affiliation_with_unregistered_organization_returns_404(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await client.put(f"/evaluators/{orgs.evaluator}/affiliations",
                                json={"organization_ids": [str(uuid4())]}, headers=committee)

    problem(response, 404, "OrganizationNotFoundError")


async def test_declare_affiliations_not_uuids_returns_422(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
) -> None:
    response = await client.put(f"/evaluators/{orgs.evaluator}/affiliations",
                                json={"organization_ids": ["蓬江区长者服务中心"]},
                                headers=committee)

    assert field_errors(response) == {"organization_ids.0": "必须是有效的 UUID"}


async def test_list_evaluators_with_workloads_pages_with_cursor(
    client: httpx.AsyncClient, evaluation_views: FakeEvaluationViews,
) -> None:
    first_row = evaluation_views.add_evaluator(evaluator_row())
    evaluation_views.add_evaluator(evaluator_row(name="台山市社会组织评估所",
                                                 open_evaluations=0))

    first = await client.get("/evaluators", params={"limit": 1})
    rest = await client.get("/evaluators",
                            params={"limit": 1, "cursor": first.json()["next_cursor"]})
    one = await client.get(f"/evaluators/{first_row.id}")

    assert [(e["name"], e["open_evaluations"], e["confirmed_evaluations"])
            for e in first.json()["data"]] == [("江门市社会组织评估中心", 2, 5)]
    assert [e["name"] for e in rest.json()["data"]] == ["台山市社会组织评估所"]
    assert rest.json()["next_cursor"] is None
    assert one.json()["id"] == str(first_row.id)


async def test_get_unknown_evaluator_returns_404(client: httpx.AsyncClient) -> None:
    problem(await client.get(f"/evaluators/{uuid4()}"), 404, "EvaluatorNotFoundError")


# --- applying ---------------------------------------------------------------------------


async def test_organization_applies_for_itself_without_naming_itself(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
    grading_commands: FakeGradingCommands,
) -> None:
    response = await client.post("/grade-evaluations", json={}, headers=centre_staff)

    assert response.status_code == 201, response.text
    (command,) = grading_commands.commands
    assert isinstance(command, ApplyForEvaluation)
    assert (command.organization_id, command.applied_on, command.actor.role) == (
        orgs.centre, TODAY, Role.ORGANIZATION)
    evaluation_id = aggregate_id_for(command.command_id)
    assert response.json()["id"] == str(evaluation_id)
    assert response.headers["location"].endswith(f"/grade-evaluations/{evaluation_id}")


async def test_organization_applying_for_another_returns_403_and_sends_nothing(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
    grading_commands: FakeGradingCommands,
) -> None:
    response = await client.post("/grade-evaluations",
                                 json={"organization_id": str(orgs.association)},
                                 headers=centre_staff)

    found = problem(response, 403, "OtherOrganizationError")
    assert found["title"] == "无权进行此操作"
    assert grading_commands.commands == []


async def test_committee_starts_an_evaluation_naming_the_organization(
    client: httpx.AsyncClient, committee: dict[str, str], orgs: Seeded,
    grading_commands: FakeGradingCommands,
) -> None:
    unnamed = await client.post("/grade-evaluations", json={}, headers=committee)
    named = await client.post("/grade-evaluations",
                              json={"organization_id": str(orgs.association)}, headers=committee)

    found = problem(unnamed, 422, "RequiredFieldError")
    assert field_errors(unnamed) == {"organization_id": found["detail"]}
    assert named.status_code == 201, named.text
    (command,) = grading_commands.commands
    assert (command.organization_id, command.actor.role) == (orgs.association, Role.COMMITTEE)


async def test_applying_twice_returns_409_evaluation_already_open(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
) -> None:
    await client.post("/grade-evaluations", json={}, headers=centre_staff)

    again = await client.post("/grade-evaluations", json={}, headers=centre_staff)

    found = problem(again, 409, "EvaluationAlreadyOpenError")
    assert "进行中" in found["detail"]


async def test_applying_twice_with_the_same_idempotency_key_answers_the_first(
    client: httpx.AsyncClient, centre_staff: dict[str, str], orgs: Seeded,
) -> None:
    headers = {**centre_staff, "Idempotency-Key": "apply-2027"}
    first = await client.post("/grade-evaluations", json={}, headers=headers)
    again = await client.post("/grade-evaluations", json={}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]


# --- the steps ------------------------------------------------------------------------------


async def applied(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/grade-evaluations", json={}, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def step(client: httpx.AsyncClient, evaluation_id: str, path: str,
               body: dict[str, Any] | None, headers: dict[str, str]) -> httpx.Response:
    return await client.post(f"/grade-evaluations/{evaluation_id}/{path}", json=body,
                             headers=headers)


async def scored(client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
                 committee: dict[str, str], evaluator_staff: dict[str, str]) -> str:
    evaluation_id = await applied(client, centre_staff)
    assigned = await step(client, evaluation_id, "evaluator",
                          {"evaluator_id": str(orgs.evaluator)}, committee)
    assert assigned.status_code == 200, assigned.text
    done = await step(client, evaluation_id, "scores", {"scores": SOCIAL_SERVICE_SCORES},
                      evaluator_staff)
    assert done.status_code == 200, done.text
    return evaluation_id


async def test_evaluation_from_application_to_confirmation_with_an_upheld_appeal(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str], evaluator_staff: dict[str, str],
    grading_commands: FakeGradingCommands,
) -> None:
    evaluation_id = await scored(client, orgs, centre_staff, committee, evaluator_staff)
    appealed = await step(client, evaluation_id, "appeal", {"reason": "社会评价偏低"},
                          centre_staff)
    revised = {**SOCIAL_SERVICE_SCORES, "内部治理": 330}
    answered = await step(client, evaluation_id, "appeal-answer", {
        "upheld": True, "answer": "复核成立", "revised_scores": revised}, evaluator_staff)
    grading_commands.close_publicity(UUID(evaluation_id))
    confirmed = await step(client, evaluation_id, "confirm", None, committee)

    assert [r.status_code for r in (appealed, answered, confirmed)] == [200, 200, 200]
    _, assign, score, appeal, answer, confirm = grading_commands.commands
    assert isinstance(assign, AssignEvaluator) and assign.evaluator_id == orgs.evaluator
    assert isinstance(score, ScoreEvaluation)
    assert (score.publicity_starts_on, score.publicity_ends_on) == (
        TODAY, TODAY + timedelta(days=6))
    assert isinstance(appeal, FileAppeal)
    assert (appeal.filed_on, appeal.answer_due_on) == (TODAY, TODAY + timedelta(days=15))
    assert isinstance(answer, AnswerAppeal)
    assert (answer.upheld, answer.revised_scores) == (True, revised)
    assert isinstance(confirm, ConfirmGrade) and confirm.confirmed_on == TODAY
    assert (confirm.actor.user, confirm.actor.role) == ("liu.committee", Role.COMMITTEE)
    assert grading_commands.application.get_evaluation(UUID(evaluation_id)).level == 4


async def test_scores_by_an_evaluator_not_assigned_returns_403_from_the_domain(
    client: httpx.AsyncClient, tokens: Tokens, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str], grading_commands: FakeGradingCommands,
) -> None:
    evaluation_id = await applied(client, centre_staff)
    await step(client, evaluation_id, "evaluator", {"evaluator_id": str(orgs.evaluator)},
               committee)
    stranger = tokens.headers(Role.EVALUATOR, str(uuid4()), user="qian.evaluator")

    response = await step(client, evaluation_id, "scores", {"scores": SOCIAL_SERVICE_SCORES},
                          stranger)

    found = problem(response, 403, "OtherEvaluatorError")
    assert found["title"] == "无权进行此操作"
    assert str(orgs.evaluator) in found["detail"] and "不能评分" in found["detail"]
    # The edge let it through (right role); the domain refused it.
    assert isinstance(grading_commands.commands[-1], ScoreEvaluation)


async def test_scores_missing_a_dimension_returns_422_naming_scores(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str], evaluator_staff: dict[str, str],
) -> None:
    evaluation_id = await applied(client, centre_staff)
    await step(client, evaluation_id, "evaluator", {"evaluator_id": str(orgs.evaluator)},
               committee)

    response = await step(client, evaluation_id, "scores", {"scores": {"基础条件": 70}},
                          evaluator_staff)

    found = problem(response, 422, "InvalidScoresError")
    assert field_errors(response) == {"scores": found["detail"]}
    assert "缺少：内部治理、业务活动和诚信建设、社会评价" in found["detail"]


async def test_assigning_an_affiliated_evaluator_returns_409(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str],
) -> None:
    await client.put(f"/evaluators/{orgs.evaluator}/affiliations",
                     json={"organization_ids": [str(orgs.centre)]}, headers=committee)
    evaluation_id = await applied(client, centre_staff)

    response = await step(client, evaluation_id, "evaluator",
                          {"evaluator_id": str(orgs.evaluator)}, committee)

    problem(response, 409, "EvaluatorAffiliatedError")


async def test_appeal_by_another_organization_returns_403_from_the_domain(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    association_staff: dict[str, str], committee: dict[str, str],
    evaluator_staff: dict[str, str],
) -> None:
    evaluation_id = await scored(client, orgs, centre_staff, committee, evaluator_staff)

    response = await step(client, evaluation_id, "appeal", {"reason": "不服"},
                          association_staff)

    found = problem(response, 403, "OtherOrganizationError")
    assert str(orgs.association) in found["detail"]


async def test_committee_answers_an_appeal_only_once_escalated(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str], evaluator_staff: dict[str, str],
    grading_commands: FakeGradingCommands,
) -> None:
    evaluation_id = await scored(client, orgs, centre_staff, committee, evaluator_staff)
    await step(client, evaluation_id, "appeal", {"reason": "社会评价偏低"}, centre_staff)
    answer = {"upheld": False, "answer": "评分有据，维持原评估结果"}

    early = await step(client, evaluation_id, "appeal-answer", answer, committee)
    grading_commands.escalate_appeal(UUID(evaluation_id))
    late = await step(client, evaluation_id, "appeal-answer", answer, committee)

    found = problem(early, 403, "AppealNotEscalatedError")
    assert "15 日" in found["detail"]
    assert late.status_code == 200, late.text


async def test_confirm_while_an_appeal_is_pending_returns_409(
    client: httpx.AsyncClient, orgs: Seeded, centre_staff: dict[str, str],
    committee: dict[str, str], evaluator_staff: dict[str, str],
) -> None:
    evaluation_id = await scored(client, orgs, centre_staff, committee, evaluator_staff)
    await step(client, evaluation_id, "appeal", {"reason": "社会评价偏低"}, centre_staff)

    response = await step(client, evaluation_id, "confirm", None, committee)

    found = problem(response, 409, "EvaluationStageError")
    assert found["title"] == "当前状态不允许此操作"


async def test_step_on_unknown_evaluation_returns_404(
    client: httpx.AsyncClient, committee: dict[str, str],
) -> None:
    response = await step(client, str(uuid4()), "confirm", None, committee)

    problem(response, 404, "EvaluationNotFoundError")


@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        ("scores", {"scores": [70, 300]}, {"scores": "必须是 JSON 对象"}),
        ("scores", {"scores": {"基础条件": "七十"}}, {"scores.基础条件": "必须是整数"}),
        ("appeal-answer", {"upheld": "yes", "answer": "成立"},
         {"upheld": "必须是 true 或 false"}),
        ("appeal", {}, {"reason": "必填"}),
        ("evaluator", {"evaluator_id": "评估中心"}, {"evaluator_id": "必须是有效的 UUID"}),
    ],
    ids=["scores-not-object", "score-not-int", "upheld-not-bool", "no-reason", "bad-evaluator"],
)
async def test_step_malformed_body_returns_422_in_chinese_and_sends_nothing(
    client: httpx.AsyncClient, tokens: Tokens, grading_commands: FakeGradingCommands,
    path: str, body: dict[str, Any], errors: dict[str, str],
) -> None:
    role = {"scores": Role.EVALUATOR, "appeal": Role.ORGANIZATION}.get(path, Role.COMMITTEE)
    scope = None if role is Role.COMMITTEE else str(uuid4())

    response = await step(client, str(uuid4()), path, body, tokens.headers(role, scope))

    assert field_errors(response) == errors
    assert grading_commands.commands == []


# --- reading ----------------------------------------------------------------------------

INTERNAL = {"scores", "appeal_reason", "appeal_answer", "appeal_outcome", "appeal_filed_on",
            "appeal_answer_due_on", "appeal_escalated", "appeal_answered_on", "applied_by_role"}


@pytest.mark.parametrize(
    ("who", "internal"),
    [("anonymous", False), ("committee", True), ("assigned-evaluator", True),
     ("the-organization", True), ("other-evaluator", False), ("other-organization", False),
     ("department", False)],
)
async def test_evaluation_scores_and_appeal_only_for_those_involved(
    client: httpx.AsyncClient, tokens: Tokens, evaluation_views: FakeEvaluationViews,
    who: str, internal: bool,
) -> None:
    row = evaluation_views.add_evaluation(evaluation_row())
    headers = {
        "anonymous": None,
        "committee": tokens.headers(Role.COMMITTEE),
        "assigned-evaluator": tokens.headers(Role.EVALUATOR, str(row.evaluator_id)),
        "the-organization": tokens.headers(Role.ORGANIZATION, str(row.organization_id)),
        "other-evaluator": tokens.headers(Role.EVALUATOR, str(uuid4())),
        "other-organization": tokens.headers(Role.ORGANIZATION, str(uuid4())),
        "department": tokens.headers(Role.DEPARTMENT, "440700-MZJ"),
    }[who]

    shown = (await client.get(f"/grade-evaluations/{row.id}", headers=headers)).json()
    listed = (await client.get("/grade-evaluations", headers=headers)).json()["data"][0]

    for seen in (shown, listed):
        assert (seen["status"], seen["total"], seen["grade_label"]) == ("复核中", 780, "3A")
        assert (seen["publicity_starts_on"], seen["publicity_ends_on"]) == (
            "2027-03-15", "2027-03-21")
        assert INTERNAL & set(seen) == (INTERNAL if internal else set())
    if internal:
        assert (shown["appeal_reason"], shown["scores"]["社会评价"]) == ("社会评价得分偏低", 90)
    else:
        assert "社会评价得分偏低" not in str(shown)


async def test_list_evaluations_passes_filters_and_pages_newest_first(
    client: httpx.AsyncClient, evaluation_views: FakeEvaluationViews,
) -> None:
    older = evaluation_views.add_evaluation(evaluation_row(status="已确认"))
    newer = evaluation_views.add_evaluation(evaluation_row(status="评估中"))

    first = await client.get("/grade-evaluations", params={"limit": 1})
    rest = await client.get("/grade-evaluations",
                            params={"limit": 1, "cursor": first.json()["next_cursor"]})
    filtered = await client.get("/grade-evaluations", params={
        "status": "已确认", "organization_id": str(older.organization_id),
        "evaluator_id": str(older.evaluator_id)})

    assert [e["id"] for e in first.json()["data"]] == [str(newer.id)]
    assert [e["id"] for e in rest.json()["data"]] == [str(older.id)]
    assert [e["id"] for e in filtered.json()["data"]] == [str(older.id)]
    asked = evaluation_views.filters[-1]
    assert (asked.status, asked.organization_id, asked.evaluator_id) == (
        "已确认", older.organization_id, older.evaluator_id)


async def test_list_evaluations_unknown_status_returns_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/grade-evaluations", params={"status": "进行中"})

    assert set(field_errors(response)) == {"status"}
    assert field_errors(response)["status"].startswith("必须是以下之一：")


async def test_get_unknown_evaluation_returns_404(client: httpx.AsyncClient) -> None:
    problem(await client.get(f"/grade-evaluations/{uuid4()}"), 404, "EvaluationNotFoundError")
