"""The export of the nominations a user may see (SPEC §5), as CSV or XLSX, in memory that does not
grow with the rows: a branch may hold hundreds of thousands of nominations.

The rows are read with one query (a server-side cursor, CHUNK_ROWS at a time) as plain values,
the regions and the edition joined in, instead of a model object per nomination and row. The CSV
is streamed as it is written; the XLSX is written with openpyxl's write-only workbook into a
temporary file (deleted when the response is closed), which the view streams. Both hold what the
import-export resource of the first version wrote, byte for byte for the CSV and cell for cell for
the XLSX (bold header, frozen first row, columns as wide as their longest text, wrapped
multi-line cells): formula-like text is escaped (spreadsheets.escape_cell); the headers are
Bahasa Indonesia, the states and labels in the user's language."""

import codecs
import csv
import io
import marshal
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import Candidate, Nomination
from .selectors import nominations_visible_to
from .spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, escape_cell

HEADERS = (
    "Tahun",
    "Kategori",
    "Kandidat",
    "Jenis kandidat",
    "NPP",
    "Provinsi",
    "Kabupaten/kota",
    "Status",
    "Hasil provinsi",
    "Hasil nasional",
    "Peringkat nasional",
)
SHEET_TITLE = "Nominasi"
ORDER = ("-category__edition__year", "category__order", "candidate__name", "pk")
# Rows fetched from the database, and written to the response, at a time.
CHUNK_ROWS = 2_000


@dataclass
class Export:
    content: Iterator[bytes] | IO[bytes]  # CSV: chunks to stream; XLSX: an open temporary file
    content_type: str
    filename: str


class ExportTooLarge(Exception):
    """An XLSX export of more rows than PARITRANA_XLSX_EXPORT_MAX_ROWS."""

    def __init__(self, rows: int, limit: int):
        super().__init__(rows, limit)
        self.rows, self.limit = rows, limit


def nominations_export(*, user, fmt: str) -> Export:
    """The nominations the user may see (selectors.nominations_visible_to), newest edition
    first, as XLSX or CSV. One query for the rows, whatever their number; the caller streams
    `content` (and closes the XLSX file, which deletes it). An XLSX of more rows than
    PARITRANA_XLSX_EXPORT_MAX_ROWS raises ExportTooLarge before anything is written: it could
    not be written within a request (the CSV can)."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"Unknown export format {fmt!r}")
    if fmt == "xlsx":
        limit = settings.PARITRANA_XLSX_EXPORT_MAX_ROWS
        count = nominations_visible_to(user).count()
        if count > limit:
            raise ExportTooLarge(count, limit)
    rows = nomination_rows(user)
    name = f"paritrana-nominasi-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return Export(write_xlsx(rows), XLSX_CONTENT_TYPE, name)
    return Export(csv_chunks(rows), CSV_CONTENT_TYPE, name)


def _labels(model, field: str) -> dict:
    """A choice field's labels, translated now (the request's language), by value."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def nomination_rows(user) -> Iterator[list]:
    """The export's rows (HEADERS' columns), escaped, read from the database as they are used.
    The labels are translated when this is called, in the language active then."""
    kinds = _labels(Candidate, "kind")
    states = _labels(Nomination, "state")
    results = _labels(Nomination, "provincial_label") | _labels(Nomination, "national_label")
    values = (
        nominations_visible_to(user)
        .order_by(*ORDER)
        .values_list(
            "category__edition__year",
            "category__name",
            "candidate__name",
            "candidate__kind",
            "candidate__npp",
            Coalesce("candidate__province__name", "candidate__regency__province__name"),
            "candidate__regency__name",
            # As the user may see it: a national outcome not yet published to them reads as the
            # state before it, without label or rank (selectors.seen_by).
            "shown_state",
            "provincial_label",
            "national_label",
            "national_rank",
            "outcome_withheld",
        )
    )

    def rows():
        for (
            year,
            category,
            name,
            kind,
            npp,
            province,
            regency,
            state,
            prov,
            nat,
            rank,
            withheld,
        ) in values.iterator(chunk_size=CHUNK_ROWS):
            if withheld:
                nat, rank = "", None
            row = (
                year,
                category,
                name,
                kinds.get(kind, kind),
                npp or "",
                province,
                regency or "",
                states.get(state, state),
                results.get(prov, prov) if prov else "",
                results.get(nat, nat) if nat else "",
                rank,
            )
            yield [escape_cell(value) for value in row]

    return rows()


def csv_chunks(rows: Iterable[list]) -> Iterator[bytes]:
    """The CSV (UTF-8 with a byte-order mark, so that Excel reads it right), CHUNK_ROWS rows a
    chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    yield codecs.BOM_UTF8
    for chunk in batched(rows, CHUNK_ROWS):
        writer.writerows(chunk)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def write_xlsx(rows: Iterable[list]) -> IO[bytes]:
    """The workbook in an open temporary file (at its start; deleted once closed). Each column is
    as wide as its longest text, which must be written before the first row: the rows go to a
    spool file first (marshal, a chunk at a time) while their widths are measured, then from it
    into openpyxl's write-only sheet."""
    widths = [len(header) for header in HEADERS]
    with tempfile.TemporaryFile() as spool:
        for chunk in batched(rows, CHUNK_ROWS):
            for row in chunk:
                for i, value in enumerate(row):
                    widths[i] = max(widths[i], len(str(value)))
            marshal.dump(chunk, spool)
        spool.seek(0)
        book = Workbook(write_only=True)
        sheet = book.create_sheet(SHEET_TITLE)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        bold, wrap = Font(bold=True), Alignment(wrap_text=True)
        sheet.append([_cell(sheet, header, font=bold) for header in HEADERS])
        while True:
            try:
                chunk = marshal.load(spool)  # noqa: S302 - the spool this function wrote
            except EOFError:
                break
            for row in chunk:
                sheet.append(
                    [
                        _cell(sheet, value, alignment=wrap)
                        if isinstance(value, str) and "\n" in value
                        else value
                        for value in row
                    ]
                )
        output = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
        try:
            book.save(output)
        except BaseException:
            output.close()
            raise
    output.seek(0)
    return output


def batched(rows: Iterable[list], size: int) -> Iterator[list[list]]:
    """Lists of `size` rows (the last one shorter); itertools.batched from Python 3.12 on."""
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell
