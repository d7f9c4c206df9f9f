"""A nominee's decision file (the page, not its PDF) on a 390 px wide phone: nothing reaches past
the window; its wide tables (scores, conflicts, awards, the record of every change) scroll
sideways inside their own box (issue 25, item 16)."""

import pytest
from playwright.sync_api import expect

from candidates.models import Nomination
from scoring.models import Panel

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

BEKASI = "Pemerintah Kota Bekasi"
AUDITOR = "auditor@paritrana.test"
# Every table of the decision file that can be wider than a phone sits in a scrolling box.
OUTSIDE_A_SCROLL_BOX = (
    "Array.from(document.querySelectorAll('.decision-file table'))"
    ".filter(t => !t.closest('.table-scroll')).length"
)


@pytest.mark.parametrize(
    ("year", "province"), [(2018, "32"), (2020, None)], ids=["provincial", "national"]
)
def test_decision_file_fits_a_phone(
    live_server, open_as, steps, published_demo, demo_accounts, year, province
):
    panel = Panel.objects.get(edition__year=year, province=province)
    nomination = Nomination.objects.get(candidate__name=BEKASI, category__edition__year=year)
    for language in ("id", "en"):
        page = open_as(demo_accounts[AUDITOR], viewport=PHONE, language=language)
        page.goto(f"{live_server.url}/panel/{panel.pk}/decisions/{nomination.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(BEKASI)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # The record of every change overflowed (its dates and reasons), as did the awards and
        # the conflicts where there are any.
        expect(page.locator("#decision-record .table-scroll table")).to_be_visible()
        assert page.evaluate(OUTSIDE_A_SCROLL_BOX) == 0
        steps.shot(page, f"decision-file-{language}")
