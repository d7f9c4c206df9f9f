"""Ranking pages: the panel's ranking, tie decisions, finalisation, reopening (the XLSX export
is scoring.views_exports).

Who gets what: anonymous visitors are sent to the login page; a user without a panel role
(branch staff, the national jury) gets 403; a panel the user may not see (another province,
another edition's auditor) answers 404, so its existence does not leak; on a panel they see,
only its chair and the secretariat decide ties, finalise and reopen (403 for the others).

Blindness (selectors.may_see_ranking): a member who has not yet submitted (or been excluded
from) every nominee of a category sees its progress only, on the page and in the XLSX."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from candidates.models import Category

from . import selectors, services
from .enums import SLUG_OF, STAGE_SLUGS, StageKind, StageState
from .forms import add_service_errors
from .forms_ranking import FinaliseForm, ReopenForm, TieDecisionForm, parse_ids
from .frozen import interview_rows, stage_criteria
from .models import RankingSnapshot, RankingSnapshotRow, TieDecision
from .spreadsheets import region_of
from .views import panel_nav, stage_url

# The live ranking's rows per page, and the longest name search taken.


@dataclass
class LiveRow:
    """A row of the live ranking with what the page adds: the cut-off and the chair's
    decision when the row's tie was decided."""

    row: selectors.RankingRow
    advances: bool
    last_advancing: bool
    decision: TieDecision | None

    @property
    def nomination(self):
        return self.row.nomination

    @property
    def region(self) -> str:
        return self.row.region


@dataclass
class FrozenCriterion:
    code: str
    name: str
    weight: Decimal


@dataclass
class FrozenRow:
    row: RankingSnapshotRow
    criteria: list  # per column of the snapshot: {"score", "contribution"} or None
    last_advancing: bool = False

    @property
    def nomination(self):
        return self.row.nomination

    @property
    def region(self) -> str:
        return region_of(self.row.nomination.candidate)


@dataclass
class MissingLine:
    """A nominee still waiting for scoresheets: who (when the user may see names) or how many."""

    nomination: object
    assessors: list = field(default_factory=list)
    count: int = 0


@dataclass
class CategoryRanking:
    """Everything one category's section shows, the same for the page and the XLSX."""

    category: Category
    stage: object
    visible: bool
    show_names: bool
    can_manage: bool
    quota: int
    nominees: list = field(default_factory=list)  # alphabetical, for progress
    pending: list = field(default_factory=list)  # still waiting for verification
    progress: list = field(default_factory=list)  # MissingLine per nominee, alphabetical
    missing: list = field(default_factory=list)  # the MissingLines with a count
    missing_total: int = 0
    own_missing: int | None = None
    rubric: object = None
    criteria: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # LiveRow, every nominee
    page: object = None  # the Page of `rows` shown (matching `search`), nominees attached
    search: str = ""  # part of a nominee's name, to find them in a long ranking
    cut_off: Decimal | None = None
    tie_forms: list = field(default_factory=list)
    finalise_form: FinaliseForm | None = None
    snapshot: RankingSnapshot | None = None
    frozen_criteria: list = field(default_factory=list)
    frozen_rows: list = field(default_factory=list)  # FrozenRow
    history: list = field(default_factory=list)  # reopened snapshots
    reopen_form: ReopenForm | None = None
    refusal: list = field(default_factory=list)  # messages of a refused action
    is_selection: bool = False  # the jury's national selection: the top ones become finalists
    # The jury's interview, ranked on its own: no one advances from it, and it is frozen by the
    # national result (its XLSX; the page is the national result's).
    is_interview: bool = False
    minimum: Decimal | None = None  # selection: the optional minimum total of a finalist
    disagreements: int = 0  # nominees flagged for strong disagreement (chairs, before finalising)
    urls: dict = field(default_factory=dict)
    # The reader is excluded from some nominees (conflict): ranks and advancement are withheld
    # (selectors.withhold_live_rows), those nominees' rows say why.
    withheld: bool = False

    @property
    def finalised(self) -> bool:
        return self.snapshot is not None

    @property
    def advancing(self) -> list:
        return [r for r in self.rows if r.advances]

    @property
    def decided(self) -> list:
        return [r for r in self.rows if r.decision is not None]

    @property
    def still_tied(self) -> int:
        return sum(1 for r in self.rows if r.row.tied)


