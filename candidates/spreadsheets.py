"""Spreadsheet templates, imports and exports of nominations (SPEC §5).

Import is all or nothing: every row of the file is read and checked first, and every error is
listed as (row as the spreadsheet program numbers it, column header, message). Only a file
without a single error is saved, in one transaction. The checks are those of
candidates.validators, the same that forms and the API use; an import adds only what a file
needs on top (reading cells, recognising codes, a branch's regions, one row per candidate).

A row of the business template is one business (found by its NPP) nominated in the category
of its scale, with its figures; a row of the government template is the government of a
province or regency/city, with its figures. A row creates the candidate and a draft nomination
when they do not exist yet, and updates an existing nomination while it is still editable.

Speed and memory: an XLSX is read with calamine (spreadsheet_columns), a CSV with the csv
module, and the rows are checked and written CHUNK_ROWS at a time: the candidates, nominations
and figures a chunk refers to are fetched in a few queries, and it is written with
bulk_create/bulk_update (a statement per table), not one service call per row. The check keeps
the rows it read for the import, which does not read the spreadsheet again.

Spreadsheet headers are Bahasa Indonesia in every language, so that a file travels between
offices whatever language each person uses; messages are in the importer's language.
"""

import io
import itertools
import json
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.formats.base_formats import CSV
from kombu.exceptions import OperationalError
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.rules import is_national_admin
from audit.services import Entry, audit_record_many, values_of
from paritrana.broker import broker_ensure
from paritrana.bulk import bulk_insert

from . import validators
from .enums import (
    EDITABLE_STATES,
    CandidateKind,
    ImportKind,
    ImportStatus,
    NominationState,
)
from .imports import jobs as import_jobs
from .models import (
    BusinessData,
    Candidate,
    Category,
    Edition,
    GovernmentData,
    ImportJob,
    Nomination,
    NominationTransition,
    Province,
    Regency,
)
from .selectors import branch_regions
from .spreadsheet_columns import (  # noqa: F401 - BUSINESS_/GOVERNMENT_COLUMNS, _code, _count: re-exported
    _COUNTS,
    _DATA_FIELDS,
    _GOVERNMENT_TEXTS,
    _PARSERS,
    BUSINESS_COLUMNS,
    COLUMNS,
    COUNT,
    DATE,
    GOVERNMENT_COLUMNS,
    HEADERS,
    NPP,
    REGENCY_CODE,
    REGION_CODE,
    SCALE,
    TEXT,
    Column,
    _CellError,
    _code,
    _count,
    _display,
    _empty,
    _FileError,
    _normal_header,
    _rows_of,
    _xlsx_size,
)

logger = logging.getLogger(__name__)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SUFFIXES = (".xlsx", ".csv")
# A file above this many data rows is refused outright (the benchmark imports 100,000).
MAX_ROWS = 200_000
PREVIEW_ROWS = 10
# Errors kept on the job; a file wrong in every row would otherwise store one per cell.
MAX_STORED_ERRORS = 5_000
PROGRESS_EVERY = 500
# Rows read, checked and written together: what an import holds in memory at a time.
CHUNK_ROWS = 2_000


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass(slots=True)
class _Row:
    number: int
    values: dict


class _Errors:
    """Errors in the order they are found, row after row: the first MAX_STORED_ERRORS are
    kept, the rest only counted (a file wrong in every cell would otherwise fill the memory)."""

    def __init__(self, *errors: dict):
        self.kept: list[dict] = []
        self.count = 0
        for error in errors:
            self.append(error)

    def append(self, error: dict) -> None:
        self.count += 1
        if len(self.kept) < MAX_STORED_ERRORS:
            self.kept.append(error)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class _Sheet:
    """What reading a file found besides its rows, which come a chunk at a time."""

    columns: list[Column] = field(default_factory=list)
    total: int = 0  # the data rows read so far
    errors: _Errors = field(default_factory=_Errors)  # of the header and of single cells
    preview: dict = field(default_factory=dict)


def _error(row: int | None, column: str, message) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def _read_header(kind: str, cells, sheet: _Sheet) -> list[tuple[int, Column]]:
    by_header = {}
    for column in COLUMNS[kind]:
        by_header[_normal_header(column.header)] = column
        by_header[_normal_header(column.field)] = column
    index, seen = [], set()
    for position, cell in enumerate(cells):
        if _empty(cell):
            continue
        column = by_header.get(_normal_header(cell))
        if column is None:
            sheet.errors.append(
                _error(1, str(cell), _("Unknown column: use the headers of the template."))
            )
        elif column.field in seen:
            sheet.errors.append(_error(1, column.header, _("This column appears twice.")))
        else:
            seen.add(column.field)
            index.append((position, column))
    for column in COLUMNS[kind]:
        if column.required and column.field not in seen:
            sheet.errors.append(
                _error(1, column.header, _("This column of the template is missing."))
            )
    return index


