"""The candidates API under /api/v1/ (SPEC §2, §5), with the same scope, rules and services as
the pages: a route's queryset is what the user may see (anything else is 404), the rules of
candidates/rules.py say what they may do with it (403), and every write is a service call whose
ValidationError becomes a 400 with the message at its field (paritrana.api.exception_handler)."""

from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from paritrana.api import RulesPermission, refuse_input, token_edition, within_token_edition

from . import selectors, services, validators
from .enums import CandidateKind
from .filters import BranchFilter, CandidateFilter, CategoryFilter, NominationFilter
from .models import Branch, Candidate, Category, Edition, LegalProduct, Province, Regency
from .serializers import (
    BranchSerializer,
    BusinessFiguresSerializer,
    CandidateRegisterSerializer,
    CandidateSerializer,
    CategorySerializer,
    EditionSerializer,
    GovernmentFiguresSerializer,
    LegalProductSerializer,
    NominationCreateSerializer,
    NominationSerializer,
    ProvinceSerializer,
    RegencySerializer,
    TransitionSerializer,
    WithdrawSerializer,
)

ACCESS_NOMINATIONS = "candidates.access_nominations"
CHANGE_NOMINATION = "candidates.change_nomination"

# ---------------------------------------------------------------------------------------------
# Reference data


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data: the 38 provinces (public)."""

    permission_classes = [permissions.AllowAny]
    queryset = Province.objects.order_by("code")
    serializer_class = ProvinceSerializer
    pagination_class = None


class RegencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data: the 514 regencies and cities (public); filter with ?province=32."""

    permission_classes = [permissions.AllowAny]
    queryset = Regency.objects.order_by("code")
    serializer_class = RegencySerializer
    filterset_fields = ["province", "kind"]
    # Kemendagri codes have a dot ("32.75"), which the router's default pattern refuses.
    lookup_value_regex = r"[0-9]{2}\.[0-9]{2}"


