"""The pages in a real browser: Debian's chromium, headless, driven by Playwright (never a
browser Playwright downloads) against a real ``govflow dev`` on free ports, seeded once by
``govflow demo`` (and a little more) for all of them; both stop when the browser tests end.

Without chromium the browser tests are skipped — unless ``GOVFLOW_TEST_BROWSER=required``
(CI: ``.ci/run`` installs chromium and sets it), then they fail.  Screenshots go to
``$GOVFLOW_TEST_OUTPUT/screenshots/<test>/<page>.png`` (CI keeps them in the clone's
``test-output/``), else under the test's tmp_path.  Every page of a ``Tab`` collects its
console errors, uncaught exceptions, failed requests and HTTP errors.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    async_playwright,
)

from api.auth import SCOPE_CLAIMS, AuthConfig, issue_token
from domain.actors import Role
from domain.organizations.organization import SocialOrganization
from tests.e2e.conftest import E2E_SECRET, DevProcess, new_dev_process

CHROMIUM = (os.environ.get("GOVFLOW_TEST_CHROMIUM") or shutil.which("chromium")
            or "/usr/bin/chromium")
"""Debian's chromium (``apt-get install chromium``), or the one GOVFLOW_TEST_CHROMIUM names."""
# In CI the browser tests must run, never skip: .ci/run sets GOVFLOW_TEST_BROWSER=required.
BROWSER_REQUIRED = os.environ.get("GOVFLOW_TEST_BROWSER") == "required"
OUTPUT = os.environ.get("GOVFLOW_TEST_OUTPUT")

DEPARTMENT = "440700-MZJ"
"""江门市民政局: the demo's department with drafts, referrals, decisions and contracts."""
PENGJIANG = "440703-MZJ"
"""蓬江区民政局: its item 社区矫正社会工作服务 is under contract in the demo."""
ORGANIZATION_CODE = "52440705MJL600069D"
"""新会区社区服务中心 (5A), provider of the demo's contract under way: the organization whose
user signs in unless a test names another."""
WAIT = 20.0
"""Seconds a page may take to show what a write changed (the views are eventual)."""
AUTH = AuthConfig(secret=E2E_SECRET, issuer="govflow", ttl=timedelta(hours=1))


def headers(role: Role, scope: str | None = None) -> dict[str, str]:
    """What a client of the API sends as ``role`` (the pages' users sign in instead)."""
    token = issue_token(AUTH, role=role, scope=scope, user="browser-tests-seed")
    return {"Authorization": f"Bearer {token}"}


# --- the browser --------------------------------------------------------------


@pytest.fixture(scope="package")
def chromium() -> str:
    """The chromium to drive; skipped (or failed when required) without one."""
    if not Path(CHROMIUM).is_file():
        message = (f"chromium not found at {CHROMIUM}: install Debian's chromium "
                   f"(apt-get install chromium chromium-driver) to run the browser tests")
        if BROWSER_REQUIRED:
            pytest.fail(f"the browser tests are required (GOVFLOW_TEST_BROWSER=required) "
                        f"but {message}")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="package")
