"""End to end: ``kinlink dashboard``'s Streamlit server driven in headless Chromium.

Starts ``streamlit run`` (the command :mod:`kinlink.commands.dashboard` builds) on a free
127.0.0.1 port, then searches a name, opens the family, checks its flags are on screen and that
the mask hides A-numbers, saving screenshots under ``test-artifacts/dashboard/``. Chromium is
the Debian package (``scripts/install-browser.sh``); the test skips only when it is absent.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from kinlink.commands.dashboard import streamlit_command
from kinlink.dashboard.data import DashboardData

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (run scripts/install-browser.sh)"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(bundle: Path) -> Iterator[str]:
    """The dashboard on the test bundle, served on 127.0.0.1; yields its URL."""
    port = free_port()
    command, env = streamlit_command(bundle, port=port, host="127.0.0.1")
    log = ARTIFACTS / "streamlit.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"streamlit did not start:\n{log.read_text()}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def node_count(page: Page) -> int:
    caption = page.get_by_text(" nodes, ").first.inner_text()
    return int(caption.split(" nodes")[0])


def court_of(loaded: DashboardData, family: str) -> str:
    cases = loaded.facts.cases
    courts = cases.loc[cases["family_id"].eq(family), "court"].dropna()
    return f"court:{sorted(courts)[0]}"


def click_node(page: Page, iframe: Locator, node: str) -> None:
    """Click the graph node ``node`` where Cytoscape drew it inside the component's iframe."""
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    x, y = frame.evaluate(
        """id => {
            const box = document.getElementById("cy"), cy = box._cyreg.cy;
            const node = cy.getElementById(id);
            cy.center(node);
            const at = node.renderedPosition(), rect = box.getBoundingClientRect();
            return [rect.left + at.x, rect.top + at.y];
        }""",
        node,
    )
    outer = iframe.bounding_box()
    assert outer is not None
    page.mouse.click(outer["x"] + x, outer["y"] + y)


def test_search_open_family_and_see_flags(
    server: str, loaded: DashboardData, flagged_family: str
) -> None:
    members = loaded.facts.families
    person = members.loc[members["family_id"].eq(flagged_family), "person_id"].iloc[0]
    records = loaded.facts.records
    record = records[records["person_id"].eq(person) & records["a_number"].notna()].iloc[0]
    name = f"{record['surnames']} {record['given_names']}"
    codes = sorted({f.code for f in loaded.flags_by_family[flagged_family]})
    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(server)
            expect(page.get_by_text("Flagged families").first).to_be_visible()
            expect(
                page.locator(
                    "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
                ).first
            ).to_be_visible()
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "1-overview.png")

            page.get_by_role("link", name="Search").click()
            box = page.get_by_label("Name, A-number or id")
            box.fill(name)
            box.press("Enter")
            expect(page.get_by_role("button", name="Open family")).to_be_visible()
            grid = page.locator("[data-testid='stDataFrame']").first
            expect(grid).to_contain_text(f"A-XXX-XXX-{record['a_number'][-3:]}")  # masked
            assert record["a_number"] not in page.content()
            page.screenshot(path=ARTIFACTS / "2-search.png")
            mask = page.get_by_text("Mask A-numbers and dates of birth", exact=True)
            mask.click()
            expect(grid).to_contain_text(record["a_number"])
            mask.click()
            expect(grid).not_to_contain_text(record["a_number"])

            page.get_by_role("button", name="Open family").click()
            expect(page.get_by_text(f"Family {flagged_family}")).to_be_visible()
            expect(page).to_have_url(re.compile(f"[?&]family={flagged_family}"))
            for code in codes:
                expect(page.get_by_text(code, exact=True).first).to_be_visible()
            expect(page.get_by_text("Policy source:").first).to_be_visible()
            page.screenshot(path=ARTIFACTS / "3-family-flags.png")

            before = node_count(page)
            iframe = page.locator("iframe[title*='cytoscape']")
            iframe.scroll_into_view_if_needed()
            page.wait_for_timeout(3000)  # let the graph's layout settle
            iframe.screenshot(path=ARTIFACTS / "4-family-graph.png")
            click_node(page, iframe, court_of(loaded, flagged_family))
            expect(page.get_by_text(f"{before} nodes,")).to_have_count(0)
            assert node_count(page) > before  # the court's other cases came in
            page.wait_for_timeout(3000)
            iframe.screenshot(path=ARTIFACTS / "5-family-expanded.png")
            heading = page.get_by_role("heading", name="Hearings")
            heading.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "6-family-hearings.png")

            page.get_by_role("link", name="Work queues").click()
            expect(page.get_by_text("flagged families").first).to_be_visible()
            page.wait_for_timeout(1000)
            page.screenshot(path=ARTIFACTS / "7-queues.png")

            # the search box still holds the search after visiting other pages
            page.get_by_role("link", name="Search").click()
            expect(page.get_by_label("Name, A-number or id")).to_have_value(name)
            # the family is in the address: a link an analyst can share opens it
            page.goto(f"{server}/family?family={flagged_family}")
            expect(page.get_by_text(f"Family {flagged_family}")).to_be_visible()
            page.wait_for_timeout(1000)
            # nothing was fetched from anywhere but the app itself (tab icon and fonts included)
            hosts = {
                urlsplit(url).hostname
                for url in requested
                if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            }
            assert hosts == {"127.0.0.1"}, sorted(u for u in requested if "127.0.0.1" not in u)
        finally:
            browser.close()