_REQUIRED_MESSAGES = {
    "npp": gettext_lazy("Enter the NPP."),
    "name": gettext_lazy("Enter the business's legal name."),
    "scale": gettext_lazy("Choose the business scale."),
    "regency": gettext_lazy("Enter the regency/city code."),
    "region": gettext_lazy("Enter the region's Kemendagri code."),
}


def _read(job: ImportJob, sheet: _Sheet, *, progress: bool = True) -> Iterator[list[_Row]]:
    """The rows of the job's file as typed values, CHUNK_ROWS at a time; the columns, the
    preview and the errors of the header and of single cells go to `sheet`."""
    rows = _rows_of(job)
    try:
        first = next(rows, None)
        if first is None or first[0] != 1 or all(_empty(c) for c in first[1]):
            sheet.errors.append(
                _error(1, "", _("Row 1 must hold the column headers of the template."))
            )
            return
        index = _read_header(job.kind, first[1], sheet)
        sheet.columns = [column for _position, column in index]
        sheet.preview = {"header": [c.header for c in sheet.columns], "rows": []}
        if sheet.errors:
            return
        positions = [position for position, _column in index]
        readers = [(column, _PARSERS[column.type]) for _position, column in index]
        chunk = []
        for number, cells in rows:
            width = len(cells)
            raws = [cells[p] if p < width else None for p in positions]
            if all(_empty(raw) for raw in raws):
                continue
            if sheet.total >= MAX_ROWS:
                sheet.errors.append(
                    _error(
                        number, "", _("A file may hold at most %(max)s rows.") % {"max": MAX_ROWS}
                    )
                )
                break
            values = {}
            for (column, reader), raw in zip(readers, raws, strict=True):
                if _empty(raw):
                    values[column.field] = "" if column.type == TEXT else None
                    if column.required:
                        sheet.errors.append(
                            _error(number, column.header, _REQUIRED_MESSAGES[column.field])
                        )
                    continue
                try:
                    values[column.field] = reader(raw, column)
                except _CellError as error:
                    values[column.field] = None
                    sheet.errors.append(_error(number, column.header, error))
            chunk.append(_Row(number, values))
            sheet.total += 1
            if len(sheet.preview["rows"]) < PREVIEW_ROWS:
                shown = [
                    _display(raw, column) for (column, _r), raw in zip(readers, raws, strict=True)
                ]
                sheet.preview["rows"].append([number, shown])
            if progress and sheet.total % PROGRESS_EVERY == 0:
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=sheet.total)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    finally:
        rows.close()
    if not sheet.total and not sheet.errors:
        sheet.errors.append(_error(None, "", _("The file has no data rows under the headers.")))


@dataclass
class _Plan:
    """What a checked file will write."""

    present: set = field(default_factory=set)  # the data fields the file has columns for
    new_candidates: list = field(default_factory=list)
    changed_candidates: list = field(default_factory=list)
    new_nominations: list = field(default_factory=list)
    updated_nominations: list = field(default_factory=list)
    new_data: list = field(default_factory=list)
    changed_data: list = field(default_factory=list)


def _chunks(items: list, size: int | None = None) -> Iterator[list]:
    # SQLite limits the parameters of one statement; PostgreSQL takes large IN lists well.
    size = size or (900 if connection.vendor == "sqlite" else 10_000)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _scope(user) -> tuple[set | None, set | None]:
    """The regency/city codes and province codes the user may import for (None: all)."""
    if is_national_admin(user):
        return None, None
    regencies, provinces = branch_regions(user)
    return set(regencies.values_list("code", flat=True)), set(provinces)


def _nominations_of(candidate_ids: list, edition: Edition, *, lock: bool) -> dict[int, list]:
    found: dict[int, list] = {}
    for chunk in _chunks(candidate_ids):
        query = Nomination.objects.filter(candidate_id__in=chunk, category__edition=edition)
        if lock:
            # Between the check and the write nobody may submit one of these nominations.
            query = query.select_for_update(of=("self",))
        for nomination in query.select_related("category"):
            found.setdefault(nomination.candidate_id, []).append(nomination)
    return found


def _data_of(model, nomination_ids: list) -> dict[int, object]:
    found = {}
    for chunk in _chunks(nomination_ids):
        for data in model.objects.filter(nomination_id__in=chunk):
            found[data.nomination_id] = data
    return found


