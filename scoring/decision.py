"""The decision file of a nominee (issue 5): what was decided about one nomination, stage by
stage, for the people who answer for it and for the auditor — its data; per stage the rubric,
every assessor's score and note per criterion, the criterion scores, the stage total, rank,
label and outcome; the conflicts of interest and the chair's tie decisions; the interview; the
awards, the provincial label a provincial ranking gave among them; and the record of every
change: every audit record of the nominee the reader may see, at its date and in words (state
moves, scoresheet saves and score changes, labels, rankings finalised and reopened, ties,
conflicts, the interview, awards, certificates), with the jurors' confirmations
(scoring.decision_record).

Who may read it (may_see_decision_file, rule `scoring.view_decision_file`): the secretariat,
auditors of the edition (or of every edition), and the members of a panel that sees the
nomination (selectors.panel_nominations: its province's panel in a category with a provincial
round, the national jury once it is in the national round). Drafts are nobody's decision.

What each reader sees of it (decision_file):
- Assessors are named for the chair of the panel concerned, the secretariat and auditors
  (selectors.may_see_assessor_names); everyone else reads "Assessor 1, 2…", numbered by account
  within the panel, so that a juror keeps their number from the selection to the interview. A
  chair's acts as chair (a tie decision, a finalisation) read "chair of the panel" then. People
  who are not assessors (the secretariat, branch staff) are named.
- Blindness (SPEC §6): a member who has not submitted their own scoresheet for the nominee in a
  stage whose ranking is not frozen sees only their own scores there, no other assessor's, and
  none of their changes. The criterion scores, totals and ranks are the frozen ones once the
  ranking is finalised; before that the live ones, for whoever may see the ranking
  (selectors.may_see_ranking). The secretariat and auditors see everything.
- Conflicts of interest are listed in full for who may see the panel's conflicts
  (`scoring.view_conflicts`) or the stage's scores; otherwise only the reader's own.
- The national outcome is embargoed (candidates.selectors.may_see_national_outcome): until the
  secretariat publishes the edition's national results, a reader who is not on its jury, the
  secretariat or an auditor (a provincial panel's member) reads the file of the provincial
  panel alone — the nominee a finalist without rank or label, none of the jury's stages,
  interview, awards or record, and `national_withheld` set.

A fixed number of queries whatever the number of assessors, criteria, scores and changes: the
nomination's scoresheets, scores, revisions, conflicts, tie decisions, snapshot rows,
confirmations, interview, awards, transitions, audit records and the people who made them are
each read once."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.enums import NATIONAL_STATES, NominationState, RankLabel
from candidates.models import Nomination
from candidates.selectors import (
    is_admin,
    may_see_national_outcome,
    nomination_seen_by,
    records_seen_by,
    transitions_seen_by,
)
from candidates.selectors import nominations as all_nominations

from . import selectors
from .decision_record import record_of
from .enums import FROZEN_BY, Attendance, StageKind
from .frozen import FrozenCriterion, frozen_criteria, stage_criteria, stage_entry
from .models import (
    Award,
    Conflict,
    Interview,
    Panel,
    PanelMember,
    RankingConfirmation,
    RankingSnapshotRow,
    Rubric,
    Score,
    ScoreRevision,
    Scoresheet,
    Stage,
    TieDecision,
)

# The stages a decision file has a section for, in order; the national result has its own.
SCORED_SECTIONS = (
    StageKind.PROVINCIAL_ASSESSMENT,
    StageKind.NATIONAL_SELECTION,
    StageKind.NATIONAL_INTERVIEW,
)
_SELECTION_STATES = {
    True: selectors.SELECTION_VIA_PROVINCE,  # categories with a provincial round
    False: selectors.SELECTION_DIRECT,
}


# ---------------------------------------------------------------------------------------------
# Who may read it


def decision_nominations(panel: Panel) -> QuerySet[Nomination]:
    """The nominations whose decision file a panel's pages and API show: every one the panel
    sees (selectors.panel_nominations) except drafts, which nobody has decided on yet."""
    return selectors.panel_nominations(panel).exclude(state=NominationState.DRAFT)


def may_see_decision_file(user, nomination: Nomination) -> bool:
    """The secretariat, auditors of the nomination's edition, and members of a panel that sees
    it (decision_nominations)."""
    if user is None or not user.is_authenticated:
        return False
    edition_id = nomination.category.edition_id
    if is_admin(user) or selectors.is_auditor_of(user, edition_id):
        return True
    panels = Panel.objects.filter(edition_id=edition_id, members__user=user).select_related(
        "edition"
    )
    return any(decision_nominations(p).filter(pk=nomination.pk).exists() for p in panels)


# ---------------------------------------------------------------------------------------------
# What it holds


@dataclass
class Column:
    """One assessor of a stage as the reader may see them."""

    label: str
    is_you: bool
    state: str  # "submitted", "draft", "missing" (no scoresheet) or "excluded"
    submitted_at: datetime | None
    excluded_because: str = ""  # the conflict's reason: their scores do not count


@dataclass
class Cell:
    value: Decimal
    note: str
    counts: bool  # False: the assessor is excluded from the nominee (conflict of interest)


@dataclass
class CriterionLine:
    code: str
    name: str
    kind: str  # scoring.enums.CriterionKind
    kind_label: str
    weight: Decimal
    indicator: str  # computed criteria: the indicator's label
    tie_break_order: int | None
    cells: list  # Cell | None per Column of the stage
    # The criterion's result: None while the reader may not see the ranking.
    score: Decimal | None = None
    contribution: Decimal | None = None
    counted: int | None = None  # assessors' scores that counted
    judged: Decimal | None = None  # interview: the assessors' score before the factor
    factor: Decimal | None = None  # interview: the attendance factor applied


@dataclass
class TieLine:
    position: int
    reason: str
    decided_by: str
    decided_at: datetime | None


@dataclass
class ConfirmationLine:
    juror: str
    at: datetime


@dataclass
class SnapshotLine:
    """A finalised ranking the nominee was in: the current one, or one reopened since."""

    stage: str
    finalised_at: datetime
    finalised_by: str
    rank: int | None  # None while the reader may not see the ranking
    total: Decimal | None
    label: str
    advanced: bool | None
    reopened_at: datetime | None
    reopened_by: str
    reopen_reason: str
    signed_off_at: datetime | None = None
    confirmations: list = field(default_factory=list)  # ConfirmationLine

    @property
    def is_current(self) -> bool:
        return self.reopened_at is None


@dataclass
class StageFile:
    """One scored stage (provincial assessment, national selection, national interview)."""

    kind: str
    name: str
    panel: Panel
    stage: Stage | None
    rubric: Rubric | None
    frozen: bool  # its ranking is finalised: the results below are the frozen ones
    scores_visible: bool  # the other assessors' scores (blindness)
    ranking_visible: bool  # criterion scores, total, rank
    columns: list = field(default_factory=list)  # Column
    criteria: list = field(default_factory=list)  # CriterionLine
    final_weight: Decimal | None = None  # national stages: weight in the national result
    total: Decimal | None = None
    rank: int | None = None
    tied: bool = False  # live: still tied, waiting for the chair's decision
    label: str = ""
    outcome: str = ""
    tie: TieLine | None = None
    snapshots: list = field(default_factory=list)  # SnapshotLine, newest first
    withheld: str = ""  # why the live results are hidden from the reader (a conflict)


@dataclass
class Component:
    """A national stage's share of the national result."""

    name: str
    weight: Decimal
    total: Decimal
    rank: int | None


