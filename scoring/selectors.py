"""Reusable reads of the scoring app: panels, worklists, conflicts and the ranking query."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from accounts.enums import Role
from accounts.rules import assignments_of
from candidates.enums import PANEL_STATES, NominationState
from candidates.models import Candidate, Category, Nomination, Province, Regency
from candidates.selectors import is_admin
from candidates.selectors import nominations as all_nominations

from . import maths
from .breakdown import interview_figures
from .enums import (
    FROZEN_BY,
    NATIONAL_SCORING,
    PROVINCIAL_SCORING,
    CriterionKind,
    ScoresheetState,
    StageKind,
)
from .models import (
    Award,
    Conflict,
    Criterion,
    Interview,
    Panel,
    PanelMember,
    RankingSnapshot,
    Rubric,
    Score,
    Scoresheet,
    Stage,
    TieDecision,
)

# Nominations a provincial panel ranks: verified, and what verification led to.
RANKED_STATES = (
    NominationState.VERIFIED,
    NominationState.SCORED,
    NominationState.ADVANCED,
    NominationState.NOT_ADVANCED,
    NominationState.FINALIST,
    NominationState.NOT_FINALIST,
    NominationState.AWARDED,
    NominationState.NOT_AWARDED,
)
# What the panel verifies: dossiers submitted, or resubmitted after a correction.
TO_VERIFY_STATES = (NominationState.SUBMITTED, NominationState.RESUBMITTED)
# The national jury's cohorts. The national selection ranks every nominee a province advanced
# and every verified nominee of a category without a provincial round (provincial governments
# enter there directly); the interview and the national result rank the finalists.
FINALIST_STATES = (NominationState.FINALIST, NominationState.AWARDED, NominationState.NOT_AWARDED)
_AFTER_SELECTION = (*FINALIST_STATES, NominationState.NOT_FINALIST)
SELECTION_VIA_PROVINCE = (NominationState.ADVANCED, *_AFTER_SELECTION)
SELECTION_DIRECT = (NominationState.VERIFIED, NominationState.SCORED, *_AFTER_SELECTION)
# The state a nominee is scored in, per scoring stage (before its ranking is finalised).
SCOREABLE = {
    StageKind.PROVINCIAL_ASSESSMENT: (NominationState.VERIFIED,),
    StageKind.NATIONAL_SELECTION: (NominationState.ADVANCED, NominationState.VERIFIED),
    StageKind.NATIONAL_INTERVIEW: (NominationState.FINALIST,),
}


def is_auditor_of(user, edition_id) -> bool:
    return any(a.edition_id in (None, edition_id) for a in assignments_of(user, Role.AUDITOR))


def panels_visible_to(user) -> QuerySet[Panel]:
    """Panels (provincial panels and national juries) the user sits on; every panel for the
    secretariat and auditors (of their edition)."""
    panels = Panel.objects.select_related("edition", "province")
    if is_admin(user):
        return panels
    audited = [a.edition_id for a in assignments_of(user, Role.AUDITOR)]
    scope = Q(members__user=user) if user.is_authenticated else Q(pk__in=[])
    if None in audited:
        scope |= Q(pk__isnull=False)
    elif audited:
        scope |= Q(edition__in=audited)
    return panels.filter(scope).distinct()


def membership(panel: Panel, user) -> PanelMember | None:
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(panel=panel, user=user).first()


def panel_stage(panel: Panel, kind: StageKind) -> Stage | None:
    return Stage.objects.filter(edition_id=panel.edition_id, kind=kind).first()


def scoring_stage_kinds(panel: Panel) -> tuple[StageKind, ...]:
    """The stages the panel scores in: the provincial assessment, or the jury's selection and
    interview."""
    return NATIONAL_SCORING if panel.is_jury else PROVINCIAL_SCORING


def result_stage_kind(panel: Panel, kind: StageKind) -> StageKind:
    """The stage in which a scoring stage's ranking is finalised (it must be open then)."""
    return {
        StageKind.PROVINCIAL_ASSESSMENT: StageKind.PROVINCIAL_RESULT,
        StageKind.NATIONAL_SELECTION: StageKind.NATIONAL_SELECTION,
        StageKind.NATIONAL_INTERVIEW: StageKind.NATIONAL_RESULT,
        StageKind.NATIONAL_RESULT: StageKind.NATIONAL_RESULT,
    }[kind]


def panel_nominations(panel: Panel) -> QuerySet[Nomination]:
    """What the panel may see. A provincial panel: every nomination of its province and edition
    in a category with a provincial round. The national jury: the edition's nominations in the
    national round, and the dossiers of categories without a provincial round, which it
    verifies itself."""
    if panel.is_jury:
        return all_nominations().filter(
            Q(category__has_provincial_round=True, state__in=SELECTION_VIA_PROVINCE)
            # Every submitted dossier of a category without a provincial round, including
            # those the jury returned or declared ineligible (its verification record).
            | Q(category__has_provincial_round=False, state__in=PANEL_STATES),
            category__edition=panel.edition_id,
        )
    return all_nominations().filter(
        candidate__home_province_code=panel.province_id,
        category__edition=panel.edition_id,
        category__has_provincial_round=True,
    )


def nominations_to_verify(panel: Panel) -> QuerySet[Nomination]:
    return panel_nominations(panel).filter(state__in=TO_VERIFY_STATES)


def stage_nominations(
    panel: Panel, kind: StageKind, category: Category | None = None
) -> QuerySet[Nomination]:
    """The cohort a panel ranks in a stage: the verified nominees of the provincial assessment;
    the national selection's nominees; the finalists of the interview and the national
    result."""
    nominations = panel_nominations(panel)
    if kind == StageKind.PROVINCIAL_ASSESSMENT:
        nominations = nominations.filter(state__in=RANKED_STATES)
    elif kind == StageKind.NATIONAL_SELECTION:
        nominations = nominations.filter(
            Q(category__has_provincial_round=True, state__in=SELECTION_VIA_PROVINCE)
            | Q(category__has_provincial_round=False, state__in=SELECTION_DIRECT)
        )
    else:
        nominations = nominations.filter(state__in=FINALIST_STATES)
    if category is not None:
        nominations = nominations.filter(category=category)
    return nominations


def ranked_nominations(panel: Panel, category: Category | None = None) -> QuerySet[Nomination]:
    """The cohort of the panel's first scoring stage (provincial assessment, national
    selection)."""
    return stage_nominations(panel, scoring_stage_kinds(panel)[0], category)


def panel_categories(panel: Panel, kind: StageKind | None = None) -> list[Category]:
    """The panel's categories that have nominees in the stage, in their order."""
    kind = kind or scoring_stage_kinds(panel)[0]
    ids = stage_nominations(panel, kind).values("category_id")
    return list(Category.objects.filter(pk__in=ids).order_by("order", "name"))