class _Checker:
    """The checks that need the database, chunk after chunk of rows, and (when `planning`)
    the plan of what to write for each chunk while no row so far is wrong."""

    def __init__(self, job: ImportJob, sheet: _Sheet, *, lock: bool, planning: bool):
        self.job, self.sheet, self.lock, self.planning = job, sheet, lock, planning
        self.kind = job.kind
        self.headers = HEADERS[self.kind]
        self.present: set = set()
        self.errors = _Errors()
        self.closed = not job.edition.nominations_open
        if self.closed:
            self.errors.append(_error(None, "", _("Nominations for this edition are closed.")))
        self.seen: dict[str, int] = {}  # NPP or region code → the row it is on
        self.plan = _Plan()
        self.model = BusinessData if self.kind == ImportKind.BUSINESS else GovernmentData
        self.scope_regencies, self.scope_provinces = _scope(job.user)
        self.regencies = {
            code: (name, province)
            for code, name, province in Regency.objects.values_list("code", "name", "province_id")
        }
        self.provinces = dict(Province.objects.values_list("code", "name"))
        self.categories = list(
            Category.objects.filter(edition=job.edition).order_by("order", "name")
        )
        self.scale_categories: dict[str, Category | None] = {}

    def error(self, row: _Row, field_name: str, message) -> None:
        self.errors.append(_error(row.number, self.headers[field_name], message))

    # Categories -----------------------------------------------------------------------------

    def business_category(self, scale: str) -> Category | None:
        if scale not in self.scale_categories:
            business = [c for c in self.categories if c.candidate_kind == CandidateKind.BUSINESS]
            exact = [c for c in business if c.business_scale == scale]
            found = (exact or [c for c in business if not c.business_scale] or [None])[0]
            self.scale_categories[scale] = found
        return self.scale_categories[scale]

    def government_category(self, kind: str) -> Category | None:
        return next((c for c in self.categories if c.candidate_kind == kind), None)

    # Rows -------------------------------------------------------------------------------------

    @property
    def wrong(self) -> bool:
        """Whether any row so far (or the file) is wrong: then nothing is written."""
        return bool(self.errors or self.sheet.errors)

    def check(self, rows: list[_Row]) -> _Plan:
        """Check a chunk of rows; the plan of what to write for it (empty once anything is
        wrong, or when not planning)."""
        self.present = {c.field for c in self.sheet.columns}
        self.figures_alone = {*_COUNTS[self.kind], "justification"} <= self.present
        self.plan = _Plan(present=self.present)
        if self.closed:
            return self.plan
        if self.kind == ImportKind.BUSINESS:
            self.check_business(rows)
        else:
            self.check_government(rows)
        return self.plan

    def check_business(self, rows: list[_Row]) -> None:
        npps = sorted({r.values["npp"] for r in rows if r.values.get("npp")})
        candidates = {}
        for chunk in _chunks(npps):
            candidates.update({c.npp: c for c in Candidate.objects.filter(npp__in=chunk)})
        nominations = _nominations_of(
            [c.pk for c in candidates.values()], self.job.edition, lock=self.lock
        )
        data = _data_of(self.model, [n.pk for ns in nominations.values() for n in ns])
        seen = self.seen
        for row in rows:
            values = row.values
            npp, scale, code = values.get("npp"), values.get("scale"), values.get("regency")
            if code and code not in self.regencies:
                self.error(
                    row, "regency", _("No regency/city has the code %(code)s.") % {"code": code}
                )
            elif code and not self.in_scope(regency=code):
                self.error(row, "regency", _("This region is not covered by your branch office."))
            category = self.business_category(scale) if scale else None
            if scale and category is None:
                self.error(
                    row,
                    "scale",
                    _("The %(year)s edition has no category for this scale.")
                    % {"year": self.job.edition.year},
                )
            candidate = candidates.get(npp) if npp else None
            if npp in seen:
                self.error(
                    row, "npp", _("This NPP is already on row %(row)s.") % {"row": seen[npp]}
                )
            elif npp:
                seen[npp] = row.number
            if candidate is not None and not self.in_scope(regency=candidate.regency_id):
                self.error(
                    row,
                    "npp",
                    _(
                        "This business is registered in %(region)s, which your branch office does "
                        "not cover."
                    )
                    % {"region": self.regencies.get(candidate.regency_id, ("?",))[0]},
                )
            nomination = self.existing_nomination(row, candidate, category, nominations, "npp")
            existing = data.get(nomination.pk) if nomination else None
            self.check_figures(row, existing)
            if self.wrong or not self.planning:
                # Once any row is wrong nothing is written: planning would be wasted work.
                continue
            if candidate is None:
                candidate = Candidate(kind=CandidateKind.BUSINESS, npp=npp)
                self.plan.new_candidates.append(candidate)
            else:
                self.plan.changed_candidates.append(candidate)
            candidate.name, candidate.scale, candidate.regency_id = values["name"], scale, code
            if "sector" in self.present:
                candidate.sector = values["sector"]
            self.plan_nomination(row, candidate, category, nomination, existing)

    def check_government(self, rows: list[_Row]) -> None:
        codes = {r.values["region"] for r in rows if r.values.get("region")}
        candidates = {}
        regency_codes = sorted(c for c in codes if "." in c)
        province_codes = sorted(c for c in codes if "." not in c)
        for chunk in _chunks(regency_codes):
            for c in Candidate.objects.filter(
                kind=CandidateKind.REGENCY_GOVERNMENT, regency_id__in=chunk
            ):
                candidates[c.regency_id] = c
        for c in Candidate.objects.filter(
            kind=CandidateKind.PROVINCE_GOVERNMENT, province_id__in=province_codes
        ):
            candidates[c.province_id] = c
        nominations = _nominations_of(
            [c.pk for c in candidates.values()], self.job.edition, lock=self.lock
        )
        data = _data_of(self.model, [n.pk for ns in nominations.values() for n in ns])
        seen = self.seen
        for row in rows:
            values = row.values
            code = values.get("region")
            category = candidate = kind = None
            is_province = False
            if code:
                is_province = "." not in code
                kind = (
                    CandidateKind.PROVINCE_GOVERNMENT
                    if is_province
                    else CandidateKind.REGENCY_GOVERNMENT
                )
                known = self.provinces if is_province else self.regencies
                if code not in known:
                    message = (
                        _("No province has the code %(code)s.")
                        if is_province
                        else _("No regency/city has the code %(code)s.")
                    )
                    self.error(row, "region", message % {"code": code})
                    code = None
                elif not (
                    self.in_scope(province=code) if is_province else self.in_scope(regency=code)
                ):
                    self.error(
                        row, "region", _("This region is not covered by your branch office.")
                    )
                if code in seen:
                    self.error(
                        row,
                        "region",
                        _("This region is already on row %(row)s.") % {"row": seen[code]},
                    )
                elif code:
                    seen[code] = row.number
                if code:
                    category = self.government_category(kind)
                    if category is None:
                        self.error(
                            row,
                            "region",
                            _("The %(year)s edition has no category for %(kind)s.")
                            % {"year": self.job.edition.year, "kind": kind.label.lower()},
                        )
                    candidate = candidates.get(code)
            nomination = self.existing_nomination(row, candidate, category, nominations, "region")
            existing = data.get(nomination.pk) if nomination else None
            self.check_figures(row, existing)
            if self.wrong or not self.planning:
                continue
            if candidate is None:
                if is_province:
                    candidate = Candidate(
                        kind=kind,
                        province_id=code,
                        name=f"Pemerintah Provinsi {self.provinces[code]}",
                    )
                else:
                    candidate = Candidate(
                        kind=kind, regency_id=code, name=f"Pemerintah {self.regencies[code][0]}"
                    )
                self.plan.new_candidates.append(candidate)
            self.plan_nomination(row, candidate, category, nomination, existing)

    def in_scope(self, *, regency: str | None = None, province: str | None = None) -> bool:
        if regency is not None:
            return self.scope_regencies is None or regency in self.scope_regencies
        return self.scope_provinces is None or province in self.scope_provinces

    def existing_nomination(self, row, candidate, category, nominations, column):
        """The candidate's nomination in this category, if it may be updated; refuses a
        nomination that is no longer editable and a second category in the same edition."""
        if candidate is None or category is None:
            return None
        found = None
        for nomination in nominations.get(candidate.pk, []):
            if nomination.category_id == category.pk:
                found = nomination
            elif nomination.state != NominationState.WITHDRAWN:
                self.error(
                    row,
                    column,
                    _("%(candidate)s is already nominated in %(category)s in this edition.")
                    % {"candidate": candidate.name, "category": nomination.category.name},
                )
        if found is not None and found.state not in EDITABLE_STATES:
            self.error(
                row,
                column,
                _("A %(state)s nomination cannot be changed; only drafts and returned ones can.")
                % {"state": found.get_state_display().lower()},
            )
        return found

    def check_figures(self, row: _Row, existing) -> None:
        """validators.validate_figures on the figures the nomination will have: the file's
        columns over the saved values of the columns the file leaves out. When the file has
        every figure and the justification, they depend on nothing saved: the import does not
        check them again (the upload's check did, on the same rows)."""
        if not (self.planning and self.figures_alone):
            self.check_counts(row, existing)
        try:
            validators.validate_data_date(
                row.values.get("data_date"), edition_year=self.job.edition.year
            )
        except ValidationError as error:
            for message in error.message_dict["data_date"]:
                self.error(row, "data_date", message)

    def check_counts(self, row: _Row, existing) -> None:
        values, counts = row.values, _COUNTS[self.kind]
        merged = {f: getattr(existing, f) for f in counts} if existing is not None else {}
        merged.update({f: values[f] for f in counts if f in self.present})
        if "justification" in self.present:
            justification = values["justification"]
        else:
            justification = existing.justification if existing is not None else ""
        try:
            validators.validate_figures(self.kind, merged, justification)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                for message in messages:
                    self.error(row, field_name, message)

    def plan_nomination(self, row, candidate, category, nomination, existing) -> None:
        if nomination is None:
            nomination = Nomination(
                candidate=candidate, category=category, created_by=self.job.user
            )
            self.plan.new_nominations.append(nomination)
        else:
            self.plan.updated_nominations.append(nomination.pk)
        fields = [f for f in _DATA_FIELDS[self.kind] if f in self.plan.present]
        if existing is None:
            existing = self.model(nomination=nomination)
            self.plan.new_data.append(existing)
        else:
            self.plan.changed_data.append(existing)
        for name in fields:
            value = row.values[name]
            setattr(existing, name, "" if value is None and name in _GOVERNMENT_TEXTS else value)


