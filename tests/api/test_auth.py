"""Tokens: what ``govflow token`` issues and what the API accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from api.auth import AuthConfig, InvalidTokenError, decode_token, issue_token
from domain.actors import Actor, Role
from tests.api.helpers import MZJ, with_claims_changed


def _signed(config: AuthConfig, **claims: object) -> str:
    """A token signed with the right secret, with exactly these claims (and the usual ones)."""
    now = datetime.now(UTC)
    base = {"sub": "chen", "iss": config.issuer, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode({**base, **claims}, config.secret, algorithm="HS256")


def test_decode_token_issued_for_department_returns_scoped_actor(auth_config: AuthConfig) -> None:
    token = issue_token(auth_config, role=Role.DEPARTMENT, scope=MZJ, user="chen")

    assert decode_token(auth_config, token) == Actor(user="chen", role=Role.DEPARTMENT, scope=MZJ)


def test_issue_token_department_names_department_claim_and_expiry(
    auth_config: AuthConfig,
) -> None:
    now = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)

    token = issue_token(auth_config, role=Role.DEPARTMENT, scope=MZJ, user="chen", now=now)

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["department"] == MZJ
    assert claims["scope"] == MZJ
    assert claims["iss"] == auth_config.issuer
    assert claims["exp"] - claims["iat"] == 3600


def test_decode_token_for_finance_returns_unscoped_actor(auth_config: AuthConfig) -> None:
    token = issue_token(auth_config, role=Role.FINANCE, scope=None, user="zhao")

    assert decode_token(auth_config, token) == Actor(user="zhao", role=Role.FINANCE)


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.AGENCY, Role.EVALUATOR,
                                  Role.ORGANIZATION])
def test_issue_token_scoped_role_without_scope_is_refused(
    auth_config: AuthConfig, role: Role
) -> None:
    with pytest.raises(ValueError, match="必须指定"):
        issue_token(auth_config, role=role, scope=None, user="chen")


def test_issue_token_finance_with_scope_is_refused(auth_config: AuthConfig) -> None:
    with pytest.raises(ValueError, match="不带范围"):
        issue_token(auth_config, role=Role.FINANCE, scope=MZJ, user="zhao")


def test_issue_token_system_role_is_refused(auth_config: AuthConfig) -> None:
    with pytest.raises(ValueError, match="系统"):
        issue_token(auth_config, role=Role.SYSTEM, scope=None, user="govflow")


def test_decode_token_expired_is_refused(auth_config: AuthConfig) -> None:
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    token = issue_token(auth_config, role=Role.DEPARTMENT, scope=MZJ, user="chen",
                        now=two_hours_ago)

    with pytest.raises(InvalidTokenError, match="过期"):
        decode_token(auth_config, token)


def test_decode_token_with_forged_scope_is_refused(auth_config: AuthConfig) -> None:
    token = issue_token(auth_config, role=Role.DEPARTMENT, scope=MZJ, user="chen")

    forged = with_claims_changed(token, scope="440700-CZJ", department="440700-CZJ")

    with pytest.raises(InvalidTokenError, match="签名无效"):
        decode_token(auth_config, forged)


def test_decode_token_signed_with_other_secret_is_refused(auth_config: AuthConfig) -> None:
    other = AuthConfig(secret="another-secret-0123456789abcdef-xyz", issuer=auth_config.issuer,
                       ttl=auth_config.ttl)
    token = issue_token(other, role=Role.COMMITTEE, scope=None, user="liu")

    with pytest.raises(InvalidTokenError, match="签名无效"):
        decode_token(auth_config, token)


def test_decode_token_from_other_issuer_is_refused(auth_config: AuthConfig) -> None:
    other = AuthConfig(secret=auth_config.secret, issuer="someone-else", ttl=auth_config.ttl)
    token = issue_token(other, role=Role.COMMITTEE, scope=None, user="liu")

    with pytest.raises(InvalidTokenError, match="签发"):
        decode_token(auth_config, token)


def test_decode_token_scoped_role_without_scope_is_refused(auth_config: AuthConfig) -> None:
    token = _signed(auth_config, role="department")

    with pytest.raises(InvalidTokenError, match="必须指定 department"):
        decode_token(auth_config, token)


def test_decode_token_with_mismatched_department_claim_is_refused(
    auth_config: AuthConfig,
) -> None:
    token = _signed(auth_config, role="department", scope=MZJ, department="440700-CZJ")

    with pytest.raises(InvalidTokenError, match="不一致"):
        decode_token(auth_config, token)


@pytest.mark.parametrize("role", ["mayor", "system"])
def test_decode_token_with_role_not_for_people_is_refused(
    auth_config: AuthConfig, role: str
) -> None:
    token = _signed(auth_config, role=role)

    with pytest.raises(InvalidTokenError):
        decode_token(auth_config, token)


def test_decode_token_without_expiry_is_refused(auth_config: AuthConfig) -> None:
    token = jwt.encode({"sub": "liu", "role": "committee", "iss": auth_config.issuer,
                        "iat": datetime.now(UTC)}, auth_config.secret, algorithm="HS256")

    with pytest.raises(InvalidTokenError, match="exp"):
        decode_token(auth_config, token)


def test_decode_token_garbage_is_refused(auth_config: AuthConfig) -> None:
    with pytest.raises(InvalidTokenError, match="格式无效"):
        decode_token(auth_config, "not-a-jwt")
