"""The national result of one category as a jury member (or the secretariat, an auditor) may
see it: the same for the national result page (scoring.views_national.FinalView) and its XLSX
(scoring.spreadsheets_national)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from candidates.enums import RankLabel
from candidates.models import Category

from . import selectors, services
from .enums import SLUG_OF, StageKind
from .forms_ranking import ConfirmForm, FinaliseForm, ReopenForm
from .models import RankingSnapshot, RankingSnapshotRow
from .views_ranking import tie_forms


@dataclass
class FinalSection:
    category: Category
    visible: bool
    can_manage: bool
    is_member: bool
    stage: object = None  # the national result's Stage
    ranking: object = None  # selectors.FinalRanking (live)
    labels: dict = field(default_factory=dict)  # nomination id → label it would receive
    snapshot: RankingSnapshot | None = None
    frozen_rows: list = field(default_factory=list)
    confirmations: list = field(default_factory=list)  # (label, confirmation or None)
    confirmed_by_me: bool = False
    confirm_form: ConfirmForm | None = None
    tie_forms: list = field(default_factory=list)
    finalise_form: FinaliseForm | None = None
    reopen_form: ReopenForm | None = None
    history: list = field(default_factory=list)
    finalists: list = field(default_factory=list)  # alphabetical, before it is finalised
    missing: list = field(default_factory=list)  # MissingScoresheet of the interview
    refusal: list = field(default_factory=list)
    urls: dict = field(default_factory=dict)

    @property
    def finalised(self) -> bool:
        return self.snapshot is not None


def _frozen_rows(snapshot: RankingSnapshot) -> list[dict]:
    rows = []
    for row in snapshot.rows.all():
        stages = row.breakdown.get("stages", [])
        rows.append({"row": row, "stages": stages, "factor": row.breakdown.get("factor")})
    return rows


_ROWS = Prefetch(
    "rows",
    queryset=RankingSnapshotRow.objects.select_related(
        "nomination__candidate__regency__province", "nomination__candidate__province"
    ).order_by("rank", "nomination__candidate__name"),
)


def _urls(panel, category) -> dict:
    urls = {
        name: reverse(f"scoring:final_{name}", args=[panel.pk, category.pk])
        for name in ("category", "ties", "finalise", "confirm", "reopen")
    }
    for kind in (StageKind.NATIONAL_RESULT, StageKind.NATIONAL_INTERVIEW):
        urls[f"{SLUG_OF[kind]}_xlsx"] = reverse(
            "scoring:ranking_xlsx", args=[panel.pk, SLUG_OF[kind], category.pk]
        )
    return urls


def final_section(
    *,
    user,
    panel,
    category: Category,
    is_member: bool,
    tie_form=None,
    finalise_form=None,
    confirm_form=None,
    reopen_form=None,
    refusal=None,
) -> FinalSection:
    result = selectors.panel_stage(panel, StageKind.NATIONAL_RESULT)
    interview = selectors.panel_stage(panel, StageKind.NATIONAL_INTERVIEW)
    can_manage = user.has_perm("scoring.finalise_ranking", panel)
    section = FinalSection(
        category=category,
        visible=result is not None
        and selectors.may_see_ranking(user, panel=panel, stage=result, category=category),
        can_manage=can_manage,
        is_member=is_member,
        refusal=list(refusal or []),
        urls=_urls(panel, category),
        stage=result,
    )
    if result is None:
        return section
    snapshots = (
        RankingSnapshot.objects.filter(stage=result, panel=panel, category=category)
        .select_related("finalised_by", "reopened_by")
        .prefetch_related(_ROWS, "confirmations__juror")
        .order_by("-finalised_at")
    )
    section.history = [s for s in snapshots if s.reopened_at is not None]
    current = next((s for s in snapshots if s.reopened_at is None), None)
    named = selectors.may_see_assessor_names(user, panel)
    if current is not None:
        section.snapshot = current
        section.frozen_rows = _frozen_rows(current)
        confirmed = {c.juror_id: c for c in current.confirmations.all()}
        section.confirmed_by_me = user.pk in confirmed
        section.confirmations = [
            (
                str(m.user) if named or m.user_id == user.pk
                else _("Juror %(number)s") % {"number": number},
                confirmed.get(m.user_id),
            )
            for number, m in enumerate(panel.members.select_related("user"), start=1)
        ]  # fmt: skip
        if section.is_member and not section.confirmed_by_me:
            section.confirm_form = confirm_form or ConfirmForm(category=category)
        if can_manage:
            section.reopen_form = reopen_form or ReopenForm(auto_id=f"reopen-{category.pk}-%s")
        return section
    finalists = selectors.stage_nominations(panel, StageKind.NATIONAL_RESULT, category)
    section.finalists = list(
        finalists.select_related("candidate__regency__province", "candidate__province").order_by(
            "candidate__name", "pk"
        )
    )
    if interview is not None:
        section.missing = selectors.missing_scoresheets(
            stage=interview, panel=panel, nominations=finalists
        )
    if not section.visible:
        return section
    section.ranking = selectors.final_ranking_for(panel=panel, category=category)
    # The label each would receive, as people read it (Peringkat I, not its code).
    section.labels = {
        pk: RankLabel(code).label if code else ""
        for pk, code in services.national_labels(category, section.ranking.rows).items()
    }
    if can_manage:
        section.tie_forms, _stale = tie_forms(section.ranking.ties, tie_form)
        section.finalise_form = finalise_form or FinaliseForm(
            category=category, kind=StageKind.NATIONAL_RESULT
        )
    return section
