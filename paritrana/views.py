from django.db import connection
from django.http import JsonResponse
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
