"""Panel pages: panels, the scoring worklist, scoresheets and conflicts (verification:
scoring.views_verification).

Access, in the same order on every page: anonymous visitors are sent to the login page; a
person without any panel role (branch staff, the national jury) gets 403; a panel they cannot
see (another province, another edition) answers 404 so that its existence does not leak; a
panel they see but may not act on in this way (an auditor on a scoresheet) answers 403. A
nomination outside the panel answers 404."""

from collections import defaultdict
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import View

from candidates import selectors as candidate_selectors
from candidates import services as candidate_services
from candidates import validators as candidate_validators
from candidates.enums import PANEL_STATES, NominationState
from candidates.forms import BusinessFiguresForm, GovernmentFiguresForm
from candidates.indicators import INDICATORS

from . import forms, selectors, services
from .enums import NATIONAL_STAGES, SLUG_OF, STAGE_SLUGS, ScoresheetState, StageKind, StageState
from .models import Conflict, Interview, PanelMember, ScoreRevision, Scoresheet, Stage

PROVINCIAL_STAGES = (
    StageKind.PROVINCIAL_VERIFICATION,
    StageKind.PROVINCIAL_ASSESSMENT,
    StageKind.PROVINCIAL_RESULT,
)


def _ranking_url(panel) -> str | None:
    # The ranking pages live in views_ranking; link them once their route exists.
    try:
        return reverse("scoring:ranking", args=[panel.pk])
    except NoReverseMatch:
        return None


def _url(name: str, *args) -> str | None:
    try:
        return reverse(f"scoring:{name}", args=args)
    except NoReverseMatch:
        return None


def stage_slug(panel, kind) -> str | None:
    """The stage's part of a page's address, None for the panel's first scoring stage (whose
    pages keep their short addresses)."""
    return None if kind == selectors.scoring_stage_kinds(panel)[0] else SLUG_OF[kind]


def stage_url(name: str, panel, kind, *args) -> str:
    """The address of a stage's page (worklist, scoresheet, ranking) for the panel."""
    slug = stage_slug(panel, kind)
    return reverse(f"scoring:{name}", args=[panel.pk, *([slug] if slug else []), *args])


def panel_stage_kinds(panel) -> tuple:
    return NATIONAL_STAGES if panel.is_jury else PROVINCIAL_STAGES


def _stages_by_edition(edition_ids) -> dict[int, list[Stage]]:
    stages = defaultdict(list)
    for stage in Stage.objects.filter(edition__in=set(edition_ids)).order_by("order"):
        stages[stage.edition_id].append(stage)
    return stages


def panel_nav(user, panel, member, path: str = "") -> list[dict]:
    """The panel's sub-navigation for this person (the pages check again): the overview,
    verification, the member's scoring per stage, the jury's interviews, rankings, awards and
    the agreement between assessors for those who may see them, and conflicts."""
    may_rank = user.has_perm("scoring.view_ranking", panel)
    sees_conflicts = user.has_perm("scoring.view_conflicts", panel)
    items = [(reverse("scoring:panel", args=[panel.pk]), _("Overview"), True)]
    items.append((reverse("scoring:verification", args=[panel.pk]), _("Verification"), False))
    if member is not None:
        for kind in selectors.scoring_stage_kinds(panel):
            label = (
                _("My scoring")
                if not panel.is_jury
                else _("Scoring: %(stage)s") % {"stage": StageKind(kind).label}
            )
            items.append((stage_url("worklist", panel, kind), label, False))
    if panel.is_jury:
        items.append((_url("interviews", panel.pk), _("Interviews"), False))
    if may_rank:
        first = selectors.scoring_stage_kinds(panel)[0]
        label = _("Ranking") if not panel.is_jury else _("Finalists (selection)")
        items.append((_url("ranking", panel.pk), label, False))
        if panel.is_jury:
            items.append((_url("final", panel.pk), _("National result"), False))
            items.append((_url("awards", panel.pk), _("Awards"), False))
        if sees_conflicts:
            items.append((_url("agreement", panel.pk, SLUG_OF[first]), _("Agreement"), False))
    items.append((reverse("scoring:conflicts", args=[panel.pk]), _("Conflicts of interest"), False))
    items = [item for item in items if item[0] is not None]
    # The current page: the longest address the path starts with (the overview only exactly).
    matching = [
        url for url, _label, exact in items if path == url or (not exact and path.startswith(url))
    ]
    current = max(matching, key=len) if matching else None
    return [{"url": url, "label": label, "current": url == current} for url, label, _e in items]


