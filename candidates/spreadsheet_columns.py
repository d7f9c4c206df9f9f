"""Columns and cell readers of the spreadsheet templates: what each column holds, its Bahasa
Indonesia header, and how a cell is read whatever a spreadsheet program stored in it.
Used by candidates.spreadsheets (import, templates and export)."""

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from xml.etree import ElementTree

import openpyxl
import python_calamine
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import validators
from .enums import BusinessScale, ImportKind
from .models import BusinessData, GovernmentData, ImportJob

# PositiveBigIntegerField holds at most this.
MAX_COUNT = 2**63 - 1

# ---------------------------------------------------------------------------------------------
# Columns


TEXT, COUNT, NPP, SCALE, REGENCY_CODE, REGION_CODE, EMAIL, DATE = (
    "text",
    "count",
    "npp",
    "scale",
    "regency_code",
    "region_code",
    "email",
    "date",
)


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # Bahasa Indonesia, the same in every language
    type: str = COUNT
    required: bool = False
    max_length: int | None = None
    help: Promise | str = ""
    width: int = 18
    # A text column's validator (candidates.validators), raising ValidationError.
    check: Callable[[str], str] | None = None


def _verbose(model, name) -> Promise:
    return model._meta.get_field(name).verbose_name


_DATA_DATE_HELP = gettext_lazy(
    "Optional: the date the figures were taken. It must fall within the assessment year; it "
    "is checked, not stored."
)
_JUSTIFICATION_HELP = gettext_lazy(
    "Required when a ratio between two sources is above 100 % (the check names the ratio)."
)

BUSINESS_COLUMNS = (
    Column(
        "npp",
        "NPP",
        NPP,
        required=True,
        help=gettext_lazy("BPJS employer registration number: 5 to 20 letters and digits."),
        width=14,
    ),
    Column(
        "name",
        "Nama badan usaha",
        TEXT,
        required=True,
        max_length=200,
        help=gettext_lazy("The business's legal name."),
        width=32,
        check=validators.normalise_name,
    ),
    Column("sector", "Sektor", TEXT, max_length=100, help=gettext_lazy("Optional."), width=20),
    Column(
        "scale",
        "Skala (besar/menengah/kecil_mikro)",
        SCALE,
        required=True,
        help=gettext_lazy("besar, menengah or kecil_mikro; it chooses the category."),
        width=20,
    ),
    Column(
        "regency",
        "Kode kabupaten/kota",
        REGENCY_CODE,
        required=True,
        help=gettext_lazy("Kemendagri code of the regency/city, e.g. 75.71 (sheet Kode wilayah)."),
        width=14,
    ),
    *(
        Column(name, header, help=_verbose(BusinessData, name))
        for name, header in (
            ("employees_total", "Jumlah pekerja"),
            ("employees_registered", "Pekerja terdaftar"),
            ("jkk_enrolled", "Peserta JKK"),
            ("jkm_enrolled", "Peserta JKM"),
            ("jht_enrolled", "Peserta JHT"),
            ("jp_enrolled", "Peserta JP"),
            ("jkp_enrolled", "Peserta JKP"),
            ("reported_wages", "Upah dilaporkan ke BPJS (Rp)"),
            ("actual_payroll", "Upah sebenarnya (Rp)"),
            ("arrears_months", "Tunggakan iuran (bulan)"),
            ("contractors", "Jumlah kontraktor"),
            ("contractor_workers", "Pekerja kontraktor"),
            ("contractor_workers_registered", "Pekerja kontraktor terdaftar"),
            ("csr_vulnerable_workers", "Pekerja rentan dilindungi melalui CSR"),
        )
    ),
    Column("data_date", "Tanggal data", DATE, help=_DATA_DATE_HELP, width=14),
    Column("justification", "Justifikasi", TEXT, help=_JUSTIFICATION_HELP, width=40),
)

