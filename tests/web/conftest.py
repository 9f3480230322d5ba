"""The web pages over real views of a world written through the domain (the disclosure
tests' world: drafts, organizations with grades and complaints, evaluations, transfers,
contracts with milestones and payments), as a signed-in user of any role would see them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from api.auth import TOKEN_COOKIE, issue_token
from domain.actors import Role
from tests.api.disclosure_helpers import AUTH, Disclosure, disclosure_app


@dataclass(frozen=True)
class Web:
    """The app, its world, and a browser-like client per user."""

    disclosure: Disclosure

    @property
    def world(self) -> Any:
        return self.disclosure.world

    def client(self, role: Role | None = None, scope: str | None = None, *,
               user: str = "web.user") -> httpx.AsyncClient:
        """A client signed in as ``role`` in ``scope`` (by the sign-in cookie, as a
        browser is), or a visitor when ``role`` is None.  Redirects are not followed."""
        cookies = {}
        if role is not None:
            cookies[TOKEN_COOKIE] = issue_token(AUTH, role=role, scope=scope, user=user)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.disclosure.app),
                                 base_url="http://govflow.test", cookies=cookies)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    with disclosure_app(tmp_path_factory.mktemp("web")) as built:
        built.app.state.services = dataclasses.replace(built.app.state.services,
                                                       development_sign_in=True)
        yield Web(built)


@pytest.fixture
async def visitor(web: Web) -> AsyncIterator[httpx.AsyncClient]:
    async with web.client() as client:
        yield client


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labels: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("input", "select", "textarea") and values.get("type") not in (
                "hidden", "submit", "button"):
            self.controls.append(values)
        if tag == "label" and values.get("for"):
            self.labels.add(str(values["for"]))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def unlabelled_controls(html: str) -> list[str]:
    """Inputs, selects and textareas without a <label for> (nor an aria-label)."""
    parser = _Form()
    parser.feed(html)
    return [str(c.get("name") or c.get("id")) for c in parser.controls
            if c.get("id") not in parser.labels and not c.get("aria-label")]


def page_title(html: str) -> str:
    parser = _Form()
    parser.feed(html)
    return parser.title.strip()


def text_of(html: str) -> str:
    """The page's text without tags and with collapsed white space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signs_in_first(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith(
        "/web/sign-in")


__all__ = ["Role", "Web", "page_title", "signs_in_first", "text_of", "unlabelled_controls"]
