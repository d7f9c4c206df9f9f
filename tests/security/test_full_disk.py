"""A full disk leaves nothing behind (issue 24, item 11): a legal product's document (branch page
and API), an import's file and a certificate's PDF that do not fit are not left truncated or
empty under MEDIA_ROOT, no record is written, and the person is told nothing was saved (503, a
page or JSON), not shown a 500. The disk is real: a 64 KB tmpfs mounted for the test, filled up
but for a few kilobytes (the tests run as root, as CI does), so the kernel answers ENOSPC."""

import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from rest_framework.test import APIClient

from candidates.models import Edition, ImportJob, LegalProduct
from candidates.spreadsheets import BUSINESS_COLUMNS
from ceremonies import services as ceremony_services
from ceremonies.models import Certificate
from tests.security.pdf_files import pdf, stream
from tests.security.test_uploads import (
    GORONTALO,
    api_legal_product,
    gorontalo_draft,
    in_language,
    media_files,
    post_legal_product,
    stored,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("published_demo_once")]

FULL = (
    "The server has no room left to store files, so nothing was saved. Try again later; if it "
    "happens again, tell the secretariat or the system administrator."
)
# Larger than the room left on the disk.
BIG_PDF = pdf(
    b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Page /Parent 2 0 R >>", stream(b"0" * 40_000)
)


@pytest.fixture
def full_disk(settings, tmp_path):
    """MEDIA_ROOT on a 64 KB tmpfs with 8 KB left."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], check=True)
    try:
        (disk / "filler").write_bytes(b"\0" * 56 * 1024)
        settings.MEDIA_ROOT = disk / "media"
        settings.MEDIA_ROOT.mkdir()
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.fixture
def staff(demo_accounts):
    return demo_accounts[GORONTALO]


@pytest.fixture
def draft(staff, published_demo):
    return gorontalo_draft(staff)


def test_a_document_that_does_not_fit_leaves_nothing_from_the_branch_page(
    client, staff, draft, full_disk
):
    client.force_login(staff)
    before = stored()

    response = client.post(
        f"/branch/nominations/{draft.pk}/legal-products/",
        {
            "type": "perda",
            "number": "7",
            "year": "2020",
            "title": "Perlindungan Pekerja Rentan",
            "pdf": SimpleUploadedFile("perda.pdf", BIG_PDF, content_type="application/pdf"),
        },
    )

    assert response.status_code == 503
    assert escape(in_language("id", FULL)) in response.content.decode()
    assert stored() == before
    assert media_files() == []


def test_a_document_that_does_not_fit_leaves_nothing_through_the_api(staff, draft, full_disk):
    api = APIClient()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    api.force_authenticate(staff)
    before = stored()

    response = api_legal_product(api, draft, "perda.pdf", BIG_PDF)

    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.json() == {"detail": FULL}
    assert stored() == before
    assert LegalProduct.objects.filter(nomination=draft).exists() is False


def test_an_import_that_does_not_fit_leaves_nothing(client, staff, published_demo, full_disk):
    header = ";".join(c.header for c in BUSINESS_COLUMNS)
    rows = "\n".join(f"7577{i:04d};PT Contoh {i};;besar;75.71" for i in range(800))
    client.force_login(staff)
    before = stored()

    response = client.post(
        "/branch/import/",
        {
            "kind": "business",
            "edition": Edition.objects.get(year=2021).pk,
            "file": SimpleUploadedFile("usaha.csv", f"{header}\n{rows}\n".encode()),
        },
    )

    assert response.status_code == 503
    assert escape(in_language("id", FULL)) in response.content.decode()
    assert stored() == before
    assert ImportJob.objects.count() == before["import_jobs"]


def test_a_certificate_that_does_not_fit_leaves_nothing(published_demo, demo_accounts, full_disk):
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    Certificate.objects.filter(pk=certificate.pk).update(file="", generated_at=None)

    with pytest.raises(OSError, match="No space left on device"):
        ceremony_services.certificate_generate(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert (certificate.file.name, certificate.generated_at) == ("", None)
    assert media_files() == []


def test_a_document_that_fits_is_still_stored(client, staff, draft, full_disk, demo_accounts):
    client.force_login(staff)

    response = post_legal_product(client, draft, "perda.pdf", pdf())

    product = LegalProduct.objects.get(nomination=draft)
    assert response.status_code == 200
    assert media_files() == [product.pdf.name]
