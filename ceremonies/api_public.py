"""The read-only public API under /api/v1/public/ (SPEC §8): published editions, an edition's
winners and provincial results, and certificate verification. Open to everyone (AllowAny, the
project's default being DenyAll), GET only, JSON only, no authentication (so nothing about the
visitor can end up in a response), and cached like the public pages (paritrana.public_cache).
Every read goes through ceremonies.selectors, which start from a Publication: an unpublished
edition answers 404, an unpublished province is absent."""

from collections import OrderedDict

from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from paritrana.public_cache import cached_public
from scoring.enums import StageKind

from . import selectors
from .enums import DOWNLOADABLE
from .serializers_public import (
    PublicCertificateSerializer,
    PublicEditionDetailSerializer,
    PublicEditionSerializer,
)

YEAR = OpenApiParameter(
    "year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Assessment year (e.g. 2020)."
)
SERIAL = OpenApiParameter(
    "serial",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Serial number printed on the certificate (e.g. PRT-2020-N-1A2B3C4D).",
)


class PublicViewSet(viewsets.ViewSet):
    """What every public API view shares: open, read-only, JSON, anonymous, cached."""

    permission_classes = [AllowAny]
    authentication_classes = []
    # JSON only: the browsable API would put a CSRF token and the user in a cached response.
    renderer_classes = [JSONRenderer]
    http_method_names = ["get", "head"]

    # `format` is DRF's choice of renderer (only json exists: ?format=api answers 404).
    @method_decorator(cached_public(params=("format",)))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Shapes (plain data for the serializers)


def _province(province) -> dict | None:
    return {"code": province.code, "name": province.name} if province else None


def _category(category) -> dict:
    return {"code": category.code, "name": category.name}


def _candidate(candidate) -> dict:
    return {"id": candidate.pk, "name": candidate.name, "region": selectors.region_of(candidate)}


def _ceremony(ceremony) -> dict | None:
    if ceremony is None:
        return None
    return {
        "title": ceremony.title,
        "held_on": ceremony.held_on,
        "place": ceremony.where,
        "video_link": ceremony.video_link,
        "handed_over_by": [
            {"name": o.name, "position": o.position}
            for o in ceremony.officials.all()
            if o.hands_over
        ],
    }


def _edition(edition) -> dict:
    return {
        "year": edition.year,
        "theme": edition.theme,
        "national_results_published": selectors.is_national_published(edition),
        "demo_data": edition.is_demo,
        "provinces": [_province(p) for p in selectors.published_provinces(edition)],
    }


def _winners(edition) -> list[dict]:
    return [
        {
            "category": _category(group.category),
            "under_review": group.under_review,
            "awards": [
                {
                    "kind": award.kind,
                    "label": award.label,
                    "title": selectors.award_title(award),
                    "rank": award.rank,
                    "candidate": _candidate(award.nomination.candidate),
                    "illustrative": selectors.illustrative(edition, award.nomination),
                }
                for award in group.awards
            ],
        }
        for group in selectors.edition_winners(edition)
    ]


def _provincial_results(edition) -> list[dict]:
    provinces: OrderedDict[str, dict] = OrderedDict()
    for row in selectors.published_ranking_rows(edition):
        snapshot = row.snapshot
        if snapshot.stage.kind != StageKind.PROVINCIAL_ASSESSMENT:
            continue
        province = snapshot.panel.province
        entry = provinces.setdefault(province.code, {"province": _province(province), "by": {}})
        category = entry["by"].setdefault(
            snapshot.category_id, {"category": _category(snapshot.category), "rows": []}
        )
        category["rows"].append(
            {
                "rank": row.rank,
                "candidate": _candidate(row.nomination.candidate),
                "total": row.total,
                "label": row.label,
                "advanced": row.advanced,
                "illustrative": selectors.illustrative(edition, row.nomination),
            }
        )
    return [
        {"province": entry["province"], "categories": list(entry["by"].values())}
        for entry in provinces.values()
    ]


# ---------------------------------------------------------------------------------------------
# Routes


class PublicEditionViewSet(PublicViewSet):
    """Editions whose results are published."""

    lookup_field = "year"
    lookup_value_regex = "[0-9]{1,4}"

    @extend_schema(
        summary="Published editions",
        description="Editions with published results, newest first: whether the national "
        "results are published and which provinces' provincial results are.",
        responses=PublicEditionSerializer(many=True),
    )
    def list(self, request):
        editions = [_edition(e) for e in selectors.published_editions()]
        return Response(PublicEditionSerializer(editions, many=True).data)

    @extend_schema(
        summary="A published edition's results",
        description="The national winners per category (once the national results are "
        "published; a category whose ranking was reopened is `under_review` with no award), the "
        "national ceremony, and the provincial rankings of every province whose results are "
        "published. 404 when nothing of the edition is published.",
        parameters=[YEAR],
        responses=PublicEditionDetailSerializer,
    )
    def retrieve(self, request, year=None):
        edition = selectors.published_edition(int(year))
        if edition is None:
            raise Http404(_("No results of this edition are published."))
        national = selectors.is_national_published(edition)
        data = {
            **_edition(edition),
            "ceremony": _ceremony(selectors.ceremony_of(edition, None)) if national else None,
            "winners": _winners(edition),
            "provincial_results": _provincial_results(edition),
        }
        return Response(PublicEditionDetailSerializer(data).data)


class PublicCertificateViewSet(PublicViewSet):
    """Certificate verification by serial number."""

    lookup_field = "serial"
    lookup_value_regex = "[A-Za-z0-9-]{1,40}"

    @extend_schema(
        summary="Verify a certificate",
        description="What the verification page says about a serial number (`verification`): "
        "`valid`, "
        "`revoked` (with when and why), `withdrawn` (the award was withdrawn), or `pending` "
        "(issued, not generated yet); 404 when no certificate has this serial number.",
        parameters=[SERIAL],
        responses=PublicCertificateSerializer,
    )
    def retrieve(self, request, serial=None):
        result = selectors.certificate_verification(serial)
        if result is None:
            raise Http404(_("No certificate has this serial number."))
        certificate = result.certificate
        ceremony = certificate.ceremony
        data = {
            "serial": certificate.serial,
            "verification": result.status,
            "verification_label": str(result.label),
            "year": ceremony.edition.year,
            "province": _province(ceremony.province),
            "category": certificate.category_name,
            "title": certificate.title,
            "recipient": certificate.recipient,
            "region": certificate.region,
            "ceremony": _ceremony(ceremony),
            "revoked_at": certificate.revoked_at,
            "revoked_reason": certificate.revoked_reason,
            "verification_path": certificate.verification_path(),
            "pdf_path": reverse("public:certificate_pdf", args=[certificate.serial])
            if result.status in DOWNLOADABLE and certificate.file
            else None,
        }
        return Response(PublicCertificateSerializer(data).data)
