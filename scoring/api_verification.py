"""Correcting a verification decision in the API:
POST /api/v1/scoring/panels/{panel_pk}/verifications/corrections/.

The panel's chair (or the secretariat) sends a dossier verified or declared ineligible by
mistake back to those waiting for verification, with a reason (scoring.verification). Access as
on the other panel routes (scoring.api): a panel role first (403), the panel among those the
user sees (404), then `scoring.correct_verification` on the panel (403); the nomination must be
one the panel sees (400 otherwise). Refusals of the service are 400 with their message."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from candidates.models import Nomination
from candidates.selectors import nominations as all_nominations
from paritrana.api import StrictFieldsMixin

from . import selectors
from .api import ACCESS_PANELS, PANEL_PK, _PanelRoute
from .serializers import VerificationResultSerializer
from .verification import nomination_verification_correct

CORRECT_VERIFICATION = "scoring.correct_verification"


def register(router) -> None:
    router.register(
        r"scoring/panels/(?P<panel_pk>[0-9]+)/verifications/corrections",
        VerificationCorrectionViewSet,
        basename="scoring-verification-correction",
    )


class VerificationCorrectionSerializer(StrictFieldsMixin, serializers.Serializer):
    """A correction of the panel's verification decision on a dossier."""

    nomination = serializers.PrimaryKeyRelatedField(
        queryset=Nomination.objects.none(),
        help_text="A nomination before this panel, verified or declared ineligible.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why the decision is corrected (required; recorded).",
    )

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["nomination"].queryset = nominations


@extend_schema(parameters=[PANEL_PK])
class VerificationCorrectionViewSet(mixins.CreateModelMixin, _PanelRoute):
    """Corrections of the panel's verification decisions: while the stage in which the panel
    verifies is open and the category's ranking is not finalised, its chair and the secretariat
    send a verified or ineligible dossier back to be verified again, with a reason."""

    action_permissions = {"create": ACCESS_PANELS}
    object_permissions = {"create": CORRECT_VERIFICATION}
    serializer_class = VerificationCorrectionSerializer

    @extend_schema(
        request=VerificationCorrectionSerializer,
        responses={201: VerificationResultSerializer},
        description="Correct the panel's verification decision on a dossier; answers the "
        "nomination with its new state (submitted or resubmitted) and the recorded state "
        "change, which carries the reason.",
    )
    def create(self, request, panel_pk=None):
        serializer = VerificationCorrectionSerializer(
            data=request.data, nominations=selectors.panel_nominations(self.panel)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        nomination_verification_correct(
            actor=request.user, nomination=data["nomination"], reason=data["reason"]
        )
        nomination = all_nominations().get(pk=data["nomination"].pk)
        return Response(VerificationResultSerializer(nomination).data, status.HTTP_201_CREATED)
