"""The scoring API under /api/v1/scoring/: verification, scoresheets, conflicts and rankings of
every panel (the provincial panels and the national jury), and the jury's interviews, national
result (confirmations and sign-off) and awards, with the same rules (scoring/rules.py) and
services as the pages.

Every route below a panel first asks for `scoring.access_panels` (403 without a panel role),
then finds the panel among those the user may see (scoring.selectors.panels_visible_to: another
province's panel is 404; the jury's own routes answer 404 on a provincial panel), then asks the
rule the action names with the panel as object (403). Routes that serve several stages take a
`stage` query parameter (scoring.enums.STAGE_SLUGS), by default the panel's first scoring stage;
a stage the panel does not have on that route is 400. Writes are service calls; their
ValidationErrors are 400 with the message at its field, their PermissionDenied 403 with its
message (paritrana.api.exception_handler and DRF)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates.models import Category, Nomination
from candidates.selectors import nominations as all_nominations
from candidates.selectors import nominations_seen_by
from paritrana.api import RulesPermission, refuse_input, validation_detail, within_token_edition

from . import api_decision, selectors, services
from .breakdown import interview_figures
from .enums import SLUG_OF, STAGE_SLUGS, StageKind
from .frozen import frozen_criteria, interview_rows, stage_criteria
from .models import (
    Award,
    Conflict,
    Panel,
    PanelMember,
    ScoreRevision,
    Scoresheet,
    Stage,
    TieDecision,
)
from .serializers import (
    AgreementSerializer,
    AwardSerializer,
    ConflictDeclareSerializer,
    ConflictSerializer,
    Decision,
    FinalRankingSerializer,
    InterviewRecordSerializer,
    InterviewScheduleSerializer,
    InterviewSerializer,
    NominationSummarySerializer,
    PanelDetailSerializer,
    PanelSerializer,
    RankingSerializer,
    RankingSummarySerializer,
    ReasonSerializer,
    ScoresheetSerializer,
    ScoresheetWriteSerializer,
    SpecialAwardSerializer,
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


def _stage(slugs: list[str], description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "stage", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=slugs, description=description
    )


PANEL_PK = _path("panel_pk", "Panel id")
NOMINATION_PK = _path("nomination_pk", "Nomination id")
CATEGORY_PK = _path("category_pk", "Category id")
AWARD_PK = _path("award_pk", "Award id")
SCORING_STAGE = _stage(
    ["assessment", "selection", "interview"],
    "The scoring stage: `assessment` on a provincial panel; `selection` or `interview` on the "
    "national jury. Default: the panel's first (`assessment`, `selection`).",
)
RANKING_STAGE = _stage(
    ["assessment", "selection", "interview", "final"],
    "The ranking: `assessment` on a provincial panel; `selection` (the finalists), `interview` "
    "(the finalists by their interview alone, read only: it is frozen by the national result) "
    "or `final` (the national result) on the national jury. Default: the panel's first.",
)
# The rankings a chair finalises, orders ties in and reopens: not the interview's, which the
# national result freezes.
MANAGED_RANKING_STAGE = _stage(
    ["assessment", "selection", "final"],
    "The ranking: `assessment` on a provincial panel; `selection` (the finalists) or `final` "
    "(the national result) on the national jury. Default: the panel's first.",
)
# The answer of a ranking route: its shape follows the ranking (`ranking` says which).
ANY_RANKING = PolymorphicProxySerializer(
    component_name="AnyRanking",
    serializers={
        "assessment": RankingSerializer,
        "selection": RankingSerializer,
        "interview": RankingSerializer,
        "final": FinalRankingSerializer,
    },
    resource_type_field_name="ranking",
)


def register(router) -> None:
    """Add the scoring routes to the project's router (paritrana/urls.py)."""
    panel = r"scoring/panels/(?P<panel_pk>[0-9]+)"
    router.register("scoring/panels", PanelViewSet, basename="scoring-panel")
    router.register(f"{panel}/verifications", VerificationViewSet, basename="scoring-verification")
    router.register(f"{panel}/scoresheets", ScoresheetViewSet, basename="scoring-scoresheet")
    router.register(f"{panel}/rankings", RankingViewSet, basename="scoring-ranking")
    router.register(f"{panel}/conflicts", ConflictViewSet, basename="scoring-conflict")
    router.register(f"{panel}/interviews", InterviewViewSet, basename="scoring-interview")
    router.register(f"{panel}/awards", AwardViewSet, basename="scoring-award")
    api_decision.register(router)
    # Built on this module's panel routes, so imported once they exist.
    from . import api_verification

    api_verification.register(router)


# ---------------------------------------------------------------------------------------------
# Panels


class PanelViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Panels (the provincial panels and the national jury, whose `province` is null): the ones
    you sit on; every one for the secretariat and auditors. Members' names are shown to the
    chair, the secretariat and auditors."""

    permission_classes = [RulesPermission]
    action_permissions = {"list": ACCESS_PANELS, "retrieve": ACCESS_PANELS}
    object_permissions = {"retrieve": VIEW_PANEL}
    serializer_class = PanelSerializer
    filter_backends = []

    def get_queryset(self):
        panels = within_token_edition(
            selectors.panels_visible_to(self.request.user), self.request, "edition"
        )
        return (
            panels.prefetch_related(
                Prefetch("edition__stages", queryset=Stage.objects.order_by("order")),
                Prefetch(
                    "members",
                    queryset=PanelMember.objects.select_related("user").order_by(
                        "-is_chair", "user__first_name", "pk"
                    ),
                ),
            )
            # The jury first in each edition, on every database.
            .order_by("-edition__year", F("province__code").asc(nulls_first=True))
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
    otherwise; the jury's own routes look among the juries only) and the action's rule is asked
    with it as object (403)."""

    permission_classes = [RulesPermission]
    filter_backends = []
    jury_only = False  # every action of the route belongs to the national jury
    jury_actions: frozenset[str] = frozenset()  # the actions that do
    fixed_stages: dict[str, StageKind] = {}  # actions that serve one stage, whatever is asked

    @cached_property
    def panel(self) -> Panel:
        panels = within_token_edition(
            selectors.panels_visible_to(self.request.user), self.request, "edition"
        )
        if self.jury_only or self.action in self.jury_actions:
            panels = panels.filter(province__isnull=True)
        return get_object_or_404(panels, pk=self.kwargs["panel_pk"])

    def stage_kinds(self) -> tuple[StageKind, ...]:
        """The stages this route serves on the panel, the default first."""
        return selectors.scoring_stage_kinds(self.panel)

    @cached_property
    def stage_kind(self) -> StageKind:
        """The stage the `stage` query parameter names (400 when the panel has no such stage on
        this route), by default the first."""
        if self.action in self.fixed_stages:
            return self.fixed_stages[self.action]
        kinds = self.stage_kinds()
        slug = self.request.query_params.get("stage", "")
        if not slug:
            return kinds[0]
        kind = STAGE_SLUGS.get(slug)
        if kind not in kinds:
            raise exceptions.ValidationError(
                {
                    "stage": [
                        _("This panel has no stage “%(stage)s” here; choose one of: %(choices)s.")
                        % {"stage": slug, "choices": ", ".join(SLUG_OF[k] for k in kinds)}
                    ]
                }
            )
        return kind

    @cached_property
    def stage(self) -> Stage | None:
        return selectors.panel_stage(self.panel, self.stage_kind)

    def check_permissions(self, request):
        super().check_permissions(request)
        # Without an action the method has no handler here: the view answers 405.
        if self.action is not None:
            self.check_object_permissions(request, self.panel)

    def seen(self, nominations):
        """Nominations about to be shown, as the reader may see them: a national outcome not
        yet published reads as a finalist without rank or label outside the jury, the
        secretariat and auditors (candidates.selectors.seen_by)."""
        return nominations_seen_by(self.request.user, nominations)


# ---------------------------------------------------------------------------------------------
# Verification


@extend_schema(parameters=[PANEL_PK])
class VerificationViewSet(mixins.ListModelMixin, _PanelRoute):
    """The dossiers waiting for the panel's verification (submitted or resubmitted), and the
    panel's decisions on them: verified, returned for correction (reason and a deadline after
    today) or ineligible (reason). Members and the secretariat decide; auditors read. The
    national jury verifies the dossiers of the categories without a provincial round."""

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
        # Read again whatever its new state: a dossier the jury returned or found ineligible is
        # no longer among the jury's nominations.
        nomination = all_nominations().get(pk=nomination.pk)
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


