"""The national outcome is embargoed until the secretariat publishes it (SPEC §2, issue 24 item
9): between the jury's sign-off and the publication of the edition's national results, only the
jury, the secretariat and auditors see a nominee awarded or not, its national label, rank,
awards and national scores. Everyone else (the nominee's branch, its provincial panel) sees it
as a finalist without rank or label (candidates.selectors.national_outcome_hidden), on every
page, API route, export, dashboard, state history, audit record and decision file; after the
publication everything shows.

The demo's 2020 national round is signed off and not published (the `demo` fixture): Kota
Bekasi is Peringkat III, rank 3."""

import csv
import io
import re

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditRecord
from candidates.models import Edition, Nomination
from candidates.selectors import records_seen_by

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_accounts_once")]

BRANCH = "cabang.bekasi@paritrana.test"
MEMBER = "panel.jabar@paritrana.test"
CHAIR = "ketua.panel.jabar@paritrana.test"
AUDITOR = "auditor@paritrana.test"
JUROR = "juri@paritrana.test"
ADMIN = "admin@paritrana.test"
ANONYMOUS = None

# What each role reads of Kota Bekasi 2020 before the publication: (state, label, rank).
OUTCOME = ("awarded", "peringkat_3", 3)
WITHHELD = ("finalist", "", None)
BEFORE = {
    BRANCH: WITHHELD,
    MEMBER: WITHHELD,
    CHAIR: WITHHELD,
    AUDITOR: OUTCOME,
    JUROR: OUTCOME,
    ADMIN: OUTCOME,
}
SEES = [BRANCH, MEMBER, CHAIR, AUDITOR, JUROR, ADMIN]
# The pages are read in English: SPEC §1's glossary names Peringkat III "3rd place".
SHOWN_LABEL = {"peringkat_3": "3rd place", "": ""}
SHOWN_STATE = {"awarded": "Awarded", "finalist": "Finalist"}


@pytest.fixture
def bekasi(demo_accounts):
    return Nomination.objects.get(
        candidate__name="Pemerintah Kota Bekasi", category__edition__year=2020
    )


@pytest.fixture
def login(client, demo_accounts):
    def as_(email):
        client.logout()
        if email is not None:
            client.force_login(demo_accounts[email])
        # The pages in English (the language switch's cookie), which the assertions read.
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return as_


def _publish():
    from ceremonies import services

    services.results_publish(actor=None, edition=Edition.objects.get(year=2020))


def _api_row(client, bekasi) -> tuple:
    data = client.get(f"/api/v1/nominations/{bekasi.pk}/").json()
    return data["state"], data["national_label"], data["national_rank"]


def _api_listed(client, bekasi, **query) -> tuple | None:
    data = client.get("/api/v1/nominations/", {"edition": 2020, **query}).json()
    rows = [r for r in data["results"] if r["id"] == bekasi.pk]
    if not rows:
        return None
    (row,) = rows
    return row["state"], row["national_label"], row["national_rank"]


def _api_states_in_history(client, bekasi) -> list:
    rows = client.get(f"/api/v1/nominations/{bekasi.pk}/transitions/").json()
    return [r["to_state"] for r in rows]