def _panel_links(user, panel, member, path: str = "") -> dict:
    """What the panel's pages offer this person (the pages check again)."""
    ranking_url = _ranking_url(panel)
    return {
        "may_verify": member is not None or user.has_perm("scoring.verify_nominations"),
        "may_score": member is not None,
        "ranking_url": ranking_url
        if ranking_url and user.has_perm("scoring.view_ranking", panel)
        else None,
        "nav": panel_nav(user, panel, member, path),
    }


class PanelListView(View):
    """/panel/: the provincial panels the person sits on (every panel for the secretariat,
    every panel of their editions for auditors)."""

    def get(self, request):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_perm("scoring.access_panels"):
            raise PermissionDenied
        panels = list(
            selectors.panels_visible_to(user).order_by(
                "-edition__year", F("province__name").asc(nulls_first=True)
            )
        )
        ids = [p.pk for p in panels]
        counts = dict(
            PanelMember.objects.filter(panel__in=ids)
            .order_by()
            .values("panel")
            .annotate(n=Count("pk"))
            .values_list("panel", "n")
        )
        mine = {m.panel_id: m for m in PanelMember.objects.filter(panel__in=ids, user=user)}
        stages = _stages_by_edition(p.edition_id for p in panels)
        rows = [
            {
                "panel": panel,
                "members": counts.get(panel.pk, 0),
                "member": mine.get(panel.pk),
                "stages": [
                    s for s in stages[panel.edition_id] if s.kind in panel_stage_kinds(panel)
                ],
                "may_verify": panel.pk in mine or user.has_perm("scoring.verify_nominations"),
                "may_score": panel.pk in mine,
            }
            for panel in panels
        ]
        return TemplateResponse(request, "scoring/panels.html", {"rows": rows})


class PanelView(View):
    """A page of one panel. `permission` is checked with the panel for GET, `post_permission`
    for POST."""

    permission = "scoring.view_panel"
    post_permission = None
    # Methods only the panel's own members may use. Scoring and declaring conflicts are a
    # member's own work: the secretariat holds every permission (accounts.backends) but does
    # not score, and the services refuse non-members.
    members_only: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.has_perm("scoring.access_panels"):
            raise PermissionDenied
        self.panel = get_object_or_404(selectors.panels_visible_to(user), pk=kwargs["panel_pk"])
        if not self.panel_allowed(self.panel):
            raise Http404
        method = "GET" if request.method == "HEAD" else request.method
        if method.lower() not in self.http_method_names or not hasattr(self, method.lower()):
            return self.http_method_not_allowed(request, *args, **kwargs)
        needed = self.post_permission if method == "POST" else self.permission
        if needed is None or not user.has_perm(needed, self.panel):
            raise PermissionDenied
        self.member = selectors.membership(self.panel, user)
        if self.member is None and method in self.members_only:
            raise PermissionDenied(_("Only the panel's members score and declare conflicts."))
        self.stage_kind = selectors.scoring_stage_kinds(self.panel)[0]
        if "stage" in kwargs:
            kind = STAGE_SLUGS.get(kwargs["stage"])
            if kind not in self.allowed_stage_kinds():
                raise Http404
            self.stage_kind = kind
        return super().dispatch(request, *args, **kwargs)

    def allowed_stage_kinds(self) -> tuple:
        return selectors.scoring_stage_kinds(self.panel)

    def panel_allowed(self, panel) -> bool:
        """Whether this page exists for the panel (the jury's pages do not on a provincial
        panel: 404)."""
        return True

    @property
    def stage_slug(self) -> str | None:
        return stage_slug(self.panel, self.stage_kind)

    def render(self, template, context, status=200):
        context = {
            "panel": self.panel,
            "member": self.member,
            "stage_kind": self.stage_kind,
            "stage_slug": self.stage_slug,
            **_panel_links(self.request.user, self.panel, self.member, self.request.path),
            **context,
        }
        return TemplateResponse(self.request, template, context, status=status)


