"""Every validation of candidate data, written once and called by forms, API serializers and the
spreadsheet importer alike (SPEC §5).

Impossible data (a part larger than its whole within one source, a negative count, a year
outside the edition) is refused with a message at the field. Suspicious data (a ratio above
100 % between two sources, e.g. BPJS participants against BPS workers in a commuter city such as
Kota Bekasi) is accepted only with a written justification, and stays flagged.
"""

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pdf_content

IMPOSSIBLE = "impossible"
SUSPICIOUS = "suspicious"


@dataclass(frozen=True)
class Rule:
    """`part` (one field or the sum of several) must not exceed `whole`."""

    part: tuple[str, ...]
    whole: str
    kind: str
    message: str  # lazy; formatted with %(ratio)s

    @property
    def field(self) -> str:
        return self.part[0]


@dataclass(frozen=True)
class Floor:
    """`field`, when given, is at least `minimum`: below it the figure is implausible for any
    region of Indonesia (most likely thousands lost: "21.000" read as 21 by a spreadsheet in
    an English locale)."""

    field: str
    minimum: int
    kind: str
    message: str  # lazy; formatted with %(value)s and %(minimum)s


@dataclass(frozen=True)
class Finding:
    field: str
    kind: str
    message: str


GOVERNMENT_COUNTS = (
    "working_age_population",
    "labour_force",
    "formal_workers",
    "informal_workers",
    "active_pu",
    "active_bpu",
    "bpu_apbd_vulnerable",
    "non_asn_total",
    "non_asn_covered",
    "employers_registered",
    "apbd_contribution_budget",
)
GOVERNMENT_REQUIRED = ("head_of_region", "contact_name", *GOVERNMENT_COUNTS)
# Asked for, not required: how the panel reaches the contact officer.
GOVERNMENT_CONTACT = ("contact_position", "contact_email", "contact_phone")

PROGRAMMES = ("jkk", "jkm", "jht", "jp", "jkp")
BUSINESS_COUNTS = (
    "employees_total",
    "employees_registered",
    *(f"{p}_enrolled" for p in PROGRAMMES),
    "reported_wages",
    "actual_payroll",
    "arrears_months",
    "contractors",
    "contractor_workers",
    "contractor_workers_registered",
    "csr_vulnerable_workers",
)
# JKP (job-loss insurance) exists from 2022 (SPEC §1).
JKP_FROM_YEAR = 2022
MAX_ARREARS_MONTHS = 12

GOVERNMENT_RULES = (
    Rule(
        ("labour_force",),
        "working_age_population",
        IMPOSSIBLE,
        gettext_lazy("The labour force cannot exceed the working-age population (both BPS)."),
    ),
    Rule(
        ("formal_workers", "informal_workers"),
        "labour_force",
        IMPOSSIBLE,
        gettext_lazy("Formal plus informal workers cannot exceed the labour force (all BPS)."),
    ),
    Rule(
        ("non_asn_covered",),
        "non_asn_total",
        IMPOSSIBLE,
        gettext_lazy("Covered non-ASN staff cannot exceed the non-ASN staff total."),
    ),
    Rule(
        ("bpu_apbd_vulnerable",),
        "active_bpu",
        IMPOSSIBLE,
        gettext_lazy(
            "Vulnerable workers paid by the APBD are BPU participants: they cannot exceed the "
            "active BPU participants (both BPJS)."
        ),
    ),
    Rule(
        ("active_pu",),
        "formal_workers",
        SUSPICIOUS,
        gettext_lazy(
            "PU coverage is %(ratio)s %%: more wage-earner participants (BPJS) than formal "
            "workers (BPS)."
        ),
    ),
    Rule(
        ("active_bpu",),
        "informal_workers",
        SUSPICIOUS,
        gettext_lazy(
            "BPU coverage is %(ratio)s %%: more non-wage participants (BPJS) than informal "
            "workers (BPS)."
        ),
    ),
    # Figures implausible against the region's others: most likely thousands lost in one of
    # them (a CSV opened in a spreadsheet with another locale reads "21.000" as 21).
    Rule(
        ("non_asn_total",),
        "labour_force",
        SUSPICIOUS,
        gettext_lazy(
            "The non-ASN staff are %(ratio)s %% of the labour force: the government alone "
            "would employ more people than the region's whole labour force. Check that no "
            "thousands were lost (21.000 read as 21)."
        ),
    ),
    Rule(
        ("employers_registered",),
        "formal_workers",
        SUSPICIOUS,
        gettext_lazy(
            "%(ratio)s %% as many employers registered (BPJS) as formal workers (BPS): every "
            "employer would have fewer than one worker. Check that no thousands were lost "
            "(21.000 read as 21)."
        ),
    ),
    # The region's size: no regency, city or province of Indonesia has fewer than 5,000 people
    # of working age (the smallest regencies count about 20,000 inhabitants).
    Floor(
        "working_age_population",
        5_000,
        SUSPICIOUS,
        gettext_lazy(
            "A working-age population of %(value)s is smaller than any region's in Indonesia "
            "(at least %(minimum)s). Check that no thousands were lost (21.000 read as 21)."
        ),
    ),
)

