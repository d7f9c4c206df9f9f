"""How an import reads an XLSX (calamine, and openpyxl where calamine would read differently),
how it sizes one, and how it checks and writes a file chunk after chunk: row numbers as the
spreadsheet program shows them, the same values as before, all or nothing across chunks."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.utils import translation

from audit.models import AuditRecord
from candidates import spreadsheets
from candidates.enums import CandidateKind, ImportStatus, NominationState
from candidates.models import Candidate, Category, Edition, Nomination
from candidates.spreadsheet_columns import (
    _empty,
    _openpyxl_values,
    _xlsx_size,
    _xlsx_values,
)
from paritrana.bulk import bulk_insert
from tests.candidates.test_spreadsheets import (
    BUSINESS,
    GORONTALO,
    GOVERNMENT,
    B,
    business_row,
    counts,
    government_row,
    in_id,
    upload_as,
    write_xlsx,
)

# The check of an upload is a task, run here in-process as without a broker.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_accounts_once", "tasks_in_process"),
]

NOT_XLSX = "This is not a readable XLSX workbook. Save it again as .xlsx or .csv."


def _sheet_xml(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _with_sheet_xml(path, change) -> None:
    """Rewrite the workbook at `path` with its sheet XML passed through `change`."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info, content)


def _book(path, placed: dict[str, list], sheets=("Data",), filled="Data") -> str:
    """A workbook of `sheets` whose sheet `filled` (the others stay empty) holds `placed`:
    cell coordinate → a row of values from there to the right."""
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    sheet = book[filled]
    for coordinate, values in placed.items():
        first = sheet[coordinate]
        for offset, value in enumerate(values):
            sheet.cell(row=first.row, column=first.column + offset, value=value)
    book.save(path)
    return str(path)


def _row(i, **changes) -> list:
    values = business_row(i, **changes)
    return [values[c.field] for c in BUSINESS]


HEADER = [c.header for c in BUSINESS]


# ---------------------------------------------------------------------------------------------
# Row numbers


def test_gaps_and_a_leading_empty_column_keep_the_spreadsheets_row_numbers(demo_accounts, tmp_path):
    # The table starts in column B; rows 3, 4 and 6 are empty.
    path = _book(
        tmp_path / "a.xlsx",
        {
            "B1": HEADER,
            "B2": _row(1),
            "B5": _row(2, employees_total=-1),
            "B7": _row(1),
        },
    )

    job = upload_as(demo_accounts[GORONTALO], path)

    assert (job.status, job.total_rows) == (ImportStatus.INVALID, 3)
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (5, "Jumlah pekerja"),
        (7, "NPP"),
    ]
    assert job.errors[1]["message"] == in_id("This NPP is already on row %(row)s.", row=2)
    assert [number for number, _cells in job.preview["rows"]] == [2, 5, 7]


def test_a_sheet_whose_first_rows_are_empty_is_asked_for_its_headers_in_row_1(
    demo_accounts, tmp_path
):
    path = _book(tmp_path / "a.xlsx", {"A3": HEADER, "A4": _row(1)})
    with open(path, "rb") as handle:
        assert list(_xlsx_values(handle)) == []

    job = upload_as(demo_accounts[GORONTALO], path)

    with translation.override("id"):
        message = translation.gettext("Row 1 must hold the column headers of the template.")
    assert (job.status, job.errors) == (
        ImportStatus.INVALID,
        [{"row": 1, "column": "", "message": message}],
    )


# ---------------------------------------------------------------------------------------------
# Values


def _parsed(rows) -> list:
    """Every cell of every row through the business columns' readers, as the check reads it."""
    parsed = []
    for number, cells in rows:
        if number == 1:
            continue
        values = []
        for column, raw in zip(BUSINESS, cells, strict=False):
            if _empty(raw):
                values.append(None)
                continue
            try:
                values.append(spreadsheets._PARSERS[column.type](raw, column))
            except spreadsheets._CellError as error:
                values.append(("error", str(error)))
        shown = [spreadsheets._display(raw, c) for c, raw in zip(BUSINESS, cells, strict=False)]
        parsed.append((number, values, shown))
    return parsed


