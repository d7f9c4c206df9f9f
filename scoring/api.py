"""The scoring API under /api/v1/scoring/: verification, scoresheets, conflicts and rankings of
the provincial panels, with the same rules (scoring/rules.py) and services as the pages.

Every route below a panel first asks for `scoring.access_panels` (403 without a panel role),
then finds the panel among those the user may see (scoring.selectors.panels_visible_to: another
province's panel is 404), then asks the rule the action names with the panel as object (403).
Writes are service calls; their ValidationErrors are 400 with the message at its field, their
PermissionDenied 403 with its message (paritrana.api.exception_handler and DRF)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates.models import Category, Nomination
from paritrana.api import RulesPermission, validation_detail

from . import api_decision, selectors, services
from .enums import StageKind
from .models import Conflict, Panel, PanelMember, ScoreRevision, Scoresheet, Stage, TieDecision
from .serializers import (
    ConflictDeclareSerializer,
    ConflictSerializer,
    Decision,
    NominationSummarySerializer,
    PanelDetailSerializer,
    PanelSerializer,
    RankingSerializer,
    RankingSummarySerializer,
    ReasonSerializer,
    ScoresheetSerializer,
    ScoresheetWriteSerializer,
    TieOrderSerializer,
    VerificationResultSerializer,
    VerificationSerializer,
    WorklistRowSerializer,
)

ACCESS_PANELS = "scoring.access_panels"
VIEW_PANEL = "scoring.view_panel"
VERIFY = "scoring.verify_nominations"
SCORE = "scoring.score"
DECLARE_CONFLICT = "scoring.declare_conflict"
VIEW_RANKING = "scoring.view_ranking"
VIEW_CONFLICTS = "scoring.view_conflicts"
FINALISE = "scoring.finalise_ranking"


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


PANEL_PK = _path("panel_pk", "Panel id")
NOMINATION_PK = _path("nomination_pk", "Nomination id")
CATEGORY_PK = _path("category_pk", "Category id")


def register(router) -> None:
    """Add the scoring routes to the project's router (paritrana/urls.py)."""
    panel = r"scoring/panels/(?P<panel_pk>[0-9]+)"
    router.register("scoring/panels", PanelViewSet, basename="scoring-panel")
    router.register(f"{panel}/verifications", VerificationViewSet, basename="scoring-verification")
    router.register(f"{panel}/scoresheets", ScoresheetViewSet, basename="scoring-scoresheet")
    router.register(f"{panel}/rankings", RankingViewSet, basename="scoring-ranking")
    router.register(f"{panel}/conflicts", ConflictViewSet, basename="scoring-conflict")
    api_decision.register(router)


# ---------------------------------------------------------------------------------------------
# Panels


class PanelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Provincial panels: the ones you sit on; every one for the secretariat and auditors.
    Members' names are shown to the chair, the secretariat and auditors."""

    permission_classes = [RulesPermission]
    action_permissions = {"list": ACCESS_PANELS, "retrieve": ACCESS_PANELS}
    object_permissions = {"retrieve": VIEW_PANEL}
    serializer_class = PanelSerializer
    filter_backends = []

    def get_queryset(self):
        return (
            selectors.panels_visible_to(self.request.user)
            .prefetch_related(
                Prefetch("edition__stages", queryset=Stage.objects.order_by("order")),
                Prefetch(
                    "members",
                    queryset=PanelMember.objects.select_related("user").order_by(
                        "-is_chair", "user__first_name", "pk"
                    ),
                ),
            )
            .order_by("-edition__year", "province__code")
        )

    def get_serializer_class(self):
        return PanelDetailSerializer if self.action == "retrieve" else PanelSerializer

    def _show_names(self, panels) -> dict[int, bool]:
        user = self.request.user
        return {p.pk: selectors.may_see_assessor_names(user, p) for p in panels}

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        serializer = PanelSerializer(
            page, many=True, context={"show_names": self._show_names(page)}
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, pk=None):
        panel = self.get_object()
        user = request.user
        member = next((m for m in panel.members.all() if m.user_id == user.pk), None)
        abilities = {
            "is_member": member is not None,
            "is_chair": member is not None and member.is_chair,
            "verify_nominations": user.has_perm(VERIFY, panel),
            "score": user.has_perm(SCORE, panel),
            "declare_conflict": user.has_perm(DECLARE_CONFLICT, panel),
            "view_ranking": user.has_perm(VIEW_RANKING, panel),
            "view_conflicts": user.has_perm(VIEW_CONFLICTS, panel),
            "finalise_ranking": user.has_perm(FINALISE, panel),
        }
        context = {
            "show_names": self._show_names([panel]),
            "categories": selectors.panel_categories(panel),
            "abilities": abilities,
        }
        return Response(PanelDetailSerializer(panel, context=context).data)


