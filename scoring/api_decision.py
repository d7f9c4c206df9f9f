"""The decision file of a nominee in the API:
GET /api/v1/scoring/panels/{panel_pk}/decisions/{nomination_pk}/.

The same file as the page (scoring.decision.decision_file), below the panel it is read from,
with the same access: a panel role first (403 without one; 403 for anonymous requests too),
then the panel among those the user sees and the nomination among those that panel sees (404),
then the rule `scoring.view_decision_file` with the nomination (404). Read-only."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from candidates.models import Nomination
from paritrana.api import RulesPermission, within_token_edition

from . import selectors
from .decision import DecisionFile, decision_file, decision_nominations
from .decision_record import EVENT_KINDS
from .serializers import NominationSummarySerializer

ACCESS_PANELS = "scoring.access_panels"
VIEW_DECISION_FILE = "scoring.view_decision_file"


def register(router) -> None:
    router.register(
        r"scoring/panels/(?P<panel_pk>[0-9]+)/decisions",
        DecisionFileViewSet,
        basename="scoring-decision",
    )


# ---------------------------------------------------------------------------------------------
# Serializers (read-only; they describe scoring.decision's dataclasses)


def _decimal(digits: int = 8, places: int = 2, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=digits, decimal_places=places, read_only=True, **kwargs
    )


def _nullable_decimal(digits: int = 8, places: int = 2, **kwargs) -> serializers.DecimalField:
    return _decimal(digits, places, allow_null=True, **kwargs)


class DecisionColumnSerializer(serializers.Serializer):
    label = serializers.CharField(
        help_text="The assessor's name for the panel's chair, the secretariat and auditors; "
        "'Assessor 1', 'Assessor 2'… (numbered within the panel) for everyone else."
    )
    is_you = serializers.BooleanField()
    state = serializers.CharField(help_text="submitted, draft, missing or excluded.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    excluded_because = serializers.CharField(
        help_text="The conflict of interest that excludes the assessor ('' when they count)."
    )


class DecisionCellSerializer(serializers.Serializer):
    value = _decimal(5, 2)
    note = serializers.CharField()
    counts = serializers.BooleanField(help_text="False: the assessor is excluded (conflict).")


class DecisionCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="computed, judged or interview.")
    weight = _decimal(6, 2)
    indicator = serializers.CharField(help_text="Computed criteria: the indicator's name.")
    tie_break_order = serializers.IntegerField(allow_null=True)
    cells = serializers.ListField(
        child=DecisionCellSerializer(allow_null=True),
        help_text="One per column of the stage, in the same order; null: no score to show.",
    )
    score = _nullable_decimal(help_text="The criterion score; null while hidden.")
    contribution = _nullable_decimal()
    counted = serializers.IntegerField(allow_null=True)
    judged = _nullable_decimal(help_text="Interview: the assessors' score before the factor.")
    factor = _nullable_decimal(help_text="Interview: the attendance factor applied.")


class DecisionTieSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="Position within the tie (0: unknown).")
    reason = serializers.CharField()
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DecisionConfirmationSerializer(serializers.Serializer):
    juror = serializers.CharField()
    at = serializers.DateTimeField()


class DecisionSnapshotSerializer(serializers.Serializer):
    stage = serializers.CharField()
    finalised_at = serializers.DateTimeField()
    finalised_by = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    total = _nullable_decimal(5, 2)
    label = serializers.CharField()
    advanced = serializers.BooleanField(allow_null=True)
    reopened_at = serializers.DateTimeField(allow_null=True)
    reopened_by = serializers.CharField()
    reopen_reason = serializers.CharField()
    signed_off_at = serializers.DateTimeField(allow_null=True)
    confirmations = DecisionConfirmationSerializer(many=True)


class DecisionStageSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="provincial_assessment, national_selection or national_interview."
    )
    name = serializers.CharField()
    panel = serializers.IntegerField(source="panel.pk")
    panel_name = serializers.CharField(source="panel")
    frozen = serializers.BooleanField(help_text="The ranking is finalised: frozen figures.")
    scores_visible = serializers.BooleanField(
        help_text="False: you see only your own scores until you submit them (blindness)."
    )
    ranking_visible = serializers.BooleanField(
        help_text="False: criterion scores, total and rank are hidden from you for now."
    )
    withheld = serializers.CharField(
        help_text="Why they are: you are excluded from the nominee by a conflict of interest "
        "and the ranking is not finalised ('' otherwise)."
    )
    columns = DecisionColumnSerializer(many=True)
    criteria = DecisionCriterionSerializer(many=True)
    final_weight = _nullable_decimal(6, 2)
    total = _nullable_decimal(5, 2)
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()
    label = serializers.CharField()
    outcome = serializers.CharField()
    tie = DecisionTieSerializer(allow_null=True)
    snapshots = DecisionSnapshotSerializer(many=True)


class DecisionComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = _decimal(6, 2)
    total = _decimal(5, 2)
    rank = serializers.IntegerField(allow_null=True)


class DecisionResultSerializer(serializers.Serializer):
    name = serializers.CharField()
    panel = serializers.IntegerField(source="panel.pk")
    panel_name = serializers.CharField(source="panel")
    frozen = serializers.BooleanField()
    visible = serializers.BooleanField()
    components = DecisionComponentSerializer(many=True)
    attendance = serializers.CharField()
    attendee = serializers.CharField()
    factor = _nullable_decimal(3, 2)
    total = _nullable_decimal(5, 2)
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()
    label = serializers.CharField()
    outcome = serializers.CharField()
    tie = DecisionTieSerializer(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())
    jurors = serializers.IntegerField()
    confirmations = DecisionConfirmationSerializer(many=True)
    snapshots = DecisionSnapshotSerializer(many=True)


class DecisionInterviewSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(allow_null=True)
    video_link = serializers.CharField()
    attendance = serializers.CharField()
    attendance_code = serializers.CharField(help_text="head, deputy, secretary, other or ''.")
    factor = _nullable_decimal(3, 2)
    attendee = serializers.CharField()
    minutes = serializers.CharField()
    updated_by = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True)


class DecisionConflictSerializer(serializers.Serializer):
    panel = serializers.CharField()
    assessor = serializers.CharField()
    source = serializers.CharField()
    reason = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class DecisionAwardSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField(
        help_text="The award's kind; 'Provincial label' for the label a provincial ranking gave."
    )
    label = serializers.CharField()
    rank = serializers.IntegerField(
        allow_null=True, help_text="The national rank; the provincial one for a provincial label."
    )
    reason = serializers.CharField()
    given_by = serializers.CharField()
    given_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it was given (a provincial ranking: when it was finalised); null for a "
        "provincial label decided outside the system and entered without a record.",
    )
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = serializers.CharField()
    withdrawn_reason = serializers.CharField()


class DecisionEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When it happened: its audit record's date.")
    kind = serializers.CharField(help_text=f"{EVENT_KINDS}.")
    what = serializers.CharField()
    by = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField()
    seq = serializers.IntegerField(
        allow_null=True,
        help_text="The number of the nominee's audit record it is; null for what the nominee's "
        "audit record does not hold (a juror's confirmation, recorded against the ranking).",
    )


class DecisionPanelNamesSerializer(serializers.Serializer):
    panel = serializers.CharField()
    named = serializers.BooleanField(help_text="Whether you see this panel's assessors' names.")


class DecisionFigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField(allow_null=True)


class DecisionFigureGroupSerializer(serializers.Serializer):
    group = serializers.CharField()
    figures = DecisionFigureSerializer(many=True)


class DecisionIndicatorSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = _nullable_decimal(20, 4)
    unit = serializers.CharField()


class DecisionLegalProductSerializer(serializers.Serializer):
    type = serializers.CharField()
    number = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    scope = serializers.CharField()


class DecisionInnovationSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    evidence = serializers.CharField()


class DecisionDataSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="government or business.")
    figures = DecisionFigureGroupSerializer(many=True)
    indicators = DecisionIndicatorSerializer(many=True)
    indicators_recorded = serializers.BooleanField(
        help_text="True: as recorded when the panel verified the dossier."
    )
    flags = serializers.ListField(child=serializers.CharField())
    legal_products = DecisionLegalProductSerializer(many=True)
    innovations = DecisionInnovationSerializer(many=True)


class DecisionFileSerializer(serializers.Serializer):
    nomination = NominationSummarySerializer()
    generated_at = serializers.DateTimeField()
    names = DecisionPanelNamesSerializer(many=True)
    data = DecisionDataSerializer()
    stages = DecisionStageSerializer(many=True)
    result = DecisionResultSerializer(allow_null=True)
    interview = DecisionInterviewSerializer(allow_null=True)
    conflicts = DecisionConflictSerializer(many=True)
    conflicts_complete = serializers.BooleanField(
        help_text="False: only your own conflicts of interest are listed."
    )
    awards = DecisionAwardSerializer(many=True)
    record = DecisionEventSerializer(many=True)
    national_withheld = serializers.BooleanField(
        help_text="True: the national jury's stages, result and awards are left out until the "
        "secretariat publishes the national results (you are not on the jury)."
    )


def _data(dossier: dict) -> dict:
    """The nominee's data of scoring.views._dossier in plain values."""
    return {
        "kind": dossier["kind"],
        "figures": [
            {
                "group": str(legend),
                "figures": [
                    {"label": str(label), "value": None if value in (None, "") else str(value)}
                    for label, value in rows
                ],
            }
            for legend, rows in dossier["figures"]
        ],
        "indicators": [
            {"label": str(row["label"]), "value": row["value"], "unit": row["unit"] or ""}
            for row in dossier["indicator_rows"]
        ],
        "indicators_recorded": dossier["indicators_recorded"],
        "flags": [str(flag.message) for flag in dossier["flags"]],
        "legal_products": [
            {
                "type": str(p.get_type_display()),
                "number": p.number,
                "year": p.year,
                "title": p.title,
                "scope": p.scope,
            }
            for p in dossier["legal_products"]
        ],
        "innovations": [
            {"title": i.title, "description": i.description, "evidence": i.evidence}
            for i in dossier["innovations"]
        ],
    }