@dataclass
class ResultFile:
    """The national result: the national stages combined, the label, the sign-off."""

    name: str
    panel: Panel
    stage: Stage | None
    frozen: bool
    visible: bool
    components: list = field(default_factory=list)  # Component
    attendance: str = ""
    attendee: str = ""
    factor: Decimal | None = None
    total: Decimal | None = None
    rank: int | None = None
    tied: bool = False
    label: str = ""
    outcome: str = ""
    tie: TieLine | None = None
    problems: list = field(default_factory=list)  # why the live result cannot be computed
    jurors: int = 0
    confirmations: list = field(default_factory=list)  # ConfirmationLine of the current one
    snapshots: list = field(default_factory=list)  # SnapshotLine, newest first


@dataclass
class InterviewFile:
    scheduled_at: datetime | None
    video_link: str
    attendance: str  # its label
    attendance_code: str
    factor: Decimal | None
    attendee: str
    minutes: str
    updated_by: str
    updated_at: datetime | None


@dataclass
class ConflictLine:
    panel: str
    assessor: str
    source: str
    reason: str
    recorded_at: datetime
    pk: int | None = None  # the conflict's


@dataclass
class AwardLine:
    title: str
    kind: str
    label: str
    rank: int | None
    reason: str
    given_by: str
    given_at: datetime | None  # None: a provincial label decided outside the system, undated
    withdrawn_at: datetime | None
    withdrawn_by: str
    withdrawn_reason: str

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


