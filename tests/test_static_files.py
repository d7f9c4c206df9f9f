"""The static files as production collects and serves them (issue 24): `collectstatic` with the
manifest storage (DEBUG off) succeeds on every file, a page names the hashed files and
WhiteNoise serves them. The rest of the suite renders with plain static storage, which checks
nothing a file refers to.

Production's storage is whitenoise's CompressedManifestStaticFilesStorage: Django's manifest
storage, which hashes the files and fails on a file a stylesheet or script names but nobody
shipped, plus gzip and Brotli copies of every file (24 s here). The test collects with the
manifest storage once for the module; CI runs the production storage itself (.ci/run:
collectstatic as the Dockerfile runs it, then the page and the hashed file through gunicorn)."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

from paritrana import settings as project_settings

pytestmark = pytest.mark.django_db
CHART = "vendor/chartjs/chart.umd.min.js"


MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The static files collected once, with the manifest storage, DEBUG off."""
    root = tmp_path_factory.mktemp("static")
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages, DEBUG=False):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def collected(settings, static_root):
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_production_uses_the_manifest_storage():
    assert project_settings.STORAGES["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_collectstatic_hashes_every_file_with_the_manifest_storage(collected, settings):
    assert re.fullmatch(r"vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js", collected[CHART])
    assert (settings.STATIC_ROOT / collected[CHART]).read_bytes() == (
        settings.BASE_DIR / "static" / CHART
    ).read_bytes()
    # No vendored file names a file that is not shipped (the Chart.js source map was one).
    shipped = {path.relative_to(settings.BASE_DIR / "static").as_posix()
               for path in (settings.BASE_DIR / "static").rglob("*") if path.is_file()}  # fmt: skip
    assert shipped <= set(collected)


def test_a_page_names_the_hashed_files_and_they_are_served(collected, published_demo):
    client = Client()
    page = client.get("/results/2020/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<script src="/static/{collected[CHART]}" defer></script>' in html
    assert f"/static/{CHART}" not in html

    served = client.get(f"/static/{collected[CHART]}")
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/javascript")
    assert b"".join(served.streaming_content).startswith(b"/*!\n * Chart.js v4.6.1")