GOVERNMENT_COLUMNS = (
    Column(
        "region",
        "Kode wilayah (provinsi/kabupaten/kota)",
        REGION_CODE,
        required=True,
        help=gettext_lazy(
            "Kemendagri code: 2 digits for a provincial government (e.g. 75), 2.2 digits for a "
            "regency/city government (e.g. 75.71)."
        ),
        width=16,
    ),
    *(
        Column(name, header, TEXT, max_length=150, help=_verbose(GovernmentData, name), width=24)
        for name, header in (
            ("head_of_region", "Kepala daerah"),
            ("contact_name", "Petugas penghubung"),
            ("contact_position", "Jabatan petugas penghubung"),
        )
    ),
    Column(
        "contact_email",
        "Email petugas penghubung",
        EMAIL,
        max_length=254,
        help=_verbose(GovernmentData, "contact_email"),
        width=24,
    ),
    Column(
        "contact_phone",
        "Telepon petugas penghubung",
        TEXT,
        max_length=30,
        help=_verbose(GovernmentData, "contact_phone"),
        width=18,
    ),
    *(
        Column(name, header, help=_verbose(GovernmentData, name))
        for name, header in (
            ("working_age_population", "Penduduk usia kerja"),
            ("labour_force", "Angkatan kerja"),
            ("formal_workers", "Pekerja formal"),
            ("informal_workers", "Pekerja informal"),
            ("active_pu", "Peserta PU aktif"),
            ("active_bpu", "Peserta BPU aktif"),
            ("bpu_apbd_vulnerable", "Pekerja rentan BPU dibiayai APBD"),
            ("non_asn_total", "Pegawai non-ASN"),
            ("non_asn_covered", "Pegawai non-ASN terlindungi"),
            ("employers_registered", "Pemberi kerja terdaftar"),
            ("apbd_contribution_budget", "Anggaran iuran APBD (Rp)"),
        )
    ),
    Column("data_date", "Tanggal data", DATE, help=_DATA_DATE_HELP, width=14),
    Column("justification", "Justifikasi", TEXT, help=_JUSTIFICATION_HELP, width=40),
)

COLUMNS = {ImportKind.BUSINESS: BUSINESS_COLUMNS, ImportKind.GOVERNMENT: GOVERNMENT_COLUMNS}
HEADERS = {kind: {c.field: c.header for c in columns} for kind, columns in COLUMNS.items()}

_GOVERNMENT_TEXTS = (
    "head_of_region",
    "contact_name",
    "contact_position",
    "contact_email",
    "contact_phone",
)
_DATA_FIELDS = {
    ImportKind.BUSINESS: (*validators.BUSINESS_COUNTS, "justification"),
    ImportKind.GOVERNMENT: (*_GOVERNMENT_TEXTS, *validators.GOVERNMENT_COUNTS, "justification"),
}
_COUNTS = {
    ImportKind.BUSINESS: validators.BUSINESS_COUNTS,
    ImportKind.GOVERNMENT: validators.GOVERNMENT_COUNTS,
}


def _normal_header(text) -> str:
    return " ".join(str(text).split()).casefold()


# ---------------------------------------------------------------------------------------------
# Reading cells: a spreadsheet program stores what it likes (an int as 12.0, a date as a date,
# a number typed as text with Indonesian thousand separators, a code 32.10 as the number 32.1).


class _CellError(Exception):
    pass


_DIGITS = re.compile(r"[+-]?\d+")
# Indonesian thousand separators (1.234.567), optionally with a zero decimal part (1.234,00).
_GROUPED = re.compile(r"([+-]?\d{1,3}(?:\.\d{3})+|[+-]?\d+)(?:,0+)?")
# 32.75, 32,75 (a decimal comma), 3275, 32.1 (32.10 once a program took it for a number), 32.
_CODE = re.compile(r"(\d{2})(?:[.,](\d{1,2})|(\d{2}))?")
_SCALES = {
    **dict.fromkeys(["besar", "usahabesar", "large"], BusinessScale.LARGE),
    **dict.fromkeys(["menengah", "usahamenengah", "medium"], BusinessScale.MEDIUM),
    **dict.fromkeys(
        [
            "kecilmikro",
            "kecildanmikro",
            "usahakecildanmikro",
            "kecil",
            "mikro",
            "umkm",
            "ukm",
            "smallmicro",
        ],
        BusinessScale.SMALL_MICRO,
    ),
}
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")