@dataclass
class OutsideStage:
    """A stage the nominee went through outside the system (a provincial round held on paper
    before the province used Paritrana): what was decided there, without scores."""

    name: str
    label: str
    outcome: str


@dataclass
class DecisionFile:
    nomination: Nomination
    generated_at: datetime
    reader: str
    names: list  # (panel, named: bool) for each panel of the file
    dossier: dict  # scoring.views._dossier: figures, indicators, legal products, innovations
    stages: list  # StageFile
    result: ResultFile | None
    interview: InterviewFile | None
    conflicts: list  # ConflictLine
    conflicts_complete: bool  # False: only the reader's own are listed
    awards: list  # AwardLine
    record: list  # Event, oldest first
    national_withheld: bool = False  # the jury's part, until the national results are published
    outside: list = field(default_factory=list)  # OutsideStage, before the scored stages

    @property
    def candidate(self):
        return self.nomination.candidate

    @property
    def region(self) -> str:
        candidate = self.nomination.candidate
        if candidate.regency_id:
            return f"{candidate.regency.name}, {candidate.regency.province.name}"
        return candidate.province.name if candidate.province_id else ""


# ---------------------------------------------------------------------------------------------
# How people appear


class _People:
    """Names or numbers for the reader, per panel (see the module's docstring)."""

    def __init__(self, user, panels: list[Panel], assessors: dict[int, set[int]]):
        self.user = user
        self.panels = panels
        self.named = {p.pk: selectors.may_see_assessor_names(user, p) for p in panels}
        self.members = {p.pk: {m.user_id: m for m in p.members.all()} for p in panels}
        self.numbers = {
            p.pk: {
                uid: n
                for n, uid in enumerate(
                    sorted(set(self.members[p.pk]) | assessors.get(p.pk, set())), start=1
                )
            }
            for p in panels
        }

    def assessor(self, panel: Panel, person) -> str:
        if self.named[panel.pk]:
            label = str(person)
        else:
            label = _("Assessor %(number)s") % {
                "number": self.numbers[panel.pk].get(person.pk, "?")
            }
        if person.pk == self.user.pk:
            label = _("%(assessor)s (you)") % {"assessor": label}
        return label

    def actor(
        self, person, panel: Panel | None = None, *, say_panel=False, as_assessor=False
    ) -> str:
        """Who did something: an assessor as the panel's rule says — its chair acting as chair
        reads "chair of the panel", unless `as_assessor` (a change to their own scores must
        not tell which column is the chair's) —, anyone else by name."""
        if person is None:
            return ""
        candidates = [panel] if panel is not None else self.panels
        sitting = [p for p in candidates if person.pk in self.members[p.pk]]
        if not sitting:
            return str(person)
        where = next((p for p in sitting if self.named[p.pk]), sitting[0])
        if self.named[where.pk]:
            return str(person)
        if self.members[where.pk][person.pk].is_chair and not as_assessor:
            label = _("chair of the panel")
            if person.pk == self.user.pk:
                label = _("%(assessor)s (you)") % {"assessor": label}
        else:
            label = self.assessor(where, person)
        if say_panel:
            label = _("%(person)s, %(panel)s") % {"person": label, "panel": where}
        return label


# ---------------------------------------------------------------------------------------------
# Reading


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _panels(nomination: Nomination) -> tuple[Panel | None, Panel | None]:
    """The nomination's provincial panel (categories with a provincial round) and the edition's
    jury, with their members."""
    category = nomination.category
    province = nomination.candidate.home_province
    scope = Q(province__isnull=True)
    if category.has_provincial_round:
        scope |= Q(province=province.pk)
    panels = list(
        Panel.objects.filter(scope, edition_id=category.edition_id)
        .select_related("edition", "province")
        .prefetch_related(Prefetch("members", queryset=PanelMember.objects.select_related("user")))
    )
    provincial = next((p for p in panels if not p.is_jury), None)
    jury = next((p for p in panels if p.is_jury), None)
    return provincial, jury


def _reached(nomination: Nomination, kind: StageKind, has_data: bool) -> bool:
    """Whether the nominee reached the stage: it is in the stage's cohort, or it left a trace
    there (scores, a finalised ranking) before a ranking was reopened."""
    state = nomination.state
    has_round = nomination.category.has_provincial_round
    if kind == StageKind.PROVINCIAL_ASSESSMENT:
        return has_round and (state in selectors.RANKED_STATES or has_data)
    if kind == StageKind.NATIONAL_SELECTION:
        return state in _SELECTION_STATES[has_round] or has_data
    return state in selectors.FINALIST_STATES or has_data