def test_calamine_reads_what_openpyxl_read(tmp_path):
    rows = [
        business_row(
            1,
            npp=75000001,
            regency=75.71,
            employees_total="1.234",
            employees_registered=1200.0,
            jkk_enrolled="1.200",
            reported_wages="Rp 1.500.000.000",
            actual_payroll=2**40,
            arrears_months=1.5,
            contractors=True,
            data_date=date(2021, 12, 31),
        ),
        business_row(
            2,
            npp=" 75000002 ",
            regency="75.02",
            scale="Kecil dan Mikro",
            data_date=datetime(2021, 6, 30, 8, 15),
            sector=12.0,
            justification=date(2021, 3, 1),
        ),
        business_row(3, regency=32.1, data_date="31/12/2021", sector=" "),
    ]
    path = write_xlsx(tmp_path / "jenis.xlsx", rows)
    assert 't="e"' not in _sheet_xml(path).decode()  # read by calamine, not openpyxl

    with open(path, "rb") as handle, translation.override("en"):
        read = _parsed(_xlsx_values(handle))
        handle.seek(0)
        before = _parsed(_openpyxl_values(handle))

    assert read == before
    first, second, third = (values for _number, values, _display in read)
    assert first[:7] == [
        "75000001",
        "PT Usaha Gorontalo 1",
        "Perdagangan",
        "medium",
        "75.71",
        1234,
        1200,
    ]
    assert first[12:17] == [1_500_000_000, 2**40, "1.5", "True", 30]
    assert (second[0], second[2], second[3], second[20]) == (
        "75000002",
        "12",
        "small_micro",
        "01/03/2021",
    )
    assert (first[19], second[19], third[19]) == (
        date(2021, 12, 31),
        date(2021, 6, 30),
        date(2021, 12, 31),
    )
    assert (third[2], third[4]) == (None, "32.10")


def test_an_error_cell_is_refused_as_before(demo_accounts, tmp_path):
    # calamine reads #N/A as an empty cell; the import reads such a sheet with openpyxl, which
    # gives its text, refused as not a number instead of saved as a blank figure.
    path = write_xlsx(tmp_path / "a.xlsx", [business_row(1), business_row(2)])
    _with_sheet_xml(
        path,
        lambda xml: re.sub(rb'<c r="F3"[^>]*>.*?</c>', b'<c r="F3" t="e"><v>#N/A</v></c>', xml),
    )

    job = upload_as(demo_accounts[GORONTALO], path)

    assert job.errors == [
        {"row": 3, "column": "Jumlah pekerja", "message": in_id("Enter a whole number.")}
    ]


@pytest.mark.parametrize(
    ("sheets", "filled"), [(("Petunjuk", "Data"), "Data"), (("Lembar1", "Lain"), "Lembar1")]
)
def test_the_sheet_data_is_read_and_else_the_first_worksheet(
    demo_accounts, tmp_path, sheets, filled
):
    path = _book(tmp_path / "a.xlsx", {"A1": HEADER, "A2": _row(1)}, sheets, filled)

    job = spreadsheets.import_confirm(job=upload_as(demo_accounts[GORONTALO], path))

    assert (job.status, job.nominations_created) == (ImportStatus.DONE, 1)


def test_a_workbook_without_its_parts_is_refused_with_the_same_message(demo_accounts, tmp_path):
    # A ZIP that passes the upload's checks ([Content_Types].xml, sizes) but holds no workbook.
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")

    job = upload_as(demo_accounts[GORONTALO], path)

    assert (job.status, job.errors) == (
        ImportStatus.INVALID,
        [{"row": None, "column": "", "message": in_id(NOT_XLSX)}],
    )


# ---------------------------------------------------------------------------------------------
# Size


def test_the_size_of_a_sheet_is_read_from_its_dimension_or_counted(tmp_path):
    recorded = write_xlsx(tmp_path / "a.xlsx", [business_row(i) for i in range(7)])
    assert b"<dimension " in _sheet_xml(recorded)
    # openpyxl's write-only mode records no size: the rows are counted as the sheet unpacks,
    # here across several megabytes.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(HEADER)
    for i in range(3_000):
        sheet.append(_row(i))
    book.save(tmp_path / "b.xlsx")
    assert b"<dimension " not in _sheet_xml(tmp_path / "b.xlsx")
    assert len(_sheet_xml(tmp_path / "b.xlsx")) > 2 * 1024 * 1024

    with open(recorded, "rb") as a, open(tmp_path / "b.xlsx", "rb") as b:
        assert (_xlsx_size(a), _xlsx_size(b)) == (7, 3_000)
    assert _xlsx_size(io.BytesIO(b"PK\x03\x04 not a zip")) is None