class _KeptRows:
    """The checked rows, written as they are checked to a temporary file (JSON Lines: the
    columns, then a row a line) and stored on the job when the whole file is right, for the
    import to read instead of the spreadsheet."""

    def __init__(self):
        self.file = None

    def add(self, columns: list[Column], rows: list[_Row]) -> None:
        if self.file is None:
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            self.fields = [c.field for c in columns]
            self.file.write(json.dumps(self.fields).encode() + b"\n")
        fields = self.fields
        lines = [
            json.dumps([row.number, *(row.values[f] for f in fields)], default=date.isoformat)
            for row in rows
        ]
        self.file.write("\n".join(lines).encode() + b"\n")

    def store(self, job: ImportJob) -> None:
        if self.file is not None:
            job.checked_rows.save("rows.json", File(self.file), save=False)
            ImportJob.objects.filter(pk=job.pk).update(checked_rows=job.checked_rows.name)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _kept_rows(job: ImportJob, sheet: _Sheet) -> Iterator[list[_Row]] | None:
    """The rows stored by the check, CHUNK_ROWS at a time, or None when they are not there
    (read the file again)."""
    if not job.checked_rows:
        return None
    try:
        handle = job.checked_rows.open("rb")
        fields = json.loads(handle.readline())
    except (OSError, ValueError):
        return None
    if not isinstance(fields, list):  # one JSON object, as kept before the rows came in lines
        handle.close()
        return None
    by_field = {c.field: c for c in COLUMNS[job.kind]}
    sheet.columns = [by_field[f] for f in fields]
    dates = [f for f in fields if by_field[f].type == DATE]

    def chunks():
        with handle:
            # readline: iterating over a Django File starts again from its first line.
            lines_of = iter(handle.readline, b"")
            while lines := list(itertools.islice(lines_of, CHUNK_ROWS)):
                rows = []
                for line in lines:
                    number, *values = json.loads(line)
                    row = _Row(number, dict(zip(fields, values, strict=True)))
                    for name in dates:
                        if row.values[name] is not None:
                            row.values[name] = date.fromisoformat(row.values[name])
                    rows.append(row)
                sheet.total += len(rows)
                yield rows

    return chunks()


