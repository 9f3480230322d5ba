"""Every page, in the browser, as each role and as a visitor: the header's links of the role
(``api.web.nav``) and the public ones, and from each list the first link into an entity page
of each kind.  Each page answers 200 with a title, labels every visible field, and shows no
console error, uncaught exception or failed request; a screenshot of each is kept.

Data-driven from ``nav.py``: a page added there is checked without editing this test; a
page not written yet (404) is a failure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest

from api.web.nav import ENTITY_PAGES, PUBLIC_LINKS, ROLE_LINKS
from domain.actors import Role
from tests.browser.conftest import OpenTab, Tab, slug

pytestmark = pytest.mark.e2e

SITE = "政府职能转移与购买服务"
ENTITY_PATTERNS = {kind: re.compile("^" + re.escape(template).replace(
    re.escape("{id}"), "[^/?#]+") + "$") for kind, template in ENTITY_PAGES.items()}

UNLABELLED = """() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter(el => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
  .filter(el => el.getClientRects().length > 0)
  .filter(el => !(el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`))
                && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map(el => el.outerHTML.slice(0, 160))"""


@dataclass(frozen=True)
class Finding:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


async def check_page(tab: Tab, path: str, shot: str) -> list[Finding]:
    """Open ``path`` and say what is wrong with it (nothing: a good page)."""
    before = len(tab.problems)
    status = await tab.open(path)
    findings = [Finding(path, problem) for problem in tab.problems[before:]]
    if status != 200:  # the page's own status says it all; its resources still count
        return [Finding(path, f"HTTP {status}"), *(
            f for f in findings if not f.problem.rstrip(")").endswith(tab.page.url))]
    title = await tab.page.title()
    if not title.split("·")[0].strip() or SITE not in title:
        findings.append(Finding(path, f"no page title: <title>{title}</title>"))
    findings += [Finding(path, f"input without a label: {html}")
                 for html in await tab.page.evaluate(UNLABELLED)]
    await tab.screenshot(shot)
    return findings


async def entity_links(tab: Tab, list_path: str) -> dict[str, str]:
    """The first link of each kind into an entity page on the list now open: the kinds of
    ``ENTITY_PAGES`` and the list's own detail pages (one more path segment)."""
    hrefs: list[str] = await tab.page.eval_on_selector_all(
        "main a[href]", "links => links.map(a => a.getAttribute('href'))")
    found: dict[str, str] = {}
    for href in hrefs:
        path = urlsplit(urljoin("http://x" + list_path, href)).path
        if not path.startswith("/web/") or path.startswith("/web/static/"):
            continue
        kind = next((k for k, pattern in ENTITY_PATTERNS.items() if pattern.match(path)), None)
        if kind is None and path.startswith(list_path.rstrip("/") + "/") and \
                "/" not in path[len(list_path.rstrip("/")) + 1:]:
            kind = f"{list_path} detail"
        if kind is not None:
            found.setdefault(kind, path)
    return found


async def check_site(tab: Tab, links: list[str]) -> list[Finding]:
    """The header's pages, then the first entity page of each kind found on them."""
    findings: list[Finding] = []
    visited = set(links)
    followed: set[str] = set()
    for path in links:
        page_findings = await check_page(tab, path, path.removeprefix("/web/"))
        findings += page_findings
        if any(f.problem.startswith("HTTP ") and f.path == path for f in page_findings):
            continue
        for kind, entity in (await entity_links(tab, path)).items():
            if kind in followed or entity in visited:
                continue
            followed.add(kind)
            visited.add(entity)
            findings += await check_page(tab, entity, f"{slug(kind)}-from-{slug(path)}")
    return findings


ROLES = [role for role in Role if role in ROLE_LINKS]


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
async def test_every_page_of_a_role_has_a_title_labels_and_no_errors(
    open_tab: OpenTab, role: Role,
) -> None:
    tab = await open_tab(role)
    links = [link.href for link in ROLE_LINKS[role] + PUBLIC_LINKS]

    findings = await check_site(tab, links)

    assert not findings, f"{len(findings)} problems as {role.value}:\n" + "\n".join(
        map(str, findings))


async def test_every_public_page_has_a_title_labels_and_no_errors(open_tab: OpenTab) -> None:
    tab = await open_tab(None)
    links = ["/web/sign-in", *(link.href for link in PUBLIC_LINKS)]

    findings = await check_site(tab, links)

    assert not findings, f"{len(findings)} problems for a visitor:\n" + "\n".join(
        map(str, findings))