def _representation(file: DecisionFile) -> dict:
    return DecisionFileSerializer(
        {
            "nomination": file.nomination,
            "generated_at": file.generated_at,
            "names": [{"panel": str(p), "named": named} for p, named in file.names],
            "data": _data(file.dossier),
            "stages": file.stages,
            "result": file.result,
            "interview": file.interview,
            "conflicts": file.conflicts,
            "conflicts_complete": file.conflicts_complete,
            "awards": file.awards,
            "record": file.record,
            "national_withheld": file.national_withheld,
        }
    ).data


# ---------------------------------------------------------------------------------------------
# The route


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, OpenApiParameter.PATH, description=description)


@extend_schema(parameters=[_path("panel_pk", "Panel id")])
class DecisionFileViewSet(viewsets.GenericViewSet):
    """The decision file of a nominee (its data, scores per criterion and stage, conflicts,
    tie decisions, attendance, awards and the record of every change), for the secretariat,
    auditors, and the members of a panel that sees the nominee. Assessors are named for the
    panel's chair, the secretariat and auditors, numbered for everyone else; a member sees no
    other assessor's scores of a stage before submitting their own, until it is finalised."""

    permission_classes = [RulesPermission]
    action_permissions = {"retrieve": ACCESS_PANELS}
    filter_backends = []
    pagination_class = None
    serializer_class = DecisionFileSerializer
    lookup_url_kwarg = "nomination_pk"
    lookup_value_regex = "[0-9]+"

    @cached_property
    def panel(self):
        panels = within_token_edition(
            selectors.panels_visible_to(self.request.user), self.request, "edition"
        )
        return get_object_or_404(panels, pk=self.kwargs["panel_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return Nomination.objects.none()
        return decision_nominations(self.panel)

    def get_object(self) -> Nomination:
        nomination = get_object_or_404(self.get_queryset(), pk=self.kwargs["nomination_pk"])
        if not self.request.user.has_perm(VIEW_DECISION_FILE, nomination):
            raise exceptions.NotFound
        return nomination

    @extend_schema(
        parameters=[_path("nomination_pk", "Nomination id")],
        responses=DecisionFileSerializer,
    )
    def retrieve(self, request, panel_pk=None, nomination_pk=None):
        """A nominee's decision file as you may read it."""
        nomination = self.get_object()
        return Response(_representation(decision_file(request.user, nomination)))