class BranchViewSet(viewsets.ReadOnlyModelViewSet):
    """BPJS branch offices and the regions they cover (any role)."""

    permission_classes = [RulesPermission]
    action_permissions = {
        "list": "candidates.access_branches",
        "retrieve": "candidates.access_branches",
    }
    queryset = (
        Branch.objects.select_related("province")
        .prefetch_related(Prefetch("regencies", queryset=Regency.objects.order_by("code")))
        .order_by("code")
    )
    serializer_class = BranchSerializer
    filterset_class = BranchFilter
    lookup_field = "code"


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    """Editions and their categories (public; outcomes are published separately)."""

    permission_classes = [permissions.AllowAny]
    queryset = Edition.objects.prefetch_related("categories").order_by("-year")
    serializer_class = EditionSerializer
    lookup_field = "year"
    pagination_class = None


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Categories of every edition (public); filter with ?edition=2021&candidate_kind=business."""

    permission_classes = [permissions.AllowAny]
    queryset = Category.objects.select_related("edition").order_by(
        "-edition__year", "order", "name"
    )
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter


# ---------------------------------------------------------------------------------------------
# Candidates


class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Governments and businesses: those of the nominations you may see and, for branch staff,
    those of your regions. Branch staff and the secretariat register new ones."""

    permission_classes = [RulesPermission]
    action_permissions = {
        "list": "candidates.access_candidates",
        "retrieve": "candidates.access_candidates",
        "create": "candidates.add_candidate",
    }
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter

    def get_queryset(self):
        user = self.request.user
        if token_edition(self.request) is None:
            candidates = selectors.candidates_visible_to(user)
        else:
            # With a token: the candidates of the nominations it reaches, and those managed.
            nominated = within_token_edition(
                selectors.nominations_visible_to(user), self.request, "category__edition"
            ).values("candidate_id")
            managed = selectors.candidates_managed_by(user).values("pk")
            candidates = Candidate.objects.filter(Q(pk__in=nominated) | Q(pk__in=managed))
        return candidates.select_related("regency").order_by("name", "id")

    @extend_schema(
        request=CandidateRegisterSerializer,
        responses={200: CandidateSerializer, 201: CandidateSerializer},
        description="Register a government (kind and regency code, or province code for a "
        "provincial government) or a business (kind business, npp, name, scale, regency, "
        "sector). 201 when created, 200 when it was already registered.",
    )
    def create(self, request):
        serializer = CandidateRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor = request.user
        if data["kind"] == CandidateKind.BUSINESS:
            npp = validators.normalise_npp(data.get("npp", ""))
            existed = Candidate.objects.filter(npp=npp).exists()
            candidate = services.business_candidate_register(
                actor=actor,
                npp=npp,
                name=data.get("name", ""),
                scale=data.get("scale", ""),
                regency=data["regency"],
                sector=data.get("sector", ""),
            )
        else:
            region = (
                {"province": data["province"]}
                if data["kind"] == CandidateKind.PROVINCE_GOVERNMENT
                else {"regency": data["regency"]}
            )
            existed = Candidate.objects.filter(kind=data["kind"], **region).exists()
            candidate = services.government_candidate_get_or_create(actor=actor, **region)
        return Response(
            CandidateSerializer(candidate, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


# ---------------------------------------------------------------------------------------------
# Nominations


_FIGURES_REQUEST = PolymorphicProxySerializer(
    component_name="NominationFigures",
    serializers=[GovernmentFiguresSerializer, BusinessFiguresSerializer],
    resource_type_field_name=None,
)


class NominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The nominations the user's roles let them see (the same scope as the pages), with their
    figures, legal products, innovations, flags and indicators. Branch staff of the
    nomination's region (and the secretariat) create drafts, update figures, submit and
    withdraw; others who can see a nomination get 403 on those, the rest 404."""

    permission_classes = [RulesPermission]
    action_permissions = {
        "list": ACCESS_NOMINATIONS,
        "retrieve": ACCESS_NOMINATIONS,
        "transitions": ACCESS_NOMINATIONS,
        "figures": ACCESS_NOMINATIONS,
        "submit": ACCESS_NOMINATIONS,
        "withdraw": ACCESS_NOMINATIONS,
        "create": "candidates.add_nomination",
    }
    object_permissions = {
        "figures": CHANGE_NOMINATION,
        "submit": CHANGE_NOMINATION,
        "withdraw": CHANGE_NOMINATION,
    }
    serializer_class = NominationSerializer
    filterset_class = NominationFilter

    def get_queryset(self):
        nominations = selectors.nominations_visible_to(self.request.user)
        return within_token_edition(nominations, self.request, "category__edition").order_by("id")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action in ("list", "retrieve"):
            queryset = self._with_details(queryset)
        return queryset

    @staticmethod
    def _with_details(queryset):
        # Everything the serializer reads, in a number of queries that does not grow with the
        # number of nominations.
        return queryset.select_related("government_data", "business_data").prefetch_related(
            "legal_products", "innovations"
        )

    def _respond(self, nomination, code=status.HTTP_200_OK) -> Response:
        nomination = self._with_details(self.get_queryset()).get(pk=nomination.pk)
        return Response(self.get_serializer(nomination).data, status=code)

    @extend_schema(
        request=NominationCreateSerializer,
        responses={201: NominationSerializer},
        description="Nominate a candidate of your regions in a category of an edition open for "
        "nominations: a draft.",
    )
    def create(self, request):
        serializer = NominationCreateSerializer(
            data=request.data, candidates=selectors.candidates_managed_by(request.user)
        )
        serializer.is_valid(raise_exception=True)
        edition = token_edition(request)
        if edition is not None and serializer.validated_data["category"].edition_id != edition:
            raise exceptions.PermissionDenied(
                _("This API token is for another edition: it cannot nominate in this one.")
            )
        nomination = services.nomination_create(actor=request.user, **serializer.validated_data)
        return self._respond(nomination, status.HTTP_201_CREATED)

    @extend_schema(
        request=_FIGURES_REQUEST,
        responses=NominationSerializer,
        description="Update a draft's or returned nomination's figures (government or business "
        "data, after the candidate's kind). Impossible figures are refused; suspicious ones "
        "need a justification.",
    )
    @action(detail=True, methods=["patch"], filter_backends=[])
    def figures(self, request, pk=None):
        nomination = self.get_object()
        if services.data_kind(nomination) == "government":
            serializer = GovernmentFiguresSerializer(data=request.data)
        else:
            serializer = BusinessFiguresSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        justification = values.pop("justification", None)
        if justification is None:
            justification = services.figures_of(nomination)["justification"]
        services.nomination_figures_update(
            actor=request.user, nomination=nomination, values=values, justification=justification
        )
        return self._respond(nomination)

    @extend_schema(request=None, responses=NominationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        """Submit a draft (or resubmit a returned nomination) to the provincial panel."""
        nomination = self.get_object()
        refuse_input(request)
        services.nomination_submit(actor=request.user, nomination=nomination)
        return self._respond(nomination)

    @extend_schema(request=WithdrawSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        """Withdraw a nomination, with a reason."""
        nomination = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.nomination_withdraw(
            actor=request.user,
            nomination=nomination,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._respond(nomination)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def transitions(self, request, pk=None):
        """The nomination's state history: who moved it, when, from what to what, and why."""
        nomination = self.get_object()
        rows = selectors.transitions_seen_by(request.user, nomination)
        return Response(TransitionSerializer(rows, many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "nomination_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Nomination id"
        )
    ]
)
class LegalProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A government nomination's legal products; the document is uploaded as multipart form
    data (a real PDF, checked by content). Reading follows the nomination's scope; adding,
    changing and deleting need the right to change the nomination."""

    permission_classes = [RulesPermission]
    action_permissions = dict.fromkeys(
        ("list", "retrieve", "document", "create", "partial_update", "destroy"),
        ACCESS_NOMINATIONS,
    )
    # Checked on the nomination (see check_permissions), not on the product.
    object_permissions = dict.fromkeys(("create", "partial_update", "destroy"), CHANGE_NOMINATION)
    serializer_class = LegalProductSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []

    @cached_property
    def nomination(self):
        """The nomination of the URL, within the user's scope (404 otherwise)."""
        nominations = within_token_edition(
            selectors.nominations_visible_to(self.request.user), self.request, "category__edition"
        )
        return get_object_or_404(nominations, pk=self.kwargs["nomination_pk"])

    def check_permissions(self, request):
        super().check_permissions(request)
        self.check_object_permissions(request, self.nomination)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return LegalProduct.objects.none()
        return LegalProduct.objects.filter(nomination=self.nomination).order_by("id")

    def get_object(self):
        # The permissions were checked on the nomination; a product is found among its own.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def document(self, request, nomination_pk=None, pk=None):
        """The legal product's PDF."""
        product = self.get_object()
        if not product.pdf:
            raise Http404(_("This legal product has no document."))
        return FileResponse(
            product.pdf.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"legal-product-{product.pk}.pdf",
        )

    def perform_create(self, serializer):
        serializer.instance = services.legal_product_save(
            actor=self.request.user, nomination=self.nomination, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.legal_product_save(
            actor=self.request.user,
            nomination=self.nomination,
            product=serializer.instance,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        services.legal_product_delete(
            actor=self.request.user, nomination=self.nomination, product=instance
        )
