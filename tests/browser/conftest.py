"""Browser suite: the real app behind waitress, driven by Debian's Chromium, checked with axe-core.

One Chromium for the whole session, a fresh browser context (cookies, storage) per test,
and a fresh server per test on each storage back end (through the `database_url` fixture).
Playwright never downloads a browser here: the tests drive /usr/bin/chromium.
"""

from __future__ import annotations

import os

import pytest

from tests.common.browser import demo_server
from tests.common.demo_templates import drop_templates

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The rule sets we hold ourselves to: WCAG 2.0 and 2.1, levels A and AA (RGAA follows them).
WCAG_TAGS = frozenset({"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"})
TIMEOUT_MS = 10_000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium and never download one. "
            "Run scripts/ensure-chromium.sh (it installs the `chromium` package), then run the tests again.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


# --------------------------------------------------------------------------- server


@pytest.fixture(scope="session", autouse=True)
def _demo_templates():
    yield
    drop_templates()


@pytest.fixture
def live_server(database_url):
    """engage with a few demo cards, served over HTTP; yields the server (its `.url`, its `.app`)."""
    with demo_server(database_url) as server:
        yield server


# --------------------------------------------------------------------------- pages and axe


class NavigationLog:
    """Every document the page committed to, so a test cannot forget an accessibility check."""

    def __init__(self):
        self.visits: list[list] = []  # [url, checked]

    def loaded(self, page) -> None:
        # A new document (not a jump to an anchor of the same one).
        self.visits.append([page.url, False])

    def checked(self) -> None:
        if self.visits:
            self.visits[-1][1] = True

    def unchecked(self) -> list[str]:
        return [url for url, checked in self.visits if not checked]


@pytest.fixture
def page(request, browser, live_server):
    """A page in a fresh context (no cookies: French by default), pointed at the live server."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = NavigationLog()
    page.on("domcontentloaded", log.loaded)
    page.navigation_log = log
    yield page
    context.close()
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        missed = log.unchecked()
        assert not missed, (
            "these pages were visited but never checked with check_accessibility(page): "
            + ", ".join(missed)
        )


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} WCAG 2.1 A/AA accessibility violation(s) on {url}:"]
    for violation in violations:
        wcag = ", ".join(t for t in violation.get("tags", []) if t in WCAG_TAGS)
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'unknown impact'}] "
            f"{violation.get('help', '')} ({wcag})"
        )
        if violation.get("helpUrl"):
            lines.append(f"    {violation['helpUrl']}")
        for node in violation.get("nodes", []):
            target = " >> ".join(
                t if isinstance(t, str) else " ".join(t) for t in node.get("target", [])
            )
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip()
            for detail in summary.splitlines():
                lines.append(f"        {detail.strip()}")
    return "\n".join(lines)


@pytest.fixture
def check_accessibility(axe):
    """check_accessibility(page): run axe-core on the current document; fail on any WCAG A/AA violation."""

    def check(page) -> None:
        page.wait_for_load_state("load")
        results = axe.run(page)
        violations = [
            v for v in results.response.get("violations", [])
            if WCAG_TAGS.intersection(v.get("tags", []))
        ]
        log = getattr(page, "navigation_log", None)
        if log is not None:
            log.checked()
        assert not violations, _format_violations(page.url, violations)

    return check