@extend_schema(parameters=[PANEL_PK, SCORING_STAGE])
class ScoresheetViewSet(_PanelRoute):
    """Your scoring worklist and scoresheets in one of the panel's scoring stages: the
    provincial assessment, or the jury's national selection and the finalists' interviews
    (`stage`). Others' scores stay hidden until you submit your own (the secretariat and
    auditors, who do not score, see them, with names; the chair sees names, members see
    'Assessor 1'…)."""

    action_permissions = dict.fromkeys(("list", "retrieve", "update"), ACCESS_PANELS)
    object_permissions = {"list": SCORE, "retrieve": VIEW_PANEL, "update": SCORE}
    lookup_url_kwarg = "nomination_pk"
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Nomination.objects.none()
        return selectors.stage_nominations(self.panel, self.stage_kind)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["nomination_pk"])

    @cached_property
    def rubric_criteria(self) -> dict[int, list]:
        """Category id → the assessed criteria of its rubric, filled as categories are met."""
        return {}

    def _criteria(self, category):
        if category.pk not in self.rubric_criteria:
            rubric = selectors.rubric_for(self.stage, category) if self.stage else None
            criteria = (
                sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk)) if rubric else []
            )
            self.rubric_criteria[category.pk] = [c for c in criteria if c.is_assessed]
        return self.rubric_criteria[category.pk]

    @extend_schema(responses=WorklistRowSerializer(many=True))
    def list(self, request, panel_pk=None):
        """Your nominees in this stage, with the state of your scoresheet for each."""
        if self.stage is None:
            rows = []
        else:
            rows = selectors.scoring_worklist(self.panel, self.stage, request.user)
        page = self.paginate_queryset(rows)
        self.seen([row.nomination for row in page])
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
            self.request.user, stage=self.stage, panel=self.panel, nomination=nomination
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
        user, stage = self.request.user, self.stage
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
            "nomination": self.seen([nomination])[0],
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
        """Your scoresheet for a nominee, with the rubric's judged (and interview) criteria."""
        return Response(ScoresheetSerializer(self._sheet(self.get_object())).data)

    @extend_schema(
        parameters=[NOMINATION_PK],
        request=ScoresheetWriteSerializer,
        responses=ScoresheetSerializer,
        description="Save your scoresheet (a draft, or submitted with `submit`). Each judged "
        "criterion takes a score from 0 to 100 (two decimals at most) and a note, both needed "
        "to submit; criteria left out are cleared. Changing a submitted score needs `reason`. "
        "Refused once the stage's ranking is finalised (the interview: once the national "
        "result is). A refused score is answered 400 with its message under `scores`, keyed by the "
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
                stage_kind=self.stage_kind,
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


def _missing(missing, show_names: bool) -> list[dict] | None:
    if not show_names:
        return None
    return [
        {
            "nomination": m.nomination.pk,
            "candidate": m.nomination.candidate.name,
            "assessor": str(m.assessor),
        }
        for m in missing
    ]


def _final_cell(cell) -> dict:
    """A criterion of a national stage in the national result: live (CriterionResult) or
    frozen (the snapshot's breakdown)."""
    judged, factor = interview_figures(cell)
    if isinstance(cell, dict):
        return {
            "criterion": cell["code"],
            "score": cell["score"],
            "contribution": cell["contribution"],
            "counted": cell["counted"],
            "judged": judged,
            "factor": factor,
        }
    return {
        "criterion": cell.criterion.code,
        "score": cell.score,
        "contribution": cell.contribution,
        "counted": cell.counted,
        "judged": judged,
        "factor": factor,
    }


def _spread(code: str, spread) -> dict:
    if spread is None:
        return {"criterion": code, "n": 0, "mean": None, "sd": None, "low": None, "high": None}
    return {
        "criterion": code,
        "n": spread.n,
        "mean": spread.mean,
        "sd": spread.sd,
        "low": spread.low,
        "high": spread.high,
    }


@extend_schema(parameters=[PANEL_PK, RANKING_STAGE])
class RankingViewSet(_PanelRoute):
    """The panel's ranking per category: the provincial assessment, or the jury's national
    selection (the finalists), interview (read only: the finalists by their interview alone,
    frozen with the national result) and national result (`stage`): live while scoring, the
    frozen snapshot once the chair finalises. Members see totals only once they have submitted (or
    are excluded from) every nominee of the category in the stage (the interview for the
    national result); before that, only the progress. The chair (or the secretariat) orders
    ties, finalises and reopens; each juror confirms the finalised national result, and the
    last confirmation signs it off."""

    action_permissions = dict.fromkeys(
        ("list", "retrieve", "finalise", "ties", "reopen", "confirm", "agreement"),
        ACCESS_PANELS,
    )
    object_permissions = {
        "list": VIEW_RANKING,
        "retrieve": VIEW_RANKING,
        "finalise": FINALISE,
        "ties": FINALISE,
        "reopen": FINALISE,
        # Jurors only: the secretariat and auditors do not sit on the jury.
        "confirm": SCORE,
        # The chair, the secretariat and auditors.
        "agreement": VIEW_CONFLICTS,
    }
    jury_actions = frozenset({"confirm"})
    fixed_stages = {"confirm": StageKind.NATIONAL_RESULT}
    lookup_url_kwarg = "category_pk"
    lookup_value_regex = "[0-9]+"
    pagination_class = None

    def stage_kinds(self) -> tuple[StageKind, ...]:
        if self.action == "agreement":
            return selectors.scoring_stage_kinds(self.panel)
        if self.panel.is_jury:
            if self.action in ("list", "retrieve"):
                # The interview is ranked too, and read only: the national result freezes it.
                return (*selectors.scoring_stage_kinds(self.panel), StageKind.NATIONAL_RESULT)
            return (StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_RESULT)
        return (StageKind.PROVINCIAL_ASSESSMENT,)

    @property
    def is_final(self) -> bool:
        return self.stage_kind == StageKind.NATIONAL_RESULT

    @cached_property
    def scoring_stage(self) -> Stage | None:
        """The stage whose scoresheets the ranking is made of (the interview for the national
        result)."""
        return selectors.scoring_stage_of(self.stage) if self.stage is not None else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        categories = Category.objects.filter(edition=self.panel.edition_id)
        if not self.panel.is_jury:
            categories = categories.filter(has_provincial_round=True)
        return categories.order_by("order", "name")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["category_pk"])

    def _nominations(self, category):
        return selectors.stage_nominations(self.panel, self.stage_kind, category)

    def _progress(self, category, nominations):
        stage, scoring = self.stage, self.scoring_stage
        missing = (
            selectors.missing_scoresheets(stage=scoring, panel=self.panel, nominations=nominations)
            if scoring is not None
            else []
        )
        # The ranking that freezes the stage's: its own, or the national result's (interview).
        snapshot = (
            selectors.frozen_snapshot(stage, self.panel, category) if stage is not None else None
        )
        visible = stage is not None and selectors.may_see_ranking(
            self.request.user, panel=self.panel, stage=stage, category=category
        )
        return missing, snapshot, visible

    def _summary(self, category) -> dict:
        nominations = self._nominations(category)
        missing, snapshot, visible = self._progress(category, nominations)
        return {
            "category": category,
            "finalised": snapshot is not None,
            "visible": visible,
            "progress": {"nominees": nominations.count(), "scoresheets_missing": len(missing)},
        }

    def _ranking(self, category) -> dict:
        user, stage, panel = self.request.user, self.stage, self.panel
        nominations = self._nominations(category)
        missing, snapshot, visible = self._progress(category, nominations)
        interview = self.stage_kind == StageKind.NATIONAL_INTERVIEW
        rubric = selectors.rubric_for(stage, category) if stage is not None else None
        criteria = (
            [_criterion(c) for c in sorted(rubric.criteria.all(), key=lambda c: (c.order, c.pk))]
            if rubric is not None
            else []
        )
        rows, ties = [], []
        if visible and snapshot is not None:
            rows, frozen = self._snapshot_rows(snapshot, rubric, self.stage_kind)
            criteria = frozen or criteria
        elif visible and rubric is not None:
            rows, ties = self._live_rows(rubric, nominations, missing)
        return {
            "ranking": SLUG_OF[self.stage_kind],
            "category": category,
            "stage": stage,
            "finalised": snapshot is not None,
            "visible": visible,
            "progress": {"nominees": nominations.count(), "scoresheets_missing": len(missing)},
            "snapshot": (
                {
                    "finalised_at": snapshot.finalised_at,
                    "finalised_by": str(snapshot.finalised_by) if snapshot.finalised_by else None,
                    # The national result's quota and cut-off are not the interview's.
                    "quota": None if interview else snapshot.quota,
                    "cut_off": None if interview else snapshot.cut_off,
                }
                if snapshot is not None
                else None
            ),
            "criteria": criteria,
            "rows": rows,
            "ties": ties,
            "missing": _missing(missing, selectors.may_see_assessor_names(user, panel)),
        }

    def _tie_reasons(self, nominations) -> dict[int, str]:
        return dict(
            TieDecision.objects.filter(stage=self.stage, nomination__in=nominations).values_list(
                "nomination_id", "reason"
            )
        )

    @staticmethod
    def _live_row(row, reasons, missing_count) -> dict:
        """What every live row shows, whatever the stage."""
        return {
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
            "withheld": str(getattr(row, "withheld", "")),
        }

    def _live_rows(self, rubric, nominations, missing):
        ranking = selectors.ranking_for(rubric=rubric, panel=self.panel, nominations=nominations)
        missing_count = Counter(m.nomination.pk for m in missing)
        reasons = self._tie_reasons(nominations)
        lines, groups = ranking.rows, ranking.ties
        withheld = selectors.live_results_withheld(
            self.request.user, panel=self.panel, stage=self.stage, category=rubric.category_id
        )
        if withheld:
            # As the page: no ranks, no tie a withheld nominee is in (selectors.withhold_live_rows).
            for group in groups:
                if {r.nomination_id for r in group} & withheld:
                    for row in group:
                        row.tied = False
            groups = [g for g in groups if not {r.nomination_id for r in g} & withheld]
            reasons = {pk: reason for pk, reason in reasons.items() if pk not in withheld}
            lines = selectors.withhold_live_rows(lines, withheld)
        rows = [
            {
                **self._live_row(row, reasons, missing_count),
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
            for row in lines
        ]
        ties = [[row.nomination.pk for row in group] for group in groups]
        return rows, ties

    @staticmethod
    def _frozen(snapshot) -> list:
        return list(
            snapshot.rows.select_related(
                "nomination__candidate__province",
                "nomination__candidate__regency__province",
                "nomination__category__edition",
            ).order_by("rank", "nomination__candidate__name")
        )

    @staticmethod
    def _frozen_row(r, same_total) -> dict:
        """What every frozen row shows, whatever the stage."""
        return {
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
        }

    @classmethod
    def _snapshot_rows(cls, snapshot, rubric, kind):
        """The frozen ranking of the stage: its own snapshot's rows, or for the interview each
        finalist's interview entry in the national result (its interview total and rank)."""
        frozen = cls._frozen(snapshot)
        if kind == StageKind.NATIONAL_INTERVIEW:
            frozen = interview_rows(frozen)
        same_total = Counter(r.total for r in frozen)
        rows = [
            {
                **cls._frozen_row(r, same_total),
                "criteria": [
                    {
                        "criterion": c["code"],
                        "score": c["score"],
                        "contribution": c["contribution"],
                        "counted": c["counted"],
                    }
                    for c in stage_criteria(r.breakdown, kind)
                ],
            }
            for r in frozen
        ]
        criteria = [
            {
                "id": None,
                "code": c.code,
                "name": c.entry["name"],
                "guidance": "",
                "kind": c.entry["kind"],
                "weight": c.entry["weight"],
                "tie_break_order": c.tie_break_order,
            }
            for c in frozen_criteria(
                stage_criteria(frozen[0].breakdown, kind) if frozen else [], rubric
            )
        ]
        return rows, criteria

    # The national result ------------------------------------------------------------------

    def _final(self, category) -> dict:
        """The national result of a category as FinalRankingSerializer describes it."""
        user, stage, panel = self.request.user, self.stage, self.panel
        nominations = self._nominations(category)
        missing, snapshot, visible = self._progress(category, nominations)
        show_names = selectors.may_see_assessor_names(user, panel)
        rows, ties, problems, weights = [], [], [], []
        if visible and snapshot is not None:
            rows, weights = self._final_snapshot_rows(snapshot)
        elif visible and stage is not None:
            rows, ties, problems, weights = self._final_live_rows(category, nominations, missing)
        return {
            "ranking": SLUG_OF[StageKind.NATIONAL_RESULT],
            "category": category,
            "stage": stage,
            "finalised": snapshot is not None,
            "visible": visible,
            "progress": {"nominees": nominations.count(), "scoresheets_missing": len(missing)},
            "snapshot": (
                self._final_snapshot(snapshot, show_names) if snapshot is not None else None
            ),
            "weights": weights,
            "rows": rows,
            "ties": ties,
            "problems": problems,
            "missing": _missing(missing, show_names),
        }

    def _final_snapshot(self, snapshot, show_names: bool) -> dict:
        confirmations = list(
            snapshot.confirmations.select_related("juror").order_by("confirmed_at", "pk")
        )
        return {
            "finalised_at": snapshot.finalised_at,
            "finalised_by": str(snapshot.finalised_by) if snapshot.finalised_by else None,
            "quota": snapshot.quota,
            "cut_off": snapshot.cut_off,
            "signed_off_at": snapshot.signed_off_at,
            "jurors": self.panel.members.count(),
            "confirmed": len(confirmations),
            "confirmed_by_you": any(c.juror_id == self.request.user.pk for c in confirmations),
            "confirmations": (
                [{"juror": str(c.juror), "confirmed_at": c.confirmed_at} for c in confirmations]
                if show_names
                else None
            ),
        }

    def _final_live_rows(self, category, nominations, missing):
        ranking = selectors.final_ranking_for(panel=self.panel, category=category)
        missing_count = Counter(m.nomination.pk for m in missing)
        reasons = self._tie_reasons(nominations)
        rows = [
            {
                **self._live_row(row, reasons, missing_count),
                "stages": [
                    {
                        "stage": result.stage.kind,
                        "name": StageKind(result.stage.kind).label,
                        "weight": result.weight,
                        "total": result.total,
                        "rank": result.rank,
                        "frozen": result.frozen,
                        "criteria": [_final_cell(c) for c in result.criteria],
                    }
                    for result in row.stages
                ],
                "attendance": row.interview.attendance if row.interview else "",
                "attendee": row.interview.attendee if row.interview else "",
                "factor": row.attendance_factor,
            }
            for row in ranking.rows
        ]
        ties = [[row.nomination.pk for row in group] for group in ranking.ties]
        weights = [
            {"stage": s.kind, "name": StageKind(s.kind).label, "weight": rubric.final_weight}
            for s, rubric in ranking.stages
        ]
        return rows, ties, [str(p) for p in ranking.problems], weights

    @classmethod
    def _final_snapshot_rows(cls, snapshot):
        frozen = cls._frozen(snapshot)
        same_total = Counter(r.total for r in frozen)
        rows = [
            {
                **cls._frozen_row(r, same_total),
                "stages": [
                    {
                        "stage": s["stage"],
                        "name": StageKind(s["stage"]).label,
                        "weight": s["weight"],
                        "total": s["total"],
                        "rank": s.get("rank"),
                        "frozen": True,
                        "criteria": [_final_cell(c) for c in s.get("criteria", [])],
                    }
                    for s in r.breakdown.get("stages", [])
                ],
                "attendance": r.breakdown.get("attendance", ""),
                "attendee": r.breakdown.get("attendee", ""),
                "factor": r.breakdown.get("factor"),
            }
            for r in frozen
        ]
        weights = [
            {"stage": s["stage"], "name": StageKind(s["stage"]).label, "weight": s["weight"]}
            for s in (frozen[0].breakdown.get("stages", []) if frozen else [])
        ]
        return rows, weights

    def _respond(self, category) -> Response:
        ranking = self._final(category) if self.is_final else self._ranking(category)
        self.seen([row["nomination"] for row in ranking["rows"]])
        serializer = FinalRankingSerializer if self.is_final else RankingSerializer
        return Response(serializer(ranking).data)

    def _current_snapshot(self, category):
        snapshot = (
            selectors.current_snapshot(self.stage, self.panel, category)
            if self.stage is not None
            else None
        )
        if snapshot is None:
            raise ValidationError(_("This ranking is not finalised."))
        return snapshot

    # Routes -------------------------------------------------------------------------------

    @extend_schema(responses=RankingSummarySerializer(many=True))
    def list(self, request, panel_pk=None):
        """The categories the panel ranks in the stage (those with nominees in it), with their
        progress."""
        categories = selectors.panel_categories(self.panel, self.stage_kind)
        summaries = [self._summary(c) for c in categories]
        return Response(RankingSummarySerializer(summaries, many=True).data)

    @extend_schema(parameters=[CATEGORY_PK], responses=ANY_RANKING)
    def retrieve(self, request, panel_pk=None, category_pk=None):
        """A category's ranking: rank, nominee, total, per-criterion score and contribution,
        tie flags and missing scoresheets. The national result (`final`) gives per finalist
        each national stage's weight and total, the attendance and its factor, and once
        finalised the jurors' confirmations."""
        return self._respond(self.get_object())

    @extend_schema(
        parameters=[CATEGORY_PK, MANAGED_RANKING_STAGE],
        request=None,
        responses=ANY_RANKING,
        description="Finalise the category's ranking (chair or secretariat), while the stage "
        "in which it is finalised is open (provincial result; national selection; national "
        "result): refused with the list of missing scoresheets, unverified dossiers, missing "
        "attendance and unresolved ties; otherwise freezes it and moves the nominees on "
        "(provincial labels and advancement; finalists; the national result waits for every "
        "juror's confirmation, the chair's own finalisation counting as theirs).",
    )
    @action(detail=True, methods=["post"])
    def finalise(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        refuse_input(request)
        services.ranking_finalise(
            actor=request.user, panel=self.panel, category=category, stage_kind=self.stage_kind
        )
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK, MANAGED_RANKING_STAGE],
        request=TieOrderSerializer,
        responses=ANY_RANKING,
        description="Order the nominees of one tie (best first), with the reason.",
    )
    @action(detail=True, methods=["post"])
    def ties(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        serializer = TieOrderSerializer(data=request.data, nominations=self._nominations(category))
        serializer.is_valid(raise_exception=True)
        services.tie_decide(
            actor=request.user,
            panel=self.panel,
            category=category,
            order=serializer.validated_data["order"],
            reason=serializer.validated_data["reason"],
            stage_kind=self.stage_kind,
        )
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK, MANAGED_RANKING_STAGE],
        request=ReasonSerializer,
        responses=ANY_RANKING,
        description="Reopen the finalised ranking, with a reason: its nominees go back to where "
        "the ranking found them (verified; advanced; finalists) and lose their labels; the "
        "awards given from a national result are withdrawn with the same reason; the snapshot "
        "stays on the record.",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        snapshot = self._current_snapshot(category)
        services.ranking_reopen(
            actor=request.user, snapshot=snapshot, reason=serializer.validated_data["reason"]
        )
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK, OpenApiParameter("stage", exclude=True)],
        request=None,
        responses=FinalRankingSerializer,
        description="Confirm the finalised national result of the category (jurors of this "
        "jury only). The last confirmation signs it off: the awards are given from it and the "
        "finalists are awarded or not.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        refuse_input(request)
        services.ranking_confirm(actor=request.user, snapshot=self._current_snapshot(category))
        return self._respond(category)

    @extend_schema(
        parameters=[CATEGORY_PK, SCORING_STAGE],
        responses=AgreementSerializer,
        description="How far the assessors agree in the category and scoring stage: per "
        "assessed criterion the number of counted scores, their mean and standard deviation; "
        "per nominee the same, flagged where the deviation reaches the threshold (the chair, "
        "the secretariat and auditors; a chair sees it once they may see the ranking).",
    )
    @action(detail=True, methods=["get"])
    def agreement(self, request, panel_pk=None, category_pk=None):
        category = self.get_object()
        stage = self.stage
        visible = stage is not None and selectors.may_see_ranking(
            request.user, panel=self.panel, stage=stage, category=category
        )
        found = (
            selectors.agreement(panel=self.panel, stage=stage, category=category)
            if visible
            else None
        )
        criteria, rows = [], []
        if found is not None:
            criteria = [
                {**_spread(c.code, s), "name": c.name, "weight": c.weight}
                for c, s in zip(found.criteria, found.overall, strict=True)
            ]
            rows = [
                {
                    "nomination": row.nomination,
                    "flagged": row.flagged,
                    "spreads": [
                        {**_spread(c.code, s), "disagree": s is not None and s.disagree}
                        for c, s in zip(found.criteria, row.spreads, strict=True)
                    ],
                }
                for row in found.rows
            ]
        data = {
            "category": category,
            "stage": stage,
            "visible": visible,
            "threshold": selectors.DISAGREEMENT_SD,
            "criteria": criteria,
            "rows": rows,
            "flagged": sum(1 for row in rows if row["flagged"]),
        }
        return Response(AgreementSerializer(data).data)


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
        self.seen([conflict.nomination])
        return Response(ConflictSerializer(conflict).data, status=status.HTTP_201_CREATED)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.seen([c.nomination for c in (queryset if page is None else page)])
        return page


