from rest_framework import permissions, viewsets

from . import selectors
from .models import Edition, Province, Regency
from .serializers import (
    EditionSerializer,
    NominationSerializer,
    ProvinceSerializer,
    RegencySerializer,
)


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


class EditionViewSet(viewsets.ReadOnlyModelViewSet):
    """Editions and their categories (public; outcomes are published separately)."""

    permission_classes = [permissions.AllowAny]
    queryset = Edition.objects.prefetch_related("categories").order_by("-year")
    serializer_class = EditionSerializer
    lookup_field = "year"
    pagination_class = None


class NominationViewSet(viewsets.ReadOnlyModelViewSet):
    """The nominations the logged-in user's roles let them see (same scope as the pages)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NominationSerializer

    def get_queryset(self):
        return selectors.nominations_visible_to(self.request.user).order_by("id")