def _frozen(snapshot: RankingSnapshot, kind) -> tuple[list, list]:
    """The frozen ranking of the stage: its snapshot's rows, or for the interview each
    finalist's interview result in the national result's snapshot (scoring.frozen)."""
    rows = list(snapshot.rows.all())
    if kind == StageKind.NATIONAL_INTERVIEW:
        rows = interview_rows(rows)
    columns = [
        FrozenCriterion(c["code"], c["name"], Decimal(c["weight"]))
        for c in (stage_criteria(rows[0].breakdown, kind) if rows else [])
    ]
    frozen = []
    for row in rows:
        by_code = {c["code"]: c for c in stage_criteria(row.breakdown, kind)}
        frozen.append(
            FrozenRow(
                row=row,
                criteria=[
                    {
                        "score": Decimal(by_code[c.code]["score"]),
                        "contribution": Decimal(by_code[c.code]["contribution"]),
                    }
                    if c.code in by_code
                    else None
                    for c in columns
                ],
            )
        )
    advanced = [f for f in frozen if f.row.advanced]
    if advanced and advanced[-1] is not frozen[-1]:
        advanced[-1].last_advancing = True
    return columns, frozen


def tie_forms(ties, tie_form=None) -> tuple[list, TieDecisionForm | None]:
    """One order form per group still tied (the submitted one, with its errors, in its group's
    place), and the submitted form when its group is no longer a tie."""
    forms = []
    for group in ties:
        nominations = [r.nomination for r in group]
        if tie_form is not None and {n.pk for n in tie_form.nominations} == {
            n.pk for n in nominations
        }:
            form, tie_form = tie_form, None
        else:
            form = TieDecisionForm(nominations=nominations)
        form.rank = group[0].rank
        forms.append(form)
    return forms, tie_form


_SNAPSHOT_ROWS = Prefetch(
    "rows",
    queryset=RankingSnapshotRow.objects.select_related(
        "nomination__candidate__regency", "nomination__candidate__province"
    ).order_by("rank", "nomination__candidate__name"),
)