# ---------------------------------------------------------------------------------------------
# Interviews (the national jury)


@extend_schema(parameters=[PANEL_PK])
class InterviewViewSet(_PanelRoute):
    """The finalists' interviews before the national jury: when (date, time, video link), who
    attended for the candidate (which sets the attendance factor of the interview criterion)
    and the minutes. Jurors, the secretariat and auditors read; the chair and the secretariat
    schedule (`PUT …/schedule/`) and record (`PUT …/record/`) them, until the category's
    national result is finalised. 404 on a provincial panel."""

    jury_only = True
    action_permissions = dict.fromkeys(("list", "retrieve", "schedule", "record"), ACCESS_PANELS)
    object_permissions = {
        "list": VIEW_PANEL,
        "retrieve": VIEW_PANEL,
        "schedule": FINALISE,
        "record": FINALISE,
    }
    serializer_class = InterviewSerializer
    lookup_url_kwarg = "nomination_pk"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Nomination.objects.none()
        return selectors.stage_nominations(self.panel, StageKind.NATIONAL_INTERVIEW).order_by(
            "category__order", "candidate__name", "pk"
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["nomination_pk"])

    @cached_property
    def interview_stage(self) -> Stage | None:
        return selectors.panel_stage(self.panel, StageKind.NATIONAL_INTERVIEW)

    @cached_property
    def rubrics(self) -> dict:
        """Category id → its interview rubric, filled as categories are met."""
        return {}

    def _factor(self, category, interview):
        if interview is None or not interview.attendance or self.interview_stage is None:
            return None
        if category.pk not in self.rubrics:
            self.rubrics[category.pk] = selectors.rubric_for(self.interview_stage, category)
        rubric = self.rubrics[category.pk]
        return rubric.attendance_factor(interview.attendance) if rubric is not None else None

    def _data(self, nomination, interview) -> dict:
        return {
            "nomination": nomination,
            "scheduled_at": interview.scheduled_at if interview else None,
            "video_link": interview.video_link if interview else "",
            "attendance": interview.attendance if interview else "",
            "attendee": interview.attendee if interview else "",
            "minutes": interview.minutes if interview else "",
            "factor": self._factor(nomination.category, interview),
            "updated_at": interview.updated_at if interview else None,
        }

    def _respond(self, nomination) -> Response:
        interview = selectors.interviews_of(self.panel).get(nomination.pk)
        return Response(InterviewSerializer(self._data(nomination, interview)).data)

    @extend_schema(responses=InterviewSerializer(many=True))
    def list(self, request, panel_pk=None):
        """The finalists by category, each with their interview (empty until scheduled)."""
        page = self.paginate_queryset(self.get_queryset())
        interviews = selectors.interviews_of(self.panel)
        data = [self._data(n, interviews.get(n.pk)) for n in page]
        return self.get_paginated_response(InterviewSerializer(data, many=True).data)

    @extend_schema(parameters=[NOMINATION_PK], responses=InterviewSerializer)
    def retrieve(self, request, panel_pk=None, nomination_pk=None):
        """A finalist's interview."""
        return self._respond(self.get_object())

    @extend_schema(
        parameters=[NOMINATION_PK],
        request=InterviewScheduleSerializer,
        responses=InterviewSerializer,
        description="Set the date and time of the finalist's interview (within the interview "
        "stage's dates when it has them) and the video link of the session (https://).",
    )
    @action(detail=True, methods=["put"])
    def schedule(self, request, panel_pk=None, nomination_pk=None):
        nomination = self.get_object()
        serializer = InterviewScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.interview_schedule(
            actor=request.user,
            panel=self.panel,
            nomination=nomination,
            scheduled_at=serializer.validated_data["scheduled_at"],
            video_link=serializer.validated_data["video_link"],
        )
        return self._respond(nomination)

    @extend_schema(
        parameters=[NOMINATION_PK],
        request=InterviewRecordSerializer,
        responses=InterviewSerializer,
        description="Record who attended for the candidate (the highest official present: "
        "head, deputy, secretary or other, which sets the attendance factor), their name and "
        "position, and the minutes of the session.",
    )
    @action(detail=True, methods=["put"])
    def record(self, request, panel_pk=None, nomination_pk=None):
        nomination = self.get_object()
        serializer = InterviewRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.interview_record(
            actor=request.user,
            panel=self.panel,
            nomination=nomination,
            attendance=serializer.validated_data["attendance"],
            attendee=serializer.validated_data["attendee"],
            minutes=serializer.validated_data["minutes"],
        )
        return self._respond(nomination)


