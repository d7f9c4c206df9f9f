"""The jury's rankings as XLSX on the demo's national rounds (scoring.views_exports): the
national result and the interview, each ranked on its own, frozen (2020, signed off), live
(2020 reopened) and as progress only (2021: the interview not scored yet); the national
selection's category-wide finalist quota (issue 25). The numbers are scoring.demo's
NATIONAL_2020_SCORES: the selection total s, the interview total v × the attendance factor, the
national result 0.6 s + 0.4 v × factor."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from candidates.models import Category
from scoring import services
from scoring.enums import StageKind
from scoring.models import Panel, RankingSnapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KAB_KOTA = "pemerintah-kabupaten-kota"
CHAIR, JUROR = "ketua.juri@paritrana.test", "juri@paritrana.test"

# name, region, selection total, interview total, attendance factor, national result
FINALISTS = {
    "semarang": ("Pemerintah Kota Semarang", "Kota Semarang", 88, 92, 1, 89.6),
    "banyuwangi": ("Pemerintah Kabupaten Banyuwangi", "Kabupaten Banyuwangi", 85, 94, 1, 88.6),
    "bekasi": ("Pemerintah Kota Bekasi", "Kota Bekasi", 86, 88, 1, 86.8),
    "makassar": ("Pemerintah Kota Makassar", "Kota Makassar", 84, 84, 1, 84),
    "balikpapan": ("Pemerintah Kota Balikpapan", "Kota Balikpapan", 89, 72, 0.8, 82.2),
    "bone": ("Pemerintah Kabupaten Bone Bolango", "Kabupaten Bone Bolango", 80, 82, 1, 80.8),
    "badung": ("Pemerintah Kabupaten Badung", "Kabupaten Badung", 82, 76.5, 0.9, 79.8),
    "sleman": ("Pemerintah Kabupaten Sleman", "Kabupaten Sleman", 79, 60.2, 0.7, 71.48),
}
RESULT_ORDER = ["semarang", "banyuwangi", "bekasi", "makassar", "balikpapan", "bone", "badung",
                "sleman"]  # fmt: skip
INTERVIEW_ORDER = ["banyuwangi", "semarang", "bekasi", "makassar", "bone", "badung", "balikpapan",
                   "sleman"]  # fmt: skip
# In English, as SPEC §1's glossary names them (the downloads are in the reader's language).
LABELS = ["1st place", "2nd place", "3rd place"]
FINAL_HEADER = ("Rank", "Finalist", "Region", "National selection (weight 60)",
                "National interview (weight 40)", "Attendance factor", "Total")  # fmt: skip
INTERVIEW_CRITERION = "Wawancara: komitmen dan inovasi pemerintah daerah"


def _result_rows() -> list[tuple]:
    """The national result's rows, the label last but the tie column (empty)."""
    rows = []
    for rank, key in enumerate(RESULT_ORDER, start=1):
        name, region, s, v, factor, total = FINALISTS[key]
        label = LABELS[rank - 1] if rank <= len(LABELS) else None
        rows.append((rank, name, region, s, v, factor, total, label, None))
    return rows


def _interview_rows(*tie) -> list[tuple]:
    """The interview's rows: rank, name, region, total and its one criterion (and `tie`)."""
    return [
        (rank, FINALISTS[key][0], FINALISTS[key][1], FINALISTS[key][3], FINALISTS[key][3], *tie)
        for rank, key in enumerate(INTERVIEW_ORDER, start=1)
    ]


def _jury(year):
    return Panel.objects.get(edition__year=year, province__isnull=True)


def _category(year):
    return Category.objects.get(edition__year=year, code=KAB_KOTA)


def _url(year, stage):
    return reverse("scoring:ranking_xlsx", args=[_jury(year).pk, stage, _category(year).pk])


def _download(client, email, url, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(User.objects.get(email=email))
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, XLSX), url
    return response