# ---------------------------------------------------------------------------------------------
# Chunks


def test_a_file_checked_and_written_in_chunks_is_still_all_or_nothing(
    demo_accounts, tmp_path, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "CHUNK_ROWS", 2)
    user = demo_accounts[GORONTALO]
    kota = Nomination.objects.get(category__edition__year=2021, candidate__regency_id="75.71")
    codes = ["75.01", "75.02", "75.03", "75.05", "75.71"]
    path = write_xlsx(tmp_path / "a.xlsx", [government_row(c) for c in codes], GOVERNMENT)
    job = upload_as(user, path, kind="government")
    assert (job.status, job.total_rows) == (ImportStatus.VALIDATED, 5)
    assert job.checked_rows.read().splitlines()[1].startswith(b"[2,")  # a row a line
    # Submitted after the check: its row is in the last chunk, after two chunks were written.
    Nomination.objects.filter(pk=kota.pk).update(state=NominationState.SUBMITTED)
    before = (counts(), AuditRecord.objects.count())

    job = spreadsheets.import_confirm(job=job)

    assert (job.status, [(e["row"], e["column"]) for e in job.errors]) == (
        ImportStatus.INVALID,
        [(6, spreadsheets.HEADERS["government"]["region"])],
    )
    assert (counts(), AuditRecord.objects.count()) == before


def test_a_file_in_chunks_is_checked_and_imported_whole(demo_accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "CHUNK_ROWS", 2)
    user = demo_accounts[GORONTALO]
    duplicate = write_xlsx(
        tmp_path / "a.xlsx", [business_row(1), business_row(2), business_row(3), business_row(1)]
    )
    assert [(e["row"], e["column"]) for e in upload_as(user, duplicate).errors] == [(5, "NPP")]
    before = counts()

    job = spreadsheets.import_confirm(
        job=upload_as(user, write_xlsx(tmp_path / "b.xlsx", [business_row(i) for i in range(5)]))
    )

    assert (job.status, job.total_rows, job.nominations_created) == (ImportStatus.DONE, 5, 5)
    assert counts()["nominations"] == before["nominations"] + 5
    assert AuditRecord.objects.filter(reason__contains=f" {job.pk}.").count() == 15


def test_errors_past_those_kept_are_counted(demo_accounts, tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_STORED_ERRORS", 3)
    rows = [business_row(i, employees_total=-1, jkk_enrolled=-1) for i in range(3)]

    job = upload_as(demo_accounts[GORONTALO], write_xlsx(tmp_path / "a.xlsx", rows))

    assert job.error_count == 6
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "Jumlah pekerja"),
        (2, B["jkk_enrolled"]),
        (3, "Jumlah pekerja"),
    ]


# ---------------------------------------------------------------------------------------------
# Writing


def test_insert_gives_ids_and_keeps_the_objects_referred_to(
    demo_accounts, django_assert_num_queries
):
    category = Category.objects.filter(
        edition=Edition.objects.get(year=2021), candidate_kind=CandidateKind.BUSINESS
    ).first()
    candidates = [
        Candidate(
            kind=CandidateKind.BUSINESS,
            npp=f"7599{i:04d}",
            name=f"PT {i}",
            scale="large",
            regency_id="75.71",
        )
        for i in range(3)
    ]
    nominations = [Nomination(candidate=c, category=category) for c in candidates]

    bulk_insert(Candidate, candidates)
    bulk_insert(Nomination, nominations)

    with django_assert_num_queries(0):
        assert [n.candidate_id for n in nominations] == [c.pk for c in candidates]
        assert [n.candidate.name for n in nominations] == ["PT 0", "PT 1", "PT 2"]
        assert all(n.created_at and n.updated_at and not n._state.adding for n in nominations)
    stored = Nomination.objects.filter(pk__in=[n.pk for n in nominations]).order_by("pk")
    assert [(n.candidate.npp, n.state, n.category_id) for n in stored] == [
        (c.npp, NominationState.DRAFT, category.pk) for c in candidates
    ]