def _outcome(kind: str, row: RankingSnapshotRow | None) -> str:
    if row is None:
        return _("Ranking not finalised")
    if kind == StageKind.PROVINCIAL_ASSESSMENT:
        return _("Advanced to the national round") if row.advanced else _("Not advanced")
    if kind == StageKind.NATIONAL_SELECTION:
        return _("Finalist") if row.advanced else _("Not a finalist")
    return ""


def _label(code: str) -> str:
    return str(RankLabel(code).label) if code else ""


class _Builder:
    def __init__(self, user, nomination: Nomination):
        self.user = user
        self.nomination = nomination
        self.category = nomination.category
        self.privileged = is_admin(user) or selectors.is_auditor_of(user, self.category.edition_id)
        self.provincial, self.jury = _panels(nomination)
        # The jury's part of the file is its outcome's: withheld until it is published.
        self.national_withheld = not may_see_national_outcome(user, self.category.edition_id)
        if self.national_withheld:
            self.jury = None
        self.stages = {s.kind: s for s in Stage.objects.filter(edition_id=self.category.edition_id)}
        self.rubrics = {
            r.stage_id: r
            for r in Rubric.objects.filter(
                category=self.category, stage__in=[s.pk for s in self.stages.values()]
            ).prefetch_related("criteria")
        }
        self.sheets = list(
            Scoresheet.objects.filter(nomination=nomination)
            .select_related("assessor")
            .prefetch_related(
                Prefetch(
                    "scores",
                    queryset=Score.objects.prefetch_related(
                        Prefetch(
                            "revisions",
                            queryset=ScoreRevision.objects.select_related("changed_by").order_by(
                                "changed_at", "pk"
                            ),
                        )
                    ),
                )
            )
        )
        self.conflicts = list(
            Conflict.objects.filter(nomination=nomination).select_related("assessor")
        )
        self.ties = {
            t.stage_id: t
            for t in TieDecision.objects.filter(nomination=nomination).select_related("decided_by")
        }
        self.rows = list(
            RankingSnapshotRow.objects.filter(nomination=nomination)
            .select_related("snapshot__finalised_by", "snapshot__reopened_by")
            .prefetch_related(
                Prefetch(
                    "snapshot__confirmations",
                    queryset=RankingConfirmation.objects.select_related("juror"),
                )
            )
            .order_by("-snapshot__finalised_at", "-pk")
        )
        self.interview = (
            Interview.objects.filter(nomination=nomination)
            .select_related("updated_by")
            .order_by("pk")
            .first()
        )
        if self.national_withheld:
            shown = {p.pk for p in self.panels}
            self.sheets = [s for s in self.sheets if s.panel_id in shown]
            self.conflicts = [c for c in self.conflicts if c.panel_id in shown]
            self.rows = [r for r in self.rows if r.snapshot.panel_id in shown]
            self.ties = {k: t for k, t in self.ties.items() if t.panel_id in shown}
            self.interview = None
        assessors: dict[int, set[int]] = {}
        for item in [*self.sheets, *self.conflicts]:
            assessors.setdefault(item.panel_id, set()).add(item.assessor_id)
        self.people = _People(user, self.panels, assessors)
        self.visible_stage_ids: set[int] = set()  # stages whose scores the reader sees
        self.ranked_stage_ids: set[int] = set()  # stages whose ranking the reader sees
        self.all_conflicts: dict[int, bool] = {}  # sees_all_conflicts, once the stages are read

    @property
    def panels(self) -> list[Panel]:
        return [p for p in (self.provincial, self.jury) if p is not None]

    def panel_of(self, kind: StageKind) -> Panel | None:
        return self.provincial if kind == StageKind.PROVINCIAL_ASSESSMENT else self.jury

    def current_row(self, stage: Stage | None) -> RankingSnapshotRow | None:
        if stage is None:
            return None
        return next(
            (
                r
                for r in self.rows
                if r.snapshot.stage_id == stage.pk and r.snapshot.reopened_at is None
            ),
            None,
        )

    def tie(self, stage: Stage | None, panel: Panel, row=None) -> TieLine | None:
        decision = self.ties.get(stage.pk) if stage is not None else None
        if decision is not None:
            return TieLine(
                position=decision.position,
                reason=decision.reason,
                decided_by=self.people.actor(decision.decided_by, panel),
                decided_at=decision.decided_at,
            )
        if row is not None and row.tie_reason:
            return TieLine(position=0, reason=row.tie_reason, decided_by="", decided_at=None)
        return None

    def snapshot_lines(self, stage: Stage, panel: Panel, visible: bool) -> list[SnapshotLine]:
        lines = []
        for row in self.rows:
            snapshot = row.snapshot
            if snapshot.stage_id != stage.pk:
                continue
            lines.append(
                SnapshotLine(
                    stage=str(stage.get_kind_display()),
                    finalised_at=snapshot.finalised_at,
                    finalised_by=self.people.actor(snapshot.finalised_by, panel),
                    rank=row.rank if visible else None,
                    total=row.total if visible else None,
                    label=_label(row.label) if visible else "",
                    advanced=row.advanced if visible else None,
                    reopened_at=snapshot.reopened_at,
                    reopened_by=self.people.actor(snapshot.reopened_by, panel),
                    reopen_reason=snapshot.reopen_reason,
                    signed_off_at=snapshot.signed_off_at,
                    confirmations=[
                        ConfirmationLine(self.people.actor(c.juror, panel), c.confirmed_at)
                        for c in sorted(
                            snapshot.confirmations.all(), key=lambda c: (c.confirmed_at, c.pk)
                        )
                    ],
                )
            )
        return lines

    # -- the scored stages ------------------------------------------------------------------

    def stage_file(self, kind: StageKind) -> StageFile | None:
        panel, stage = self.panel_of(kind), self.stages.get(kind)
        if panel is None or stage is None:
            return None
        sheets = [s for s in self.sheets if s.stage_id == stage.pk]
        freezing = self.stages.get(FROZEN_BY[kind])
        frozen_row = self.current_row(freezing)
        history = [r for r in self.rows if freezing and r.snapshot.stage_id == freezing.pk]
        if not _reached(self.nomination, kind, bool(sheets or history)):
            return None
        if self.decided_outside(kind) and not (sheets or history):
            return None  # the file says what was decided there (outside_stages)
        rubric = self.rubrics.get(stage.pk)
        own = next((s for s in sheets if s.assessor_id == self.user.pk), None)
        frozen = frozen_row is not None
        scores_visible = self.privileged or frozen or (own is not None and own.is_submitted)
        ranking_visible = frozen or selectors.may_see_ranking(
            self.user, panel=panel, stage=stage, category=self.category
        )
        # A member excluded from the nominee does not follow its live standing (issue 24).
        withheld = not frozen and self.nomination.pk in selectors.live_results_withheld(
            self.user, panel=panel, stage=stage, category=self.category
        )
        if withheld:
            scores_visible = ranking_visible = False
        if scores_visible:
            self.visible_stage_ids.add(stage.pk)
        if ranking_visible:
            self.ranked_stage_ids.add(stage.pk)
        section = StageFile(
            kind=kind,
            name=str(stage.get_kind_display()),
            panel=panel,
            stage=stage,
            rubric=rubric,
            frozen=frozen,
            scores_visible=scores_visible,
            ranking_visible=ranking_visible,
            final_weight=rubric.final_weight if rubric is not None and panel.is_jury else None,
            withheld=str(selectors.CONFLICT_WITHHELD) if withheld else "",
        )
        columns, people = self.columns(panel, sheets, scores_visible)
        section.columns = columns
        results, frozen_entries = self.results(kind, section, frozen_row)
        section.criteria = self.criteria(panel, rubric, frozen_entries, sheets, people, results)
        if ranking_visible:
            if kind != StageKind.NATIONAL_INTERVIEW:
                section.label = _label(frozen_row.label) if frozen_row else ""
                section.outcome = _outcome(kind, frozen_row)
                section.tie = self.tie(stage, panel, frozen_row)
            section.snapshots = self.snapshot_lines(stage, panel, True)
        else:
            section.snapshots = self.snapshot_lines(stage, panel, False)
        return section

    def decided_outside(self, kind: StageKind) -> bool:
        return (
            kind == StageKind.PROVINCIAL_ASSESSMENT
            and self.nomination.provincial_outside_system
            and self.category.has_provincial_round
        )

    def outside_stages(self, stages: list) -> list[OutsideStage]:
        """The provincial round decided outside the system, when no scored section shows it."""
        kind = StageKind.PROVINCIAL_ASSESSMENT
        if not self.decided_outside(kind) or any(s.kind == kind for s in stages):
            return []
        advanced = self.nomination.state in NATIONAL_STATES
        return [
            OutsideStage(
                name=str(kind.label),
                label=_label(self.nomination.provincial_label),
                outcome=str(_("Advanced to the national round") if advanced else _("Not advanced")),
            )
        ]

    def columns(self, panel: Panel, sheets, scores_visible: bool):
        """The stage's assessors the reader may see, in their numbered order, with who each
        column is."""
        by_assessor = {s.assessor_id: s for s in sheets}
        conflicts = {c.assessor_id: c for c in self.conflicts if c.panel_id == panel.pk}
        members = {m.user_id: m.user for m in panel.members.all()}
        people = {**members, **{s.assessor_id: s.assessor for s in sheets}}
        order = sorted(people, key=lambda uid: self.people.numbers[panel.pk].get(uid, 0))
        if not scores_visible:
            order = [uid for uid in order if uid == self.user.pk]
        columns = []
        for uid in order:
            sheet, conflict = by_assessor.get(uid), conflicts.get(uid)
            if conflict is not None:
                state = "excluded"
            else:
                state = sheet.state if sheet is not None else "missing"
            columns.append(
                Column(
                    label=self.people.assessor(panel, people[uid]),
                    is_you=uid == self.user.pk,
                    state=state,
                    submitted_at=sheet.submitted_at if sheet is not None else None,
                    excluded_because=conflict.reason if conflict is not None else "",
                )
            )
        return columns, order

    def results(self, kind: StageKind, section: StageFile, frozen_row):
        """The criterion results by code, and the frozen criteria (code, name, kind, weight) in
        their order; sets the stage's total and rank."""
        if not section.ranking_visible:
            return {}, []
        if frozen_row is not None:
            if kind == StageKind.NATIONAL_INTERVIEW:
                entry = stage_entry(frozen_row.breakdown, kind)
                if entry is None:
                    return {}, []
                section.total, section.rank = _decimal(entry["total"]), entry.get("rank")
            else:
                section.total, section.rank = frozen_row.total, frozen_row.rank
            criteria = stage_criteria(frozen_row.breakdown, kind)
            return {c["code"]: c for c in criteria}, criteria
        if section.rubric is None or section.stage is None:
            return {}, []
        ranking = selectors.ranking_for(
            rubric=section.rubric,
            panel=section.panel,
            nominations=selectors.stage_nominations(section.panel, kind, self.category),
            nominees=False,  # one row is shown: its nominee is self.nomination
        )
        row = next((r for r in ranking.rows if r.nomination_id == self.nomination.pk), None)
        if row is None:
            return {}, []
        section.total, section.rank, section.tied = row.total, row.rank, row.tied
        return {
            c.criterion.code: {
                "score": c.score,
                "contribution": c.contribution,
                "counted": c.counted,
                "judged": c.judged if c.criterion.kind == "interview" else None,
                "factor": c.factor,
            }
            for c in row.criteria
        }, []

    def criteria(
        self, panel, rubric, frozen_entries, sheets, people, results
    ) -> list[CriterionLine]:
        rubric_criteria = (
            sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk)) if rubric else []
        )
        # The frozen ranking's criteria first, as they were scored, each with its rubric's
        # criterion of that code; then the rubric's criteria the frozen ranking does not hold.
        ranked = frozen_criteria(frozen_entries, rubric)
        held = {f.code for f in ranked}
        ranked += [FrozenCriterion({}, c) for c in rubric_criteria if c.code not in held]
        sheet_of = {s.assessor_id: s for s in sheets}
        excluded = {c.assessor_id for c in self.conflicts if c.panel_id == panel.pk}
        lines = []
        for item in ranked:
            criterion, snap, code = item.criterion, item.entry, item.code
            cells = []
            for uid in people:
                sheet = sheet_of.get(uid)
                shows = sheet is not None and (sheet.is_submitted or uid == self.user.pk)
                score = (
                    next((s for s in sheet.scores.all() if s.criterion_id == criterion.pk), None)
                    if shows and criterion is not None
                    else None
                )
                cells.append(
                    Cell(score.value, score.note, counts=uid not in excluded)
                    if score is not None
                    else None
                )
            result = results.get(code, {})
            kind = criterion.kind if criterion is not None else snap.get("kind", "")
            lines.append(
                CriterionLine(
                    code=code,
                    name=criterion.name if criterion is not None else snap.get("name", code),
                    kind=kind,
                    kind_label=str(criterion.get_kind_display()) if criterion else kind,
                    weight=_decimal(snap.get("weight")) or (criterion.weight if criterion else 0),
                    indicator=str(criterion.get_indicator_display())
                    if criterion is not None and criterion.indicator
                    else "",
                    tie_break_order=item.tie_break_order,
                    cells=cells,
                    score=_decimal(result.get("score")),
                    contribution=_decimal(result.get("contribution")),
                    counted=result.get("counted"),
                    judged=_decimal(result.get("judged")),
                    factor=_decimal(result.get("factor")),
                )
            )
        return lines

    # -- the national result ----------------------------------------------------------------

    def result_file(self) -> ResultFile | None:
        stage, panel = self.stages.get(StageKind.NATIONAL_RESULT), self.jury
        if stage is None or panel is None:
            return None
        row = self.current_row(stage)
        history = [r for r in self.rows if r.snapshot.stage_id == stage.pk]
        if not _reached(self.nomination, StageKind.NATIONAL_RESULT, bool(history)):
            return None
        frozen = row is not None
        visible = frozen or selectors.may_see_ranking(
            self.user, panel=panel, stage=stage, category=self.category
        )
        result = ResultFile(
            name=str(stage.get_kind_display()),
            panel=panel,
            stage=stage,
            frozen=frozen,
            visible=visible,
            jurors=len(panel.members.all()),
        )
        if visible:
            self.ranked_stage_ids.add(stage.pk)
        result.snapshots = self.snapshot_lines(stage, panel, visible)
        current = next((s for s in result.snapshots if s.is_current), None)
        result.confirmations = current.confirmations if current is not None else []
        if not visible:
            return result
        if row is not None:
            breakdown = row.breakdown or {}
            result.components = [
                Component(s.get("name", ""), _decimal(s["weight"]), _decimal(s["total"]),
                          s.get("rank"))
                for s in breakdown.get("stages", [])
            ]  # fmt: skip
            result.attendance = (
                str(Attendance(breakdown["attendance"]).label)
                if breakdown.get("attendance")
                else ""
            )
            result.attendee = breakdown.get("attendee", "")
            result.factor = _decimal(breakdown.get("factor"))
            result.total, result.rank, result.label = row.total, row.rank, _label(row.label)
            if row.snapshot.signed_off_at is not None:
                result.outcome = _("Awarded") if row.advanced else _("Not awarded")
            else:
                result.outcome = _(
                    "Finalised; waiting for the jurors' confirmations (%(done)s of %(all)s)."
                ) % {"done": len(result.confirmations), "all": result.jurors}
        else:
            ranking = selectors.final_ranking_for(panel=panel, category=self.category)
            result.problems = [str(p) for p in ranking.problems]
            live = next((r for r in ranking.rows if r.nomination.pk == self.nomination.pk), None)
            result.outcome = _("Ranking not finalised")
            if live is not None:
                result.components = [
                    Component(str(s.stage.get_kind_display()), s.weight, s.total, s.rank)
                    for s in live.stages
                ]
                interview = live.interview
                result.attendance = (
                    str(interview.get_attendance_display())
                    if interview and interview.attendance
                    else ""
                )
                result.attendee = interview.attendee if interview else ""
                result.factor = live.attendance_factor
                result.total, result.rank, result.tied = live.total, live.rank, live.tied
        result.tie = self.tie(stage, panel, row)
        return result

    # -- the rest ---------------------------------------------------------------------------

    def interview_file(self) -> InterviewFile | None:
        interview = self.interview
        if interview is None:
            return None
        stage = self.stages.get(StageKind.NATIONAL_INTERVIEW)
        rubric = self.rubrics.get(stage.pk) if stage is not None else None
        factor = (
            rubric.attendance_factor(interview.attendance)
            if rubric is not None and interview.attendance
            else None
        )
        return InterviewFile(
            scheduled_at=interview.scheduled_at,
            video_link=interview.video_link,
            attendance=str(interview.get_attendance_display()) if interview.attendance else "",
            attendance_code=interview.attendance,
            factor=factor,
            attendee=interview.attendee,
            minutes=interview.minutes,
            updated_by=self.people.actor(interview.updated_by, self.jury),
            updated_at=interview.updated_at,
        )

    def conflict_lines(self) -> tuple[list[ConflictLine], bool]:
        """Every conflict of a panel for who may see its conflicts or the scores of one of its
        stages; otherwise the reader's own only."""
        complete = True
        lines = []
        for panel in self.panels:
            everyone = self.sees_all_conflicts(panel)
            complete = complete and everyone
            for conflict in self.conflicts:
                if conflict.panel_id != panel.pk:
                    continue
                if not everyone and conflict.assessor_id != self.user.pk:
                    continue
                lines.append(
                    ConflictLine(
                        panel=str(panel),
                        assessor=self.people.assessor(panel, conflict.assessor),
                        source=str(conflict.get_source_display()),
                        reason=conflict.reason,
                        recorded_at=conflict.created_at,
                        pk=conflict.pk,
                    )
                )
        return lines, complete

    def sees_all_conflicts(self, panel: Panel) -> bool:
        """Whether the reader sees every conflict of `panel`: they may see its conflicts, or
        the scores of one of its stages."""
        if panel.pk not in self.all_conflicts:  # asked per panel once, however many conflicts
            stage_ids = {
                self.stages[k].pk
                for k in SCORED_SECTIONS
                if k in self.stages and self.panel_of(k) is panel
            }
            self.all_conflicts[panel.pk] = bool(
                stage_ids & self.visible_stage_ids
            ) or self.user.has_perm("scoring.view_conflicts", panel)
        return self.all_conflicts[panel.pk]

    def award_lines(self, awards, records) -> list[AwardLine]:
        """The provincial label given (a provincial round gives no Award: its label is on the
        finalised ranking and the nomination), then the national awards."""
        return self.provincial_award_lines(records) + [
            AwardLine(
                title=a.display_title,
                kind=str(a.get_kind_display()),
                label=_label(a.label),
                rank=a.rank,
                reason=a.reason,
                given_by=self.people.actor(a.given_by, self.jury),
                given_at=a.given_at,
                withdrawn_at=a.withdrawn_at,
                withdrawn_by=self.people.actor(a.withdrawn_by, self.jury),
                withdrawn_reason=a.withdrawn_reason,
            )
            for a in awards
        ]

    def provincial_award_lines(self, records) -> list[AwardLine]:
        """The label of each provincial ranking that gave the nominee one, when it was
        finalised and by whom, and when it was reopened if it was; for a round decided outside
        the system, its label, dated by the record that entered it if there is one."""
        kind = StageKind.PROVINCIAL_ASSESSMENT
        stage = self.stages.get(kind)
        title = str(_("Provincial label"))
        if stage is not None and stage.pk in self.ranked_stage_ids:
            return [
                AwardLine(
                    title=_label(row.label),
                    kind=title,
                    label=_label(row.label),
                    rank=row.rank,
                    reason="",
                    given_by=self.people.actor(row.snapshot.finalised_by, self.provincial),
                    given_at=row.snapshot.finalised_at,
                    withdrawn_at=row.snapshot.reopened_at,
                    withdrawn_by=self.people.actor(row.snapshot.reopened_by, self.provincial),
                    withdrawn_reason=row.snapshot.reopen_reason,
                )
                for row in reversed(self.rows)  # oldest first
                if row.snapshot.stage_id == stage.pk and row.label
            ]
        label = self.nomination.provincial_label
        if not (self.decided_outside(kind) and label):
            return []
        entered = next(
            (
                r
                for r in reversed(records)
                if r.action == "nomination.provincial_label"
                and (r.new or {}).get("provincial_label") == label
            ),
            None,
        )
        return [
            AwardLine(
                title=_label(label),
                kind=title,
                label=_label(label),
                rank=None,
                reason="",
                given_by="",
                given_at=entered.at if entered is not None else None,
                withdrawn_at=None,
                withdrawn_by="",
                withdrawn_reason="",
            )
        ]