def _save(job: ImportJob, plan: _Plan) -> None:
    """Write the plan of a checked chunk (inside the caller's transaction): a statement per
    table."""
    batch = 1000  # of updates, each a CASE over its rows
    bulk_insert(Candidate, plan.new_candidates)
    if plan.changed_candidates:
        Candidate.objects.bulk_update(
            plan.changed_candidates, ["name", "scale", "regency", "sector"], batch_size=batch
        )
    bulk_insert(Nomination, plan.new_nominations)
    reason = _("Created by spreadsheet import no. %(id)s.") % {"id": job.pk}
    bulk_insert(
        NominationTransition,
        [
            NominationTransition(  # by id: the nominations are saved, nothing reads them here
                nomination_id=n.pk,
                from_state="",
                to_state=NominationState.DRAFT,
                actor_id=job.user_id,
                reason=reason,
            )
            for n in plan.new_nominations
        ],
    )
    now = timezone.now()
    for chunk in _chunks(plan.updated_nominations):
        Nomination.objects.filter(pk__in=chunk).update(updated_at=now)
    model = BusinessData if job.kind == ImportKind.BUSINESS else GovernmentData
    bulk_insert(model, plan.new_data)
    if plan.changed_data:
        fields = [f for f in _DATA_FIELDS[job.kind] if f in plan.present]
        if fields:
            model.objects.bulk_update(plan.changed_data, fields, batch_size=batch)
    _audit_import(job, plan, reason)


