"""Who is signed in to the pages, and how one signs in.

The token lives in an HttpOnly, SameSite=Strict cookie (``api.auth.TOKEN_COOKIE``): the
API reads it where a request has no Authorization header, so the pages' scripts call the
API as the signed-in user without reading the token.  In development the sign-in page
issues a token for any role and scope; in production it takes a token issued by the
city's identity provider (or a gateway in front of govflow sends ``Authorization``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from api.auth import TOKEN_COOKIE, InvalidTokenError, decode_token
from api.deps import ServicesDep
from domain.actors import Actor


def signed_in_actor(request: Request, services: ServicesDep) -> Actor | None:
    """The user of the page: from the Authorization header or the sign-in cookie; a token
    that is no longer valid counts as signed out (the page offers the sign-in)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else \
        request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    try:
        return decode_token(services.auth, token)
    except InvalidTokenError:
        return None


PageActor = Annotated[Actor | None, Depends(signed_in_actor)]


class SignInRequired(HTTPException):
    """A page for signed-in users, asked for without signing in: go to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(status_code=303, headers={
            "Location": f"/web/sign-in?next={quote(next_path, safe='/')}"})


def require_user(request: Request, actor: PageActor) -> Actor:
    if actor is None:
        raise SignInRequired(request.url.path)
    return actor


PageUser = Annotated[Actor, Depends(require_user)]
