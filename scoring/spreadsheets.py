"""The ranking as XLSX, built with openpyxl from what the ranking page shows the user
(scoring.views_ranking.category_ranking), so the file never holds more than the page: a member
still blind to the totals gets the progress only.

Text cells go through candidates.spreadsheets.escape_cell, as the nominations export does: a
nominee or criterion name starting with "=" stays text, never a formula."""

import io

import openpyxl
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from candidates.spreadsheets import XLSX_CONTENT_TYPE, escape_cell

__all__ = ["XLSX_CONTENT_TYPE", "ranking_filename", "ranking_workbook", "region_of"]

TWO_DECIMALS = "0.00"


def region_of(candidate) -> str:
    return candidate.regency.name if candidate.regency_id else candidate.province.name


def ranking_filename(*, panel, category) -> str:
    province = slugify(panel.province.name) if panel.province_id else "nasional"
    return f"paritrana-peringkat-{panel.edition.year}-{province}-{slugify(category.code)}.xlsx"


def _header(sheet, titles: list) -> None:
    sheet.append([escape_cell(str(t)) for t in titles])
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F6F50")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _tie_flag(live_row) -> str:
    if live_row.row.tied:
        return _("still tied")
    if live_row.decision is not None:
        return _("decided by the chair")
    if live_row.row.tie_broken:
        return _("broken by the criteria")
    return ""


def _progress_rows(section) -> tuple[list, list]:
    header = [_("Nominee"), _("Region"), _("Scoresheets missing")]
    rows = [
        [line.nomination.candidate.name, region_of(line.nomination.candidate), line.count]
        for line in section.progress
    ]
    return header, rows


def _live_rows(section) -> tuple[list, list]:
    header = [
        _("Rank"),
        _("Nominee"),
        _("Region"),
        _("Total"),
        *[c.name for c in section.criteria],
        _("Tie"),
        _("Would advance"),
    ]
    rows = [
        [
            r.row.rank,
            r.nomination.candidate.name,
            r.region,
            r.row.total,
            *[c.score for c in r.row.criteria],
            str(r.row.withheld) if r.row.withheld else _tie_flag(r),
            r.advances,
        ]
        for r in section.rows
    ]
    return header, rows


def _frozen_rows(section) -> tuple[list, list]:
    header = [
        _("Rank"),
        _("Nominee"),
        _("Region"),
        _("Total"),
        *[c.name for c in section.frozen_criteria],
        _("Label"),
        _("Advanced"),
        _("Tie decision"),
    ]
    rows = [
        [
            r.row.rank,
            r.nomination.candidate.name,
            r.region,
            r.row.total,
            *[c["score"] if c else None for c in r.criteria],
            r.row.get_label_display(),
            r.row.advanced,
            r.row.tie_reason,
        ]
        for r in section.frozen_rows
    ]
    return header, rows


def ranking_workbook(*, panel, section) -> bytes:
    """Sheet "Peringkat": one row per nominee (the frozen ranking once finalised, the live one
    before, the progress only while the user may not see totals); sheet "Info": the panel,
    category, stage, quota, cut-off and who finalised when."""
    if not section.visible:
        header, rows = _progress_rows(section)
        state = _("Progress only: the totals show once your own scoresheets are submitted.")
    elif section.finalised:
        header, rows = _frozen_rows(section)
        state = _("Finalised")
    else:
        header, rows = _live_rows(section)
        state = _("Not finalised: the ranking may still change.")

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Peringkat"
    _header(sheet, header)
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    for column, title in enumerate(header, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(10, min(40, len(str(title)) + 4))
    if section.visible:
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4 + _criteria_count(section)):
            for cell in row:
                cell.number_format = TWO_DECIMALS
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28

    info = book.create_sheet("Info")
    snapshot = section.snapshot
    facts = [
        (_("Panel"), str(panel)),
        (_("Category"), section.category.name),
        (_("Stage"), str(section.stage)),
        (_("State"), state),
        (_("Advance per province"), section.quota),
    ]
    if section.visible:
        facts.append((_("Cut-off"), section.cut_off))
    if snapshot is not None:
        facts += [
            (_("Finalised by"), str(snapshot.finalised_by or "")),
            (_("Finalised at"), timezone.localtime(snapshot.finalised_at).replace(tzinfo=None)),
        ]
    facts.append((_("Exported at"), timezone.localtime().replace(tzinfo=None, microsecond=0)))
    for label, value in facts:
        info.append([escape_cell(str(label)), escape_cell(value)])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 26
    info.column_dimensions["B"].width = 60

    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _criteria_count(section) -> int:
    return len(section.frozen_criteria if section.finalised else section.criteria)