async def browser(chromium: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


# --- govflow dev, seeded by govflow demo ------------------------------------------


@dataclass(frozen=True)
class Govflow:
    """The running ``govflow dev`` and what ``govflow demo`` registered in it."""

    dev: DevProcess
    agency_id: str
    expert_ids: tuple[str, ...]
    evaluator_id: str
    evaluation_id: str

    @property
    def base_url(self) -> str:
        return self.dev.base_url

    @property
    def organization_id(self) -> str:
        return str(SocialOrganization.create_id(ORGANIZATION_CODE))

    def scope_of(self, role: Role) -> str | None:
        """The unit each role signs in for in these tests."""
        return {Role.DEPARTMENT: DEPARTMENT, Role.AGENCY: self.agency_id,
                Role.EVALUATOR: self.evaluator_id,
                Role.ORGANIZATION: self.organization_id}.get(role)


@pytest.fixture(scope="package")
def govflow(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Govflow]:
    """One ``govflow dev`` for the browser tests, seeded once by ``govflow demo`` and
    what links the pages the demo leaves unlinked."""
    dev = new_dev_process(tmp_path_factory.mktemp("browser-govflow"))
    dev.start()
    try:
        demo = subprocess.run(
            [str(Path(sys.executable).parent / "govflow"), "demo", "--url", dev.base_url],
            env=dev.env(), capture_output=True, text=True, timeout=300, check=False)
        assert demo.returncode == 0, f"govflow demo failed:\n{demo.stdout}\n{demo.stderr}"
        with httpx.Client(base_url=dev.base_url, timeout=30) as http:
            _seed_what_the_demo_leaves_out(http)
            (agency,) = _eventually(lambda: http.get("/agencies").json()["data"])
            (evaluator,) = _eventually(lambda: http.get("/evaluators").json()["data"])
            (evaluation,) = _eventually(lambda: http.get("/grade-evaluations").json()["data"])
        yield Govflow(dev=dev, agency_id=agency["id"],
                      expert_ids=tuple(e["expert_id"] for e in agency["experts"]),
                      evaluator_id=evaluator["id"], evaluation_id=evaluation["id"])
    finally:
        dev.stop()


def _seed_what_the_demo_leaves_out(http: httpx.Client) -> None:
    """Entity pages the demo's world links to nowhere: a staffing request flagged for the
    committee (蓬江区民政局 asks for staff for a service a graded organization already
    provides under contract) and the acceptance reviews of a year (the committee opens the
    fourth quarter of 2025), so that the committee's inbox links to both."""
    (correction,) = http.get("/catalogue-items", params={"department": PENGJIANG}).json()["data"]
    staffing = http.post("/staffing-requests", json={
        "item_id": correction["id"], "kind": "增加编制", "description": "社区矫正对象增加",
        "headcount": 2}, headers=headers(Role.DEPARTMENT, PENGJIANG))
    assert staffing.status_code == 201, staffing.text
    run = http.post("/reporting-runs", json={"quarter": "2025Q4"},
                    headers=headers(Role.COMMITTEE))
    assert run.status_code == 200 and run.json()["acceptance_reviews"], run.text


def _eventually(read: Callable[[], list[Any]]) -> list[Any]:
    """A list view once the demo's writes show in it."""
    deadline = time.monotonic() + WAIT
    while not (found := read()):
        assert time.monotonic() < deadline, "the demo's records did not show in the views"
        time.sleep(0.2)
    return found


# --- tabs: one user's browser, watched for problems ------------------------------------


@dataclass
class Tab:
    """One user's page (its own cookies) that records every problem the browser sees:
    console errors, uncaught exceptions, failed requests and HTTP errors."""

    page: Page
    screenshots: Path
    name: str
    problems: list[str] = field(default_factory=list)
    refusals: set[tuple[str, int]] = field(default_factory=set)
    """API answers a test provokes on purpose: (path, status)."""

    def watch(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(
            f"uncaught exception: {error}"))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    def expect_refusal(self, path: str, status: int) -> None:
        """The API answers ``path`` with ``status`` on purpose (a refused form)."""
        self.refusals.add((path, status))

    def _expected(self, url: str, status: int) -> bool:
        return (urlsplit(url).path, status) in self.refusals

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if urlsplit(url).path == "/favicon.ico":
            return  # asked for by chromium itself, at a moment of its choosing; no page's
        failed = re.search(r"status of (\d{3})", message.text)
        if failed and self._expected(url, int(failed.group(1))):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def _request_failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and request.resource_type == "document":
            return  # a page left while it loaded (a form's redirect)
        self.problems.append(f"request failed: {request.method} {request.url} "
                             f"({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and not self._expected(response.url, response.status):
            self.problems.append(f"HTTP {response.status}: {response.request.method} "
                                 f"{response.url}")

    async def open(self, path: str) -> int:
        """Go to ``path`` as the user would and wait until the page is quiet; its status."""
        response = await self.page.goto(path, wait_until="load")
        await self.page.wait_for_load_state("networkidle")
        return response.status if response is not None else 0

    async def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{self.name}-{slug(name)}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        # After a full-page shot chromium's scroll position is not the one the page's
        # script reports, and the next click lands beside its target: start again on top.
        await self.page.evaluate("() => window.scrollTo(0, 0)")
        return path


async def signed_in(page: Page, role: Role, scope: str | None = None, *,
                    user: str = "") -> None:
    """Sign in through the development sign-in page, as a user does: choose the role and
    the unit, press 登录, land in the inbox."""
    await page.goto("/web/sign-in")
    form = page.locator("form[data-testid=sign-in]")
    await form.locator("#f-role").select_option(role.value)
    if role in SCOPE_CLAIMS:
        assert scope, f"{role.value} signs in for a unit"
        await form.locator(f"#f-{SCOPE_CLAIMS[role]}").select_option(scope)
    if user:
        await form.locator("#f-user").fill(user)
    await form.locator("button[type=submit]").click()
    await page.wait_for_url("**/web/inbox")


OpenTab = Callable[..., Awaitable[Tab]]


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where this test's screenshots go."""
    if OUTPUT:
        return Path(OUTPUT) / "screenshots" / slug(request.node.name)
    return tmp_path / "screenshots"


@pytest.fixture
async def open_tab(browser: Browser, govflow: Govflow,
                   screenshots: Path) -> AsyncIterator[OpenTab]:
    """``await open_tab(role)``: a new browser context signed in as ``role`` (in the unit
    ``govflow.scope_of`` gives, or ``scope``), or a visitor's with ``role=None``."""
    contexts: list[BrowserContext] = []

    async def open_one(role: Role | None = None, scope: str | None = None, *,
                       user: str = "", name: str = "") -> Tab:
        context = await browser.new_context(base_url=govflow.base_url, locale="zh-CN",
                                            viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.set_default_timeout(WAIT * 1000)
        tab = Tab(page=await context.new_page(), screenshots=screenshots,
                  name=name or (role.value if role else "visitor"))
        tab.watch()
        if role is not None:
            await signed_in(tab.page, role, scope or govflow.scope_of(role), user=user)
        return tab

    yield open_one
    for context in contexts:
        await context.close()


def slug(text: str) -> str:
    """A file name from a page path or a test name."""
    return re.sub(r"[^0-9A-Za-z_\-]+", "-", text).strip("-") or "home"