BUSINESS_RULES = (
    *(
        Rule(
            (f"{p}_enrolled",),
            "employees_registered",
            IMPOSSIBLE,
            gettext_lazy(
                "Enrolment in a programme cannot exceed the employees registered with BPJS."
            ),
        )
        for p in PROGRAMMES
    ),
    Rule(
        ("employees_registered",),
        "employees_total",
        SUSPICIOUS,
        gettext_lazy(
            "%(ratio)s %% of employees registered: more registered with BPJS than the company "
            "reports employing."
        ),
    ),
    Rule(
        ("contractor_workers_registered",),
        "contractor_workers",
        SUSPICIOUS,
        gettext_lazy(
            "%(ratio)s %% of contractors' workers registered: more than the contractors report."
        ),
    ),
    Rule(
        ("reported_wages",),
        "actual_payroll",
        SUSPICIOUS,
        gettext_lazy("Wages reported to BPJS are %(ratio)s %% of the actual payroll."),
    ),
)


def _int(value):
    if value in (None, ""):
        return None
    return int(value)


def _ratio_text(part: int, whole: int) -> str:
    if whole == 0:
        return "∞"
    percent = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return number_format(percent, decimal_pos=1)


def findings(rules, values: Mapping) -> list[Finding]:
    """The rules `values` break, impossible and suspicious alike; empty figures pass."""
    found = []
    for rule in rules:
        if isinstance(rule, Floor):
            value = _int(values.get(rule.field))
            if value is not None and value < rule.minimum:
                message = str(rule.message) % {
                    "value": number_format(value, force_grouping=True),
                    "minimum": number_format(rule.minimum, force_grouping=True),
                }
                found.append(Finding(rule.field, rule.kind, message))
            continue
        parts = [_int(values.get(f)) for f in rule.part]
        whole = _int(values.get(rule.whole))
        if whole is None or any(p is None for p in parts):
            continue
        part = sum(parts)
        if part > whole:
            message = str(rule.message) % {"ratio": _ratio_text(part, whole)}
            found.append(Finding(rule.field, rule.kind, message))
    return found


def _count_errors(fields, values: Mapping) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in fields:
        value = values.get(field)
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[field] = [_("Enter a whole number.")]
            continue
        if number < 0:
            errors[field] = [_("A count cannot be negative.")]
    return errors


def validate_figures(kind: str, values: Mapping, justification: str = "") -> list[Finding]:
    """Refuse impossible figures; require a justification for suspicious ones.

    `kind` is "government" or "business". Returns the suspicious findings (the flags to show).
    Raises ValidationError with a message per field.
    """
    counts, rules = (
        (GOVERNMENT_COUNTS, GOVERNMENT_RULES)
        if kind == "government"
        else (BUSINESS_COUNTS, BUSINESS_RULES)
    )
    errors = _count_errors(counts, values)
    if kind == "business":
        arrears = values.get("arrears_months")
        if "arrears_months" not in errors and arrears not in (None, "") and int(arrears) > 12:
            errors["arrears_months"] = [
                _("Arrears are counted within the assessment year: 0 to %(max)s months.")
                % {"max": MAX_ARREARS_MONTHS}
            ]
    if errors:
        raise ValidationError(errors)
    found = findings(rules, values)
    for finding in found:
        if finding.kind == IMPOSSIBLE:
            errors.setdefault(finding.field, []).append(finding.message)
    suspicious = [f for f in found if f.kind == SUSPICIOUS]
    if suspicious and not (justification or "").strip():
        errors["justification"] = [
            _("Explain the unusual figures before saving: %(what)s")
            % {"what": " ".join(f.message for f in suspicious)}
        ]
    if errors:
        raise ValidationError(errors)
    return suspicious