class _PanelRoute(viewsets.GenericViewSet):
    """A route below /scoring/panels/{panel_pk}/: the panel is found among the user's (404
    otherwise) and the action's rule is asked with it as object (403)."""

    permission_classes = [RulesPermission]
    filter_backends = []

    @cached_property
    def panel(self) -> Panel:
        return get_object_or_404(
            selectors.panels_visible_to(self.request.user), pk=self.kwargs["panel_pk"]
        )

    @cached_property
    def assessment(self) -> Stage | None:
        return selectors.panel_stage(self.panel, StageKind.PROVINCIAL_ASSESSMENT)

    def check_permissions(self, request):
        super().check_permissions(request)
        # Without an action the method has no handler here: the view answers 405.
        if self.action is not None:
            self.check_object_permissions(request, self.panel)


# ---------------------------------------------------------------------------------------------
# Verification


@extend_schema(parameters=[PANEL_PK])
class VerificationViewSet(mixins.ListModelMixin, _PanelRoute):
    """The dossiers waiting for the panel's verification (submitted or resubmitted), and the
    panel's decisions on them: verified, returned for correction (reason and a deadline after
    today) or ineligible (reason). Members and the secretariat decide; auditors read."""

    action_permissions = {"list": ACCESS_PANELS, "create": ACCESS_PANELS}
    object_permissions = {"list": VIEW_PANEL, "create": VERIFY}
    serializer_class = NominationSummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Nomination.objects.none()
        return selectors.nominations_to_verify(self.panel).order_by(
            "category__order", "candidate__name", "pk"
        )

    @extend_schema(
        request=VerificationSerializer,
        responses={201: VerificationResultSerializer},
        description="Record the panel's decision on a dossier; answers the nomination with "
        "its new state and the recorded state change.",
    )
    def create(self, request, panel_pk=None):
        panel_nominations = selectors.panel_nominations(self.panel)
        serializer = VerificationSerializer(data=request.data, nominations=panel_nominations)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor, nomination = request.user, data["nomination"]
        if data["decision"] == Decision.VERIFY:
            services.nomination_verify(actor=actor, nomination=nomination)
        elif data["decision"] == Decision.RETURN:
            services.nomination_return(
                actor=actor, nomination=nomination, reason=data["reason"], deadline=data["deadline"]
            )
        else:
            services.nomination_declare_ineligible(
                actor=actor, nomination=nomination, reason=data["reason"]
            )
        nomination = panel_nominations.get(pk=nomination.pk)
        return Response(VerificationResultSerializer(nomination).data, status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------
# Scoresheets


def _criterion(criterion) -> dict:
    return {
        "id": criterion.pk,
        "code": criterion.code,
        "name": criterion.name,
        "guidance": criterion.guidance,
        "kind": criterion.kind,
        "weight": criterion.weight,
        "tie_break_order": criterion.tie_break_order,
    }


@extend_schema(parameters=[PANEL_PK])
class ScoresheetViewSet(_PanelRoute):
    """Your scoring worklist and scoresheets in the panel's provincial assessment. Others'
    scores stay hidden until you submit your own (the secretariat and auditors, who do not
    score, see them, with names; the chair sees names, members see 'Assessor 1'…)."""

    action_permissions = dict.fromkeys(("list", "retrieve", "update"), ACCESS_PANELS)
    object_permissions = {"list": SCORE, "retrieve": VIEW_PANEL, "update": SCORE}
    lookup_url_kwarg = "nomination_pk"
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Nomination.objects.none()
        return selectors.ranked_nominations(self.panel)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["nomination_pk"])

    @cached_property
    def rubric_criteria(self) -> dict[int, list]:
        """Category id → the assessed criteria of its rubric, filled as categories are met."""
        return {}

    def _criteria(self, category):
        if category.pk not in self.rubric_criteria:
            rubric = selectors.rubric_for(self.assessment, category) if self.assessment else None
            criteria = (
                sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk)) if rubric else []
            )
            self.rubric_criteria[category.pk] = [c for c in criteria if c.is_assessed]
        return self.rubric_criteria[category.pk]

    @extend_schema(responses=WorklistRowSerializer(many=True))
    def list(self, request, panel_pk=None):
        """Your nominees in this stage, with the state of your scoresheet for each."""
        if self.assessment is None:
            rows = []
        else:
            rows = selectors.scoring_worklist(self.panel, self.assessment, request.user)
        page = self.paginate_queryset(rows)
        data = [
            {
                "nomination": row.nomination,
                "status": row.status,
                "submitted_at": row.scoresheet.submitted_at if row.scoresheet else None,
                "excluded_because": row.conflict.reason if row.conflict else None,
            }
            for row in page
        ]
        return self.get_paginated_response(WorklistRowSerializer(data, many=True).data)

    def _others(self, nomination) -> "list[dict] | None":  # `list` is an action here
        """Other assessors' submitted scores, when the user may see them (blindness)."""
        others = selectors.other_assessors_scores(
            self.request.user, stage=self.assessment, panel=self.panel, nomination=nomination
        )
        if others is None:
            return None
        return [
            {
                "assessor": assessor.label,
                "counts": not assessor.excluded,
                "scores": [
                    {"criterion": s.criterion.code, "value": s.value, "note": s.note}
                    for s in assessor.scores
                ],
            }
            for assessor in others
        ]

    def _sheet(self, nomination) -> dict:
        """The user's scoresheet for the nominee as ScoresheetSerializer describes it."""
        user, stage = self.request.user, self.assessment
        sheet = None
        if stage is not None:
            sheet = (
                Scoresheet.objects.filter(stage=stage, nomination=nomination, assessor=user)
                .prefetch_related("scores")
                .first()
            )
        criteria = self._criteria(nomination.category)
        codes = {c.pk: c.code for c in criteria}
        own = {s.criterion_id: s for s in (sheet.scores.all() if sheet else [])}
        conflict = None
        if selectors.membership(self.panel, user) is None:
            status_ = None
        else:
            conflict = selectors.is_excluded(self.panel, user, nomination)
            status_ = "excluded" if conflict else (sheet.state if sheet else "todo")
        return {
            "nomination": nomination,
            "stage": stage,
            "status": status_,
            "submitted_at": sheet.submitted_at if sheet else None,
            "excluded_because": conflict.reason if conflict else None,
            "criteria": [_criterion(c) for c in criteria],
            "scores": [
                {"criterion": codes[pk], "value": own[pk].value, "note": own[pk].note}
                for pk in codes
                if pk in own
            ],
            "others": self._others(nomination) if stage is not None else None,
            "revisions": (
                ScoreRevision.objects.filter(score__scoresheet=sheet)
                .select_related("score__criterion")
                .order_by("changed_at", "pk")
                if sheet is not None
                else []
            ),
        }

    @extend_schema(parameters=[NOMINATION_PK], responses=ScoresheetSerializer)
    def retrieve(self, request, panel_pk=None, nomination_pk=None):
        """Your scoresheet for a nominee, with the rubric's judged criteria."""
        return Response(ScoresheetSerializer(self._sheet(self.get_object())).data)

    @extend_schema(
        parameters=[NOMINATION_PK],
        request=ScoresheetWriteSerializer,
        responses=ScoresheetSerializer,
        description="Save your scoresheet (a draft, or submitted with `submit`). Each judged "
        "criterion takes a score from 0 to 100 (two decimals at most) and a note, both needed "
        "to submit; criteria left out are cleared. Changing a submitted score needs `reason`. "
        "A refused score is answered 400 with its message under `scores`, keyed by the "
        "criterion's code.",
    )
    def update(self, request, panel_pk=None, nomination_pk=None):
        nomination = self.get_object()
        serializer = ScoresheetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        criteria = self._criteria(nomination.category)
        scores = self._scores(data["scores"], criteria)
        try:
            services.scoresheet_save(
                actor=request.user,
                panel=self.panel,
                nomination=nomination,
                scores=scores,
                submit=data["submit"],
                reason=data["reason"],
            )
        except ValidationError as error:
            raise self._nested(error, criteria) from error
        return Response(ScoresheetSerializer(self._sheet(nomination)).data)

    @staticmethod
    def _scores(entries, criteria) -> dict[int, services.ScoreInput]:
        """The entries by criterion id: each names a criterion of the rubric by code or id,
        once."""
        by_key = {c.code: c for c in criteria} | {str(c.pk): c for c in criteria}
        errors: dict[str, list[str]] = {}
        scores: dict[int, services.ScoreInput] = {}
        for entry in entries:
            criterion = by_key.get(entry["criterion"].strip())
            if criterion is None:
                errors[entry["criterion"]] = [_("This rubric has no such judged criterion.")]
            elif criterion.pk in scores:
                errors[criterion.code] = [_("Give each criterion once.")]
            else:
                scores[criterion.pk] = services.ScoreInput(entry.get("value"), entry["note"])
        if errors:
            raise exceptions.ValidationError({"scores": errors})
        return scores

    @staticmethod
    def _nested(error: ValidationError, criteria) -> Exception:
        """The service's messages per criterion code, moved under `scores`."""
        if not hasattr(error, "error_dict"):
            return error
        codes = {c.code for c in criteria}
        detail = validation_detail(error)
        nested = {code: msgs for code, msgs in detail.items() if code in codes}
        if not nested:
            return error
        rest = {field: msgs for field, msgs in detail.items() if field not in codes}
        return exceptions.ValidationError({**rest, "scores": nested})