# ---------------------------------------------------------------------------------------------
# Awards (the national jury)


@extend_schema(parameters=[PANEL_PK])
class AwardViewSet(mixins.ListModelMixin, _PanelRoute):
    """The awards of the jury's edition, current and withdrawn: given from each category's
    signed-off national result by its scheme (ranked, best per province, best per zone), and
    the special awards (predikat terbaik khusus), which the chair and the secretariat give and
    withdraw with a reason. Jurors, the secretariat and auditors read. 404 on a provincial
    panel."""

    jury_only = True
    action_permissions = dict.fromkeys(("list", "create", "withdraw"), ACCESS_PANELS)
    object_permissions = {"list": VIEW_RANKING, "create": FINALISE, "withdraw": FINALISE}
    serializer_class = AwardSerializer
    lookup_url_kwarg = "award_pk"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        return (
            Award.objects.filter(category__edition=self.panel.edition_id)
            .select_related(
                "category",
                "nomination__candidate__province",
                "nomination__candidate__regency__province",
                "nomination__category",
                "province",
                "withdrawn_by",
            )
            .order_by(
                "category__order", F("withdrawn_at").asc(nulls_first=True), "kind", "rank", "pk"
            )
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["show_names"] = selectors.may_see_assessor_names(self.request.user, self.panel)
        return context

    def _respond(self, award, status_code=status.HTTP_200_OK) -> Response:
        award = self.get_queryset().get(pk=award.pk)
        return Response(self.get_serializer(award).data, status=status_code)

    @extend_schema(
        request=SpecialAwardSerializer,
        responses={201: AwardSerializer},
        description="Give a special award to a nominee of the national round, with its title "
        "and the reason (chair or secretariat; refused once the national result stage is "
        "finalised).",
    )
    def create(self, request, panel_pk=None):
        nominations = selectors.stage_nominations(self.panel, StageKind.NATIONAL_SELECTION)
        serializer = SpecialAwardSerializer(data=request.data, nominations=nominations)
        serializer.is_valid(raise_exception=True)
        award = services.award_special(
            actor=request.user,
            panel=self.panel,
            nomination=serializer.validated_data["nomination"],
            title=serializer.validated_data["title"],
            reason=serializer.validated_data["reason"],
        )
        return self._respond(award, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[AWARD_PK],
        request=ReasonSerializer,
        responses=AwardSerializer,
        description="Withdraw a special award, with the reason; it stays on the record. Awards "
        "from a ranking are withdrawn by reopening the ranking.",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, panel_pk=None, award_pk=None):
        award = get_object_or_404(self.get_queryset(), pk=award_pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.award_withdraw(
            actor=request.user, award=award, reason=serializer.validated_data["reason"]
        )
        return self._respond(award)