def flags(kind: str, values: Mapping) -> list[Finding]:
    """The suspicious findings of saved figures (shown flagged to panels)."""
    rules = GOVERNMENT_RULES if kind == "government" else BUSINESS_RULES
    return [f for f in findings(rules, values) if f.kind == SUSPICIOUS]


def figure_fields(kind: str) -> tuple[str, ...]:
    """The fields a nomination's figures hold besides the justification: a government's
    required figures and its contact officer's details, a business's counts."""
    if kind == "government":
        return (*GOVERNMENT_REQUIRED, *GOVERNMENT_CONTACT)
    return BUSINESS_COUNTS


def required_fields(kind: str, *, edition_year: int, scale: str = "") -> tuple[str, ...]:
    if kind == "government":
        return GOVERNMENT_REQUIRED
    fields = [f for f in BUSINESS_COUNTS if f != "jkp_enrolled" or edition_year >= JKP_FROM_YEAR]
    return tuple(fields)


def missing_for_submission(kind: str, values: Mapping, *, edition_year: int) -> list[str]:
    return [
        f for f in required_fields(kind, edition_year=edition_year) if values.get(f) in (None, "")
    ]


def validate_legal_product_year(year, *, edition_year: int) -> None:
    if year is None:
        return
    if not 1945 <= int(year) <= edition_year:
        raise ValidationError(
            {
                "year": [
                    _("The year must be between 1945 and the assessment year %(year)s.")
                    % {"year": edition_year}
                ]
            }
        )


def validate_data_date(value, *, edition_year: int) -> None:
    """The date the figures were taken must fall within the assessment year (SPEC §5: a year
    outside the edition is impossible data)."""
    if value is None:
        return
    if value.year != edition_year:
        raise ValidationError(
            {
                "data_date": [
                    _("The data must be of the assessment year %(year)s (1 January–31 December).")
                    % {"year": edition_year}
                ]
            }
        )


_NPP = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise_npp(value: str) -> str:
    npp = (value or "").strip().upper().replace(" ", "")
    if not _NPP.match(npp):
        raise ValidationError(
            {"npp": [_("An NPP is 5 to 20 letters and digits, as on the BPJS registration.")]}
        )
    return npp


# Names are shown to panels, the jury and the public, and searched: a name must read as what it
# is. Text-direction controls (U+202E turns "PT Maju exe.pdf" around on screen) and invisible
# characters (zero-width spaces and joiners, the byte-order mark) make two names that look alike
# differ, or one name look like another; a Cyrillic or Greek letter that looks like a Latin one
# ("РT Maju", with a Cyrillic Р) does the same. Indonesian names are written in Latin letters,
# with diacritics at times (é, ü), digits and punctuation ("PT.", "&", "(Persero)").
_NAME_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _script(character: str) -> str | None:
    if not unicodedata.category(character).startswith("L"):
        return None
    words = unicodedata.name(character, "").split()
    return words[0] if words and words[0] in _NAME_SCRIPTS else None


def normalise_name(value: str, *, field: str = "name") -> str:
    """A name in its compatibility form (NFKC: full-width letters and ligatures become plain
    ones) with its spaces collapsed. Refuses, with a message at `field`, a name holding a
    control, format or private-use character (text-direction overrides and isolates, marks,
    zero-width characters) or mixing Latin letters with Cyrillic or Greek ones."""
    hidden = sorted(
        {
            character
            for character in value or ""
            if unicodedata.category(character) in ("Cc", "Cf", "Co", "Cs", "Cn")
            and not character.isspace()
        }
    )
    if hidden:
        raise ValidationError(
            {
                field: [
                    _(
                        "A name cannot hold invisible or text-direction control characters "
                        "(%(characters)s): type it again without them."
                    )
                    % {"characters": ", ".join(f"U+{ord(c):04X}" for c in hidden)}
                ]
            },
            code="hidden_characters",
        )
    name = " ".join(unicodedata.normalize("NFKC", value or "").split())
    scripts = {script for character in name if (script := _script(character))}
    if len(scripts) > 1:
        foreign = sorted({c for c in name if _script(c) not in (None, "LATIN")})
        raise ValidationError(
            {
                field: [
                    _(
                        "A name is written in one alphabet: this one mixes Latin letters with "
                        "Cyrillic or Greek ones that look like them (%(letters)s)."
                    )
                    % {"letters": ", ".join(f"{c} U+{ord(c):04X}" for c in foreign)}
                ]
            },
            code="mixed_scripts",
        )
    return name