def category_ranking(
    *,
    user,
    panel,
    stage,
    category: Category,
    can_manage: bool,
    show_names: bool,
    is_member: bool = False,
    tie_form: TieDecisionForm | None = None,
    finalise_form: FinaliseForm | None = None,
    reopen_form: ReopenForm | None = None,
    refusal: list | None = None,
    page: int | str | None = 1,
    search: str = "",
) -> CategoryRanking:
    """One category's ranking as `user` may see it. A fixed number of queries whatever the
    number of nominees (the ranking itself is one query, see selectors.ranking_for).

    The live ranking is shown a page at a time (selectors.RANKING_PAGE_SIZE rows, `page` of
    those whose name contains `search`): every nominee's rank, total, name and region are
    computed in the ranking's one query, and only the nominees of the ties are read (for the
    chair's tie forms).
    `page=None` reads every row's nominee (the XLSX)."""
    visible = selectors.may_see_ranking(user, panel=panel, stage=stage, category=category)
    is_selection = stage.kind == StageKind.NATIONAL_SELECTION
    is_interview = stage.kind == StageKind.NATIONAL_INTERVIEW
    quota = category.finalist_quota if is_selection else category.provincial_quota
    section = CategoryRanking(
        category=category,
        stage=stage,
        visible=visible,
        show_names=show_names,
        can_manage=can_manage and not is_interview,
        quota=0 if is_interview else quota,
        refusal=list(refusal or []),
        is_selection=is_selection,
        is_interview=is_interview,
        minimum=category.finalist_minimum if is_selection else None,
    )
    can_manage = section.can_manage
    nominations = selectors.stage_nominations(panel, stage.kind, category)
    section.pending = list(
        selectors.nominations_to_verify(panel).filter(category=category).order_by("candidate__name")
    )
    section.history = list(
        RankingSnapshot.objects.filter(
            stage=stage, panel=panel, category=category, reopened_at__isnull=False
        )
        .select_related("finalised_by", "reopened_by")
        .prefetch_related(_SNAPSHOT_ROWS)
        .order_by("-reopened_at")
    )
    snapshot = (
        RankingSnapshot.objects.filter(
            # The interview's ranking is frozen by the national result's.
            stage=selectors.freezing_stage(stage) if is_interview else stage,
            panel=panel,
            category=category,
            reopened_at__isnull=True,
        )
        .select_related("finalised_by")
        .prefetch_related(_SNAPSHOT_ROWS)
        .first()
    )
    if snapshot is not None:
        section.snapshot = snapshot
        if not is_interview:
            section.quota = snapshot.quota
            section.cut_off = snapshot.cut_off
        section.frozen_criteria, section.frozen_rows = _frozen(snapshot, stage.kind)
        section.nominees = sorted(
            (r.nomination for r in section.frozen_rows), key=lambda n: n.candidate.name
        )
        if can_manage:
            section.reopen_form = reopen_form or ReopenForm(auto_id=f"reopen-{category.pk}-%s")
        return section

    if can_manage:
        section.finalise_form = finalise_form or FinaliseForm(category=category, kind=stage.kind)
    section.nominees = list(nominations.order_by("candidate__name", "pk"))
    missing = selectors.missing_scoresheets(stage=stage, panel=panel, nominations=nominations)
    section.missing_total = len(missing)
    if is_member:
        section.own_missing = sum(1 for m in missing if m.assessor.pk == user.pk)
    lines = {n.pk: MissingLine(n) for n in section.nominees}
    for item in missing:
        line = lines[item.nomination.pk]
        line.count += 1
        if show_names:
            line.assessors.append(item.assessor)
    section.progress = list(lines.values())
    section.missing = [line for line in section.progress if line.count]
    section.rubric = selectors.rubric_for(stage, category)
    if not visible or section.rubric is None:
        return section

    ranking = selectors.ranking_for(
        rubric=section.rubric, panel=panel, nominations=nominations, nominees=False
    )
    section.criteria = ranking.criteria
    ties = ranking.ties
    withheld = selectors.live_results_withheld(user, panel=panel, stage=stage, category=category)
    if withheld:
        # Nothing of where the nominee stands: no ranks, no cut-off, no tie it is in.
        section.withheld = True
        for group in ties:
            if {r.nomination_id for r in group} & withheld:
                for row in group:
                    row.tied = False
        ties = [g for g in ties if not {r.nomination_id for r in g} & withheld]
        ranking.rows = selectors.withhold_live_rows(ranking.rows, withheld)
    decisions = {
        d.nomination_id: d
        for d in TieDecision.objects.filter(
            stage=stage, panel=panel, nomination__category=category
        ).select_related("decided_by")
    }
    quota = section.quota
    advancing = [
        row
        for row in ([] if withheld else ranking.rows[:quota])
        if section.minimum is None or row.total >= section.minimum
    ]
    last = advancing[-1] if advancing else None
    section.rows = [
        LiveRow(
            row=row,
            advances=index < len(advancing),
            last_advancing=row is last and index < len(ranking.rows) - 1,
            decision=decisions.get(row.nomination_id) if row.tie_position is not None else None,
        )
        for index, row in enumerate(ranking.rows)
    ]
    section.search = search = selectors.search_text(search)
    shown = section.rows
    if search:
        found = {row.nomination_id for row in ranking.named(search)}
        shown = [line for line in shown if line.row.nomination_id in found]
    per_page = selectors.RANKING_PAGE_SIZE if page is not None else max(len(shown), 1)
    section.page = Paginator(shown, per_page).get_page(page)
    # A page shows its rows' names and regions, which the ranking read; the nominees are read
    # for the tie forms only, or for every row (the XLSX).
    selectors.attach_nominees(
        ranking.rows if page is None else [row for group in ties for row in group],
        cohort=nominations if page is None else None,
    )
    if can_manage:
        agreement = selectors.agreement(panel=panel, stage=stage, category=category)
        section.disagreements = len(agreement.flagged) if agreement else 0
    section.cut_off = advancing[-1].total if advancing else None
    if can_manage:
        section.tie_forms, tie_form = tie_forms(ties, tie_form)
    if tie_form is not None:
        # The group the chair ordered is no longer a tie (someone decided or a score changed).
        section.refusal += [str(e) for errors in tie_form.errors.values() for e in errors] or [
            _("Order exactly the nominees of one tie, each once.")
        ]
    return section


# ---------------------------------------------------------------------------------------------
# Views


