"""The ranking as XLSX, built with openpyxl from what the ranking page shows the user
(scoring.views_ranking.category_ranking; the national result's: scoring.final_section), so the
file never holds more than the page: a member still blind to the totals gets the progress only.

Text cells go through candidates.spreadsheets.escape_cell, as the nominations export does: a
nominee or criterion name starting with "=" stays text, never a formula."""

import io
from collections import Counter
from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from candidates.spreadsheets import XLSX_CONTENT_TYPE, escape_cell

from .enums import StageKind

__all__ = [
    "XLSX_CONTENT_TYPE",
    "final_workbook",
    "ranking_filename",
    "ranking_workbook",
    "region_of",
]

TWO_DECIMALS = "0.00"


def region_of(candidate) -> str:
    return candidate.regency.name if candidate.regency_id else candidate.province.name


# What a file name adds for the rankings that are not the panel's first stage's.
_FILE_SUFFIX = {StageKind.NATIONAL_INTERVIEW: "-wawancara", StageKind.NATIONAL_RESULT: "-hasil"}


def ranking_filename(*, panel, category, kind=None) -> str:
    province = slugify(panel.province.name) if panel.province_id else "nasional"
    suffix = _FILE_SUFFIX.get(kind, "")
    return (
        f"paritrana-peringkat-{panel.edition.year}-{province}-{slugify(category.code)}{suffix}.xlsx"
    )


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
    # No one advances from the interview: the national result decides.
    advance = [] if section.is_interview else [_("Would advance")]
    header = [
        _("Rank"),
        _("Nominee"),
        _("Region"),
        _("Total"),
        *[c.name for c in section.criteria],
        _("Tie"),
        *advance,
    ]
    rows = [
        [
            r.row.rank,
            r.nomination.candidate.name,
            r.region,
            r.row.total,
            *[c.score for c in r.row.criteria],
            str(r.row.withheld) if r.row.withheld else _tie_flag(r),
            *([] if section.is_interview else [r.advances]),
        ]
        for r in section.rows
    ]
    return header, rows


def _frozen_rows(section) -> tuple[list, list]:
    # The interview's label, outcome and tie decision are the national result's.
    outcome = [] if section.is_interview else [_("Label"), _("Advanced"), _("Tie decision")]
    header = [
        _("Rank"),
        _("Nominee"),
        _("Region"),
        _("Total"),
        *[c.name for c in section.frozen_criteria],
        *outcome,
    ]
    rows = [
        [
            r.row.rank,
            r.nomination.candidate.name,
            r.region,
            r.row.total,
            *[c["score"] if c else None for c in r.criteria],
            *(
                []
                if section.is_interview
                else [r.row.get_label_display(), r.row.advanced, r.row.tie_reason]
            ),
        ]
        for r in section.frozen_rows
    ]
    return header, rows


def _quota(section) -> list[tuple]:
    """How many go on: per province from a provincial ranking, across the whole category from
    the national selection (its finalists); no one from the interview."""
    if section.is_interview:
        return []
    if section.is_selection:
        return [(_("Finalists of the whole category"), section.quota)]
    return [(_("Advance per province"), section.quota)]


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
        if section.is_interview:
            state = _("Frozen: the national result is finalised.")
    else:
        header, rows = _live_rows(section)
        state = _("Not finalised: the ranking may still change.")

    book = openpyxl.Workbook()
    sheet = _ranking_sheet(book, header, rows)
    if section.visible:
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4 + _criteria_count(section)):
            for cell in row:
                cell.number_format = TWO_DECIMALS

    facts = [
        (_("Panel"), str(panel)),
        (_("Category"), section.category.name),
        (_("Stage"), str(section.stage)),
        (_("State"), state),
        *_quota(section),
    ]
    if section.visible and not section.is_interview:
        facts.append((_("Cut-off"), section.cut_off))
    return _save(book, facts + _finalised(section.snapshot))


def _criteria_count(section) -> int:
    return len(section.frozen_criteria if section.finalised else section.criteria)


