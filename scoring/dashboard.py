"""What the dashboard shows the people who score: a panel's progress per member and per
nominee in its current scoring stage, the chair's warnings per category (missing scoresheets,
ties, assessors who disagree) and the jury's finalists with their interview schedule.

Progress counts scoresheets, never scores, so every member may see it; ties and agreement are
made of scores and follow the ranking's blindness (`may_see_ranking`)."""

from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.models import Category, Nomination

from .enums import SLUG_OF, ScoresheetState, StageKind, StageState
from .models import Conflict, Panel, PanelMember, Scoresheet, Stage
from .selectors import (
    agreement,
    interviews_of,
    may_see_assessor_names,
    may_see_ranking,
    ranking_for,
    rubric_for,
    schedule_order,
    scoring_stage_kinds,
    stage_nominations,
)


@dataclass
class MemberProgress:
    member: PanelMember
    label: str  # the name for the chair; "Assessor 2" for the other members (blindness)
    submitted: int
    expected: int  # the stage's nominees less those the member is excluded from

    @property
    def missing(self) -> int:
        return self.expected - self.submitted


@dataclass
class CategoryWarnings:
    category: Category
    nominees: int
    missing: int  # (nominee, member) pairs without a submitted scoresheet, conflicts aside
    visible: bool  # the user may see ties and agreement (blindness)
    url: str  # the category's ranking page
    ties: int = 0  # groups of nominees still tied
    flagged: int = 0  # nominees on whom the assessors disagree


@dataclass
class PanelProgress:
    panel: Panel
    stage: Stage
    members: list[MemberProgress]
    nominees: int
    complete: int  # nominees every member (not excluded) has submitted a scoresheet for
    own: MemberProgress | None  # the user's own line, when they sit on the panel
    is_chair: bool
    worklist_url: str = ""
    warnings: list[CategoryWarnings] = field(default_factory=list)
    finalists: list = field(default_factory=list)  # jury: (nomination, interview or None)

    @property
    def finalised(self) -> bool:
        return self.stage.state == StageState.FINALISED

    @property
    def planned(self) -> bool:
        return self.stage.state == StageState.PLANNED

    @property
    def chart_id(self) -> str:
        return f"chart-panel-{self.panel.pk}"

    def chart(self) -> dict:
        """Each member's scoresheets, submitted and still missing, one stacked bar each."""
        return {
            "horizontal": True,
            "stacked": True,
            "labels": [line.label for line in self.members],
            "series": [
                {"label": _("Submitted"), "values": [line.submitted for line in self.members]},
                {"label": _("Missing"), "values": [line.missing for line in self.members]},
            ],
        }


def current_scoring_stage(panel: Panel) -> Stage | None:
    """The panel's scoring stage that is not finalised yet, or its last one once all are."""
    stages = {
        s.kind: s
        for s in Stage.objects.filter(
            edition_id=panel.edition_id, kind__in=scoring_stage_kinds(panel)
        )
    }
    ordered = [stages[k] for k in scoring_stage_kinds(panel) if k in stages]
    for stage in ordered:
        if stage.state != StageState.FINALISED:
            return stage
    return ordered[-1] if ordered else None


def _seats_of(user) -> list[PanelMember]:
    """The user's seats, the latest edition first (a person may sit on a panel and the jury)."""
    return list(
        PanelMember.objects.filter(user=user)
        .select_related("panel__edition", "panel__province")
        .order_by("-panel__edition__year", "panel__province__name")
    )


