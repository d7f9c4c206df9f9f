"""A nomination's record page reads as the rest of the site (issue 25, item 15): fields by their
names, choices by their labels, objects and people by their names, files as documents, numbers,
dates and times in the page's formats and in Jakarta time; the stored records stay as they were
written (audit.presentation)."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.enums import Role
from accounts.services import role_assign
from audit.selectors import audit_verify, records_of_nomination
from candidates import services
from candidates.enums import LegalProductType, NominationState
from candidates.models import Category, Edition, Nomination, Regency
from tests.factories import BranchFactory, UserFactory
from tests.security.pdf_files import VALID as PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]

CHAIR = "ketua.panel.jabar@paritrana.test"


def _rows(page: str) -> list[tuple]:
    """The record table's rows: number, when, who, what, before and after (one item per
    field), reason; as text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        text = [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]
        before, after = (
            [unescape(item) for item in re.findall(r"<div>(.*?)</div>", cell)] or [text[i]]
            for i, cell in ((4, cells[4]), (5, cells[5]))
        )
        rows.append((text[0], text[1], text[2], text[3], before, after, text[6]))
    return rows


@pytest.fixture
def pangandaran(demo_accounts):
    """Kabupaten Pangandaran's 2020 nomination as its branch made it and the provincial panel's
    chair returned it: registered, figures, a regent's regulation with its PDF, submitted, returned
    with a deadline. Every change at 08.30 Jakarta time on 2 March 2026."""
    regency = Regency.objects.get(code="32.18")
    category = Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")
    assert not Nomination.objects.filter(candidate__regency=regency, category=category).exists()
    Edition.objects.filter(year=2020).update(nominations_open=True)
    staff = UserFactory(
        email="staf.pangandaran@example.test", first_name="Sri", last_name="Wahyuni"
    )
    branch = BranchFactory()
    branch.regencies.add(regency)
    role_assign(user=staff, role=Role.BRANCH_STAFF, branch=branch)
    with time_machine.travel("2026-03-02 08:30 +0700", tick=False):
        candidate = services.government_candidate_get_or_create(actor=staff, regency=regency)
        nomination = services.nomination_create(actor=staff, candidate=candidate, category=category)
        services.nomination_figures_update(
            actor=staff,
            nomination=nomination,
            values={
                "head_of_region": "Jeje Wiradinata",
                "working_age_population": 150_000,
                "non_asn_total": 1_500,
                "non_asn_covered": 1_200,
            },
        )
        services.legal_product_save(
            actor=staff,
            nomination=nomination,
            type=LegalProductType.PERBUP,
            number="12",
            year=2019,
            title="Perlindungan Jaminan Sosial Ketenagakerjaan",
            scope="",
            pdf=SimpleUploadedFile("perbup-12.pdf", PDF, content_type="application/pdf"),
        )
        services.nomination_transition(
            actor=staff, nomination=nomination, to_state=NominationState.SUBMITTED
        )
        services.nomination_transition(
            actor=demo_accounts[CHAIR],
            nomination=nomination,
            to_state=NominationState.RETURNED,
            reason="Lampirkan SK penetapan pegawai non-ASN.",
            deadline=date(2026, 3, 16),
        )
    return nomination