def _book(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _rows(book, sheet="Peringkat") -> list[tuple]:
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def _info(book) -> dict:
    return dict(book["Info"].iter_rows(max_col=2, values_only=True))


def test_the_national_result_page_links_both_downloads(client, demo):
    client.force_login(User.objects.get(email=CHAIR))
    jury, category = _jury(2020), _category(2020)
    page = client.get(reverse("scoring:final_category", args=[jury.pk, category.pk]))
    html = page.content.decode()
    for stage in ("final", "interview"):
        url = f"/panel/{jury.pk}/ranking/{stage}/{category.pk}/ranking.xlsx"
        assert url == _url(2020, stage)
        assert f'href="{url}" download data-xlsx="{stage}"' in html


def test_the_signed_off_national_result_as_xlsx(client, demo):
    response = _download(client, CHAIR, _url(2020, "final"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="paritrana-peringkat-2020-nasional-{KAB_KOTA}-hasil.xlsx"'
    )
    book = _book(response)
    assert _rows(book) == [(*FINAL_HEADER, "Label", "Tie decision"), *_result_rows()]
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2020, stage__kind=StageKind.NATIONAL_RESULT, reopened_at=None
    )
    info = _info(book)
    assert {k: info[k] for k in ("Panel", "Category", "Stage", "State", "Finalised by")} == {
        "Panel": str(_jury(2020)),
        "Category": _category(2020).name,
        "Stage": "National result (2020)",
        "State": "Signed off",
        "Finalised by": str(snapshot.finalised_by),
    }
    assert info["Signed off at"] is not None


def test_the_interview_ranked_on_its_own_as_xlsx(client, demo):
    """Frozen by the signed-off national result: each finalist's interview total (the score
    times the attendance factor) and rank among the finalists."""
    response = _download(client, JUROR, _url(2020, "interview"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="paritrana-peringkat-2020-nasional-{KAB_KOTA}-wawancara.xlsx"'
    )
    book = _book(response)
    assert _rows(book) == [
        ("Rank", "Nominee", "Region", "Total", INTERVIEW_CRITERION),
        *_interview_rows(),
    ]
    info = _info(book)
    assert (info["Stage"], info["State"]) == (
        "National interview (2020)",
        "Frozen: the national result is finalised.",
    )
    # No one advances from the interview: no quota, no cut-off.
    assert not {"Advance per province", "Finalists of the whole category", "Cut-off"} & set(info)


def test_both_rankings_live_once_the_national_result_is_reopened(client, demo):
    chair = User.objects.get(email=CHAIR)
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2020, stage__kind=StageKind.NATIONAL_RESULT, reopened_at=None
    )
    services.stage_reopen(actor=chair, stage=snapshot.stage, reason="Pemeriksaan ulang")
    services.stage_open(actor=None, stage=snapshot.stage)
    services.ranking_reopen(actor=chair, snapshot=snapshot, reason="Pemeriksaan ulang")
    final = _book(_download(client, CHAIR, _url(2020, "final")))
    assert _rows(final) == [(*FINAL_HEADER, "Label it would receive", "Tie"), *_result_rows()]
    assert _info(final)["State"] == "Not finalised: the ranking may still change."
    interview = _book(_download(client, CHAIR, _url(2020, "interview")))
    assert _rows(interview) == [
        ("Rank", "Nominee", "Region", "Total", INTERVIEW_CRITERION, "Tie"),
        *_interview_rows(None),
    ]
    assert _info(interview)["State"] == "Not finalised: the ranking may still change."


def test_a_juror_yet_to_score_the_interview_gets_the_progress_only(client, demo):
    """2021: Jakarta Utara is interviewed, no juror has scored the interview yet."""
    jakut = ("Pemerintah Kota Administrasi Jakarta Utara", "Kota Administrasi Jakarta Utara")
    final = _book(_download(client, JUROR, _url(2021, "final")))
    assert _rows(final) == [
        ("Finalist", "Region", "Interview scoresheets missing"),
        (*jakut, 2),
    ]
    assert _info(final)["State"] == (
        "Progress only: the totals show once your own scoresheets are submitted."
    )
    interview = _book(_download(client, JUROR, _url(2021, "interview")))
    assert _rows(interview) == [("Nominee", "Region", "Scoresheets missing"), (*jakut, 2)]


def test_a_ranking_the_panel_does_not_have_is_404(client, demo):
    client.force_login(User.objects.get(email=CHAIR))
    jury, category = _jury(2020), _category(2020)
    for stage in ("assessment", "nationale"):
        url = f"/panel/{jury.pk}/ranking/{stage}/{category.pk}/ranking.xlsx"
        assert client.get(url).status_code == 404, url
    provincial = Panel.objects.get(edition__year=2018, province="32")
    kab_2018 = _category(2018)
    client.force_login(User.objects.get(email="ketua.panel.jabar@paritrana.test"))
    for stage in ("selection", "interview", "final"):
        url = f"/panel/{provincial.pk}/ranking/{stage}/{kab_2018.pk}/ranking.xlsx"
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Finalists of the whole category"), ("id", "Finalis seluruh kategori")],
)
def test_the_selection_xlsx_names_its_category_wide_finalist_quota(client, demo, language, label):
    """Eight finalists across the whole category, not "advance per province" (issue 25)."""
    jury, category = _jury(2020), _category(2020)
    url = reverse("scoring:ranking_xlsx", args=[jury.pk, category.pk])
    info = _info(_book(_download(client, CHAIR, url, language)))
    assert info[label] == 8
    assert not {"Advance per province", "Maju per provinsi"} & set(info)
