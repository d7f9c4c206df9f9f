"""The project's own settings, as production runs them (DEBUG off, PostgreSQL, Redis), plus the
floor view the public page is measured beside (bench.urls)."""

from paritrana.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Production serves static files collected with a manifest (collectstatic); the benchmarks never
# fetch them, and the manifest only changes the static URLs a page renders once before it is
# cached, so they use the plain storage rather than collecting and compressing every file first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