def decision_file(user, nomination: Nomination) -> DecisionFile:
    """The decision file of `nomination` as `user` may read it (see the module's docstring).
    The caller checks that they may read it at all (`scoring.view_decision_file`)."""
    from .views import _dossier  # the panel pages' read-only view of the nominee's data

    nomination = nomination_seen_by(
        user,
        all_nominations()
        .prefetch_related("indicator_values", "legal_products", "innovations")
        .get(pk=nomination.pk),
    )
    build = _Builder(user, nomination)
    stages = [s for s in (build.stage_file(kind) for kind in SCORED_SECTIONS) if s is not None]
    result = build.result_file()
    shown = {s.panel.pk for s in stages} | ({result.panel.pk} if result is not None else set())
    conflicts, complete = build.conflict_lines()
    awards = (
        []
        if build.national_withheld
        else list(
            Award.objects.filter(nomination=nomination)
            .select_related("given_by", "withdrawn_by")
            .order_by("given_at", "pk")
        )
    )
    transitions = list(transitions_seen_by(user, nomination))
    records = records_seen_by(user, nomination)
    return DecisionFile(
        nomination=nomination,
        generated_at=timezone.now(),
        reader=str(user),
        names=[(p, build.people.named[p.pk]) for p in build.panels if p.pk in shown],
        dossier=_dossier(nomination),
        stages=stages,
        result=result,
        interview=build.interview_file(),
        conflicts=conflicts,
        conflicts_complete=complete,
        awards=build.award_lines(awards, records),
        record=record_of(build, transitions, awards, conflicts, records),
        national_withheld=build.national_withheld,
        outside=build.outside_stages(stages),
    )