# ---------------------------------------------------------------------------------------------
# Rankings


@extend_schema(parameters=[PANEL_PK])
class RankingViewSet(_PanelRoute):
    """The panel's ranking per category in the provincial assessment: live while scoring, the
    frozen snapshot once the chair finalises. Members see totals only once they have submitted
    (or are excluded from) every nominee of the category; before that, only the progress. The
    chair (or the secretariat) orders ties, finalises and reopens."""

    action_permissions = dict.fromkeys(
        ("list", "retrieve", "finalise", "ties", "reopen"), ACCESS_PANELS
    )
    object_permissions = {
        "list": VIEW_RANKING,
        "retrieve": VIEW_RANKING,
        "finalise": FINALISE,
        "ties": FINALISE,
        "reopen": FINALISE,
    }
    lookup_url_kwarg = "category_pk"
    lookup_value_regex = "[0-9]+"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        return Category.objects.filter(
            edition=self.panel.edition_id, has_provincial_round=True
        ).order_by("order", "name")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["category_pk"])

    def _progress(self, category, nominations):
        stage = self.assessment
        missing = (
            selectors.missing_scoresheets(stage=stage, panel=self.panel, nominations=nominations)
            if stage is not None
            else []
        )
        snapshot = (
            selectors.current_snapshot(stage, self.panel, category) if stage is not None else None
        )
        visible = stage is not None and selectors.may_see_ranking(
            self.request.user, panel=self.panel, stage=stage, category=category
        )
        return missing, snapshot, visible

    def _summary(self, category) -> dict:
        nominations = selectors.ranked_nominations(self.panel, category)
        missing, snapshot, visible = self._progress(category, nominations)
        return {
            "category": category,
            "finalised": snapshot is not None,
            "visible": visible,
            "progress": {"nominees": nominations.count(), "scoresheets_missing": len(missing)},
        }

    def _ranking(self, category) -> dict:
        user, stage, panel = self.request.user, self.assessment, self.panel
        nominations = selectors.ranked_nominations(panel, category)
        missing, snapshot, visible = self._progress(category, nominations)
        rubric = selectors.rubric_for(stage, category) if stage is not None else None
        criteria = (
            [_criterion(c) for c in sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk))]
            if rubric is not None
            else []
        )
        rows, ties = [], []
        if visible and snapshot is not None:
            rows, frozen = self._snapshot_rows(snapshot)
            criteria = frozen or criteria
        elif visible and rubric is not None:
            rows, ties = self._live_rows(rubric, nominations, missing)
        show_names = selectors.may_see_assessor_names(user, panel)
        return {
            "category": category,
            "stage": stage,
            "finalised": snapshot is not None,
            "visible": visible,
            "progress": {"nominees": nominations.count(), "scoresheets_missing": len(missing)},
            "snapshot": (
                {
                    "finalised_at": snapshot.finalised_at,
                    "finalised_by": str(snapshot.finalised_by) if snapshot.finalised_by else None,
                    "quota": snapshot.quota,
                    "cut_off": snapshot.cut_off,
                }
                if snapshot is not None
                else None
            ),
            "criteria": criteria,
            "rows": rows,
            "ties": ties,
            "missing": (
                [
                    {
                        "nomination": m.nomination.pk,
                        "candidate": m.nomination.candidate.name,
                        "assessor": str(m.assessor),
                    }
                    for m in missing
                ]
                if show_names
                else None
            ),
        }

    def _live_rows(self, rubric, nominations, missing):
        ranking = selectors.ranking_for(rubric=rubric, panel=self.panel, nominations=nominations)
        missing_count = Counter(m.nomination.pk for m in missing)
        reasons = dict(
            TieDecision.objects.filter(
                stage=self.assessment, nomination__in=nominations
            ).values_list("nomination_id", "reason")
        )
        rows = [
            {
                "rank": row.rank,
                "nomination": row.nomination,
                "total": row.total,
                "tied": row.tied,
                "tie_broken": row.tie_broken,
                "tie_position": row.tie_position,
                "tie_reason": reasons.get(row.nomination.pk, ""),
                "label": "",
                "advanced": None,
                "missing_scoresheets": missing_count[row.nomination.pk],
                "criteria": [
                    {
                        "criterion": c.criterion.code,
                        "score": c.score,
                        "contribution": c.contribution,
                        "counted": c.counted,
                    }
                    for c in row.criteria
                ],
            }
            for row in ranking.rows
        ]
        ties = [[row.nomination.pk for row in group] for group in ranking.ties]
        return rows, ties

    @staticmethod
    def _snapshot_rows(snapshot):
        frozen = list(
            snapshot.rows.select_related(
                "nomination__candidate__province",
                "nomination__candidate__regency__province",
                "nomination__category__edition",
            ).order_by("rank", "nomination__candidate__name")
        )
        same_total = Counter(r.total for r in frozen)
        rows = [
            {
                "rank": r.rank,
                "nomination": r.nomination,
                "total": r.total,
                "tied": False,
                "tie_broken": same_total[r.total] > 1,
                "tie_position": None,
                "tie_reason": r.tie_reason,
                "label": r.label,
                "advanced": r.advanced,
                # Finalisation is refused while a scoresheet is missing.
                "missing_scoresheets": 0,
                "criteria": [
                    {
                        "criterion": c["code"],
                        "score": c["score"],
                        "contribution": c["contribution"],
                        "counted": c["counted"],
                    }
                    for c in r.breakdown.get("criteria", [])
                ],
            }
            for r in frozen
        ]
        criteria = [
            {
                "id": None,
                "code": c["code"],
                "name": c["name"],
                "guidance": "",
                "kind": c["kind"],
                "weight": c["weight"],
                "tie_break_order": None,
            }
            for c in (frozen[0].breakdown.get("criteria", []) if frozen else [])
        ]
        return rows, criteria

    def _respond(self, category) -> Response:
        return Response(RankingSerializer(self._ranking(category)).data)

    @extend_schema(responses=RankingSummarySerializer(many=True))
    def list(self, request, panel_pk=None):
        """The categories the panel ranks (those with verified nominees), with their
        progress."""
        summaries = [self._summary(c) for c in selectors.panel_categories(self.panel)]
        return Response(RankingSummarySerializer(summaries, many=True).data)

    @extend_schema(parameters=[CATEGORY_PK], responses=RankingSerializer)
    def retrieve(self, request, panel_pk=None, category_pk=None):
        """A category's ranking: rank, nominee, total, per-criterion score and contribution,
        tie flags and missing scoresheets."""
        return self._respond(self.get_object())

    @extend_schema(
        parameters=[CATEGORY_PK],
        request=None,
        responses=RankingSerializer,
        description="Finalise the category's ranking (chair or secretariat, during the "
        "provincial result stage): refused with the list of missing scoresheets, unverified "
        "dossiers and unresolved ties; otherwise freezes it, gives the labels and advances "
        "the top nominees.",
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        services.ranking_finalise(actor=request.user, panel=self.panel, category=category)
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK],
        request=TieOrderSerializer,
        responses=RankingSerializer,
        description="Order the nominees of one tie (best first), with the reason.",
    )
    @action(detail=True, methods=["post"])
    def ties(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        serializer = TieOrderSerializer(
            data=request.data, nominations=selectors.ranked_nominations(self.panel, category)
        )
        serializer.is_valid(raise_exception=True)
        services.tie_decide(
            actor=request.user,
            panel=self.panel,
            category=category,
            order=serializer.validated_data["order"],
            reason=serializer.validated_data["reason"],
        )
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK],
        request=ReasonSerializer,
        responses=RankingSerializer,
        description="Reopen the finalised ranking, with a reason: its nominees go back to "
        "verified and lose their labels; the snapshot stays on the record.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        snapshot = (
            selectors.current_snapshot(self.assessment, self.panel, category)
            if self.assessment is not None
            else None
        )
        if snapshot is None:
            raise ValidationError(_("This ranking is not finalised."))
        services.ranking_reopen(
            actor=request.user, snapshot=snapshot, reason=serializer.validated_data["reason"]
        )
        return self._respond(category)