class PanelAccessMixin(PermissionRequiredMixin):
    """A panel role first (403 without one), then the panel among those the user may see (404
    otherwise), then `panel_permission` on it (403)."""

    permission_required = "scoring.access_panels"
    panel_permission = "scoring.view_ranking"

    def get_permission_object(self):
        return None

    def has_permission(self):
        if not super().has_permission():
            return False
        user = self.request.user
        panels = selectors.panels_visible_to(user)
        self.panel = get_object_or_404(panels, pk=self.kwargs["panel_pk"])
        self.stage_kind = selectors.scoring_stage_kinds(self.panel)[0]
        if "stage" in self.kwargs:
            kind = STAGE_SLUGS.get(self.kwargs["stage"])
            if kind not in self.allowed_stage_kinds():
                raise Http404
            self.stage_kind = kind
        self.category = None
        if "category_pk" in self.kwargs:
            categories = Category.objects.select_related("edition").filter(
                edition=self.panel.edition_id
            )
            if not self.panel.is_jury:
                categories = categories.filter(has_provincial_round=True)
            self.category = get_object_or_404(categories, pk=self.kwargs["category_pk"])
        return user.has_perm(self.panel_permission, self.panel)

    def allowed_stage_kinds(self) -> tuple:
        """The stages whose ranking these pages show: the provincial assessment, or the jury's
        national selection (the national result has its own pages, views_national)."""
        return selectors.scoring_stage_kinds(self.panel)[:1]

    def stage(self):
        stage = selectors.panel_stage(self.panel, self.stage_kind)
        if stage is None:
            raise Http404
        return stage

    def section_urls(self, category) -> dict:
        def url(name):
            return stage_url(name, self.panel, self.stage_kind, category.pk)

        urls = {
            name: url(name)
            for name in ("ranking_category", "ranking_xlsx", "tie_decide", "finalise", "reopen")
        }
        urls["agreement"] = reverse(
            "scoring:agreement", args=[self.panel.pk, SLUG_OF[self.stage_kind]]
        )
        return urls

    def page_context(self, **overrides) -> dict:
        user = self.request.user
        stage = self.stage()
        can_manage = user.has_perm("scoring.finalise_ranking", self.panel)
        show_names = selectors.may_see_assessor_names(user, self.panel)
        is_member = selectors.membership(self.panel, user) is not None
        categories = (
            [self.category]
            if self.category is not None
            else selectors.panel_categories(self.panel, self.stage_kind)
        )
        result_stage = selectors.panel_stage(
            self.panel, selectors.result_stage_kind(self.panel, self.stage_kind)
        )
        # One category's page is paginated and searchable; the page of every category shows
        # each one's first rows with a link to its own page.
        listing = {}
        if self.category is not None and self.request.method == "GET":
            listing = {
                "page": self.request.GET.get("page") or 1,
                "search": self.request.GET.get("q", ""),
            }
        sections = [
            category_ranking(
                user=user,
                panel=self.panel,
                stage=stage,
                category=category,
                can_manage=can_manage,
                show_names=show_names,
                is_member=is_member,
                **listing,
                **overrides,
            )
            for category in categories
        ]
        for section in sections:
            section.urls = self.section_urls(section.category)
        return {
            "panel": self.panel,
            "may_score": is_member,
            "nav": panel_nav(
                user, self.panel, selectors.membership(self.panel, user), self.request.path
            ),
            "is_selection": self.stage_kind == StageKind.NATIONAL_SELECTION,
            "all_url": stage_url("ranking", self.panel, self.stage_kind),
            "ranking_url": reverse("scoring:ranking", args=[self.panel.pk]),
            "stage": stage,
            "result_stage": result_stage,
            "result_open": result_stage is not None and result_stage.state == StageState.OPEN,
            "single": self.category,
            "sections": sections,
            "can_manage": can_manage,
        }


class RankingPage(PanelAccessMixin, TemplateView):
    """The panel's ranking, every category or one."""

    template_name = "scoring/ranking.html"

    def get_context_data(self, **kwargs):
        # The page's `stage` (a Stage) replaces the URL's (a slug), which TemplateView passes on.
        return super().get_context_data(**{**kwargs, **self.page_context()})


class RankingAction(PanelAccessMixin, View):
    """A chair's (or the secretariat's) change to one category's ranking: on success back to
    the category's page with a message; on refusal the page again with what went wrong."""

    http_method_names = ["post"]
    panel_permission = "scoring.finalise_ranking"

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(
            stage_url("ranking_category", self.panel, self.stage_kind, self.category.pk)
        )

    def again(self, **overrides):
        return TemplateResponse(
            self.request, "scoring/ranking.html", self.page_context(**overrides)
        )


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