class PanelDetailView(PanelView):
    """The panel's overview: members, the edition's stages, where the work stands."""

    def stage_counts(self, kind) -> list[tuple[str, int]]:
        """A scoring stage's nominees and scoresheets (submitted, draft, missing)."""
        panel = self.panel
        stage = selectors.panel_stage(panel, kind)
        nominations = selectors.stage_nominations(panel, kind)
        label = {
            StageKind.PROVINCIAL_ASSESSMENT: _("Verified (to be scored and ranked)"),
            StageKind.NATIONAL_SELECTION: _("In the national selection"),
            StageKind.NATIONAL_INTERVIEW: _("Finalists (to be interviewed)"),
        }[kind]
        counts = [(label, nominations.count())]
        if stage is None:
            return counts
        sheets = dict(
            Scoresheet.objects.filter(stage=stage, panel=panel)
            .order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        missing = len(
            selectors.missing_scoresheets(stage=stage, panel=panel, nominations=nominations)
        )
        prefix = "" if not panel.is_jury else f"{StageKind(kind).label}: "
        return [
            *counts,
            (prefix + _("Scoresheets submitted"), sheets.get(ScoresheetState.SUBMITTED, 0)),
            (prefix + _("Scoresheets in draft"), sheets.get(ScoresheetState.DRAFT, 0)),
            (prefix + _("Scoresheets still missing"), missing),
        ]

    def get(self, request, panel_pk):
        panel = self.panel
        by_state = dict(
            selectors.panel_nominations(panel)
            .filter(state__in=PANEL_STATES)
            .order_by()
            .values("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        counts = [
            (
                _("Waiting for verification"),
                sum(by_state.get(s, 0) for s in selectors.TO_VERIFY_STATES),
            ),
            (_("Returned for correction"), by_state.get(NominationState.RETURNED, 0)),
            (_("Ineligible"), by_state.get(NominationState.INELIGIBLE, 0)),
        ]
        for kind in selectors.scoring_stage_kinds(panel):
            counts += self.stage_counts(kind)
        named = selectors.may_see_assessor_names(request.user, panel)
        members = [
            {
                "label": str(m.user)
                if named or m.user_id == request.user.pk
                else _("Member %(number)s") % {"number": number},
                "is_chair": m.is_chair,
                "is_you": m.user_id == request.user.pk,
                "position": m.position,
            }
            for number, m in enumerate(panel.members.select_related("user"), start=1)
        ]
        return self.render(
            "scoring/panel_detail.html",
            {
                "members": members,
                "members_named": named,
                "stages": Stage.objects.filter(edition=panel.edition_id).order_by("order"),
                "worklists": [
                    (StageKind(kind).label, stage_url("worklist", panel, kind))
                    for kind in selectors.scoring_stage_kinds(panel)
                ],
                "counts": counts,
                "may_view_conflicts": request.user.has_perm("scoring.view_conflicts", panel),
            },
        )


# ---------------------------------------------------------------------------------------------
# Scoring


class WorklistView(PanelView):
    """The member's nominees in the assessment stage, by category, with their own progress."""

    permission = "scoring.score"
    members_only = ("GET",)

    def get(self, request, panel_pk, stage=None):
        stage = selectors.panel_stage(self.panel, self.stage_kind)
        rows = selectors.scoring_worklist(self.panel, stage, request.user) if stage else []
        rows.sort(
            key=lambda r: (
                r.nomination.category.order,
                r.nomination.category_id,
                r.nomination.candidate.name,
            )
        )
        groups = [
            {"category": rows_[0].nomination.category, "rows": rows_}
            for rows_ in (
                list(items) for _key, items in groupby(rows, key=lambda r: r.nomination.category_id)
            )
        ]
        to_score = [r for r in rows if r.status != "excluded"]
        interviews = (
            selectors.interviews_of(self.panel)
            if self.stage_kind == StageKind.NATIONAL_INTERVIEW
            else {}
        )
        for row in rows:
            row.url = stage_url("scoresheet", self.panel, self.stage_kind, row.nomination.pk)
            row.interview = interviews.get(row.nomination.pk)
        return self.render(
            "scoring/worklist.html",
            {
                "stage": stage,
                "stage_label": StageKind(self.stage_kind).label,
                "groups": groups,
                "submitted": sum(1 for r in to_score if r.status == ScoresheetState.SUBMITTED),
                "drafts": sum(1 for r in to_score if r.status == ScoresheetState.DRAFT),
                "to_score": len(to_score),
                "excluded": len(rows) - len(to_score),
            },
        )


def _indicator_rows(nomination, kind: str) -> tuple[list[dict], bool]:
    """The indicators recorded when the panel verified the dossier (what computed criteria are
    scored from), or, before any was recorded, computed from the saved figures."""
    recorded = {v.indicator: v.value for v in nomination.indicator_values.all()}
    values = recorded or candidate_selectors.nomination_indicators(nomination)
    rows = [
        {"label": i.label, "value": values.get(i.name), "unit": i.unit}
        for i in INDICATORS
        if i.kind == kind and (i.name in values)
    ]
    return rows, bool(recorded)


def _dossier(nomination) -> dict:
    """The nominee's data, read-only, as the candidates pages show it."""
    kind = candidate_services.data_kind(nomination)
    values = candidate_services.figures_of(nomination)
    if kind == "government":
        figures_form = GovernmentFiguresForm()
    else:
        figures_form = BusinessFiguresForm(edition_year=nomination.category.edition.year)
    indicator_rows, recorded = _indicator_rows(nomination, kind)
    return {
        "kind": kind,
        "figures": [
            (legend, [(field.label, values.get(field.name)) for field in fields])
            for legend, fields in figures_form.fieldsets()
        ],
        "flags": candidate_validators.flags(kind, values),
        "indicator_rows": indicator_rows,
        "indicators_recorded": recorded,
        "legal_products": nomination.legal_products.all(),
        "innovations": nomination.innovations.all(),
    }


class ScoresheetView(PanelView):
    """One nominee for one member: the dossier read-only, then their scores for the judged
    criteria (draft, submit, change with a reason), the history of their changes, and the
    others' scores once their own are submitted."""

    permission = "scoring.score"
    post_permission = "scoring.score"
    members_only = ("GET", "POST")

    def others(self) -> list[dict] | None:
        """The other assessors' scores (None before the user's own submission: blindness)."""
        if self.stage is None:
            return None
        others = selectors.other_assessors_scores(
            self.request.user, stage=self.stage, panel=self.panel, nomination=self.nomination
        )
        return None if others is None else [vars(assessor) for assessor in others]

    def setup_nominee(self):
        self.nomination = get_object_or_404(
            selectors.stage_nominations(self.panel, self.stage_kind).prefetch_related(
                "indicator_values"
            ),
            pk=self.kwargs["nomination_pk"],
        )
        self.stage = selectors.panel_stage(self.panel, self.stage_kind)
        self.conflict = selectors.is_excluded(self.panel, self.request.user, self.nomination)
        self.rubric = (
            selectors.rubric_for(self.stage, self.nomination.category) if self.stage else None
        )
        self.criteria = (
            [c for c in self.rubric.criteria.all() if c.is_assessed] if self.rubric else []
        )
        self.sheet = (
            Scoresheet.objects.filter(
                stage=self.stage, nomination=self.nomination, assessor=self.request.user
            )
            .prefetch_related("scores")
            .first()
            if self.stage
            else None
        )

    def excluded_page(self, status):
        return self.render(
            "scoring/scoresheet_excluded.html",
            {"nomination": self.nomination, "conflict": self.conflict},
            status=status,
        )

    def get(self, request, panel_pk, nomination_pk, stage=None):
        self.setup_nominee()
        if self.conflict is not None:
            return self.excluded_page(200)
        return self.page(self.form())

    def post(self, request, panel_pk, nomination_pk, stage=None):
        self.setup_nominee()
        if self.conflict is not None:
            return self.excluded_page(403)
        form = self.form(request.POST)
        if form.is_valid():
            was_submitted = self.sheet is not None and self.sheet.is_submitted
            try:
                services.scoresheet_save(
                    actor=request.user,
                    panel=self.panel,
                    nomination=self.nomination,
                    scores=form.score_inputs(),
                    submit=request.POST.get("action") == "submit",
                    reason=form.cleaned_data.get("reason", ""),
                    stage_kind=self.stage_kind,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if was_submitted:
                    done = _("Your changes were saved; the previous scores are kept.")
                elif request.POST.get("action") == "submit":
                    done = _("Your scores were submitted.")
                else:
                    done = _("Your draft was saved. Submit it when it is complete.")
                messages.success(request, done)
                return redirect(stage_url("scoresheet", self.panel, self.stage_kind, nomination_pk))
        return self.page(form, status=400)

    def form(self, data=None):
        initial = {}
        if self.sheet is not None:
            for score in self.sheet.scores.all():
                code = score.criterion.code
                # As the page writes numbers: 91,00 in Bahasa Indonesia (read back either way).
                initial[f"value_{code}"] = number_format(score.value, decimal_pos=2)
                initial[f"note_{code}"] = score.note
        return forms.ScoresheetForm(
            data,
            criteria=self.criteria,
            submitted=self.sheet is not None and self.sheet.is_submitted,
            initial=initial,
        )

    def closed_reason(self) -> str | None:
        """Why the scores cannot be changed now, or None."""
        if self.stage is None or self.stage.state != StageState.OPEN:
            return _("Scoring is not possible now: the stage “%(stage)s” is not open.") % {
                "stage": StageKind(self.stage_kind).label
            }
        if self.nomination.state not in selectors.SCOREABLE[self.stage_kind]:
            return _("This nominee's result in this stage is already recorded.")
        if selectors.frozen_snapshot(self.stage, self.panel, self.nomination.category):
            return _("The ranking of this category is finalised.")
        if not self.criteria:
            return _("The secretariat has not set a rubric with judged criteria for this category.")
        return None

    def page(self, form, status=200):
        revisions = (
            ScoreRevision.objects.filter(score__scoresheet=self.sheet)
            .select_related("score__criterion", "changed_by")
            .order_by("-changed_at", "-pk")
            if self.sheet is not None
            else []
        )
        return self.render(
            "scoring/scoresheet.html",
            {
                "nomination": self.nomination,
                "stage": self.stage,
                "form": form,
                "sheet": self.sheet,
                "closed_reason": self.closed_reason(),
                "stage_label": StageKind(self.stage_kind).label,
                "interview": Interview.objects.filter(
                    panel=self.panel, nomination=self.nomination
                ).first()
                if self.stage_kind == StageKind.NATIONAL_INTERVIEW
                else None,
                "worklist_url": stage_url("worklist", self.panel, self.stage_kind),
                "form_url": stage_url(
                    "scoresheet", self.panel, self.stage_kind, self.nomination.pk
                ),
                "revisions": revisions,
                "others": self.others(),
                **_dossier(self.nomination),
            },
            status=status,
        )


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


class ConflictsView(PanelView):
    """A member declares a conflict with a nominee and sees their own exclusions; the chair,
    the secretariat and auditors see every exclusion of the panel."""

    post_permission = "scoring.declare_conflict"
    members_only = ("POST",)

    def nominees(self):
        own = Conflict.objects.filter(panel=self.panel, assessor=self.request.user)
        return (
            selectors.panel_nominations(self.panel)
            .filter(state__in=(*selectors.TO_VERIFY_STATES, *selectors.RANKED_STATES))
            .exclude(pk__in=own.values("nomination_id"))
            .order_by("category__order", "candidate__name")
        )

    def get(self, request, panel_pk):
        return self.page(forms.ConflictForm(nominations=self.nominees()))

    def post(self, request, panel_pk):
        form = forms.ConflictForm(request.POST, nominations=self.nominees())
        if form.is_valid():
            try:
                services.conflict_declare(
                    actor=request.user,
                    panel=self.panel,
                    nomination=form.cleaned_data["nomination"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                forms.add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("You are excluded from %(candidate)s; your scores for it will not count.")
                    % {"candidate": form.cleaned_data["nomination"].candidate.name},
                )
                return redirect("scoring:conflicts", panel_pk=self.panel.pk)
        return self.page(form, status=400)

    def page(self, form, status=200):
        user = self.request.user
        conflicts = selectors.conflicts_of(self.panel).select_related("nomination__category")
        sees_all = user.has_perm("scoring.view_conflicts", self.panel)
        return self.render(
            "scoring/conflicts.html",
            {
                "form": form if self.member is not None else None,
                "own": conflicts.filter(assessor=user).order_by("nomination__candidate__name"),
                "all": conflicts.order_by(
                    "assessor__first_name", "assessor__email", "nomination__candidate__name"
                )
                if sees_all
                else None,
            },
            status=status,
        )


urlpatterns = [
    path("", PanelListView.as_view(), name="panels"),
    path("<int:panel_pk>/", PanelDetailView.as_view(), name="panel"),
    path("<int:panel_pk>/scoring/", WorklistView.as_view(), name="worklist"),
    path(
        "<int:panel_pk>/scoring/<int:nomination_pk>/",
        ScoresheetView.as_view(),
        name="scoresheet",
    ),
    # The jury's second scoring stage (and any stage by its short name: selection, interview).
    path("<int:panel_pk>/scoring/<slug:stage>/", WorklistView.as_view(), name="worklist"),
    path(
        "<int:panel_pk>/scoring/<slug:stage>/<int:nomination_pk>/",
        ScoresheetView.as_view(),
        name="scoresheet",
    ),
    path("<int:panel_pk>/conflicts/", ConflictsView.as_view(), name="conflicts"),
]