def _whole(value) -> int | None:
    """A float or Decimal that is a whole number, as an int; None otherwise."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else None
    return None


def _count(raw, column):
    """An int; text that is not a whole number is passed on for validators to name."""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float | Decimal):
        number = _whole(raw)
        if number is None:
            return str(raw)
    elif isinstance(raw, date | datetime):
        raise _CellError(_("Enter a whole number, not a date."))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
        if text[:2].casefold() == "rp":
            text = text[2:].lstrip(".")
        match = _GROUPED.fullmatch(text)
        if not match:
            return str(raw).strip()
        number = int(match.group(1).replace(".", ""))
    if abs(number) > MAX_COUNT:
        raise _CellError(_("This number is too large."))
    return number


def _text(raw, column) -> str:
    if isinstance(raw, datetime | date):
        text = raw.strftime("%d/%m/%Y")
    elif isinstance(raw, float | Decimal) and _whole(raw) is not None:
        # A phone number or a name typed into a number cell.
        text = str(_whole(raw))
    else:
        text = str(raw).strip()
    if column.max_length and len(text) > column.max_length:
        raise _CellError(
            _("At most %(max)s characters (this has %(length)s).")
            % {"max": column.max_length, "length": len(text)}
        )
    if column.check is not None:
        try:
            return column.check(text)
        except ValidationError as error:
            raise _CellError(" ".join(error.messages)) from None
    return text


def _npp(raw, column) -> str:
    text = _text(raw, column) if not isinstance(raw, int) else str(raw)
    try:
        return validators.normalise_npp(text)
    except ValidationError as error:
        raise _CellError(" ".join(error.messages)) from None


def _scale(raw, column) -> str:
    key = re.sub(r"[^a-z]", "", str(raw).casefold())
    if key not in _SCALES:
        raise _CellError(_("Use one of: besar, menengah, kecil_mikro."))
    return _SCALES[key]


def _code(raw) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        text = str(raw)
    elif isinstance(raw, float | Decimal):
        # 32.10 typed into a number cell is stored as 32.1.
        text = str(_whole(raw)) if _whole(raw) is not None else f"{raw:.2f}"
    else:
        text = str(raw).strip()
    match = _CODE.fullmatch(text)
    if not match:
        return None
    province, regency, undotted = match.groups()
    regency = regency or undotted
    if regency is None:
        return province
    return f"{province}.{regency.ljust(2, '0')}"


def _regency_code(raw, column) -> str:
    code = _code(raw)
    if code is None or "." not in code:
        raise _CellError(_("Enter the regency/city code with its province, e.g. 75.71."))
    return code


def _region_code(raw, column) -> str:
    code = _code(raw)
    if code is None:
        raise _CellError(
            _("Enter a Kemendagri code: 2 digits for a province (e.g. 75), 2.2 for a regency/city.")
        )
    return code


def _email(raw, column) -> str:
    text = _text(raw, column)
    try:
        validate_email(text)
    except ValidationError as error:
        raise _CellError(" ".join(error.messages)) from None
    return text


def _date(raw, column) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(_("Enter a date such as 31/12/%(year)s.") % {"year": timezone.now().year})


_PARSERS: dict[str, Callable] = {
    COUNT: _count,
    TEXT: _text,
    NPP: _npp,
    SCALE: _scale,
    REGENCY_CODE: _regency_code,
    REGION_CODE: _region_code,
    EMAIL: _email,
    DATE: _date,
}


def _empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _display(raw, column):
    """A cell as the preview shows it (JSON-safe); blanks as nothing. A number stays a number
    (shown as a figure, 40.000) only in a count column: a phone number, an NPP or a code typed
    into a number cell is shown as written (81234567890)."""
    if _empty(raw):
        return ""
    if isinstance(raw, datetime | date):
        return raw.strftime("%d/%m/%Y")
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int | float | Decimal):
        whole = raw if isinstance(raw, int) else _whole(raw)
        if whole is None:
            return str(raw)
        return whole if column.type == COUNT else str(whole)
    return str(raw)


# ---------------------------------------------------------------------------------------------
# Reading files
#
# An XLSX is read with calamine (Rust), several times faster than openpyxl's streaming reader:
# calamine holds the sheet in compact cells and Python sees one row at a time. calamine reads
# every number as a float (exact up to 2**53, as Excel keeps 15 digits) and a date cell as a
# date; the cell readers above take both. It reads an error cell (#N/A, #DIV/0!) as empty,
# where openpyxl reads its text, which the checks refuse ("Enter a whole number.") instead of
# saving a blank figure: a sheet with an error cell, and a workbook calamine cannot open, is
# read with openpyxl as before.


class _FileError(Exception):
    """The file as a whole cannot be read."""


def _not_a_workbook() -> _FileError:
    return _FileError(_("This is not a readable XLSX workbook. Save it again as .xlsx or .csv."))


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The ZIP member of the sheet an import reads (Data, else the first worksheet) as the
    workbook's relationships name it; None when the workbook does not say it plainly. (The two
    parts are small: validators.validate_xlsx_archive has bounded them; expat refuses entity
    expansion bombs.)"""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {}
    for relationship in relationships.iter(f"{_PACKAGE_NS}Relationship"):
        if relationship.get("Type", "").endswith("/worksheet"):
            target = relationship.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[relationship.get("Id")] = part
    sheets = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        part = targets.get(sheet.get(f"{_REL_NS}id"))
        if part is not None:
            sheets.setdefault(sheet.get("name"), part)
    return sheets.get("Data", next(iter(sheets.values()), None))