def rubric_for(stage: Stage, category: Category) -> Rubric | None:
    return (
        Rubric.objects.filter(stage=stage, category=category).prefetch_related("criteria").first()
    )


def conflicts_of(panel: Panel) -> QuerySet[Conflict]:
    return Conflict.objects.filter(panel=panel).select_related("assessor", "nomination__candidate")


def is_excluded(panel: Panel, user, nomination: Nomination) -> Conflict | None:
    return Conflict.objects.filter(panel=panel, assessor=user, nomination=nomination).first()


def freezing_stage(stage: Stage) -> Stage | None:
    """The stage whose finalised ranking freezes `stage`'s scores (itself, or the national
    result for the interview)."""
    kind = FROZEN_BY.get(stage.kind, stage.kind)
    if kind == stage.kind:
        return stage
    return Stage.objects.filter(edition_id=stage.edition_id, kind=kind).first()


def frozen_snapshot(stage: Stage, panel: Panel, category: Category) -> RankingSnapshot | None:
    """The current finalised ranking that freezes the scores of `stage` for the category."""
    frozen_by = freezing_stage(stage)
    return current_snapshot(frozen_by, panel, category) if frozen_by is not None else None


def current_snapshot(stage: Stage, panel: Panel, category: Category) -> RankingSnapshot | None:
    return (
        RankingSnapshot.objects.filter(
            stage=stage, panel=panel, category=category, reopened_at__isnull=True
        )
        .select_related("finalised_by")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Worklist


@dataclass
class WorklistRow:
    nomination: Nomination
    scoresheet: Scoresheet | None
    conflict: Conflict | None

    @property
    def status(self) -> str:
        if self.conflict is not None:
            return "excluded"
        if self.scoresheet is None:
            return "todo"
        return self.scoresheet.state


def scoring_worklist(panel: Panel, stage: Stage, user) -> list[WorklistRow]:
    """The member's nominees in this stage with their own scoresheet and any conflict: three
    queries whatever the number of nominees."""
    nominations = list(
        stage_nominations(panel, stage.kind).order_by("category__order", "candidate__name")
    )
    sheets = {
        s.nomination_id: s
        for s in Scoresheet.objects.filter(stage=stage, assessor=user, panel=panel)
    }
    conflicts = {c.nomination_id: c for c in Conflict.objects.filter(panel=panel, assessor=user)}
    return [WorklistRow(n, sheets.get(n.pk), conflicts.get(n.pk)) for n in nominations]


# ---------------------------------------------------------------------------------------------
# Ranking


@dataclass(slots=True)
class CriterionResult:
    criterion: Criterion
    score: Decimal  # two decimals, half up
    contribution: Decimal  # weight × score / Σ weight, two decimals
    counted: int  # assessors' scores that counted (0 for computed criteria)
    judged: Decimal | None = None  # interview: the assessors' score before the factor
    factor: Decimal | None = None  # interview: the attendance factor applied (None: not yet)


class RankingRow:
    """A nominee's place in a ranking. The ranking reads every nominee's id, name, region,
    total and rank, all a page shows of a nominee; the nominee itself (`nomination`) is read
    where more is needed (attach_nominees: the tie forms, the XLSX, the API), and
    the per-criterion breakdown (`criteria`) is made from the ranking's text of it when first
    read: a page shows fifty rows of twenty thousand."""

    def __init__(
        self, *, nomination_id, name, region, total, rank, tied, tie_broken, tie_position,
        criteria, text, total_weight,
    ):  # fmt: skip
        self.nomination_id: int = nomination_id
        self.name: str = name  # the candidate's, for the order within a rank and the page
        self.region: str = region  # the candidate's regency/city, or province (a province's)
        self.nomination: Nomination | None = None  # attach_nominees
        self.total: Decimal = total
        self.rank: int = rank
        self.tied: bool = tied  # still tied after the tie-breakers and the chair's decisions
        self.tie_broken: bool = tie_broken  # equal total, separated by tie-break or decision
        self.tie_position: int | None = tie_position
        self._criteria = criteria  # the rubric's, in the order of the text
        self._text = text  # _ranking_sql's `breakdown`
        self._total_weight: Decimal = total_weight  # the criteria's weights added up
        self.withheld = ""  # why the reader may not see this row (withhold_live_rows)

    @cached_property
    def criteria(self) -> list[CriterionResult]:
        """Per criterion, from the values the query wrote as text, separated by commas: the
        score, unrounded (its contribution is computed from it here, as maths.contribution
        does); then, unless the criterion is computed, the count of assessors' scores; then, for
        an interview, the score before the factor and the factor (empty: none). Both are
        rounded half up here, as maths.round_half_up does. PostgreSQL writes NUMERIC exactly;
        SQLite's floats are made Decimals of nine places first (_decimal)."""
        values = iter(self._text.split(","))
        exact = connection.vendor == "postgresql"

        def number(text: str) -> Decimal | None:
            if not text:
                return None
            return Decimal(text) if exact else _decimal(float(text))

        results = []
        for criterion in self._criteria:
            parts = [next(values) for _ in range(_BREAKDOWN_PARTS[criterion.kind])]
            value = number(parts[0])
            score = maths.round_half_up(value)
            contribution = maths.contribution(criterion.weight, value, self._total_weight)
            counted = int(float(parts[1])) if len(parts) > 1 else 0
            if len(parts) > 2:
                factor = number(parts[3])
                judged = maths.round_half_up(number(parts[2]))
                factor = None if factor is None else maths.round_half_up(factor)
            else:
                judged, factor = score, None
            results.append(CriterionResult(criterion, score, contribution, counted, judged, factor))
        return results

    def __repr__(self) -> str:
        return f"<RankingRow {self.nomination_id} rank={self.rank} total={self.total}>"


# A ranking page shows this many rows; a search by name reads at most this many characters.
RANKING_PAGE_SIZE = 50
SEARCH_MAX_LENGTH = 100


def search_text(text: str) -> str:
    """A search as typed, with its spaces made single and its length bounded."""
    return " ".join(text.split())[:SEARCH_MAX_LENGTH]


@dataclass
class Ranking:
    rubric: Rubric
    criteria: list[Criterion]
    rows: list[RankingRow]

    def named(self, text: str) -> list[RankingRow]:
        """The rows whose nominee's name contains `text` (any case), in rank order."""
        needle = search_text(text).casefold()
        return [row for row in self.rows if needle in row.name.casefold()]

    @property
    def ties(self) -> list[list[RankingRow]]:
        """Groups of nominees still tied (equal totals and tie-breakers, not wholly ordered by
        the chair): they block finalisation."""
        groups = defaultdict(list)
        for row in self.rows:
            if row.tied:
                key = (row.total, *(c.score for c in row.criteria if c.criterion.tie_break_order))
                groups[key].append(row)
        return sorted(groups.values(), key=lambda group: group[0].rank)


def _numeric() -> str:
    # PostgreSQL computes in exact numeric; SQLite has only floating point, so every value is
    # made REAL there (its integer division would otherwise truncate 3/6 to 0).
    return "NUMERIC" if connection.vendor == "postgresql" else "REAL"


# Added before rounding: a total of exactly x.xx5 may come out of floating point as
# x.xx4999…; no total the rules can produce lies within 1e-9 below a half, so this only
# restores half-up rounding.
_HALF_UP_NUDGE = "0.000000001"


# How many values of the breakdown each kind of criterion has (RankingRow.criteria).
_BREAKDOWN_PARTS = defaultdict(lambda: 2, {CriterionKind.COMPUTED: 1, CriterionKind.INTERVIEW: 4})


def _ranking_sql(rubric: Rubric, criteria: list[Criterion], cohort_sql: str, panel: Panel) -> str:
    num = _numeric()
    t = {
        "criterion": Criterion._meta.db_table,
        "score": Score._meta.db_table,
        "sheet": Scoresheet._meta.db_table,
        "conflict": Conflict._meta.db_table,
        "nomination": Nomination._meta.db_table,
        "indicator": "scoring_indicatorvalue",
        "tie": TieDecision._meta.db_table,
        "interview": Interview._meta.db_table,
    }
    if rubric.zscore:
        values = """
    stats AS (
        SELECT nomination_id, criterion_id, assessor_id, value,
            AVG(value) OVER (PARTITION BY assessor_id, criterion_id) AS a_mean,
            AVG(value * value) OVER (PARTITION BY assessor_id, criterion_id) AS a_sq,
            AVG(value) OVER (PARTITION BY criterion_id) AS c_mean,
            AVG(value * value) OVER (PARTITION BY criterion_id) AS c_sq
        FROM raw
    ),
    normalised AS (
        SELECT nomination_id, criterion_id,
            CASE WHEN a_sq - a_mean * a_mean <= 0.000000000001 THEN c_mean
                 ELSE c_mean + SQRT(CASE WHEN c_sq - c_mean * c_mean > 0
                                         THEN c_sq - c_mean * c_mean ELSE 0 END)
                      * (value - a_mean) / SQRT(a_sq - a_mean * a_mean)
            END AS value
        FROM stats
    ),
    vals AS (
        SELECT nomination_id, criterion_id,
            CASE WHEN value < 0 THEN 0 WHEN value > 100 THEN 100 ELSE value END AS value
        FROM normalised
    ),"""
    else:
        values = """
    vals AS (SELECT nomination_id, criterion_id, value FROM raw),"""

    assessed_criteria = [c for c in criteria if c.is_assessed]
    computed_criteria = [c for c in criteria if c.kind == CriterionKind.COMPUTED]

    def pivot(value: str, count: str) -> str:
        # One row per nominee, one column per criterion: the rest of the query works on 1 row
        # per nominee instead of one per nominee and criterion.
        return ",\n            ".join(
            f"{value} FILTER (WHERE criterion_id = {int(c.pk)}) AS a{int(c.pk)}, "
            f"{count} FILTER (WHERE criterion_id = {int(c.pk)}) AS n{int(c.pk)}"
            for c in assessed_criteria
        )

    aggregation = rubric.aggregation
    if not assessed_criteria:
        assessed = """
    assessed AS (SELECT CAST(NULL AS INTEGER) AS nomination_id WHERE 1 = 0),"""
    elif aggregation in ("median", "trimmed_mean"):
        # The values kept are chosen by their position among the criterion's values.
        if aggregation == "median":
            keep = "rn IN ((n + 1) / 2, (n + 2) / 2)"
        else:
            cut = f"(n * {int(rubric.trim_percent)}) / 100"
            keep = f"rn > {cut} AND rn <= n - {cut}"
        assessed = f"""
    ordered AS (
        SELECT nomination_id, criterion_id, value,
            ROW_NUMBER() OVER (PARTITION BY nomination_id, criterion_id ORDER BY value) AS rn,
            COUNT(*) OVER (PARTITION BY nomination_id, criterion_id) AS n
        FROM vals
    ),
    kept AS (
        SELECT nomination_id, criterion_id, AVG(value) AS score, MAX(n) AS n
        FROM ordered WHERE {keep}
        GROUP BY nomination_id, criterion_id
    ),
    assessed AS (
        SELECT nomination_id,
            {pivot("MAX(score)", "MAX(n)")}
        FROM kept GROUP BY nomination_id
    ),"""  # noqa: S608 - only integers are formatted in
    else:
        # The mean of every value: one pass over the scores, grouped per nominee.
        assessed = f"""
    assessed AS (
        SELECT nomination_id,
            {pivot("AVG(value)", "COUNT(*)")}
        FROM vals GROUP BY nomination_id
    ),"""  # noqa: S608 - only integers are formatted in

    if computed_criteria:
        computed_pivot = ",\n            ".join(
            f"MAX(score) FILTER (WHERE criterion_id = {int(c.pk)}) AS c{int(c.pk)}"
            for c in computed_criteria
        )
        computed_wide = f"""
    computed_wide AS (
        SELECT nomination_id,
            {computed_pivot}
        FROM computed_scores GROUP BY nomination_id
    ),"""  # noqa: S608 - only integers are formatted in
    else:
        computed_wide = """
    computed_wide AS (SELECT CAST(NULL AS INTEGER) AS nomination_id WHERE 1 = 0),"""

    def weight(c: Criterion) -> str:
        return f"CAST({Decimal(c.weight)} AS {num})"  # a Decimal: digits and a point only

    total_weight = f"CAST({sum(Decimal(c.weight) for c in criteria)} AS {num})"
    # Interview criteria are multiplied by the attendance factor of the nominee's interview with
    # this panel (none recorded yet: 1); the factors are Decimals, formatted as the weights are.
    factor = (
        "CASE iv.attendance "
        + " ".join(
            f"WHEN '{attendance}' THEN CAST({Decimal(value)} AS {num})"
            for attendance, value in (
                ("head", rubric.factor_head),
                ("deputy", rubric.factor_deputy),
                ("secretary", rubric.factor_secretary),
                ("other", rubric.factor_other),
            )
        )
        + " END"
    )
    # Joined only when the rubric has computed criteria: a join to an empty set still costs the
    # planner and a pass over the cohort.
    computed_join = (
        "LEFT JOIN computed_wide cw ON cw.nomination_id = c.id" if computed_criteria else ""
    )
    interview_join = ""
    if any(c.kind == CriterionKind.INTERVIEW for c in criteria):
        interview_join = (
            f"\n        LEFT JOIN {t['interview']} iv"
            f" ON iv.nomination_id = c.id AND iv.panel_id = {int(panel.pk)}"
        )
    columns = []  # per criterion: its score (after the factor), raw score, count, factor
    for c in criteria:
        i = int(c.pk)
        if c.kind == CriterionKind.COMPUTED:
            columns.append(f"COALESCE(cw.c{i}, 0) AS s{i}, COALESCE(cw.c{i}, 0) AS r{i}, "
                           f"0 AS n{i}, CAST(NULL AS {num}) AS f{i}")  # fmt: skip
        elif c.kind == CriterionKind.INTERVIEW:
            columns.append(f"COALESCE(a.a{i}, 0) * COALESCE({factor}, 1) AS s{i}, "
                           f"COALESCE(a.a{i}, 0) AS r{i}, COALESCE(a.n{i}, 0) AS n{i}, "
                           f"{factor} AS f{i}")  # fmt: skip
        else:
            columns.append(f"COALESCE(a.a{i}, 0) AS s{i}, COALESCE(a.a{i}, 0) AS r{i}, "
                           f"COALESCE(a.n{i}, 0) AS n{i}, CAST(NULL AS {num}) AS f{i}")  # fmt: skip
    crit_columns = ",\n            ".join(columns)
    weighted = " + ".join(f"{weight(c)} * s{int(c.pk)}" for c in criteria)
    # The breakdown as one text (RankingRow.criteria reads it): fetching 50 numbers for each of
    # 20,000 nominees would cost more than the page shows. Per criterion, only what its kind
    # needs (_BREAKDOWN_PARTS), unrounded: its score (the row rounds it and computes its
    # contribution when the breakdown is read, for the rows shown only); the assessors' count
    # unless it is computed; the score before the factor and the factor for an interview. The
    # columns the text is made of are the only ones carried.
    carried, parts = "", []
    for c in criteria:
        i = int(c.pk)
        kind_parts = [
            f"CAST(b.s{i} AS TEXT)",
            f"CAST(b.n{i} AS TEXT)",
            f"CAST(b.r{i} AS TEXT)",
            f"COALESCE(CAST(b.f{i} AS TEXT), '')",
        ][: _BREAKDOWN_PARTS[c.kind]]
        parts += kind_parts
        carried += "".join(f", {column}{i}" for column in "snrf"[: len(kind_parts)])
    breakdown = " || ',' || ".join(parts)

    tie_breakers = sorted(
        (c for c in criteria if c.tie_break_order is not None), key=lambda c: c.tie_break_order
    )
    tb_select = "".join(
        f",\n            ROUND(s{int(c.pk)} + {_HALF_UP_NUDGE}, 2) AS tb{i}"
        for i, c in enumerate(tie_breakers)
    )
    tb_order = "".join(f"t.tb{i} DESC, " for i in range(len(tie_breakers)))
    tb_key = "".join(f", t.tb{i}" for i in range(len(tie_breakers)))
    # On PostgreSQL the cohort is inlined where it is used rather than computed once (a CTE
    # read from would keep the query out of parallel workers).
    inline = "NOT MATERIALIZED " if connection.vendor == "postgresql" else ""
    # The scores are read as the panel's scoresheets of the stage, by index, that the planner
    # can share among parallel workers, and only the rubric's category's. A provincial panel's
    # sheets are a province's (a few thousand): the category is told by the scores' criteria
    # (the rubric's are the category's), with no other table read. The jury's are the whole
    # country's: they are joined to the category's nominations first, so that only that
    # category's sheets are read, each by index (told by the criteria instead, PostgreSQL
    # reads every score of every edition). Nominees outside the cohort (not or no longer in the
    # stage) are dropped when the cohort is joined to their means. Z-scores are made from
    # every score counted, so there only the cohort's are read.
    if rubric.zscore:
        raw_join, raw_filter = "JOIN cohort ON cohort.id = sh.nomination_id", ""
    elif panel.is_jury:
        raw_join = (
            f"JOIN {t['nomination']} rn ON rn.id = sh.nomination_id"
            f" AND rn.category_id = {int(rubric.category_id)}"
        )
        raw_filter = ""
    else:
        ids = ", ".join(str(int(c.pk)) for c in criteria)
        raw_join, raw_filter = "", f"AND s.criterion_id IN ({ids})"
    # The scores of an assessor excluded from a nominee (a conflict of interest) do not count.
    # The jury's as an anti-join: PostgreSQL estimates NOT IN (subquery) to keep half of the
    # rows, and for the jury's hundreds of thousands of scores then chose a sort for the
    # aggregate that spilled to disk (measured: 25 % slower at 5,000 nominees). A provincial
    # panel's few thousand sheets are read fastest with the hashed NOT IN (measured: an
    # anti-join there made a merge join of sorted sheets, 10–20 % slower).
    if panel.is_jury:
        excluded = f"""NOT EXISTS (
              SELECT 1 FROM {t["conflict"]} cf
              WHERE cf.panel_id = %s AND cf.nomination_id = sh.nomination_id
                AND cf.assessor_id = sh.assessor_id
          )"""  # noqa: S608 - a table name only
    else:
        excluded = f"""(sh.nomination_id, sh.assessor_id) NOT IN (
              SELECT cf.nomination_id, cf.assessor_id FROM {t["conflict"]} cf
              WHERE cf.panel_id = %s
          )"""  # noqa: S608 - a table name only
    # Only integers, weights (Decimals), table names and fixed SQL words are formatted in;
    # values are parameters.
    return f"""
    WITH cohort AS {inline}({cohort_sql}),
    crit AS (
        SELECT id AS criterion_id, kind, indicator, mapping,
            CAST(zero_at AS {num}) AS zero_at, CAST(full_at AS {num}) AS full_at
        FROM {t["criterion"]} WHERE rubric_id = %s
    ),
    raw AS (
        SELECT sh.nomination_id, s.criterion_id, sh.assessor_id, CAST(s.value AS {num}) AS value
        FROM {t["score"]} s
        JOIN {t["sheet"]} sh ON sh.id = s.scoresheet_id
        {raw_join}
        WHERE sh.stage_id = %s AND sh.panel_id = %s AND sh.state = %s
          {raw_filter}
          AND {excluded}
    ),{values}{assessed}
    computed AS (
        SELECT c.id AS nomination_id, cr.criterion_id, cr.mapping, cr.zero_at, cr.full_at,
            CAST(iv.value AS {num}) AS v
        FROM cohort c
        CROSS JOIN crit cr
        LEFT JOIN {t["indicator"]} iv ON iv.nomination_id = c.id AND iv.indicator = cr.indicator
        WHERE cr.kind = %s
    ),
    computed_scores AS (
        SELECT nomination_id, criterion_id,
            CASE
                WHEN v IS NULL THEN 0
                WHEN mapping = 'relative' THEN
                    CASE WHEN MAX(v) OVER (PARTITION BY criterion_id) > 0
                         THEN CASE WHEN v <= 0 THEN 0
                                   ELSE v * 100 / MAX(v) OVER (PARTITION BY criterion_id) END
                         ELSE 0 END
                WHEN (v - zero_at) * 100 / (full_at - zero_at) <= 0 THEN 0
                WHEN (v - zero_at) * 100 / (full_at - zero_at) >= 100 THEN 100
                ELSE (v - zero_at) * 100 / (full_at - zero_at)
            END AS score
        FROM computed
    ),{computed_wide}
    scored AS (
        SELECT c.id AS nomination_id, c.name, c.region,
            {crit_columns}
        FROM cohort c
        LEFT JOIN assessed a ON a.nomination_id = c.id
        {computed_join}{interview_join}
    ),
    totals AS (
        SELECT nomination_id, name, region{carried},
            ROUND(({weighted}) / {total_weight} + {_HALF_UP_NUDGE}, 2) AS total{tb_select}
        FROM scored
    ),
    ranked AS (
        SELECT t.nomination_id, t.total, td.position AS tie_position,
            RANK() OVER (ORDER BY t.total DESC, {tb_order}COALESCE(td.position, 0)) AS rnk,
            COUNT(*) OVER (PARTITION BY t.total) AS same_total,
            COUNT(*) OVER (PARTITION BY t.total{tb_key}) AS same_key,
            COUNT(td.position) OVER (PARTITION BY t.total{tb_key}) AS decided
        FROM totals t
        LEFT JOIN {t["tie"]} td ON td.nomination_id = t.nomination_id AND td.stage_id = %s
    ),
    flagged AS (
        SELECT r.*, COUNT(*) OVER (PARTITION BY rnk) AS same_rank FROM ranked r
    )
    SELECT f.nomination_id, f.total, f.rnk,
        CASE WHEN f.same_rank > 1 OR (f.same_key > 1 AND f.decided < f.same_key)
             THEN 1 ELSE 0 END AS tied,
        f.same_total, f.tie_position, b.name, b.region, {breakdown} AS breakdown
    FROM flagged f
    JOIN totals b ON b.nomination_id = f.nomination_id
    """  # noqa: S608


# SQLite hands back floats: 40.25 × 0.70 comes back as 28.174999999999997, which would round
# half up to 28.17 instead of 28.18. Nine decimals are far below any figure shown and far above
# the floating-point noise on values up to 100, so a float rounded to nine decimals first is the
# exact value (the same assumption as _HALF_UP_NUDGE for the totals computed in SQL).
_FLOAT_PLACES = Decimal("0.000000001")


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(_FLOAT_PLACES)
    return Decimal(str(value))


def _two_places(value: float) -> Decimal:
    """A value SQLite's query rounded to two places, as a float: the Decimal of two places it
    stands for (PostgreSQL's NUMERIC is read exactly, from its text)."""
    return maths.round_half_up(_decimal(value))


def ranking_for(
    *, rubric: Rubric, panel: Panel, nominations: QuerySet[Nomination], nominees: bool = True
) -> Ranking:
    """Rank `nominations` (one category's cohort: a province's in the provincial round) by the
    rubric's stage total, in the database: the assessors' scores that count (submitted, no
    conflict) are aggregated per criterion (median and trimmed mean by row number, z-scores by
    windowed mean and deviation) into one row per nominee with a column per criterion, computed
    criteria are mapped from the indicator values recorded at verification, and RANK() orders
    the totals, then the tie-breakers, then the chair's tie decisions. Rows of equal rank are
    in the order of the candidates' names.

    Two queries (criteria, ranking), whatever the cohort's size; with `nominees` the rows'
    nominees are read too (attach_nominees: four more). Every row has its nominee's name and
    region without them: a page (the chair's, paginated) passes `nominees=False` and attaches
    the nominees of the rows it needs more of (the ties, for the chair's forms)."""
    criteria = sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk))
    if not criteria:
        return Ranking(rubric=rubric, criteria=[], rows=[])
    # The cohort with what a page shows of each nominee: the candidate's name and region (its
    # regency/city, or its province for a province's government), as region_of names it.
    cohort = nominations.order_by().values(
        "id",
        name=F("candidate__name"),
        region=Coalesce("candidate__regency__name", "candidate__province__name"),
    )
    cohort_sql, cohort_params = cohort.query.sql_with_params()
    sql = _ranking_sql(rubric, criteria, cohort_sql, panel)
    params = [
        *cohort_params,
        rubric.pk,
        rubric.stage_id,
        panel.pk,
        ScoresheetState.SUBMITTED,
        panel.pk,
        CriterionKind.COMPUTED,
        rubric.stage_id,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        records = cursor.fetchall()

    total_weight = sum(Decimal(c.weight) for c in criteria)
    rows = [
        RankingRow(
            nomination_id=nomination_id,
            name=name,
            region=region,
            total=maths.round_half_up(_decimal(total)),
            rank=int(rank),
            # Tied: sharing a rank, or in a group of equal totals and tie-breakers that the
            # chair's decision does not cover whole (a nominee who joined the tie later).
            tied=bool(tied),
            tie_broken=same_total > 1 and not tied,
            tie_position=tie_position,
            criteria=criteria,
            text=text,
            total_weight=total_weight,
        )
        for (nomination_id, total, rank, tied, same_total, tie_position, name, region, text) in (
            records
        )
    ]
    # Python's order of the names (by code point), as everywhere else a ranking is sorted.
    rows.sort(key=lambda r: (r.rank, r.name, r.nomination_id))
    ranking = Ranking(rubric=rubric, criteria=criteria, rows=rows)
    if nominees:
        attach_nominees(rows, cohort=nominations)
    return ranking


def attach_nominees(rows, *, cohort: QuerySet[Nomination] | None = None) -> None:
    """Give ranking rows their nominees with the candidates, categories and regions. The rows
    of a page (by id): one query with the candidates, regions and categories joined. Every row
    of a ranking (`cohort`, the ranking's own query: no list of ids): the nominees with their
    candidates, then the categories, provinces and regencies (a few hundred rows for a whole
    edition) read once and shared instead of joined into every nominee's row; four queries.
    Rows that have their nominee already are left as they are."""
    rows = [row for row in rows if row.nomination is None]
    if not rows:
        return
    if cohort is None:
        # By key, in no order (the nominees' default order would join and sort for nothing).
        details = (
            Nomination.objects.select_related(
                "category__edition", "candidate__province", "candidate__regency__province"
            )
            .order_by()
            .in_bulk([row.nomination_id for row in rows])
        )
        for row in rows:
            row.nomination = details[row.nomination_id]
        return
    details = {n.pk: n for n in cohort.select_related(None).select_related("candidate").order_by()}
    categories = Category.objects.select_related("edition").in_bulk(
        {n.category_id for n in details.values()}
    )
    provinces = Province.objects.in_bulk()
    regencies = Regency.objects.in_bulk()
    cache = Nomination.category.field.set_cached_value
    province_cache = Candidate.province.field.set_cached_value
    regency_cache = Candidate.regency.field.set_cached_value
    for regency in regencies.values():
        Regency.province.field.set_cached_value(regency, provinces[regency.province_id])
    for row in rows:
        nomination = row.nomination = details[row.nomination_id]
        cache(nomination, categories[nomination.category_id])
        candidate = nomination.candidate
        province_cache(candidate, provinces.get(candidate.province_id))
        regency_cache(candidate, regencies.get(candidate.regency_id))


@dataclass
class MissingScoresheet:
    nomination: Nomination
    assessor: object


def missing_scoresheets(
    *, stage: Stage, panel: Panel, nominations: QuerySet[Nomination]
) -> list[MissingScoresheet]:
    """Every (nominee, member) pair still without a submitted scoresheet, conflicts aside."""
    members = [m.user for m in panel.members.select_related("user")]
    nominations = list(nominations.order_by("candidate__name"))
    ids = [n.pk for n in nominations]
    submitted = set(
        Scoresheet.objects.filter(
            stage=stage, nomination__in=ids, state=ScoresheetState.SUBMITTED
        ).values_list("nomination_id", "assessor_id")
    )
    excluded = set(
        Conflict.objects.filter(panel=panel, nomination__in=ids).values_list(
            "nomination_id", "assessor_id"
        )
    )
    return [
        MissingScoresheet(nomination, member)
        for nomination in nominations
        for member in members
        if (nomination.pk, member.pk) not in submitted | excluded
    ]


def scores_visible_to(user, *, stage: Stage, panel: Panel, nomination: Nomination):
    """Other assessors' submitted scores of a nominee, for someone who may see them: the
    secretariat, an auditor, or a member who has submitted their own scoresheet (blindness:
    nobody sees others' scores before submitting their own) and is not excluded from the
    nominee by a conflict of interest while its ranking is not finalised. Assessors are
    anonymous (numbered) except for the chair, the secretariat and auditors."""
    if not (is_admin(user) or is_auditor_of(user, panel.edition_id)):
        own = Scoresheet.objects.filter(
            stage=stage, nomination=nomination, assessor=user, state=ScoresheetState.SUBMITTED
        ).exists()
        if not own:
            return None
        excluded = Conflict.objects.filter(panel=panel, assessor=user, nomination=nomination)
        if excluded.exists() and frozen_snapshot(stage, panel, nomination.category) is None:
            # Excluded from the nominee: the others' scores would give its live total.
            return None
    return (
        Score.objects.filter(
            scoresheet__stage=stage,
            scoresheet__nomination=nomination,
            scoresheet__state=ScoresheetState.SUBMITTED,
        )
        .exclude(scoresheet__assessor=user)
        .select_related("criterion", "scoresheet__assessor")
        .order_by("scoresheet__assessor_id", "criterion__order")
    )


def may_see_assessor_names(user, panel: Panel) -> bool:
    if is_admin(user) or is_auditor_of(user, panel.edition_id):
        return True
    return PanelMember.objects.filter(panel=panel, user=user, is_chair=True).exists()


def scoring_stage_of(stage: Stage) -> Stage | None:
    """The stage whose scores a ranking is made of: itself, or the interview for the national
    result."""
    if stage.kind != StageKind.NATIONAL_RESULT:
        return stage
    return Stage.objects.filter(
        edition_id=stage.edition_id, kind=StageKind.NATIONAL_INTERVIEW
    ).first()


def may_see_ranking(user, *, panel: Panel, stage: Stage, category: Category) -> bool:
    """Blindness extends to the ranking: its totals are made of everyone's scores, so a member
    sees them only once they have submitted (or are excluded from) every nominee of the
    category in the stage, or once it is finalised. The secretariat and auditors, who do not
    score, always may."""
    if is_admin(user) or is_auditor_of(user, panel.edition_id):
        return True
    if not PanelMember.objects.filter(panel=panel, user=user).exists():
        return False
    scoring = scoring_stage_of(stage)
    if scoring is None:
        return False
    if frozen_snapshot(scoring, panel, category) is not None:
        return True
    nominees = stage_nominations(panel, scoring.kind, category)
    done = Scoresheet.objects.filter(
        stage=scoring,
        assessor=user,
        nomination__in=nominees.values("pk"),
        state=ScoresheetState.SUBMITTED,
    ).values("nomination_id")
    excluded = Conflict.objects.filter(panel=panel, assessor=user).values("nomination_id")
    return not nominees.exclude(pk__in=done).exclude(pk__in=excluded).exists()


# Issue 24 item 11: a member excluded from a nominee (a conflict of interest) must not follow that
# nominee's standing while the ranking can still change — they could still change their scores
# of the others.
CONFLICT_WITHHELD = gettext_lazy(
    "You are excluded from this nominee by a conflict of interest: its live total, rank and "
    "advancement are withheld from you until the ranking is finalised."
)


def live_results_withheld(user, *, panel: Panel, stage: Stage, category) -> set[int]:
    """The nominees of a category's live ranking whose total, rank and advancement `user` may
    not see: those they are excluded from by a conflict of interest on the panel, until the
    ranking is finalised (then the frozen ranking shows, as to every member). The secretariat
    and auditors do not score and have no conflicts. `category`: a Category or its id."""
    excluded = set(
        Conflict.objects.filter(
            panel=panel, assessor=user, nomination__category=category
        ).values_list("nomination_id", flat=True)
    )
    if not excluded:
        return excluded
    scoring = scoring_stage_of(stage)
    if scoring is None or frozen_snapshot(scoring, panel, category) is not None:
        return set()
    return excluded


def withhold_live_rows(rows: list, withheld: set[int]) -> list:
    """A live ranking's rows (RankingRow) as a reader excluded from the `withheld` nominees may
    see them: those nominees last, without total, criteria, tie or `rank`, and `withheld` giving
    the reason; and no row's rank, since a gap in the others' ranks would tell where a withheld
    nominee stands (the order of the others stays)."""
    kept = [row for row in rows if row.nomination_id not in withheld]
    hidden = [row for row in rows if row.nomination_id in withheld]
    for row in rows:
        row.rank = None
    for row in hidden:
        row.total = None
        row.criteria = []
        row.tied = row.tie_broken = False
        row.tie_position = None
        row.withheld = CONFLICT_WITHHELD
    return kept + hidden


@dataclass
class AssessorScores:
    label: str  # the name, or "Assessor 1", "Assessor 2"… in a fixed order
    excluded: bool  # excluded from the nominee since: these scores do not count
    scores: list  # Score rows, by criterion


def other_assessors_scores(
    user, *, stage: Stage, panel: Panel, nomination: Nomination
) -> list[AssessorScores] | None:
    """The other assessors' submitted scores of a nominee grouped per assessor, as `user` may
    see them (scores_visible_to: None before their own submission), named only where
    may_see_assessor_names allows."""
    from django.utils.translation import gettext as _

    visible = scores_visible_to(user, stage=stage, panel=panel, nomination=nomination)
    if visible is None:
        return None
    named = may_see_assessor_names(user, panel)
    excluded = set(
        Conflict.objects.filter(panel=panel, nomination=nomination).values_list(
            "assessor_id", flat=True
        )
    )
    grouped: dict[int, list] = {}
    for score in visible:
        grouped.setdefault(score.scoresheet.assessor_id, []).append(score)
    return [
        AssessorScores(
            label=str(scores[0].scoresheet.assessor)
            if named
            else _("Assessor %(number)s") % {"number": number},
            excluded=assessor_id in excluded,
            scores=scores,
        )
        for number, (assessor_id, scores) in enumerate(sorted(grouped.items()), start=1)
    ]


# ---------------------------------------------------------------------------------------------
# The national result: the national stages combined (SPEC §3 stage 7)


@dataclass
class StageResult:
    """A finalist's result in one national stage, as it counts in the final ranking."""

    stage: Stage
    weight: Decimal
    total: Decimal
    rank: int | None
    criteria: list  # CriterionResult (live) or the frozen breakdown's dicts
    frozen: bool  # from the stage's finalised ranking


@dataclass
class FinalRow:
    nomination: Nomination
    total: Decimal
    rank: int
    tied: bool
    tie_broken: bool
    tie_position: int | None
    stages: list[StageResult]
    interview: Interview | None
    tie_key: tuple = ()

    @property
    def attendance_factor(self) -> Decimal | None:
        for result in self.stages:
            for c in result.criteria:
                _judged, factor = interview_figures(c)
                if factor is not None:
                    return factor
        return None


@dataclass
class FinalRanking:
    category: Category
    stages: list[tuple[Stage, Rubric]]  # the national stages that count, with their rubric
    weights: list[Decimal]
    rows: list[FinalRow]
    problems: list[str] = field(default_factory=list)  # why it cannot be computed yet

    @property
    def ties(self) -> list[list[FinalRow]]:
        groups = defaultdict(list)
        for row in self.rows:
            if row.tied:
                groups[row.tie_key].append(row)
        return sorted(groups.values(), key=lambda group: group[0].rank)

    @property
    def missing_attendance(self) -> list[Nomination]:
        return [
            r.nomination for r in self.rows if r.interview is None or not r.interview.attendance
        ]


def rank_rows(rows: list, key, position) -> None:
    """Give each row `rank`, `tied`, `tie_broken` and `tie_key` as ranking_for's SQL does:
    RANK() over (key, the chair's position); a row is tied while it shares its rank, or its
    key's group is not wholly ordered by the chair. `key(row)` is a tuple, larger is better;
    its first item is the total."""
    keyed = [(tuple(key(r)), position(r), r) for r in rows]
    by_key = defaultdict(list)
    by_total = defaultdict(int)
    for k, p, _row in keyed:
        by_key[k].append(p)
        by_total[k[0]] += 1
    order = sorted(keyed, key=lambda item: (tuple(-v for v in item[0]), item[1] or 0))
    sort_keys = [(tuple(-v for v in k), p or 0) for k, p, _r in order]
    for k, p, r in order:
        mine = (tuple(-v for v in k), p or 0)
        r.rank = 1 + sum(1 for other in sort_keys if other < mine)
        same_rank = sum(1 for other in sort_keys if other == mine)
        decided = sum(1 for q in by_key[k] if q is not None)
        r.tied = same_rank > 1 or (len(by_key[k]) > 1 and decided < len(by_key[k]))
        r.tie_broken = by_total[k[0]] > 1 and not r.tied
        r.tie_key = k
    rows.sort(key=lambda r: (r.rank, r.nomination.candidate.name))


def final_ranking_for(*, panel: Panel, category: Category) -> FinalRanking:
    """The national result of a category: for each finalist, Σ weight × stage total / Σ weight
    over the national stages that count (each rubric's `final_weight`; e.g. selection 60,
    interview 40), rounded half up to two decimals. The selection total is the one frozen when
    the finalists were chosen; the interview total is live until the result is finalised (its
    interview criterion multiplied by the attendance factor). Ties are broken by the selection
    rubric's tie-breakers, then the interview rubric's, then the chair's decisions (stage 7).
    A fixed number of queries whatever the number of finalists."""
    stages = {
        s.kind: s
        for s in Stage.objects.filter(
            edition_id=panel.edition_id,
            kind__in=(*NATIONAL_SCORING, StageKind.NATIONAL_RESULT),
        )
    }
    result_stage = stages.get(StageKind.NATIONAL_RESULT)
    counted: list[tuple[Stage, Rubric]] = []
    problems: list[str] = []
    from django.utils.translation import gettext as _

    for kind in NATIONAL_SCORING:
        stage = stages.get(kind)
        rubric = rubric_for(stage, category) if stage is not None else None
        if rubric is not None and rubric.final_weight > 0 and rubric.criteria.exists():
            counted.append((stage, rubric))
    if not counted:
        problems.append(
            _("No national stage of %(category)s has a weight in the national result.")
            % {"category": category.name}
        )
    finalists = stage_nominations(panel, StageKind.NATIONAL_RESULT, category)
    results: dict[int, list[StageResult]] = defaultdict(list)
    tie_scores: dict[int, list[Decimal]] = defaultdict(list)
    for stage, rubric in counted:
        breakers = sorted(
            (c for c in rubric.criteria.all() if c.tie_break_order is not None),
            key=lambda c: c.tie_break_order,
        )
        snapshot = current_snapshot(stage, panel, category)
        if snapshot is not None:
            frozen = {r.nomination_id: r for r in snapshot.rows.all()}
            for nomination_id in finalists.values_list("pk", flat=True):
                row = frozen.get(nomination_id)
                if row is None:
                    continue
                by_code = {c["code"]: c for c in row.breakdown.get("criteria", [])}
                results[nomination_id].append(
                    StageResult(stage, rubric.final_weight, row.total, row.rank,
                                row.breakdown.get("criteria", []), True)
                )  # fmt: skip
                tie_scores[nomination_id] += [
                    Decimal(by_code[c.code]["score"]) if c.code in by_code else Decimal(0)
                    for c in breakers
                ]
        else:
            ranking = ranking_for(rubric=rubric, panel=panel, nominations=finalists)
            for row in ranking.rows:
                results[row.nomination.pk].append(
                    StageResult(stage, rubric.final_weight, row.total, row.rank,
                                row.criteria, False)
                )  # fmt: skip
                by_id = {c.criterion.pk: c for c in row.criteria}
                tie_scores[row.nomination.pk] += [by_id[c.pk].score for c in breakers]
    nominations = list(finalists)
    interviews = {
        i.nomination_id: i
        for i in Interview.objects.filter(panel=panel, nomination__in=[n.pk for n in nominations])
    }
    decisions = (
        {
            d.nomination_id: d.position
            for d in TieDecision.objects.filter(stage=result_stage, nomination__in=nominations)
        }
        if result_stage is not None
        else {}
    )
    weights = [rubric.final_weight for _stage, rubric in counted]
    rows = []
    for nomination in nominations if counted else []:
        stage_results = results.get(nomination.pk, [])
        if len(stage_results) != len(counted):
            problems.append(
                _("%(candidate)s has no result in every national stage.")
                % {"candidate": nomination.candidate.name}
            )
            continue
        total = maths.stage_total([(r.weight, r.total) for r in stage_results])
        rows.append(
            FinalRow(
                nomination=nomination,
                total=total,
                rank=0,
                tied=False,
                tie_broken=False,
                tie_position=decisions.get(nomination.pk),
                stages=stage_results,
                interview=interviews.get(nomination.pk),
            )
        )
    rank_rows(
        rows,
        key=lambda r: (r.total, *tie_scores.get(r.nomination.pk, [])),
        position=lambda r: r.tie_position,
    )
    return FinalRanking(
        category=category, stages=counted, weights=weights, rows=rows, problems=problems
    )


def interviews_of(panel: Panel) -> dict[int, Interview]:
    return {i.nomination_id: i for i in Interview.objects.filter(panel=panel)}


def schedule_order(nomination: Nomination, interview: Interview | None) -> tuple:
    """A finalist's place in the interview schedule: by date and time, those not scheduled
    yet last, then by name."""
    when = interview.scheduled_at if interview is not None else None
    return (when is None, when.timestamp() if when else 0, nomination.candidate.name)


def awards_of(category: Category, *, current: bool = True) -> QuerySet[Award]:
    awards = Award.objects.filter(category=category).select_related(
        "nomination__candidate__regency__province", "nomination__candidate__province", "province"
    )
    return awards.filter(withdrawn_at__isnull=True) if current else awards


# ---------------------------------------------------------------------------------------------
# Agreement between assessors (for chairs, before finalisation)

# A nominee's scores on one criterion whose standard deviation reaches this many points are
# flagged as a strong disagreement between the assessors.
DISAGREEMENT_SD = Decimal(15)


@dataclass
class Spread:
    n: int
    mean: Decimal
    sd: Decimal  # population standard deviation of the scores
    low: Decimal
    high: Decimal

    @classmethod
    def of(cls, values: list[Decimal]) -> "Spread":
        import statistics

        n = len(values)
        mean = sum(values) / n
        sd = statistics.pstdev(values) if n > 1 else Decimal(0)
        return cls(
            n=n,
            mean=maths.round_half_up(mean),
            sd=maths.round_half_up(Decimal(sd)),
            low=min(values),
            high=max(values),
        )

    @property
    def disagree(self) -> bool:
        return self.n > 1 and self.sd >= DISAGREEMENT_SD


@dataclass
class AgreementRow:
    nomination: Nomination
    spreads: list  # Spread | None per criterion, in the rubric's order

    @property
    def flagged(self) -> bool:
        return any(s is not None and s.disagree for s in self.spreads)


@dataclass
class Agreement:
    criteria: list[Criterion]
    overall: list  # Spread | None per criterion: every counted score of the category
    rows: list[AgreementRow]
    threshold: Decimal = DISAGREEMENT_SD

    @property
    def flagged(self) -> list[AgreementRow]:
        return [r for r in self.rows if r.flagged]


def agreement(*, panel: Panel, stage: Stage, category: Category) -> Agreement | None:
    """How far the assessors agree, per assessed criterion of the category's rubric in the
    stage: the number of counted scores (submitted, no conflict), their mean and standard
    deviation over the category, and per nominee, flagged where the deviation reaches
    DISAGREEMENT_SD. Three queries."""
    rubric = rubric_for(stage, category)
    if rubric is None:
        return None
    criteria = [c for c in sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk))
                if c.is_assessed]  # fmt: skip
    nominations = list(stage_nominations(panel, stage.kind, category).order_by("candidate__name"))
    excluded = Conflict.objects.filter(
        panel=panel, assessor=OuterRef("scoresheet__assessor"),
        nomination=OuterRef("scoresheet__nomination"),
    )  # fmt: skip
    values = (
        Score.objects.filter(
            scoresheet__stage=stage,
            scoresheet__state=ScoresheetState.SUBMITTED,
            scoresheet__nomination__in=[n.pk for n in nominations],
            criterion__in=[c.pk for c in criteria],
        )
        .exclude(Exists(excluded))
        .values_list("scoresheet__nomination_id", "criterion_id", "value")
    )
    grouped: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    by_criterion: dict[int, list[Decimal]] = defaultdict(list)
    for nomination_id, criterion_id, value in values:
        grouped[(nomination_id, criterion_id)].append(value)
        by_criterion[criterion_id].append(value)
    return Agreement(
        criteria=criteria,
        overall=[Spread.of(by_criterion[c.pk]) if by_criterion[c.pk] else None for c in criteria],
        rows=[
            AgreementRow(
                nomination=n,
                spreads=[
                    Spread.of(grouped[(n.pk, c.pk)]) if grouped[(n.pk, c.pk)] else None
                    for c in criteria
                ],
            )
            for n in nominations
        ],
    )
