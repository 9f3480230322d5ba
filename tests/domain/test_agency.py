"""Consulting agencies (咨询服务机构) and their experts: each command, each refusal."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from domain.agency.agency import ConsultingAgency
from domain.agency.commands import (
    AppointExpert,
    DeclareAffiliations,
    EstablishAgency,
    RemoveExpert,
    expert_id_for,
)
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.errors import (
    AgencyNotFoundError,
    DomainError,
    ExpertAffiliatedError,
    ExpertAlreadyAppointedError,
    ExpertNotInAgencyError,
    FieldTooLongError,
    OtherAgencyError,
    RequiredFieldError,
    RoleNotAllowedError,
)

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)
OFFICER = Actor(user="li.wei", role=Role.DEPARTMENT, scope="440700-MZJ")
ELDERLY_ASSOCIATION = "江门市养老服务协会"
SOCIAL_WORK_CENTRE = "蓬江区社会工作服务中心"


def position(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def establish(app: GovflowApplication, command_id: str = "establish-1") -> UUID:
    return app.establish_agency(EstablishAgency(
        command_id=command_id, actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
        mandate="对目录事项的转移、委托、授权和购买服务提出咨询意见",
    )).aggregate_id


def appoint(app: GovflowApplication, agency_id: UUID, command_id: str = "appoint-1",
            name: str = "陈明", affiliations: tuple[str, ...] = (ELDERLY_ASSOCIATION,),
            actor: Actor = COMMITTEE) -> str:
    app.appoint_expert(AppointExpert(command_id=command_id, actor=actor, agency_id=agency_id,
                                     name=name, affiliations=affiliations))
    return expert_id_for(command_id)


def agency_actor(agency_id: UUID) -> Actor:
    return Actor(user="agency.secretary", role=Role.AGENCY, scope=str(agency_id))


# --- establish ----------------------------------------------------------------------


def test_establish_agency_id_follows_from_command_id(app: GovflowApplication) -> None:
    agency_id = establish(app, "establish-xyz")

    agency = app.get_agency(agency_id)
    assert agency_id == aggregate_id_for("establish-xyz")
    assert agency.name == "江门市政府职能转移咨询委员会"
    assert agency.mandate == "对目录事项的转移、委托、授权和购买服务提出咨询意见"
    assert agency.active is True and agency.experts == {}


def test_establish_agency_same_command_twice_returns_first_result_records_nothing(
    app: GovflowApplication,
) -> None:
    establish(app, "same")
    before = position(app)

    again = app.establish_agency(EstablishAgency(
        command_id="same", actor=COMMITTEE, name="江门市政府职能转移咨询委员会", mandate="咨询",
    ))

    assert again.replayed is True
    assert again.aggregate_id == aggregate_id_for("same")
    assert position(app) == before


@pytest.mark.parametrize(
    ("name", "mandate", "actor", "error", "field", "message"),
    [
        (" ", "咨询", COMMITTEE, RequiredFieldError, "name",
         "咨询服务机构名称不能为空；请填写咨询服务机构名称"),
        ("委" * 101, "咨询", COMMITTEE, FieldTooLongError, "name",
         "咨询服务机构名称不能超过 100 个字符（现为 101 个）"),
        ("咨询委员会", "", COMMITTEE, RequiredFieldError, "mandate",
         "咨询服务机构职责不能为空；请填写咨询服务机构职责"),
        ("咨询委员会", "咨询", OFFICER, RoleNotAllowedError, None,
         "角色 department 不能设立咨询服务机构；可执行此操作的角色：committee"),
    ],
    ids=["empty-name", "long-name", "empty-mandate", "department"],
)
def test_establish_agency_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication, name: str, mandate: str, actor: Actor, error: type[DomainError],
    field: str | None, message: str,
) -> None:
    before = position(app)

    with pytest.raises(error) as refused:
        app.establish_agency(EstablishAgency(command_id="e", actor=actor, name=name,
                                             mandate=mandate))

    assert refused.value.detail == message
    assert refused.value.field == field
    assert position(app) == before


# --- appoint ------------------------------------------------------------------------


def test_appoint_expert_id_follows_from_command_id_with_declared_affiliations(
    app: GovflowApplication,
) -> None:
    agency_id = establish(app)

    expert_id = appoint(app, agency_id, "appoint-chen",
                        affiliations=(f" {SOCIAL_WORK_CENTRE} ", ELDERLY_ASSOCIATION, "",
                                      SOCIAL_WORK_CENTRE))

    expert = app.get_agency(agency_id).experts[expert_id]
    assert expert_id == expert_id_for("appoint-chen")
    assert expert.name == "陈明" and expert.active is True
    assert expert.affiliations == frozenset({ELDERLY_ASSOCIATION, SOCIAL_WORK_CENTRE})


def test_appoint_expert_same_command_twice_records_nothing(app: GovflowApplication) -> None:
    agency_id = establish(app)
    appoint(app, agency_id, "same")
    before = position(app)

    appoint(app, agency_id, "same")

    assert position(app) == before
    assert len(app.get_agency(agency_id).experts) == 1


@pytest.mark.parametrize(
    ("name", "actor", "error", "field", "message"),
    [
        ("", COMMITTEE, RequiredFieldError, "name", "专家姓名不能为空；请填写专家姓名"),
        ("陈明", OFFICER, RoleNotAllowedError, None,
         "角色 department 不能聘任专家；可执行此操作的角色：committee"),
        ("陈明", Actor("a", Role.AGENCY, "x"), RoleNotAllowedError, None,
         "角色 agency 不能聘任专家；可执行此操作的角色：committee"),
    ],
    ids=["empty-name", "department", "agency"],
)
def test_appoint_expert_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication, name: str, actor: Actor, error: type[DomainError],
    field: str | None, message: str,
) -> None:
    agency_id = establish(app)
    before = position(app)

    with pytest.raises(error) as refused:
        appoint(app, agency_id, name=name, actor=actor)

    assert refused.value.detail == message
    assert refused.value.field == field
    assert position(app) == before


def test_appoint_expert_to_unknown_agency_is_refused_not_found(app: GovflowApplication) -> None:
    unknown = uuid4()
    before = position(app)

    with pytest.raises(AgencyNotFoundError) as refused:
        appoint(app, unknown)

    assert refused.value.detail == f"咨询服务机构 {unknown} 不存在"
    assert position(app) == before


def test_appoint_expert_under_an_id_in_use_is_refused_already_appointed() -> None:
    agency = ConsultingAgency.establish(command_id="e", actor=COMMITTEE, name="咨询委员会",
                                        mandate="咨询")
    agency.appoint_expert(command_id="a1", actor=COMMITTEE, expert_id="x", name="陈明",
                          affiliations=[])

    with pytest.raises(ExpertAlreadyAppointedError, match="专家 x 已是咨询服务机构「咨询委员会」"):
        agency.appoint_expert(command_id="a2", actor=COMMITTEE, expert_id="x", name="林芳",
                              affiliations=[])

    assert agency.experts["x"].name == "陈明"
    assert len(agency.collect_events()) == 2


# --- declare affiliations -----------------------------------------------------------


@pytest.mark.parametrize("declarer", ["committee", "the agency itself"])
def test_declare_affiliations_replaces_the_previous_declaration(
    app: GovflowApplication, declarer: str
) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)
    actor = COMMITTEE if declarer == "committee" else agency_actor(agency_id)

    app.declare_affiliations(DeclareAffiliations(
        command_id="declare-1", actor=actor, agency_id=agency_id, expert_id=expert_id,
        affiliations=(SOCIAL_WORK_CENTRE,),
    ))

    assert app.get_agency(agency_id).experts[expert_id].affiliations == {SOCIAL_WORK_CENTRE}


def test_declare_affiliations_empty_list_declares_none(app: GovflowApplication) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)

    app.declare_affiliations(DeclareAffiliations(
        command_id="declare-1", actor=COMMITTEE, agency_id=agency_id, expert_id=expert_id,
        affiliations=(),
    ))

    assert app.get_agency(agency_id).experts[expert_id].affiliations == frozenset()


def test_declare_affiliations_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)
    other_agency = establish(app, "establish-other")
    removed_id = appoint(app, agency_id, "appoint-removed", name="林芳")
    app.remove_expert(RemoveExpert(command_id="remove", actor=COMMITTEE, agency_id=agency_id,
                                   expert_id=removed_id, reason="任期届满"))
    before = position(app)
    cases: list[tuple[Actor, str, type[DomainError], str]] = [
        (agency_actor(other_agency), expert_id, OtherAgencyError,
         f"您所在的咨询服务机构为 {other_agency}，"
         f"不能为咨询服务机构「江门市政府职能转移咨询委员会」（{agency_id}）的专家申报关联关系"),
        (OFFICER, expert_id, RoleNotAllowedError,
         "角色 department 不能申报专家关联关系；可执行此操作的角色：agency、committee"),
        (COMMITTEE, "no-such-expert", ExpertNotInAgencyError,
         "专家 no-such-expert 不是咨询服务机构「江门市政府职能转移咨询委员会」的在聘专家"),
        (COMMITTEE, removed_id, ExpertNotInAgencyError,
         f"专家 {removed_id} 不是咨询服务机构「江门市政府职能转移咨询委员会」的在聘专家"),
    ]

    for actor, expert, error, message in cases:
        with pytest.raises(error) as refused:
            app.declare_affiliations(DeclareAffiliations(
                command_id=f"declare-{uuid4()}", actor=actor, agency_id=agency_id,
                expert_id=expert, affiliations=(SOCIAL_WORK_CENTRE,),
            ))
        assert refused.value.detail == message

    assert position(app) == before
    assert app.get_agency(agency_id).experts[expert_id].affiliations == {ELDERLY_ASSOCIATION}


# --- remove -------------------------------------------------------------------------


def test_remove_expert_with_reason_makes_expert_inactive(app: GovflowApplication) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)

    app.remove_expert(RemoveExpert(command_id="remove-1", actor=COMMITTEE, agency_id=agency_id,
                                   expert_id=expert_id, reason=" 本人申请辞去专家职务 "))

    expert = app.get_agency(agency_id).experts[expert_id]
    assert expert.active is False
    assert expert.affiliations == {ELDERLY_ASSOCIATION}


@pytest.mark.parametrize(
    ("actor", "reason", "error", "field", "message"),
    [
        (COMMITTEE, "  ", RequiredFieldError, "reason", "解聘理由不能为空；请填写解聘理由"),
        (Actor("a", Role.AGENCY, "x"), "任期届满", RoleNotAllowedError, None,
         "角色 agency 不能解聘专家；可执行此操作的角色：committee"),
    ],
    ids=["no-reason", "agency"],
)
def test_remove_expert_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication, actor: Actor, reason: str, error: type[DomainError],
    field: str | None, message: str,
) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)
    before = position(app)

    with pytest.raises(error) as refused:
        app.remove_expert(RemoveExpert(command_id="remove-1", actor=actor, agency_id=agency_id,
                                       expert_id=expert_id, reason=reason))

    assert refused.value.detail == message
    assert refused.value.field == field
    assert position(app) == before
    assert app.get_agency(agency_id).experts[expert_id].active is True


def test_remove_expert_twice_is_refused_not_in_agency(app: GovflowApplication) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id)
    app.remove_expert(RemoveExpert(command_id="remove-1", actor=COMMITTEE, agency_id=agency_id,
                                   expert_id=expert_id, reason="任期届满"))
    before = position(app)

    with pytest.raises(ExpertNotInAgencyError) as refused:
        app.remove_expert(RemoveExpert(command_id="remove-2", actor=COMMITTEE,
                                       agency_id=agency_id, expert_id=expert_id,
                                       reason="任期届满"))

    assert refused.value.field == "expert_id"
    assert position(app) == before


# --- reading an agency, and who may sign an opinion ---------------------------------


def test_get_agency_unknown_id_is_refused_not_found(app: GovflowApplication) -> None:
    unknown = uuid4()

    with pytest.raises(AgencyNotFoundError, match=f"咨询服务机构 {unknown} 不存在"):
        app.get_agency(unknown)


def test_check_signatories_affiliated_expert_must_recuse(app: GovflowApplication) -> None:
    agency_id = establish(app)
    affiliated = appoint(app, agency_id, "appoint-chen", name="陈明")
    independent = appoint(app, agency_id, "appoint-lin", name="林芳", affiliations=())
    agency = app.get_agency(agency_id)

    agency.check_signatories([independent], [ELDERLY_ASSOCIATION])
    with pytest.raises(ExpertAffiliatedError) as refused:
        agency.check_signatories([independent, affiliated], [f" {ELDERLY_ASSOCIATION}"])

    assert refused.value.detail == (
        f"专家陈明（{affiliated}）与意见所涉社会组织{ELDERLY_ASSOCIATION}存在关联关系，"
        f"应当回避，不能签署本意见"
    )


def test_check_signatories_removed_or_no_expert_is_refused(app: GovflowApplication) -> None:
    agency_id = establish(app)
    expert_id = appoint(app, agency_id, affiliations=())
    app.remove_expert(RemoveExpert(command_id="remove-1", actor=COMMITTEE, agency_id=agency_id,
                                   expert_id=expert_id, reason="任期届满"))
    agency = app.get_agency(agency_id)

    with pytest.raises(ExpertNotInAgencyError) as removed:
        agency.check_signatories([expert_id], [SOCIAL_WORK_CENTRE])
    with pytest.raises(RequiredFieldError, match="至少有一名专家签署"):
        agency.check_signatories([], [SOCIAL_WORK_CENTRE])

    assert removed.value.field == "experts"