class TieDecide(RankingAction):
    def post(self, request, panel_pk, category_pk, stage=None):
        stage = self.stage()
        if not selectors.may_see_ranking(
            request.user, panel=self.panel, stage=stage, category=self.category
        ):
            # Ordering a tie means reading the totals, which blindness hides until one's own
            # scoresheets are in.
            raise PermissionDenied
        ids = parse_ids(request.POST.get("nominees", ""))
        nominations = list(
            selectors.stage_nominations(self.panel, self.stage_kind, self.category)
            .filter(pk__in=ids or [])
            .order_by("candidate__name")
        )
        if not ids or len(nominations) != len(ids):
            return self.again(refusal=[_("Order exactly the nominees of one tie, each once.")])
        form = TieDecisionForm(request.POST, nominations=nominations)
        if form.is_valid():
            try:
                services.tie_decide(
                    actor=request.user,
                    panel=self.panel,
                    category=self.category,
                    order=form.order,
                    reason=form.cleaned_data["reason"],
                    stage_kind=self.stage_kind,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(
                    _("The order of %(candidates)s is recorded.")
                    % {"candidates": ", ".join(n.candidate.name for n in form.order)}
                )
        return self.again(tie_form=form)


class Finalise(RankingAction):
    def post(self, request, panel_pk, category_pk, stage=None):
        form = FinaliseForm(request.POST, category=self.category, kind=self.stage_kind)
        if not form.is_valid():
            return self.again(finalise_form=form)
        try:
            snapshot = services.ranking_finalise(
                actor=request.user,
                panel=self.panel,
                category=self.category,
                stage_kind=self.stage_kind,
            )
        except ValidationError as error:
            return self.again(refusal=_messages(error))
        advanced = snapshot.rows.filter(advanced=True).count()
        if self.stage_kind == StageKind.NATIONAL_SELECTION:
            return self.done(
                ngettext(
                    "The national selection of %(category)s is finalised; %(count)s finalist.",
                    "The national selection of %(category)s is finalised; %(count)s finalists.",
                    advanced,
                )
                % {"category": self.category.name, "count": advanced}
            )
        return self.done(
            ngettext(
                "The ranking of %(category)s is finalised; %(count)s nominee advances.",
                "The ranking of %(category)s is finalised; %(count)s nominees advance.",
                advanced,
            )
            % {"category": self.category.name, "count": advanced}
        )


class Reopen(RankingAction):
    def post(self, request, panel_pk, category_pk, stage=None):
        stage = self.stage()
        form = ReopenForm(request.POST, auto_id=f"reopen-{self.category.pk}-%s")
        snapshot = selectors.current_snapshot(stage, self.panel, self.category)
        if snapshot is None:
            return self.again(refusal=[_("This ranking is not finalised.")])
        if form.is_valid():
            try:
                services.ranking_reopen(
                    actor=request.user, snapshot=snapshot, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.done(
                    _("The ranking of %(category)s is reopened.") % {"category": self.category.name}
                )
        return self.again(reopen_form=form)


_ROUTES = [
    ("", RankingPage, "ranking"),
    ("<int:category_pk>/", RankingPage, "ranking_category"),
    ("<int:category_pk>/ties/", TieDecide, "tie_decide"),
    ("<int:category_pk>/finalise/", Finalise, "finalise"),
    ("<int:category_pk>/reopen/", Reopen, "reopen"),
]
# The same pages with the stage named (e.g. /panel/7/ranking/selection/): the short addresses
# above show the panel's first ranked stage.
_STAGED = [
    path(f"<int:panel_pk>/ranking/<slug:stage>/{route}", view.as_view(), name=name)
    for route, view, name in _ROUTES
]

urlpatterns = [
    path("<int:panel_pk>/ranking/", RankingPage.as_view(), name="ranking"),
    path(
        "<int:panel_pk>/ranking/<int:category_pk>/",
        RankingPage.as_view(),
        name="ranking_category",
    ),
    path("<int:panel_pk>/ranking/<int:category_pk>/ties/", TieDecide.as_view(), name="tie_decide"),
    path(
        "<int:panel_pk>/ranking/<int:category_pk>/finalise/",
        Finalise.as_view(),
        name="finalise",
    ),
    path("<int:panel_pk>/ranking/<int:category_pk>/reopen/", Reopen.as_view(), name="reopen"),
    *_STAGED,
]