def _ranking_sheet(book, header: list, rows: list):
    """Sheet "Peringkat": the header, then one row per nominee."""
    sheet = book.active
    sheet.title = "Peringkat"
    _header(sheet, header)
    for row in rows:
        sheet.append([escape_cell(v) for v in row])
    for column, title in enumerate(header, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(10, min(40, len(str(title)) + 4))
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 28
    return sheet


def _finalised(snapshot) -> list[tuple]:
    if snapshot is None:
        return []
    return [
        (_("Finalised by"), str(snapshot.finalised_by or "")),
        (_("Finalised at"), _local(snapshot.finalised_at)),
    ]


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def _save(book, facts: list[tuple]) -> bytes:
    """Sheet "Info" (the facts, then when the file was made), and the workbook's bytes."""
    info = book.create_sheet("Info")
    facts = [*facts, (_("Exported at"), timezone.localtime().replace(tzinfo=None, microsecond=0))]
    for label, value in facts:
        info.append([escape_cell(str(label)), escape_cell(value)])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 26
    info.column_dimensions["B"].width = 60
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# The national result


def _stage_title(kind: str, weight) -> str:
    return _("%(stage)s (weight %(weight)s)") % {
        "stage": StageKind(kind).label,
        "weight": number_format(Decimal(weight).normalize(), use_l10n=True),
    }


def _final_tie_flag(row) -> str:
    if row.tied:
        return _("still tied")
    if row.tie_position is not None:
        return _("decided by the chair")
    if row.tie_broken:
        return _("broken by the criteria")
    return ""


def _final_frozen(section) -> tuple[list, list]:
    lines = section.frozen_rows
    stages = lines[0]["stages"] if lines else []
    header = [
        _("Rank"),
        _("Finalist"),
        _("Region"),
        *[_stage_title(s["stage"], s["weight"]) for s in stages],
        _("Attendance factor"),
        _("Total"),
        _("Label"),
        _("Tie decision"),
    ]
    rows = [
        [
            line["row"].rank,
            line["row"].nomination.candidate.name,
            region_of(line["row"].nomination.candidate),
            *[Decimal(s["total"]) for s in line["stages"]],
            Decimal(line["factor"]) if line["factor"] is not None else None,
            line["row"].total,
            line["row"].get_label_display(),
            line["row"].tie_reason,
        ]
        for line in lines
    ]
    return header, rows


def _final_live(section) -> tuple[list, list]:
    ranking = section.ranking
    header = [
        _("Rank"),
        _("Finalist"),
        _("Region"),
        *[_stage_title(stage.kind, rubric.final_weight) for stage, rubric in ranking.stages],
        _("Attendance factor"),
        _("Total"),
        _("Label it would receive"),
        _("Tie"),
    ]
    rows = [
        [
            row.rank,
            row.nomination.candidate.name,
            region_of(row.nomination.candidate),
            *[result.total for result in row.stages],
            row.attendance_factor,
            row.total,
            str(section.labels.get(row.nomination.pk, "")),
            _final_tie_flag(row),
        ]
        for row in ranking.rows
    ]
    return header, rows


def _final_progress(section) -> tuple[list, list]:
    missing = Counter(m.nomination.pk for m in section.missing)
    header = [_("Finalist"), _("Region"), _("Interview scoresheets missing")]
    rows = [[n.candidate.name, region_of(n.candidate), missing[n.pk]] for n in section.finalists]
    return header, rows


def final_workbook(*, panel, section) -> bytes:
    """The national result as the page shows it (scoring.final_section): sheet "Peringkat"
    with one row per finalist (each national stage's total, the attendance factor, the total,
    the label; the frozen ranking once finalised, the live one before, the progress only while
    the user may not see totals); sheet "Info": the panel, category, state and who finalised
    when."""
    snapshot = section.snapshot
    if section.finalised:
        header, rows = _final_frozen(section)
        state = (
            _("Signed off")
            if snapshot.signed_off_at
            else _("Finalised: waiting for the jurors' confirmations")
        )
    elif not section.visible:
        header, rows = _final_progress(section)
        state = _("Progress only: the totals show once your own scoresheets are submitted.")
    else:
        header, rows = _final_live(section)
        state = _("Not finalised: the ranking may still change.")
    book = openpyxl.Workbook()
    sheet = _ranking_sheet(book, header, rows)
    if section.finalised or section.visible:
        # The stage totals, the attendance factor and the total.
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=len(header) - 2):
            for cell in row:
                cell.number_format = TWO_DECIMALS
    facts = [
        (_("Panel"), str(panel)),
        (_("Category"), section.category.name),
        (_("Stage"), str(section.stage)),
        (_("State"), state),
        *_finalised(snapshot),
    ]
    if snapshot is not None and snapshot.signed_off_at:
        facts.append((_("Signed off at"), _local(snapshot.signed_off_at)))
    return _save(book, facts)
