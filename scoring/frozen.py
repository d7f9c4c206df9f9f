"""Reading a frozen ranking: what a snapshot row's breakdown holds of a stage, and what its
rubric adds to it. One reading for the decision file, the API and the exports.

A row's breakdown (services._breakdown, _final_breakdown) holds each criterion as it was
scored (code, name, kind, weight, score, contribution, counted); the national result holds one
entry per national stage (its weight, total, rank and criteria). What the breakdown does not
hold, such as a criterion's tie-break order, is its rubric's criterion of the same code."""

from dataclasses import dataclass
from decimal import Decimal

from .enums import StageKind
from .models import Criterion


@dataclass(frozen=True)
class FrozenCriterion:
    """A criterion of a frozen ranking: `entry` as the breakdown holds it, `criterion` the
    rubric's criterion of that code (None when the rubric has no such criterion any more). A
    rubric's criterion that the frozen ranking does not hold has an empty `entry`."""

    entry: dict
    criterion: Criterion | None

    @property
    def code(self) -> str:
        return self.entry["code"] if self.entry else self.criterion.code

    @property
    def tie_break_order(self) -> int | None:
        return self.criterion.tie_break_order if self.criterion is not None else None


def frozen_criteria(entries: list[dict], rubric) -> list[FrozenCriterion]:
    """The frozen criteria `entries` (a breakdown's, in their order) with their rubric's."""
    by_code = {c.code: c for c in rubric.criteria.all()} if rubric is not None else {}
    return [FrozenCriterion(entry, by_code.get(entry["code"])) for entry in entries]


def stage_entry(breakdown: dict | None, kind: str) -> dict | None:
    """A national stage's entry in a national result row's breakdown (None without one)."""
    return next((s for s in (breakdown or {}).get("stages", []) if s.get("stage") == kind), None)


def stage_criteria(breakdown: dict | None, kind: str) -> list[dict]:
    """The criteria a frozen row holds for a scoring stage: its own ranking's, or for the
    interview (frozen by the national result) the national result's interview entry's."""
    if kind == StageKind.NATIONAL_INTERVIEW:
        return (stage_entry(breakdown, kind) or {}).get("criteria", [])
    return (breakdown or {}).get("criteria", [])


@dataclass(frozen=True)
class InterviewRow:
    """A finalist's frozen interview result, read from their national result row: the
    interview's total and rank among the finalists. The label, the tie decision and the outcome
    are the national result's, not the interview's."""

    nomination: object
    rank: int
    total: Decimal
    breakdown: dict  # the national result row's: stage_criteria(breakdown, interview)
    label: str = ""
    tie_reason: str = ""
    advanced: bool | None = None


def interview_rows(rows) -> list[InterviewRow]:
    """The interview's frozen ranking from the national result's rows (RankingSnapshotRow,
    their nominees read), best first."""
    found = []
    for row in rows:
        entry = stage_entry(row.breakdown, StageKind.NATIONAL_INTERVIEW)
        if entry is not None:
            found.append(
                InterviewRow(row.nomination, entry["rank"], Decimal(entry["total"]), row.breakdown)
            )
    return sorted(found, key=lambda r: (r.rank, r.nomination.candidate.name))
