"""Bearer tokens (JWT, HS256): who the caller is, in which role and scope (DESIGN.md §1).

``issue_token`` serves the CLI (``govflow token --role department --department 440700-MZJ``);
``decode_token`` serves the API's dependencies.  A token names one role; the roles that act
inside a scope carry it twice: as ``scope`` and under the role's own claim (``department``,
``agency``, ``evaluator``, ``organization``) so that a reader of the token sees what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from domain.actors import Actor, Role

ALGORITHM = "HS256"

TOKEN_COOKIE = "govflow_token"
"""The cookie the web pages keep the signed-in user's token in (HttpOnly, SameSite=Strict):
the API takes it where a request has no Authorization header, so a page's scripts call
the API as the user without ever reading the token."""

SCOPE_CLAIMS: dict[Role, str] = {
    Role.DEPARTMENT: "department",
    Role.AGENCY: "agency",
    Role.EVALUATOR: "evaluator",
    Role.ORGANIZATION: "organization",
}
"""The roles that act inside a scope, and the claim that names it."""

# The system acts by itself (timers); no person may hold a token for it.
TOKEN_ROLES = frozenset(Role) - {Role.SYSTEM, Role.PUBLIC}

_REQUIRED_CLAIMS = ["sub", "role", "iss", "iat", "exp"]


@dataclass(frozen=True)
class AuthConfig:
    """How tokens are signed and checked."""

    secret: str
    issuer: str
    ttl: timedelta

    def __post_init__(self) -> None:
        if not self.secret:
            raise ValueError("AuthConfig.secret must not be empty")
        if self.ttl <= timedelta(0):
            raise ValueError(f"AuthConfig.ttl must be positive, got {self.ttl}")


class InvalidTokenError(Exception):
    """A bearer token was refused; ``reason`` says why, in Chinese, for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def issue_token(
    config: AuthConfig, *, role: Role, scope: str | None, user: str,
    now: datetime | None = None,
) -> str:
    """A signed token for ``user`` acting as ``role`` inside ``scope``.

    Raises ``ValueError`` when the role and scope do not fit together (a department
    officer without a department, a finance officer with one, the system role).
    """
    check_role_scope(role, scope)
    if not user:
        raise ValueError("令牌必须指定用户（sub）")
    issued_at = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": user,
        "role": role.value,
        "scope": scope,
        "iss": config.issuer,
        "iat": issued_at,
        "exp": issued_at + config.ttl,
    }
    if role in SCOPE_CLAIMS:
        claims[SCOPE_CLAIMS[role]] = scope
    return jwt.encode(claims, config.secret, algorithm=ALGORITHM)


def check_role_scope(role: Role, scope: str | None) -> None:
    """Scoped roles need a scope; the others take none; nobody is the system."""
    if role not in TOKEN_ROLES:
        raise ValueError(f"角色 {role.value} 由系统使用，不能为用户签发令牌")
    if role in SCOPE_CLAIMS and not scope:
        raise ValueError(f"角色 {role.value} 的令牌必须指定 {SCOPE_CLAIMS[role]}")
    if role not in SCOPE_CLAIMS and scope is not None:
        raise ValueError(f"角色 {role.value} 的令牌不带范围（scope）")


def decode_token(config: AuthConfig, token: str) -> Actor:
    """The actor a token names; raises ``InvalidTokenError`` for any token not to be trusted."""
    try:
        claims = jwt.decode(
            token, config.secret, algorithms=[ALGORITHM], issuer=config.issuer,
            options={"require": _REQUIRED_CLAIMS},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidTokenError("令牌已过期，请重新获取令牌") from None
    except jwt.InvalidSignatureError:
        raise InvalidTokenError("令牌签名无效，可能已被篡改") from None
    except jwt.InvalidIssuerError:
        raise InvalidTokenError(f"令牌不是由 {config.issuer} 签发的") from None
    except jwt.MissingRequiredClaimError as error:
        raise InvalidTokenError(f"令牌缺少声明 {error.claim}") from None
    except jwt.PyJWTError:
        raise InvalidTokenError("令牌格式无效") from None
    return _actor_from_claims(claims)


def _actor_from_claims(claims: dict[str, Any]) -> Actor:
    try:
        role = Role(claims["role"])
    except ValueError:
        raise InvalidTokenError(f"令牌中的角色 {claims['role']!r} 无法识别") from None
    scope = claims.get("scope")
    if scope is not None and not isinstance(scope, str):
        raise InvalidTokenError("令牌中的范围（scope）必须是字符串")
    try:
        check_role_scope(role, scope)
    except ValueError as error:
        raise InvalidTokenError(str(error)) from None
    scope_claim = SCOPE_CLAIMS.get(role)
    if scope_claim is not None and claims.get(scope_claim, scope) != scope:
        raise InvalidTokenError(f"令牌中的 {scope_claim} 与 scope 不一致")
    return Actor(user=str(claims["sub"]), role=role, scope=scope)