# ---------------------------------------------------------------------------------------------
# Conflicts


@extend_schema(parameters=[PANEL_PK])
class ConflictViewSet(mixins.ListModelMixin, _PanelRoute):
    """Conflicts of interest: members see and declare their own (their scores for that nominee
    stop counting); the chair, the secretariat and auditors see everyone's, with names."""

    action_permissions = {"list": ACCESS_PANELS, "create": ACCESS_PANELS}
    object_permissions = {"list": VIEW_PANEL, "create": DECLARE_CONFLICT}
    serializer_class = ConflictSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Conflict.objects.none()
        conflicts = selectors.conflicts_of(self.panel).select_related(
            "nomination__candidate__province",
            "nomination__candidate__regency__province",
            "nomination__category",
        )
        if not self.request.user.has_perm(VIEW_CONFLICTS, self.panel):
            conflicts = conflicts.filter(assessor=self.request.user)
        return conflicts.order_by("nomination__candidate__name", "assessor__first_name", "pk")

    @extend_schema(request=ConflictDeclareSerializer, responses={201: ConflictSerializer})
    def create(self, request, panel_pk=None):
        """Declare a conflict of interest with a nominee, saying what it is."""
        serializer = ConflictDeclareSerializer(
            data=request.data, nominations=selectors.panel_nominations(self.panel)
        )
        serializer.is_valid(raise_exception=True)
        conflict = services.conflict_declare(
            actor=request.user, panel=self.panel, **serializer.validated_data
        )
        conflict = self.get_queryset().get(pk=conflict.pk)
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)