def _audit_import(job: ImportJob, plan: _Plan, reason: str) -> None:
    """One audit record per candidate, nomination and figures the import wrote, appended to
    the chain in one go."""
    edition = job.edition_id
    candidate_fields = ("kind", "name", "npp", "scale", "sector", "regency")
    data_fields = [f for f in _DATA_FIELDS[job.kind] if f in plan.present]

    def entry(action, target, new, nomination_id=None):
        return Entry(
            action=action,
            target=target,
            actor=job.user,
            new=new,
            reason=reason,
            nomination_id=nomination_id,
            edition_id=edition if nomination_id else None,
        )

    entries = [
        entry("candidate.create", c, values_of(c, candidate_fields)) for c in plan.new_candidates
    ]
    entries += [
        entry("candidate.update", c, values_of(c, candidate_fields[1:]))
        for c in plan.changed_candidates
    ]
    entries += [
        entry(
            "nomination.state",
            n,
            {
                "state": NominationState.DRAFT,
                "candidate": n.candidate_id,
                "category": n.category_id,
            },
            n.pk,
        )
        for n in plan.new_nominations
    ]
    entries += [
        entry("nomination.figures", d, values_of(d, data_fields), d.nomination_id)
        for d in (*plan.new_data, *plan.changed_data)
    ]
    audit_record_many(entries, records=False)


# ---------------------------------------------------------------------------------------------
# The import's life: upload → check → (confirm) → import


def _store(job: ImportJob, **fields) -> ImportJob:
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return job


def _sorted(errors: list[dict]) -> list[dict]:
    return sorted(errors, key=lambda e: e["row"] or 0)


def _finish_check(job: ImportJob, sheet: _Sheet, *found: _Errors) -> ImportJob:
    # Each list is in row order; sorted together, a row's cell errors come before the others.
    errors = _sorted([error for errors in found for error in errors.kept])
    count = sum(errors.count for errors in found)
    return _store(
        job,
        status=ImportStatus.INVALID if count else ImportStatus.VALIDATED,
        total_rows=sheet.total,
        processed_rows=sheet.total,
        errors=errors[:MAX_STORED_ERRORS],
        error_count=count,
        # An import refused at the last moment keeps the preview its check made.
        preview=sheet.preview or job.preview,
        finished_at=timezone.now() if count else None,
    )


def _file_error(job: ImportJob, error: _FileError) -> ImportJob:
    return _finish_check(job, _Sheet(), _Errors(_error(None, "", error)))


def _enqueue(task_name: str, job: ImportJob) -> None:
    """Send the job's task once the transaction commits; a broker gone in between fails the
    job (its file removed) instead of leaving it queued for ever."""
    from . import tasks

    task = getattr(tasks, task_name)

    def send():
        try:
            task.delay(job_id=job.pk)
        except OperationalError:
            logger.exception("Import %s could not be queued", job.pk)
            import_jobs.import_job_fail(job=job, reason="broker")

    transaction.on_commit(send)


def _estimate_rows(job: ImportJob) -> int | None:
    """The number of data rows, cheaply: the size the XLSX sheet records (or its rows counted
    as it unpacks) or the CSV's lines. None when the file does not say (the check then counts
    as it reads)."""
    suffix = PurePath(job.file.name).suffix.lower()
    job.file.open("rb")
    try:
        if suffix == ".csv":
            return max(job.file.read().count(b"\n") - 1, 0)
        return _xlsx_size(job.file)
    finally:
        job.file.close()