def _export_row(client, fmt) -> list:
    response = client.get(reverse(f"candidates:nominations_export_{fmt}"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    header = rows[0]
    (row,) = [
        r
        for r in rows[1:]
        if r[header.index("Kandidat")] == "Pemerintah Kota Bekasi"
        and r[header.index("Tahun")] == "2020"
    ]
    return [row[header.index(h)] for h in ("Status", "Hasil nasional", "Peringkat nasional")]


def _exported(outcome) -> list:
    state, label, rank = outcome
    return [SHOWN_STATE[state], SHOWN_LABEL[label], "" if rank is None else str(rank)]


# ---------------------------------------------------------------------------------------------
# The candidates API


@pytest.mark.parametrize("email", SEES)
def test_api_nomination_shows_the_outcome_only_to_jury_secretariat_and_auditors(
    login, bekasi, email
):
    client = login(email)
    assert _api_row(client, bekasi) == BEFORE[email]
    assert _api_listed(client, bekasi) == BEFORE[email]
    history = _api_states_in_history(client, bekasi)
    assert ("awarded" in history) == (BEFORE[email] == OUTCOME)
    assert history[-1] == BEFORE[email][0]
    _publish()
    assert _api_row(client, bekasi) == OUTCOME
    assert _api_listed(client, bekasi) == OUTCOME
    assert _api_states_in_history(client, bekasi)[-1] == "awarded"


def test_api_nomination_is_refused_to_anonymous(login, bekasi):
    client = login(ANONYMOUS)
    assert client.get(f"/api/v1/nominations/{bekasi.pk}/").status_code == 403
    assert client.get("/api/v1/nominations/").status_code == 403


@pytest.mark.parametrize("email", [BRANCH, MEMBER])
def test_api_state_filter_follows_the_state_shown(login, bekasi, email):
    client = login(email)
    assert _api_listed(client, bekasi, state="awarded") is None
    assert _api_listed(client, bekasi, state="finalist") == WITHHELD
    _publish()
    assert _api_listed(client, bekasi, state="awarded") == OUTCOME
    assert _api_listed(client, bekasi, state="finalist") is None


def test_api_state_filter_shows_the_outcome_to_the_jury(login, bekasi):
    client = login(JUROR)
    assert _api_listed(client, bekasi, state="awarded") == OUTCOME
    assert _api_listed(client, bekasi, state="finalist") is None


def test_api_withdrawal_refused_without_naming_the_outcome(login, bekasi):
    client = login(BRANCH)
    response = client.post(
        f"/api/v1/nominations/{bekasi.pk}/withdraw/",
        {"reason": "Coba"},
        content_type="application/json",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "awarded" not in text.lower()
    assert "Peringkat" not in text
    bekasi.refresh_from_db()
    assert bekasi.state == "awarded"


# ---------------------------------------------------------------------------------------------
# The pages, the exports and the dashboard


@pytest.mark.parametrize(
    ("email", "page"),
    [
        (BRANCH, "candidates:branch_worklist"),
        (MEMBER, "candidates:panel_nominations"),
        (CHAIR, "candidates:panel_nominations"),
        (JUROR, "candidates:jury_nominations"),
        (AUDITOR, "candidates:audit_nominations"),
    ],
)
def test_nomination_lists_show_the_outcome_only_when_allowed(login, bekasi, email, page):
    client = login(email)
    url = reverse(page)
    shown = BEFORE[email] == OUTCOME
    html = client.get(url, {"year": 2020}).content.decode()
    assert ("National: 3rd place" in html) == shown
    assert ("state-awarded" in html) == shown
    awarded = client.get(url, {"year": 2020, "state": "awarded"}).content.decode()
    assert ("Pemerintah Kota Bekasi" in awarded) == shown
    _publish()
    html = client.get(url, {"year": 2020}).content.decode()
    assert "National: 3rd place" in html
    assert "state-awarded" in html


@pytest.mark.parametrize("email", SEES)
def test_nomination_page_shows_the_outcome_only_when_allowed(login, bekasi, email):
    client = login(email)
    shown = BEFORE[email] == OUTCOME
    html = client.get(reverse("candidates:nomination_view", args=[bekasi.pk])).content.decode()
    assert ('<p><span class="state state-awarded">Awarded</span></p>' in html) == shown
    assert ('<p><span class="state state-finalist">Finalist</span></p>' in html) == (not shown)
    # The state at the head and in the history.
    assert html.count("state-awarded") == (2 if shown else 0)
    _publish()
    html = client.get(reverse("candidates:nomination_view", args=[bekasi.pk])).content.decode()
    assert '<span class="state state-awarded">Awarded</span>' in html


def test_branch_nomination_page_and_dashboard_withhold_the_outcome(login, bekasi):
    client = login(BRANCH)
    html = client.get(reverse("candidates:nomination_detail", args=[bekasi.pk])).content.decode()
    assert '<p><span class="state state-finalist">Finalist</span></p>' in html
    assert "Awarded" not in html
    assert reverse("candidates:nomination_withdraw", args=[bekasi.pk]) not in html
    _publish()
    html = client.get(reverse("candidates:nomination_detail", args=[bekasi.pk])).content.decode()
    assert '<span class="state state-awarded">Awarded</span>' in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("email", SEES)
def test_exports_show_the_outcome_only_when_allowed(login, bekasi, email, fmt):
    client = login(email)
    assert _export_row(client, fmt) == _exported(BEFORE[email])
    _publish()
    assert _export_row(client, fmt) == _exported(OUTCOME)


def test_branch_dashboard_counts_the_withheld_outcome_as_finalist(login, bekasi, demo_accounts):
    from candidates.dashboard import branch_dashboard

    # The branch dashboard shows the current (latest) edition: 2020 becomes it.
    Edition.objects.filter(year=2021).update(year=2017)
    user = demo_accounts[BRANCH]
    counts = {state: n for state, _label, n in branch_dashboard(user).by_state}
    assert counts == {"finalist": 1}
    _publish()
    counts = {state: n for state, _label, n in branch_dashboard(user).by_state}
    assert counts == {"awarded": 1}


# ---------------------------------------------------------------------------------------------
# The audit record and the decision file


def test_record_page_withholds_the_outcome_from_the_provincial_chair(login, bekasi):
    client = login(CHAIR)
    url = reverse("candidates:nomination_record", args=[bekasi.pk])
    html = client.get(url).content.decode()
    assert "National result recorded" not in html
    assert "Award given" not in html
    assert "peringkat_3" not in html
    listed = re.findall(r"<tr>\s*<td>(\d+)</td>", html)
    hidden = AuditRecord.objects.filter(nomination_id=bekasi.pk).exclude(seq__in=listed)
    assert {r.action for r in hidden} == {
        "nomination.state",  # finalist → awarded
        "nomination.national_result",
        "award.give",
        "ranking.finalise.row",  # the national selection's and result's rankings
        "ranking.sign_off.row",
        "scoresheet.save",  # the jury's
    }
    _publish()
    html = client.get(url).content.decode()
    assert "National result recorded" in html
    assert "Award given" in html
    listed = re.findall(r"<tr>\s*<td>(\d+)</td>", html)
    assert listed == [
        str(seq)
        for seq in AuditRecord.objects.filter(nomination_id=bekasi.pk)
        .order_by("seq")
        .values_list("seq", flat=True)
    ]


def test_record_page_shows_the_outcome_to_the_auditor(login, bekasi):
    html = login(AUDITOR).get(reverse("candidates:nomination_record", args=[bekasi.pk]))
    html = html.content.decode()
    assert "National result recorded" in html
    assert "Award given" in html


def _jabar_2020_panel():
    from scoring.models import Panel

    return Panel.objects.get(edition__year=2020, province="32")


def _jury_2020():
    from scoring.models import Panel

    return Panel.objects.get(edition__year=2020, province__isnull=True)


@pytest.mark.parametrize("email", [MEMBER, CHAIR])
def test_provincial_decision_file_omits_the_national_result(login, bekasi, email, demo_accounts):
    client = login(email)
    panel = _jabar_2020_panel()
    page = reverse("scoring:decision", args=[panel.pk, bekasi.pk])
    html = client.get(page).content.decode()
    assert "Peringkat III" not in html
    assert "3rd place" not in html
    assert "National rank" not in html
    assert "Awarded" not in html
    assert 'data-stage="national_result"' not in html
    assert 'data-stage="national_selection"' not in html
    assert "National results are withheld until the secretariat publishes them." in html
    api = client.get(f"/api/v1/scoring/panels/{panel.pk}/decisions/{bekasi.pk}/").json()
    assert api["nomination"]["state"] == "finalist"
    assert api["result"] is None
    # Its provincial label (Jawa Barat 2020 decided outside the system) is the provincial
    # panel's to read; no national award is.
    assert [(a["kind"], a["title"], a["given_at"]) for a in api["awards"]] == [
        ("Provincial label", "1st place", None)
    ]
    assert [s["kind"] for s in api["stages"]] == [
        s for s in ["provincial_assessment"] if s in [x["kind"] for x in api["stages"]]
    ]
    assert all("Awarded" not in e["what"] for e in api["record"])
    # The record of every change: nothing of the jury's (its scoresheets, rankings, interview,
    # awards) and no audit record the reader may not see.
    seen = {r.seq for r in records_seen_by(demo_accounts[email], bekasi)}
    assert {e["seq"] for e in api["record"]} - {None} <= seen
    assert not [
        e
        for e in api["record"]
        if e["kind"] in ("award", "national_result", "interview")
        or e["what"].startswith(("National selection", "National interview", "National result"))
    ]
    assert api["national_withheld"] is True
    _publish()
    html = client.get(page).content.decode()
    assert "3rd place" in html
    assert 'data-stage="national_result"' in html
    api = client.get(f"/api/v1/scoring/panels/{panel.pk}/decisions/{bekasi.pk}/").json()
    assert api["nomination"]["state"] == "awarded"
    assert api["result"]["label"] == "3rd place"


@pytest.mark.parametrize("email", [JUROR, AUDITOR, ADMIN])
def test_decision_file_shows_the_national_result_to_jury_secretariat_and_auditors(
    login, bekasi, email
):
    client = login(email)
    panel = _jury_2020()
    html = client.get(reverse("scoring:decision", args=[panel.pk, bekasi.pk])).content.decode()
    assert "3rd place" in html
    assert 'data-stage="national_result"' in html
    api = client.get(f"/api/v1/scoring/panels/{panel.pk}/decisions/{bekasi.pk}/").json()
    assert api["nomination"]["state"] == "awarded"
    assert api["result"]["label"] == "3rd place"


# ---------------------------------------------------------------------------------------------
# The provincial panel's scoring API


def _scoring_states(client, panel, bekasi) -> tuple:
    listed = client.get(f"/api/v1/scoring/panels/{panel.pk}/scoresheets/").json()["results"]
    (row,) = [r for r in listed if r["nomination"]["id"] == bekasi.pk]
    sheet = client.get(f"/api/v1/scoring/panels/{panel.pk}/scoresheets/{bekasi.pk}/").json()
    return row["nomination"]["state"], sheet["nomination"]["state"]


@pytest.mark.parametrize("email", [MEMBER, CHAIR, AUDITOR, ADMIN])
def test_provincial_scoring_api_shows_the_outcome_only_when_allowed(login, bekasi, email):
    client = login(email)
    panel = _jabar_2020_panel()
    if email in (AUDITOR, ADMIN):
        # They do not score: the worklist is a member's; they read the scoresheet route.
        sheet = client.get(f"/api/v1/scoring/panels/{panel.pk}/scoresheets/{bekasi.pk}/").json()
        assert sheet["nomination"]["state"] == "awarded"
        return
    assert _scoring_states(client, panel, bekasi) == ("finalist", "finalist")
    _publish()
    assert _scoring_states(client, panel, bekasi) == ("awarded", "awarded")


def test_pages_exports_and_decision_file_send_anonymous_to_the_login(login, bekasi):
    client = login(ANONYMOUS)
    urls = [
        reverse("candidates:nomination_view", args=[bekasi.pk]),
        reverse("candidates:nomination_record", args=[bekasi.pk]),
        reverse("candidates:nominations_export_csv"),
        reverse("candidates:nominations_export_xlsx"),
        reverse("scoring:decision", args=[_jabar_2020_panel().pk, bekasi.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("account_login"),
        ), url
