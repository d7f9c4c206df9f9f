from django.db import connection
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

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
    """Liveness and database check for the container healthcheck and load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure makes the instance unhealthy
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
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