def import_upload(*, user, kind: str, edition: Edition, upload) -> ImportJob:
    """Store an uploaded .xlsx or .csv file and queue its check: the Celery task
    candidates.import_validate, sent on commit (in-process without a broker). Nothing of the file
    is parsed here beyond the bounds below: the job comes back uploaded, and its page follows it.

    Raises ValidationError, storing nothing, for a file that is not .xlsx or .csv by name and
    content, is too large or would unpack too large (validators.validate_xlsx_archive and
    validate_xlsx_text), for an edition closed to nominations, and (paritrana.broker's
    BrokerUnavailable) when the broker is configured but does not answer."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            {"file": [_("Upload an .xlsx or .csv file (save an .xls file again as .xlsx).")]}
        )
    limit_mb = settings.PARITRANA_IMPORT_MAX_MB
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {"file": [_("The file is larger than %(limit)s MB.") % {"limit": limit_mb}]}
        )
    if kind not in ImportKind.values:
        raise ValidationError({"kind": [_("Choose government or business data.")]})
    if not edition.nominations_open:
        raise ValidationError({"edition": [_("Nominations for this edition are closed.")]})
    # A file that is not a spreadsheet at all (or a zip bomb) is refused before anything is
    # stored: no job, no file on disk.
    try:
        if suffix == ".xlsx":
            validators.validate_xlsx_archive(upload)
            validators.validate_xlsx_text(upload)
        else:
            validators.validate_csv_text(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    broker_ensure()  # a job nobody would check is not stored either
    job = ImportJob(
        user=user,
        kind=kind,
        edition=edition,
        original_name=PurePath(upload.name).name[:200],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        queued_at=timezone.now(),
    )
    job.file = upload
    with transaction.atomic():  # a file that does not fit (paritrana.storage): no job either
        job.save()
    _enqueue("import_validate", job)
    return job


def import_validate(*, job: ImportJob) -> ImportJob:
    """Check every row of an uploaded file: validated (ready to import) or invalid with every
    error listed. Nothing is saved. Run by the task candidates.import_validate; an exception
    fails the job (candidates.imports.jobs: its message, its files removed)."""
    job = ImportJob.objects.select_related("edition", "user").get(pk=job.pk)
    if job.status != ImportStatus.UPLOADED:
        return job  # a task delivered twice
    with translation.override(job.language):
        sheet, kept = _Sheet(), _KeptRows()
        try:
            _store(job, total_rows=_estimate_rows(job) or 0)  # for the progress bar
            checker = _Checker(job, sheet, lock=False, planning=False)
            for rows in _read(job, sheet):
                checker.check(rows)
                if not checker.wrong:
                    kept.add(sheet.columns, rows)
            if not checker.wrong:
                kept.store(job)
        except _FileError as error:
            return _file_error(job, error)
        except Exception as error:
            logger.exception("Checking import %s failed", job.pk)
            return _fail(job, error)
        finally:
            kept.close()
        return _finish_check(job, sheet, sheet.errors, checker.errors)


def import_confirm(*, job: ImportJob) -> ImportJob:
    """Import a checked file: at once when it has at most settings.PARITRANA_IMPORT_ASYNC_ROWS
    rows (the rows its check kept, not the spreadsheet), otherwise in the Celery task
    candidates.import_run (enqueued on commit). Raises ValidationError when the job is not
    waiting for confirmation (refused, or already started by a second click)."""
    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.VALIDATED).update(
        status=ImportStatus.IMPORTING, processed_rows=0, attempts=0, queued_at=timezone.now()
    )
    if not started:
        raise ValidationError(_("This file is not waiting to be imported."))
    job.refresh_from_db()
    if job.total_rows > settings.PARITRANA_IMPORT_ASYNC_ROWS:
        _enqueue("import_run", job)
        return job
    return import_run(job=job)


def import_run(*, job: ImportJob) -> ImportJob:
    """Read, check again and save every row in one transaction, or nothing.

    The file is checked again because the nominations may have changed since the preview
    (one submitted meanwhile is no longer editable); any error leaves the job invalid and the
    database as it was. The rows are checked and written a chunk at a time, so that memory
    stays bounded whatever the file's size. Side effects: creates or updates candidates, draft
    nominations (with their first state-change record) and their government or business data."""
    job = ImportJob.objects.select_related("edition", "user").get(pk=job.pk)
    if job.status != ImportStatus.IMPORTING:
        return job  # finished already (a task delivered twice)
    with translation.override(job.language):
        sheet = _Sheet()
        try:
            chunks = _kept_rows(job, sheet) or _read(job, sheet, progress=False)
            _store(job, processed_rows=job.total_rows)
            created = updated = 0
            with transaction.atomic():
                checker = _Checker(job, sheet, lock=True, planning=True)
                for rows in chunks:
                    plan = checker.check(rows)
                    if not checker.wrong:
                        _save(job, plan)
                        created += len(plan.new_nominations)
                        updated += len(plan.updated_nominations)
                if checker.wrong:
                    transaction.set_rollback(True)  # what earlier chunks wrote
                else:
                    _store(
                        job,
                        status=ImportStatus.DONE,
                        total_rows=sheet.total,
                        processed_rows=sheet.total,
                        nominations_created=created,
                        nominations_updated=updated,
                        finished_at=timezone.now(),
                    )
            if checker.wrong:
                return _finish_check(job, sheet, sheet.errors, checker.errors)
            return job
        except _FileError as error:
            return _file_error(job, error)
        except Exception as error:
            logger.exception("Import %s failed", job.pk)
            return _fail(job, error)


def _fail(job: ImportJob, error: Exception) -> ImportJob:
    return import_jobs.import_job_fail(job=job, reason=import_jobs.reason_of(error))


def import_jobs_of(user):
    """The imports a user may see: their own; the national admin sees every one."""
    jobs = ImportJob.objects.select_related("edition", "user")
    return jobs if is_national_admin(user) else jobs.filter(user=user)


# ---------------------------------------------------------------------------------------------
# Templates


def _regions_for(user, kind: str) -> list[tuple[str, str, str]]:
    scope_regencies, scope_provinces = _scope(user)
    provinces = dict(Province.objects.values_list("code", "name"))
    rows = []
    if kind == ImportKind.GOVERNMENT:
        rows += [
            (code, f"Provinsi {name}", name)
            for code, name in sorted(provinces.items())
            if scope_provinces is None or code in scope_provinces
        ]
    for code, name, province in Regency.objects.values_list("code", "name", "province_id"):
        if scope_regencies is None or code in scope_regencies:
            rows.append((code, name, provinces.get(province, "")))
    return sorted(rows)


def template_workbook(*, kind: str, user=None) -> bytes:
    """The XLSX template of a kind: the sheet Data with the headers (bold, frozen, typed
    columns so that codes and NPPs stay text), the sheet Petunjuk explaining each column, and
    the sheet Kode wilayah listing the regions the user may import for."""
    columns = COLUMNS[kind]
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F6F50")
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(index)
        dimension = data.column_dimensions[letter]
        dimension.width = column.width
        if column.type in (NPP, REGENCY_CODE, REGION_CODE) or column.field == "contact_phone":
            dimension.number_format = "@"
        elif column.type == COUNT:
            dimension.number_format = "#,##0"
        elif column.type == DATE:
            dimension.number_format = "DD/MM/YYYY"
        if column.type == SCALE:
            choice = DataValidation(
                type="list", formula1='"besar,menengah,kecil_mikro"', allow_blank=True
            )
            data.add_data_validation(choice)
            choice.add(f"{letter}2:{letter}{MAX_ROWS}")
    data.freeze_panes = "A2"
    data.row_dimensions[1].height = 45

    guide = book.create_sheet("Petunjuk")
    guide.append([_("Column"), _("Required"), _("What to enter")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in columns:
        guide.append([column.header, _("yes") if column.required else "", str(column.help)])
    guide.append([])
    notes = [
        _("Fill in one row per candidate on the sheet Data, from row 2; keep row 1 as it is."),
        _("Numbers may be typed with thousand separators (1.234.567)."),
        _(
            "One wrong cell refuses the whole file: the import page lists every error by row and "
            "column, and nothing is saved until every row is right."
        ),
        _(
            "An existing draft or returned nomination of the same candidate and category is "
            "updated; columns you delete from the sheet are left as they are."
        ),
    ]
    for note in notes:
        guide.append([note])
    guide.column_dimensions["A"].width = 38
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90

    regions = book.create_sheet("Kode wilayah")
    regions.append(["Kode", "Nama", "Provinsi"])
    for cell in regions[1]:
        cell.font = Font(bold=True)
    for row in _regions_for(user, kind) if user is not None else []:
        regions.append(list(row))
    regions.column_dimensions["B"].width = 40
    regions.column_dimensions["C"].width = 30
    for row in regions.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "@"

    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def template_csv(*, kind: str) -> bytes:
    """The CSV template: the header row only, UTF-8 with a BOM so that Excel reads it right."""
    dataset = tablib.Dataset(headers=[c.header for c in COLUMNS[kind]])
    return CSV().export_data(dataset).encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------
# Export (candidates.exports writes it)

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Formula-like text gets a leading apostrophe; control characters that XLSX cannot hold
    become U+FFFD (import-export's own escaping strips only a leading "=")."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value