def max_upload_bytes() -> int:
    return settings.PARITRANA_MAX_UPLOAD_MB * 1024 * 1024


PDF_HEADER = b"%PDF-"


def validate_pdf(upload) -> None:
    """A legal-product document must be a PDF by content (not by its name or the content type
    the browser claims), not too large, readable as a PDF, and inert: no web-page markup (a
    PDF/HTML polyglot) and no active content a reader would run or open (candidates.pdf_content).
    It is served only as an application/pdf attachment with nosniff besides
    (candidates.views.LegalProductDocument and the API's document route)."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": number_format(Decimal(upload.size) / (1024 * 1024), decimal_pos=1),
                "limit": settings.PARITRANA_MAX_UPLOAD_MB,
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(len(PDF_HEADER))
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    not_pdf = ValidationError(
        _("Only PDF documents are accepted; this file is not a PDF."), code="not_pdf"
    )
    if head != PDF_HEADER or b"%%EOF" not in tail:
        raise not_pdf
    markup = pdf_content.markup_in(upload)
    if markup is not None:
        raise ValidationError(
            _(
                "This PDF also holds web-page markup (%(markup)s), as a file made to open as a "
                "web page does; it is not accepted. Print the document to PDF again."
            )
            % {"markup": markup},
            code="pdf_markup",
        )
    try:
        active = pdf_content.active_content_in(upload)
    except pdf_content.Unreadable:
        raise not_pdf from None
    if active:
        raise ValidationError(
            _(
                "This PDF holds active content (%(names)s): scripts, programs to launch, embedded "
                "files and forms are not accepted. Print the document to PDF again."
            )
            % {"names": ", ".join(active)},
            code="pdf_active",
        )


# An XLSX is a ZIP of XML parts. Before anything is unpacked, the sizes its directory declares
# are checked: zipfile never inflates a member beyond its declared size (it stops there and
# fails the checksum), so a member cannot lie its way past these limits. A spreadsheet
# program's sheet XML packs 5 to 20 times (a 100,000-row business file: 83 MB of XML in 7 MB);
# a zip bomb packs a thousand times.
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_UNPACKED_MB = 512  # MAX_ROWS (200,000) rows of the widest template need about 180
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 1024 * 1024  # below this a part cannot hurt, however it packs


def _not_a_workbook() -> ValidationError:
    return ValidationError(
        _("This is not a readable XLSX workbook. Save it again as .xlsx or .csv."),
        code="not_xlsx",
    )


def validate_xlsx_archive(upload) -> None:
    """Refuse, without unpacking it, a file that is not an XLSX package (a ZIP with
    [Content_Types].xml) or that would unpack to more than a spreadsheet can hold (a zip
    bomb). Only the ZIP's directory is read; the file is rewound."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_a_workbook() from None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in {m.filename for m in members}:
        raise _not_a_workbook()
    if len(members) > XLSX_MAX_MEMBERS:
        raise ValidationError(
            _("This workbook has %(count)s parts; a spreadsheet has far fewer.")
            % {"count": len(members)},
            code="xlsx_bomb",
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > XLSX_MAX_UNPACKED_MB * 1024 * 1024:
        raise ValidationError(
            _(
                "This workbook would unpack to %(size)s MB; the limit is %(limit)s MB. Split it "
                "into smaller files."
            )
            % {"size": unpacked // (1024 * 1024), "limit": XLSX_MAX_UNPACKED_MB},
            code="xlsx_bomb",
        )
    for member in members:
        if member.file_size < XLSX_RATIO_FROM_BYTES:
            continue
        ratio = member.file_size // max(member.compress_size, 1)
        if ratio > XLSX_MAX_RATIO:
            raise ValidationError(
                _(
                    "This workbook unpacks to %(ratio)s times its size, which no spreadsheet "
                    "program produces; it was refused without being opened. Save it again "
                    "from your spreadsheet program."
                )
                % {"ratio": ratio},
                code="xlsx_bomb",
            )


# What one row and one text may cost, checked by streaming the parts a reader would load before
# anything parses them (calamine holds a whole sheet and every shared string in memory, several
# times over: a single 469 MB cell took 7 GB). A spreadsheet cell holds at most 32,767
# characters, at most 6 bytes each as XML (an escaped quote); a row of the widest template with
# every cell that full still fits in XLSX_MAX_ROW_BYTES. The shared strings are the texts the
# sheet's cells point to: they cannot be many times the sheet itself.
XLSX_MAX_CELL_CHARACTERS = 32_767
XLSX_MAX_TEXT_BYTES = XLSX_MAX_CELL_CHARACTERS * 6 + 1024
XLSX_MAX_ROW_BYTES = 256 * 1024
XLSX_MAX_SHARED_STRINGS_RATIO = 8
XLSX_SHARED_STRINGS_FREE_BYTES = 1024 * 1024
_XLSX_PIECE = 1024 * 1024
_XLSX_TAIL = 32  # longer than any marker below
_ROW_START = re.compile(rb"<(?:\w{1,20}:)?row[\s>/]")
_STRING_START = re.compile(rb"<(?:\w{1,20}:)?si[\s>/]")


def _longest_stretch_exceeds(stream, marker: re.Pattern, limit: int) -> bool:
    """Whether a stretch of `stream` between two starts of `marker` (or before the first, or
    after the last) is longer than `limit` bytes. Reads a megabyte at a time, in constant
    memory; a marker split between two pieces is found (each piece is searched with the last
    bytes of the one before)."""
    last = 0  # where the last marker started, from the start of the stream
    base = 0  # where `data` starts
    tail = b""
    while block := stream.read(_XLSX_PIECE):
        data = tail + block
        for match in marker.finditer(data):
            start = base + match.start()
            if start <= last and last:
                continue  # found in the piece before
            if start - last > limit:
                return True
            last = start
        if base + len(data) - last > limit:
            return True
        tail = data[-_XLSX_TAIL:]
        base += len(data) - len(tail)
    return False


def validate_xlsx_text(upload) -> None:
    """Refuse an XLSX package (already through validate_xlsx_archive) whose sheets hold a row,
    or whose shared strings hold a text, larger than a spreadsheet's can be, or whose shared
    strings are far larger than its sheets: what would take a reader gigabytes of memory for a
    file that passes the size and ratio limits. Streams the parts without parsing them; the
    file is rewound."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            sheets = [m for m in members if re.fullmatch(r"xl/worksheets/[^/]+\.xml", m.filename)]
            strings = [m for m in members if m.filename == "xl/sharedStrings.xml"]
            sheet_bytes = sum(m.file_size for m in sheets)
            text_bytes = sum(m.file_size for m in strings)
            allowed = sheet_bytes * XLSX_MAX_SHARED_STRINGS_RATIO + XLSX_SHARED_STRINGS_FREE_BYTES
            if text_bytes > allowed:
                raise ValidationError(
                    _(
                        "This workbook's texts take %(size)s MB, many times what its sheets "
                        "use; it was refused without being opened. Save it again from your "
                        "spreadsheet program."
                    )
                    % {"size": max(text_bytes // (1024 * 1024), 1)},
                    code="xlsx_bomb",
                )
            row_too_large = _(
                "A row of this workbook holds more than %(limit)s KB, more than any row of the "
                "template can; it was refused without being opened. Check the file, or save it "
                "again as .csv."
            ) % {"limit": XLSX_MAX_ROW_BYTES // 1024}
            text_too_long = _(
                "A cell of this workbook holds more text than a spreadsheet cell can "
                "(%(limit)s characters); it was refused without being opened."
            ) % {"limit": number_format(XLSX_MAX_CELL_CHARACTERS, force_grouping=True)}
            parts = [(m, _ROW_START, XLSX_MAX_ROW_BYTES, row_too_large) for m in sheets]
            parts += [(m, _STRING_START, XLSX_MAX_TEXT_BYTES, text_too_long) for m in strings]
            for member, marker, limit, message in parts:
                with archive.open(member) as stream:
                    if _longest_stretch_exceeds(stream, marker, limit):
                        raise ValidationError(message, code="xlsx_bomb")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        raise _not_a_workbook() from None
    finally:
        upload.seek(0)


def validate_csv_text(upload) -> None:
    """Refuse a .csv that is not text: binary data (a NUL byte) or a document of markup (HTML,
    XML, SVG) renamed .csv. The file is rewound."""
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if b"\x00" in head or start.startswith(b"<"):
        raise ValidationError(
            _("This is not a CSV text file. Save it again as .xlsx or .csv."), code="not_csv"
        )
