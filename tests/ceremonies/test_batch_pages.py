"""Generating certificates through the secretariat's pages: the batch page and its progress
block (polling while the worker runs, still when finished), the ZIP of a batch, generating
twice, refusals that write nothing, and pages whose queries do not grow with the certificates."""

import io
import zipfile

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from candidates.models import Nomination
from ceremonies import services
from ceremonies.models import Ceremony, Certificate, CertificateBatch
from ceremonies.services import Person

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("published_demo_once", "tasks_in_process"),
]


ADMIN = "admin@paritrana.test"


@pytest.fixture
def admin_client(client, published_demo, demo_accounts):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(demo_accounts[ADMIN])
    return client


def _counts() -> tuple:
    return (
        Certificate.objects.count(),
        CertificateBatch.objects.count(),
        list(Certificate.objects.order_by("pk").values_list("file", "generated_at", "error")),
    )


def _generate(client, ceremony, run_tasks):
    with run_tasks(execute=True):
        response = client.post(reverse("ceremonies:certificates_issue", args=[ceremony.pk]))
    assert response.status_code == 302
    batch = CertificateBatch.objects.latest("pk")
    assert response.url == reverse("ceremonies:batch", args=[batch.pk])
    return batch


def _zip_names(client, batch) -> dict[str, bytes]:
    response = client.get(reverse("ceremonies:batch_zip", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: archive.read(name) for name in archive.namelist()}


def _media_files() -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.pdf")) if root.exists() else []


def test_generate_the_2020_certificates_through_the_pages(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    ceremony = published_demo["national_2020"]
    page = admin_client.get(reverse("ceremonies:ceremony", args=[ceremony.pk])).content.decode()
    assert reverse("ceremonies:certificates_issue", args=[ceremony.pk]) in page
    assert "Pemerintah Kota Bekasi" in page

    batch = _generate(admin_client, ceremony, django_capture_on_commit_callbacks)
    certificates = list(batch.certificates.order_by("serial"))
    assert len(certificates) == batch.total == 3
    page = admin_client.get(reverse("ceremonies:batch", args=[batch.pk])).content.decode()
    assert "Generating 3 certificates in the background." in page
    assert '<progress id="batch-progress-bar" max="3" value="3">100 %</progress>' in page
    assert "(100 %)" in page
    assert 'data-count="done">3<' in page and 'data-count="failed">0<' in page
    assert 'data-count="waiting">0<' in page
    assert "hx-get" not in page

    files = _zip_names(admin_client, batch)
    assert sorted(files) == [f"{c.serial}.pdf" for c in certificates]
    assert all(content.startswith(b"%PDF") for content in files.values())
    for certificate in certificates:
        with certificate.file.open("rb") as pdf:
            assert files[f"{certificate.serial}.pdf"] == pdf.read()

    # The ceremony page links every PDF.
    page = admin_client.get(reverse("ceremonies:ceremony", args=[ceremony.pk])).content.decode()
    for certificate in certificates:
        assert reverse("ceremonies:certificate_pdf", args=[certificate.pk]) in page
        assert f'data-certificate="{certificate.serial}" data-state="generated"' in page


def test_generating_twice_gives_the_same_certificates_and_files(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    ceremony = published_demo["national_2020"]
    first = _generate(admin_client, ceremony, django_capture_on_commit_callbacks)
    certificates = list(Certificate.objects.order_by("pk").values_list("pk", "serial", "file"))
    files = _media_files()
    first_zip = _zip_names(admin_client, first)

    second = _generate(admin_client, ceremony, django_capture_on_commit_callbacks)
    assert second.pk != first.pk
    assert list(Certificate.objects.order_by("pk").values_list("pk", "serial", "file")) == (
        certificates
    )
    assert _media_files() == files
    assert _zip_names(admin_client, second) == first_zip
    page = admin_client.get(reverse("ceremonies:batch", args=[second.pk])).content.decode()
    assert '<progress id="batch-progress-bar" max="3" value="3">100 %</progress>' in page


def test_the_progress_block_polls_while_the_worker_runs_and_stops_when_finished(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    # The fixture issued the certificates without running the tasks: the batch is running.
    batch = CertificateBatch.objects.get(ceremony=published_demo["national_2020"])
    url = reverse("ceremonies:batch_progress", args=[batch.pk])
    for page_url in (url, reverse("ceremonies:batch", args=[batch.pk])):
        page = admin_client.get(page_url).content.decode()
        assert f'hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"' in page
        assert '<progress id="batch-progress-bar" max="3" value="0">0 %</progress>' in page
        assert 'data-count="waiting">3<' in page
        assert 'data-finished="false"' in page
    partial = admin_client.get(url).content.decode()
    assert "<html" not in partial  # the block alone
    assert f'<a href="{reverse("ceremonies:batch", args=[batch.pk])}">Refresh</a>' in partial
    assert reverse("ceremonies:batch_zip", args=[batch.pk]) not in partial

    with django_capture_on_commit_callbacks(execute=True):
        for certificate in batch.certificates.all():
            services.certificate_generate(certificate_id=certificate.pk)
    partial = admin_client.get(url).content.decode()
    assert "hx-get" not in partial and "hx-trigger" not in partial
    assert 'data-finished="true"' in partial
    assert '<progress id="batch-progress-bar" max="3" value="3">100 %</progress>' in partial
    assert reverse("ceremonies:batch_zip", args=[batch.pk]) in partial


def test_failed_certificates_show_their_error_and_generate_again(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    ceremony = published_demo["national_2020"]
    batch = CertificateBatch.objects.get(ceremony=ceremony)
    failing, *others = list(batch.certificates.order_by("pk"))
    for certificate in others:
        services.certificate_generate(certificate_id=certificate.pk)
    services.certificate_failed(certificate_id=failing.pk, error="OSError('font missing')")
    page = admin_client.get(reverse("ceremonies:batch", args=[batch.pk])).content.decode()
    assert "hx-get" not in page
    assert '<progress id="batch-progress-bar" max="3" value="2">66 %</progress>' in page
    assert 'data-count="failed">1<' in page
    assert f"<strong>{failing.serial}</strong>" in page
    assert "OSError(&#x27;font missing&#x27;)" in page
    assert "Generate again" in page
    assert reverse("ceremonies:certificates_issue", args=[ceremony.pk]) in page

    again = _generate(admin_client, ceremony, django_capture_on_commit_callbacks)
    failing.refresh_from_db()
    assert (failing.error, failing.generated_at is not None) == ("", True)
    assert Certificate.objects.filter(ceremony=ceremony).count() == 3
    page = admin_client.get(reverse("ceremonies:batch", args=[again.pk])).content.decode()
    assert '<progress id="batch-progress-bar" max="3" value="3">100 %</progress>' in page
    assert "Generate again" not in page


def test_generating_before_publication_is_refused_and_writes_nothing(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    ceremony = services.ceremony_save(
        actor=None,
        edition=published_demo["2021"],
        title="Penyerahan 2021",
        held_on=timezone.localdate(),
        place="Jakarta",
        handing_over=[Person("Wakil Presiden", "Republik Indonesia")],
        signatories=[Person("Menko PMK", "Kemenko PMK")],
    )
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(reverse("ceremonies:certificates_issue", args=[ceremony.pk]))
    assert (response.status_code, response.url) == (
        302,
        reverse("ceremonies:ceremony", args=[ceremony.pk]),
    )
    assert callbacks == []
    assert _counts() == before
    page = admin_client.get(response.url).content.decode()
    assert (
        "No certificate was generated: Publish these results first: a certificate must be "
        "verifiable by the public." in page
    )


def test_an_unreachable_broker_is_refused_and_writes_nothing(
    admin_client, published_demo, settings
):
    from paritrana.celery import app

    ceremony = published_demo["national_2020"]
    before = _counts()
    conf = app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    try:
        response = admin_client.post(reverse("ceremonies:certificates_issue", args=[ceremony.pk]))
    finally:
        conf.task_always_eager, conf.broker_url = saved
    assert (response.status_code, response.url) == (
        302,
        reverse("ceremonies:ceremony", args=[ceremony.pk]),
    )
    assert _counts() == before
    page = admin_client.get(response.url).content.decode()
    assert "The background task service cannot be reached, so nothing was started." in page


def test_a_batch_without_generated_pdfs_has_no_zip(admin_client, published_demo):
    batch = CertificateBatch.objects.get(ceremony=published_demo["national_2020"])
    response = admin_client.get(reverse("ceremonies:batch_zip", args=[batch.pk]))
    assert (response.status_code, response.url) == (
        302,
        reverse("ceremonies:batch", args=[batch.pk]),
    )
    page = admin_client.get(response.url).content.decode()
    assert "No certificate of this batch is generated yet." in page


def test_the_zip_leaves_out_revoked_certificates(
    admin_client, published_demo, django_capture_on_commit_callbacks
):
    batch = _generate(
        admin_client, published_demo["national_2020"], django_capture_on_commit_callbacks
    )
    revoked, *kept = list(batch.certificates.order_by("serial"))
    services.certificate_revoke(actor=None, certificate=revoked, reason="Salah")
    assert sorted(_zip_names(admin_client, batch)) == [f"{c.serial}.pdf" for c in kept]


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the certificates


def _add_certificates(ceremony: Ceremony, batch: CertificateBatch, count: int) -> None:
    """Provincial-style certificates (no award) of other nominations, in every state."""
    taken = ceremony.certificates.values("nomination_id")
    nominations = list(Nomination.objects.exclude(pk__in=taken).order_by("pk")[:count])
    assert len(nominations) == count
    now = timezone.now()
    created = []
    for i, nomination in enumerate(nominations):
        state = i % 3
        created.append(
            Certificate.objects.create(
                ceremony=ceremony,
                nomination=nomination,
                serial=f"PRT-TEST-{ceremony.pk}-{nomination.pk}",
                title="Peringkat I",
                recipient=f"Penerima {i}",
                category_name="Kategori",
                file=f"certificates/test/{i}.pdf" if state == 0 else "",
                generated_at=now if state == 0 else None,
                error="boom" if state == 1 else "",
            )
        )
    batch.certificates.add(*created)
    batch.total += count
    batch.save(update_fields=["total"])


@pytest.mark.parametrize("page", ["ceremony", "batch", "batch_progress"])
def test_queries_do_not_grow_with_the_certificates(
    admin_client, published_demo, django_assert_num_queries, page
):
    ceremony = published_demo["national_2020"]
    batch = CertificateBatch.objects.get(ceremony=ceremony)
    url = reverse(f"ceremonies:{page}", args=[ceremony.pk if page == "ceremony" else batch.pk])
    _add_certificates(ceremony, batch, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_client.get(url)  # caches warm (whether the site runs on demo data), as when serving
    with CaptureQueriesContext(connection) as small:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-certificate=") == (
        6 if page != "batch_progress" else 0
    )

    _add_certificates(ceremony, batch, 12)
    with django_assert_num_queries(len(small)):
        response = admin_client.get(url)
    assert response.status_code == 200
    if page != "batch_progress":
        assert response.content.decode().count("data-certificate=") == 18
    else:
        assert 'data-count="failed">5<' in response.content.decode()