_PIECE = 1024 * 1024
_OVERLAP = 64  # longer than any pattern below


def _pieces(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A member unpacked a megabyte at a time, each piece after the first starting with the
    last _OVERLAP bytes of the one before, so that a pattern split between two is found."""
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(_PIECE):
            piece = tail + block
            yield piece
            tail = piece[-_OVERLAP:]


_SHEET_DATA = re.compile(rb"<(?:\w{1,20}:)?sheetData\b")
_DIMENSION = re.compile(
    rb"<(?:\w{1,20}:)?dimension\b[^>]*?\sref\s*=\s*[\"'][A-Z]*(\d+)(?::[A-Z]*(\d+))?[\"']"
)
_ROW = re.compile(rb"<(?:\w{1,20}:)?row[\s/>]")
_ERROR_CELL = re.compile(rb"\st\s*=\s*[\"']e[\"']")


def _xlsx_size(handle) -> int | None:
    """The data rows of the sheet an import reads: from the size the sheet records (its
    dimension, as Excel and LibreOffice write it), else by counting its rows as it unpacks;
    None when the workbook cannot be read so."""
    try:
        with zipfile.ZipFile(handle) as archive:
            part = _sheet_part(archive)
            if part is None:
                return None
            rows = 0
            for number, piece in enumerate(_pieces(archive, part)):
                if number == 0:
                    data = _SHEET_DATA.search(piece)
                    dimension = _DIMENSION.search(piece, 0, data.start() if data else len(piece))
                    if dimension:
                        return max(int(dimension[2] or dimension[1]) - 1, 0)
                rows += sum(
                    1 for row in _ROW.finditer(piece) if number == 0 or row.end() > _OVERLAP
                )
            return max(rows - 1, 0)
    except Exception:  # zipfile and zlib errors alike: the check reports an unreadable file
        return None
    finally:
        handle.seek(0)


def _calamine_sheet(handle):
    """The sheet an import reads, loaded by calamine; None when it should be read with
    openpyxl (an error cell somewhere, or a workbook calamine cannot open)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            part = _sheet_part(archive)
            if part is None or any(_ERROR_CELL.search(p) for p in _pieces(archive, part)):
                return None
        handle.seek(0)
        with python_calamine.CalamineWorkbook.from_filelike(handle) as book:
            names = [
                sheet.name
                for sheet in book.sheets_metadata
                if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            return book.get_sheet_by_name("Data" if "Data" in names else names[0])
    except Exception:  # zipfile, zlib and calamine errors alike: openpyxl has its say
        return None
    finally:
        handle.seek(0)


def _xlsx_values(handle) -> Iterator[tuple[int, list | tuple]]:
    """The rows of the sheet Data (else the first worksheet), numbered as spreadsheet programs
    number them, from row 1; an empty cell is None or ""."""
    sheet = _calamine_sheet(handle)
    if sheet is None:
        yield from _openpyxl_values(handle)
        return
    if sheet.start is None or sheet.start[0] > 0:
        return  # row 1 is empty (or the whole sheet): the check asks for the headers there
    # From row 1 calamine's rows are the sheet's rows, empty ones in between included.
    yield from enumerate(sheet.iter_rows(), start=1)


def _openpyxl_values(handle) -> Iterator[tuple[int, tuple]]:
    """Values only, numbered by position (rows the file skips come back empty from openpyxl,
    so the numbering holds)."""
    try:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML and openpyxl errors alike
        raise _not_a_workbook() from error
    try:
        sheet = book["Data"] if "Data" in book.sheetnames else book.worksheets[0]
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    finally:
        book.close()


def _decode(raw: bytes) -> str:
    # Spreadsheet programs save CSV as UTF-8 (often with a BOM) or in the Windows code page.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _csv_rows(handle) -> Iterator[tuple[int, list]]:
    text = _decode(handle.read())
    if "\x00" in text:
        raise _FileError(_("This is not a CSV text file. Save it again as .xlsx or .csv."))
    first_line = text.split("\n", 1)[0]
    # Excel in an Indonesian locale separates with ";" (the comma is the decimal mark).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise _FileError(_("This CSV file cannot be read: %(error)s") % {"error": error}) from None


def _rows_of(job: ImportJob) -> Iterator[tuple[int, list]]:
    suffix = PurePath(job.file.name).suffix.lower()
    job.file.open("rb")
    try:
        if suffix == ".xlsx":
            yield from _xlsx_values(job.file)
        elif suffix == ".csv":
            yield from _csv_rows(job.file)
        else:
            raise _FileError(_("Upload an .xlsx or .csv file."))
    finally:
        job.file.close()
