from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from rest_framework import exceptions

from candidates.models import Edition


class HomeView(TemplateView):
    """Public home page: what the award is and its editions."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        editions = Edition.objects.prefetch_related("categories", "publications").order_by("-year")
        return super().get_context_data(editions=editions, **kwargs)


@require_GET
@never_cache
def healthz(request):
    """Liveness, database and cache check for the container healthcheck and load balancers.
    Without its database the instance is unhealthy (503); without the cache (Redis) it serves
    on, slower, and says so ("degraded", 200)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure makes the instance unhealthy
        database = "unavailable"
    available = getattr(cache, "available", None)
    cache_state = "ok" if available is None or available() else "unavailable"
    status = "error" if database != "ok" else "ok" if cache_state == "ok" else "degraded"
    return JsonResponse(
        {"status": status, "database": database, "cache": cache_state},
        status=503 if status == "error" else 200,
    )


def signup_closed(request):
    """Accounts are created by the secretariat. allauth answers its sign-up address with a 200
    "sign-up closed" page; this answers 403 for every method instead, so that the access test
    (tests/security/test_access_walker.py) sees the route as closed and would notice a form
    appearing behind it."""
    return TemplateResponse(request, "account/signup_closed.html", status=403)


def email_not_offered(request):
    """allauth's page for managing one's e-mail addresses is not offered: the address is the
    login the secretariat created, and adding one and making it primary would let a hijacked
    session take the account over through a password reset. The secretariat changes it in the
    admin."""
    raise Http404(_("E-mail addresses are managed by the award secretariat."))


# ---------------------------------------------------------------------------------------------
# Error pages: the site answers its own HTML pages, the API answers JSON as DRF's own errors do
# ({"detail": …}, translated). What DRF's views raise never reaches these; they answer what
# happens before or outside a view: an address no route matches (/api/v1/nope/, a non-numeric
# id where the route wants digits), an exception DRF does not handle, a request Django refuses.


def _api_error(request, exception_class, status: int) -> JsonResponse | None:
    if not request.path_info.startswith("/api/"):
        return None
    return JsonResponse({"detail": str(exception_class.default_detail)}, status=status)


class _BadRequest(exceptions.ParseError):
    default_detail = _("The request could not be understood.")


def bad_request(request, exception):
    return _api_error(request, _BadRequest, 400) or defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _api_error(request, exceptions.PermissionDenied, 403) or defaults.permission_denied(
        request, exception
    )


def page_not_found(request, exception):
    return _api_error(request, exceptions.NotFound, 404) or defaults.page_not_found(
        request, exception
    )


def server_error(request):
    return _api_error(request, exceptions.APIException, 500) or defaults.server_error(request)
