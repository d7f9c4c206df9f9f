from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from accounts.views import ApiTokensView, DashboardView, session_extend_view
from candidates import api as candidates_api
from ceremonies import api_public as ceremonies_api_public
from scoring import api as scoring_api

from .views import HomeView, email_not_offered, healthz, signup_closed

# Swagger UI and Redoc style their own elements inline (Redoc through styled-components) and
# Redoc's search runs in a blob worker; only these two documentation pages get that exception,
# scripts stay 'self'-only everywhere.
api_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

router = DefaultRouter()
# No `.json` twins of every route: the API answers JSON (content negotiation picks it), and the
# viewsets' own actions take no `format` argument.
router.include_format_suffixes = False
router.register("provinces", candidates_api.ProvinceViewSet, basename="province")
router.register("regencies", candidates_api.RegencyViewSet, basename="regency")
router.register("branches", candidates_api.BranchViewSet, basename="branch")
router.register("editions", candidates_api.EditionViewSet, basename="edition")
router.register("categories", candidates_api.CategoryViewSet, basename="category")
router.register("candidates", candidates_api.CandidateViewSet, basename="candidate")
router.register("nominations", candidates_api.NominationViewSet, basename="nomination")
router.register(
    r"nominations/(?P<nomination_pk>[0-9]+)/legal-products",
    candidates_api.LegalProductViewSet,
    basename="nomination-legal-product",
)
scoring_api.register(router)
router.register(
    "public/editions", ceremonies_api_public.PublicEditionViewSet, basename="public-edition"
)
router.register(
    "public/certificates",
    ceremonies_api_public.PublicCertificateViewSet,
    basename="public-certificate",
)

urlpatterns = [
    # First: the public site takes most of the traffic, and resolving it after the other apps'
    # includes cost every cached page some thirty failed patterns (bench/public.py).
    path("", include("ceremonies.urls_public")),
    path("", HomeView.as_view(), name="home"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("", include("candidates.urls")),
    path("panel/", include("scoring.urls")),
    path("ceremonies/", include("ceremonies.urls")),
    # Before allauth's own routes, which they replace (see the views).
    path("accounts/signup/", signup_closed, name="account_signup"),
    path("accounts/email/", email_not_offered, name="account_email"),
    path("accounts/tokens/", ApiTokensView.as_view(), name="account_api_tokens"),
    path("accounts/session/extend/", session_extend_view, name="account_session_extend"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script for the CSP.
    path(
        "api/docs/",
        api_docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        api_docs_csp(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    path("healthz/", healthz, name="healthz"),
]

# The API answers its errors as JSON, the site as its own pages (paritrana.views).
handler400 = "paritrana.views.bad_request"
handler403 = "paritrana.views.permission_denied"
handler404 = "paritrana.views.page_not_found"
handler500 = "paritrana.views.server_error"