def panel_progress(panel: Panel, user, *, is_chair: bool = False) -> PanelProgress | None:
    stage = current_scoring_stage(panel)
    if stage is None:
        return None
    nominees = list(
        stage_nominations(panel, stage.kind)
        .select_related("category", "candidate")
        .order_by("category__order", "candidate__name")
    )
    ids = {n.pk for n in nominees}
    members = list(
        panel.members.select_related("user").order_by(
            "-is_chair", "user__first_name", "user__last_name", "pk"
        )
    )
    submitted = {
        pair
        for pair in Scoresheet.objects.filter(
            stage=stage, panel=panel, state=ScoresheetState.SUBMITTED
        ).values_list("nomination_id", "assessor_id")
        if pair[0] in ids
    }
    excluded = {
        pair
        for pair in Conflict.objects.filter(panel=panel).values_list("nomination_id", "assessor_id")
        if pair[0] in ids
    }
    names = may_see_assessor_names(user, panel)
    lines = []
    missing_by_nominee: Counter = Counter()
    for member in members:
        done = expected = 0
        for n in nominees:
            pair = (n.pk, member.user_id)
            if pair in excluded:
                continue
            expected += 1
            if pair in submitted:
                done += 1
            else:
                missing_by_nominee[n.pk] += 1
        if member.user_id == user.pk:
            label = _("You (%(name)s)") % {"name": member.user}
        elif names:
            label = str(member.user)
        else:
            label = _("Assessor %(number)s") % {"number": len(lines) + 1}
        lines.append(MemberProgress(member, label, submitted=done, expected=expected))
    progress = PanelProgress(
        panel=panel,
        stage=stage,
        members=lines,
        nominees=len(nominees),
        complete=sum(1 for n in nominees if not missing_by_nominee[n.pk]),
        own=next((line for line in lines if line.member.user_id == user.pk), None),
        is_chair=is_chair,
        worklist_url=_stage_url("worklist", panel, stage),
    )
    if stage.state in (StageState.PLANNED, StageState.FINALISED):
        return progress  # not open yet, or nothing left to watch: no warnings, no schedule
    if is_chair:
        progress.warnings = _warnings(panel, stage, user, nominees, missing_by_nominee)
    if panel.is_jury and stage.kind == StageKind.NATIONAL_INTERVIEW:
        interviews = interviews_of(panel)
        progress.finalists = sorted(
            ((n, interviews.get(n.pk)) for n in nominees), key=lambda pair: schedule_order(*pair)
        )
    return progress


def _first_stage(panel: Panel, stage: Stage) -> bool:
    return stage.kind == scoring_stage_kinds(panel)[0]


def _stage_url(name: str, panel: Panel, stage: Stage) -> str:
    """A stage's page: the first scoring stage's keep their short addresses."""
    slug = [] if _first_stage(panel, stage) else [SLUG_OF[stage.kind]]
    return reverse(f"scoring:{name}", args=[panel.pk, *slug])


def _warnings(panel, stage, user, nominees: list[Nomination], missing: Counter):
    by_category: dict[int, list[Nomination]] = {}
    categories: dict[int, Category] = {}
    for n in nominees:
        by_category.setdefault(n.category_id, []).append(n)
        categories[n.category_id] = n.category
    warnings = []
    for category_id, members in by_category.items():
        category = categories[category_id]
        line = CategoryWarnings(
            category=category,
            nominees=len(members),
            missing=sum(missing[n.pk] for n in members),
            visible=may_see_ranking(user, panel=panel, stage=stage, category=category),
            url=reverse(
                "scoring:ranking_category"
                if _first_stage(panel, stage)
                else "scoring:final_category",
                args=[panel.pk, category.pk],
            ),
        )
        rubric = rubric_for(stage, category)
        if line.visible and rubric is not None:
            cohort = stage_nominations(panel, stage.kind, category)
            line.ties = len(ranking_for(rubric=rubric, panel=panel, nominations=cohort,
                                        nominees=False).ties)  # fmt: skip
            found = agreement(panel=panel, stage=stage, category=category)
            line.flagged = len(found.flagged) if found else 0
        warnings.append(line)
    return warnings


def scoring_dashboard(user) -> list[PanelProgress]:
    """One block per panel the user sits on: those scoring now first, then those whose stage
    has not opened, then those finalised (the page folds them); the latest edition first."""
    blocks = []
    for seat in _seats_of(user):
        block = panel_progress(seat.panel, user, is_chair=seat.is_chair)
        if block is not None:
            blocks.append(block)
    order = {StageState.OPEN: 0, StageState.CLOSED: 0, StageState.PLANNED: 1}
    return sorted(blocks, key=lambda b: order.get(b.stage.state, 2))  # stable: years kept
