"""The usability audit (issue 9): each role's pages, found by following the links from where
the role lands (the dashboard; the home page for a visitor), are checked in a real browser:
every field labelled, every link and button named, nothing out of the keyboard's reach (no
positive tabindex, htmx only on links, buttons and forms), one h1, readable contrast (WCAG
AA), and on a phone-sized window nothing wider than the window. Every page answers 200."""

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT = (Path(__file__).parent / "audit.js").read_text()
# Kinds of page per role at most: enough to reach every kind the role has (its lists, a
# dossier, a scoresheet, a ranking, a decision file…).
LIMIT = 60
SKIP = (
    "/accounts/logout",
    "/language/",
    "/admin/",
    "/api/",
    "/i18n/",
    "/media/",
    "/static/",
    "/healthz",
)
FILES = (".pdf", ".xlsx", ".csv", ".zip", ".json", ".ics", ".png", ".svg", ".xml")


# The elements reaching past the window's right edge, the innermost first.
OVERFLOWING = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
    && !(el.parentElement && el.parentElement.closest('.table-scroll')))
  .reverse().slice(0, 3)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""


def links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        parts = urlsplit(url)
        if not url.startswith(base) or parts.path.startswith(SKIP) or parts.path.endswith(FILES):
            continue
        if "download" in parts.path or "export" in parts.path:
            continue
        found.append(url)
    return found


def shape(url: str) -> str:
    """A page's kind: its address with the numbers and serials left out (one nominee's dossier
    stands for every nominee's)."""
    return re.sub(r"PRT-[0-9A-Z-]+|\d+", "#", url)


def crawl(page, base: str, start: list[str]) -> tuple[dict[str, list[str]], set[str]]:
    """One page of each kind reached (breadth first, up to LIMIT) with its problems."""
    queue, seen, problems = [base + path for path in start], set(), {}
    while queue and len(seen) < LIMIT:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        page.set_viewport_size(DESKTOP)
        response = page.goto(url)
        found = [] if response.status == 200 else [f"answered {response.status}"]
        found += page.evaluate(AUDIT)
        page.set_viewport_size(PHONE)
        # Charts follow the window's size on the next frames (as on a phone from the start).
        page.evaluate("() => new Promise(r => setTimeout(() => requestAnimationFrame(r), 50))")
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            width = page.evaluate("document.documentElement.scrollWidth")
            found.append(f"{width} px wide on a phone: " + ", ".join(page.evaluate(OVERFLOWING)))
        if found:
            problems[
                urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
            ] = found
        queue += [link for link in links(page, base) if shape(link) not in seen]
    return problems, seen


# Each role and the kinds of page it reaches at least (seen on the demo: the visitor's public
# pages; the branch's lists, dossier, registration and import; the panel's verification,
# scoresheets, rankings and decision files; the jury's interviews and national result; the
# secretariat's ceremonies and batches…), so that the crawl cannot quietly shrink.
ROLES = {
    None: 11,
    "cabang.bekasi@paritrana.test": 16,
    "panel.jabar@paritrana.test": 22,
    "ketua.panel.jabar@paritrana.test": 24,
    "ketua.juri@paritrana.test": 32,
    "admin@paritrana.test": 43,
    "auditor@paritrana.test": 27,
}


@pytest.mark.parametrize(
    "email", ROLES, ids=["visitor" if e is None else e.split("@")[0] for e in ROLES]
)
def test_every_page_a_role_reaches_passes_the_audit(
    live_server, browser, open_as, tasks_in_process, published_demo, demo_accounts, email
):
    """(The certificates are generated in-process as they are issued, as without Redis: their
    pages are among those audited.)"""
    if email is None:
        page = browser.new_context(viewport=DESKTOP).new_page()
        start = ["/", "/results/"]
    else:
        page = open_as(demo_accounts[email])
        start = ["/dashboard/"]
    problems, seen = crawl(page, live_server.url, start)
    print("KINDS", email, len(seen), sorted(seen))
    assert len(seen) >= ROLES[email], sorted(seen)
    assert problems == {}
