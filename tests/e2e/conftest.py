"""Browser journeys: real Chromium against the whole system (see stack.py).

Run with `make e2e` (part of `make test` when Chromium is installed). Screenshots of every
step, the processes' logs and the accessibility report go to e2e-artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.stack import ADMIN_ADDRESS, DEMO_PASSWORD, ROOT, E2EStack, start_stack
from tests.reach.push_service import PushService

ARTIFACTS = ROOT / "e2e-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = {"serious", "critical"}

# Every page checked by axe, and what it found (written to e2e-artifacts/axe.json).
AXE_REPORT: list[dict] = []


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[E2EStack]:
    for sub in ("steps", "logs"):
        shutil.rmtree(ARTIFACTS / sub, ignore_errors=True)
    running = start_stack(tmp_path_factory.mktemp("stack"), ARTIFACTS / "logs")
    try:
        yield running
    finally:
        running.stack.stop()
        running.mail.stop()
        running.sms.stop()


@pytest.fixture(autouse=True)
def no_server_errors(request) -> Iterator[None]:
    """Production settings mail every server error to the administrators: a journey that
    caused one fails, with the report's subject (the stack's SMTP sink keeps them)."""
    if "stack" not in request.fixturenames:
        yield
        return
    stack = request.getfixturevalue("stack")
    before = len(stack.mail.messages())
    yield
    reports = [
        str(message["Subject"])
        for _at, message in stack.mail.messages()[before:]
        if ADMIN_ADDRESS in str(message["To"])
    ]
    assert not reports, f"the server reported errors: {reports}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            # The stack's certificate is signed by a throwaway CA (tests/e2e/stack.py); a
            # service worker will not register on a page with a certificate error.
            "--ignore-certificate-errors",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, stack):
    return {
        **browser_context_args,
        "base_url": stack.url,
        "ignore_https_errors": True,
        "viewport": DESKTOP,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture
def phone(browser, browser_context_args) -> Iterator[Page]:
    """A page on a 360 × 740 phone screen."""
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}
    )
    yield context.new_page()
    context.close()


class Journey:
    """Screenshots each step and runs axe on each page the journey visits."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / "steps" / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.errors: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and r.request.resource_type != "document"
                and self.errors.append(f"{page.url}: {r.status} for {r.url}")
            ),
        )
        # ERR_ABORTED: the page navigated away first (the queue is reloaded in a loop).
        page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")
                and self.errors.append(f"{page.url}: failed {r.url} ({r.failure})")
            ),
        )
        # "Failed to load resource" repeats a response above, without its address.
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and "Failed to load resource" not in m.text
                and self.errors.append(f"{page.url}: console: {m.text}")
            ),
        )
        return page

    def step(self, page: Page, label: str, *, axe: bool = True) -> None:
        page.wait_for_load_state("networkidle")
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        page.screenshot(path=self.folder / f"{self.count:02d}-{slug}.png", full_page=True)
        if axe:
            check_accessibility(page, f"{self.folder.name}/{self.count:02d}-{slug}")

    def assert_no_script_errors(self) -> None:
        assert not self.errors, "\n".join(self.errors)


def check_accessibility(page: Page, where: str) -> None:
    results = Axe().run(page)
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    AXE_REPORT.append(
        {
            "step": where,
            "url": page.url,
            "violations": [
                {
                    "rule": v["id"],
                    "impact": v.get("impact"),
                    "elements": [n["target"] for n in v["nodes"]],
                }
                for v in violations
            ],
        }
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in blocking
    ]
    assert not problems, f"axe on {page.url}:\n" + "\n".join(problems)


@pytest.fixture
def journey(request) -> Journey:
    return Journey(request.node.name)


@pytest.fixture
def push_service(stack) -> Iterator[PushService]:
    """The local push service the stack's subscriptions point at (WEBPUSH_TEST_SERVICE)."""
    service = PushService().start(port=stack.push_port)
    yield service
    service.stop()


def wait_for(condition, what: str, seconds: float = 20):
    """Poll `condition` until it gives something true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(0.2)
    return result


def log_in(page: Page, stack: E2EStack, username: str) -> None:
    """Log in through the form as a person would; staff then type their app's code."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if "/accounts/2fa/" in page.url:
        page.get_by_label(re.compile("code", re.I)).first.fill(stack.totp_code(username))
        page.get_by_role("button", name=re.compile("verify|continue|confirm", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))


def go(page: Page, link: str) -> None:
    """Follow a link in the main menu, opening the menu first on a phone."""
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Show menu")
    if toggle.is_visible():
        toggle.click()
    nav.get_by_role("link", name=link, exact=True).click()


def grade(page: Page, symptom: str, words: str) -> None:
    """Choose a symptom's grade on the diary form, opening its body-system group first
    (the groups stay closed until the patient says they have something in them)."""
    hidden_too = page.get_by_role("group", name=symptom, include_hidden=True)
    hidden_too.wait_for(state="attached")
    scale = page.get_by_role("group", name=symptom)
    closed = page.locator("details.symptom-group:not([open])", has=hidden_too)
    if closed.count():
        closed.locator("summary").click()
    scale.get_by_text(words, exact=True).click()


def tick(page: Page, label: str | re.Pattern, *, uncheck: bool = False) -> None:
    """Tick (or untick) a box on the diary form, opening its fold first as a patient would:
    the warning signs and "No thermometer, or measured earlier?" are one tap away."""
    box = page.get_by_label(label)
    box.first.wait_for(state="attached")
    closed = page.locator("details:not([open])", has=box)
    if closed.count():
        closed.first.locator("summary").first.click()
    box.uncheck() if uncheck else box.check()


FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const labels = el.labels ? Array.from(el.labels).map(l => l.innerText).join(" ") : "";
  const own = el.getAttribute("aria-label") || labels || el.innerText || el.value || "";
  const legend = el.closest("fieldset")?.querySelector("legend")?.innerText;
  const name = (legend && legend !== own ? legend + " › " : "") + own;
  return name.replace(/\\s+/g, " ").replace(/\\s*\\*$/, "").trim();
}"""


def tab_to(page: Page, name: str | re.Pattern, limit: int = 150) -> str:
    """Press Tab until the focused control's name matches, as a keyboard user would.

    The name is the control's label (prefixed by its group's legend, "Unit › °C").
    Fails if the control cannot be reached within `limit` presses; a control that has
    focus already (autofocus) counts as reached."""
    seen = []
    for press in range(limit + 1):
        if press:
            page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME)
        seen.append(focused)
        if name.search(focused) if isinstance(name, re.Pattern) else focused == name:
            return focused
    raise AssertionError(f"could not Tab to {name!r}; focus went through: {seen}")


def pytest_sessionfinish(session, exitstatus) -> None:
    if not AXE_REPORT:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(AXE_REPORT, indent=2))
    counts = {"pages": len(AXE_REPORT), "violations": 0, "serious_or_critical": 0}
    for page in AXE_REPORT:
        for v in page["violations"]:
            counts["violations"] += 1
            counts["serious_or_critical"] += v["impact"] in BLOCKING
    session.config._e2e_axe_counts = counts


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = getattr(config, "_e2e_axe_counts", None)
    if counts:
        terminalreporter.write_line(
            f"axe: {counts['pages']} page checks, {counts['violations']} violations, "
            f"{counts['serious_or_critical']} serious or critical (e2e-artifacts/axe.json)"
        )
