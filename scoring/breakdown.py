"""Reading an interview's figures out of a ranking's breakdown: the jury's score before the
attendance factor and the factor applied, which make the interview criterion's score (90.00 ×
0.80 = 72.00). One reading for the national result as the ranking API gives it (live or
frozen), the jury's pages, and the public site (the candidate's page, the open data).

A frozen breakdown is what scoring.services wrote when the ranking was finalised
(`_criteria_breakdown`, `_final_breakdown`): its figures are text, exactly as frozen, and only
an interview criterion holds `judged` and `factor`."""

from dataclasses import dataclass
from decimal import Decimal

from .enums import CriterionKind, StageKind


def _decimal(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def interview_figures(cell) -> tuple[Decimal | None, Decimal | None]:
    """An interview criterion's jury score before the attendance factor and the factor applied
    (None: no attendance recorded yet), from a live result (selectors.CriterionResult) or a
    frozen breakdown's criterion; (None, None) for any other kind of criterion."""
    if isinstance(cell, dict):
        return _decimal(cell.get("judged")), _decimal(cell.get("factor"))
    if cell.criterion.kind != CriterionKind.INTERVIEW:
        return None, None
    return cell.judged, cell.factor


@dataclass(frozen=True)
class NationalInterview:
    judged: Decimal | None  # the jury's score of the interview criterion, before the factor
    factor: Decimal | None  # the attendance factor applied to it
    total: Decimal | None  # the interview stage's total, after the factor


def national_interview(breakdown: dict) -> NationalInterview | None:
    """The interview of a frozen national result row (its breakdown): the interview
    criterion's jury score and attendance factor, and the interview's total as it counts in
    the national total. None for a row of any other stage."""
    stage = next(
        (
            s
            for s in (breakdown or {}).get("stages", [])
            if s.get("stage") == StageKind.NATIONAL_INTERVIEW
        ),
        None,
    )
    if stage is None:
        return None
    judged, factor = next(
        (
            figures
            for figures in map(interview_figures, stage.get("criteria", []))
            if figures[0] is not None
        ),
        (None, None),
    )
    return NationalInterview(judged, factor, _decimal(stage.get("total")))
