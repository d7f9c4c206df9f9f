"""The project's URLs plus one API route and one page that fail with an exception no view
handles, for tests/security/test_api_errors.py. The error handlers are the project's."""

from django.urls import path

from paritrana import urls

# Django reads the error handlers from the root URLconf: the project's, or Django's own.
handler404 = getattr(urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(urls, "handler500", "django.views.defaults.server_error")


def _failing_api_view(request):
    raise RuntimeError("an exception no view handles")


def _failing_page(request):
    raise RuntimeError("an exception no view handles")


urlpatterns = [
    path("api/v1/failing/", _failing_api_view),
    path("failing/", _failing_page),
    *urls.urlpatterns,
]