def _page(client, demo_accounts, nomination, language):
    client.force_login(demo_accounts["auditor@paritrana.test"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/nominations/{nomination.pk}/record/")
    assert response.status_code == 200
    return response.content.decode()


def _numbers(nomination):
    return [str(r.seq) for r in records_of_nomination(nomination.pk)]


def test_record_page_reads_in_indonesian(client, demo_accounts, pangandaran):
    page = _page(client, demo_accounts, pangandaran, "id")
    first, figures, product, submitted, returned = _numbers(pangandaran)
    when = "2 Maret 2026, 08.30"
    staff, chair = "Sri Wahyuni", "Ketua Tim Penilai Jawa Barat"
    assert _rows(page) == [
        (
            first,
            when,
            staff,
            "Status berubah",
            ["Status: —"],
            [
                "Kandidat: Pemerintah Kabupaten Pangandaran",
                "Kategori: Pemerintah Kabupaten/Kota (2020)",
                "Status: Draf",
            ],
            "—",
        ),
        (
            figures,
            when,
            staff,
            "Data angka diubah",
            [
                "Kepala daerah: —",
                "Penduduk usia kerja: —",
                "Pegawai non-ASN: —",
                "Pegawai non-ASN yang terlindungi: —",
            ],
            [
                "Kepala daerah: Jeje Wiradinata",
                "Penduduk usia kerja: 150.000",
                "Pegawai non-ASN: 1.500",
                "Pegawai non-ASN yang terlindungi: 1.200",
            ],
            "—",
        ),
        (
            product,
            when,
            staff,
            "Produk hukum ditambahkan",
            ["Jenis: —", "Nomor: —", "Tahun: —", "Judul: —", "Cakupan: —", "Dokumen (PDF): —"],
            [
                "Jenis: Peraturan Bupati (Perbup)",
                "Nomor: 12",
                "Tahun: 2019",
                "Judul: Perlindungan Jaminan Sosial Ketenagakerjaan",
                "Cakupan: —",
                "Dokumen (PDF): Dokumen PDF",
            ],
            "—",
        ),
        (submitted, when, staff, "Status berubah", ["Status: Draf"], ["Status: Diajukan"], "—"),
        (
            returned,
            when,
            chair,
            "Status berubah",
            ["Status: Diajukan"],
            ["Status: Dikembalikan untuk perbaikan", "Tenggat: 16 Maret 2026"],
            "Lampirkan SK penetapan pegawai non-ASN.",
        ),
    ]
    shown = str(_rows(page))
    for raw in ("perbup", "legal-products/", "draft", "staf.pangandaran@example.test", "2026-03-"):
        assert raw not in shown


def test_record_page_reads_in_english(client, demo_accounts, pangandaran):
    page = _page(client, demo_accounts, pangandaran, "en")
    first, figures, product, submitted, returned = _numbers(pangandaran)
    when = "2 March 2026, 08:30"
    staff, chair = "Sri Wahyuni", "Ketua Tim Penilai Jawa Barat"
    assert _rows(page) == [
        (
            first,
            when,
            staff,
            "State changed",
            ["State: —"],
            [
                "Candidate: Pemerintah Kabupaten Pangandaran",
                "Category: Pemerintah Kabupaten/Kota (2020)",
                "State: Draft",
            ],
            "—",
        ),
        (
            figures,
            when,
            staff,
            "Figures changed",
            [
                "Head of region: —",
                "Working-age population: —",
                "Non-ASN staff: —",
                "Non-ASN staff covered: —",
            ],
            [
                "Head of region: Jeje Wiradinata",
                "Working-age population: 150,000",
                "Non-ASN staff: 1,500",
                "Non-ASN staff covered: 1,200",
            ],
            "—",
        ),
        (
            product,
            when,
            staff,
            "Legal product added",
            ["Type: —", "Number: —", "Year: —", "Title: —", "Scope: —", "Document (PDF): —"],
            [
                "Type: Regent regulation (Perbup)",
                "Number: 12",
                "Year: 2019",
                "Title: Perlindungan Jaminan Sosial Ketenagakerjaan",
                "Scope: —",
                "Document (PDF): PDF document",
            ],
            "—",
        ),
        (submitted, when, staff, "State changed", ["State: Draft"], ["State: Submitted"], "—"),
        (
            returned,
            when,
            chair,
            "State changed",
            ["State: Submitted"],
            ["State: Returned for correction", "Deadline: 16 March 2026"],
            "Lampirkan SK penetapan pegawai non-ASN.",
        ),
    ]


def test_the_stored_record_keeps_its_codes_and_its_chain(client, demo_accounts, pangandaran):
    """Reading the page changes nothing of what was recorded."""
    _page(client, demo_accounts, pangandaran, "id")
    records = list(records_of_nomination(pangandaran.pk))
    assert records[0].new == {
        "state": "draft",
        "candidate": pangandaran.candidate_id,
        "category": pangandaran.category_id,
    }
    assert records[2].new["type"] == "perbup"
    assert records[2].new["pdf"].startswith("legal-products/")
    assert records[-1].new == {"state": "returned", "deadline": "2026-03-16"}
    assert records[-1].actor == CHAIR
    assert audit_verify().intact


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "id",
            {
                "Wawancara dicatat": (
                    ["Tanggal dan waktu: —", "Tautan video: —"],
                    [
                        "Tanggal dan waktu: 15 Juni 2021, 13.00",
                        "Tautan video: https://vicon.paritrana.test/2020/pemerintah-kabupaten-kota"
                        "/kota-bekasi",
                    ],
                ),
                "Peringkat difinalkan": (
                    ["—"],
                    [
                        "Tahap: Seleksi nasional (2020)",
                        "Kategori: Pemerintah Kabupaten/Kota (2020)",
                        "Peringkat: 3",
                        "Total: 86,00",
                        "Predikat: —",
                        "Maju: ya",
                    ],
                ),
                "Penghargaan diberikan": (
                    ["—"],
                    [
                        "Kategori: Pemerintah Kabupaten/Kota (2020)",
                        "Peringkat final: Dewan juri nasional 2020 — Pemerintah Kabupaten/Kota",
                        "Jenis: Berperingkat",
                        "Predikat: Peringkat III",
                        "Judul: Peringkat III",
                        "Peringkat nasional: 3",
                        "Provinsi: —",
                        "Zona: —",
                    ],
                ),
            },
        ),
        (
            "en",
            {
                "Interview recorded": (
                    ["Date and time: —", "Video link: —"],
                    [
                        "Date and time: 15 June 2021, 13:00",
                        "Video link: https://vicon.paritrana.test/2020/pemerintah-kabupaten-kota"
                        "/kota-bekasi",
                    ],
                ),
                "Ranking finalised": (
                    ["—"],
                    [
                        "Stage: National selection (2020)",
                        "Category: Pemerintah Kabupaten/Kota (2020)",
                        "Rank: 3",
                        "Total: 86.00",
                        "Label: —",
                        "Advanced: yes",
                    ],
                ),
                "Award given": (
                    ["—"],
                    [
                        "Category: Pemerintah Kabupaten/Kota (2020)",
                        "Finalised ranking: National jury 2020 — Pemerintah Kabupaten/Kota",
                        "Kind: Ranked",
                        "Label: 3rd place",  # the choice, as SPEC §1's glossary says it
                        "Title: Peringkat III",
                        "National rank: 3",
                        "Province: —",
                        "Zone: —",
                    ],
                ),
            },
        ),
    ],
)
def test_the_national_round_reads_in_the_page_language(client, demo_accounts, language, expected):
    """Kota Bekasi 2020 in the demo: an interview's time in Jakarta time (recorded in UTC), a
    ranking's stage and category by name, its total as a number of the page, an award's
    ranking by name; the jurors by their names."""
    nomination = Nomination.objects.get(
        candidate__name="Pemerintah Kota Bekasi", category__edition__year=2020
    )
    rows = _rows(_page(client, demo_accounts, nomination, language))
    first = {}
    for _seq, when, who, what, before, after, _reason in rows:
        first.setdefault(what, (before, after))
        assert re.fullmatch(r"\d{1,2} \w+ 20\d\d, \d\d[.:]\d\d", when)
        assert "@" not in who
    assert {what: first[what] for what in expected} == expected
    jurors = {who for _s, _w, who, what, *_rest in rows}
    assert jurors == {"Ketua Dewan Juri", "Anggota Dewan Juri", "Anggota Dewan Juri (Kemendagri)"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["Jenis: Terbaik di zona", "Zona: Nusa Tenggara–Maluku–Papua"]),
        ("en", ["Kind: Best in the zone", "Zone: Nusa Tenggara–Maluku–Papua"]),
    ],
)
def test_an_awards_zone_reads_by_its_name(language, expected):
    """An award keeps its zone's code without the list of zones: the provinces' is read."""
    from django.utils import timezone, translation

    from audit.models import AuditRecord
    from audit.presentation import record_rows

    record = AuditRecord(
        seq=1,
        at=timezone.now(),
        actor="system",
        action="award.give",
        target_type="scoring.award",
        target_id="1",
        new={"zone": "nusa_tenggara_maluku_papua", "kind": "best_per_zone"},
    )
    with translation.override(language):
        (row,) = record_rows([record])
    assert [f"{line.label}: {line.value}" for line in row.after] == expected
