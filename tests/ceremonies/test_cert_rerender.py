"""Rendering a ceremony's certificates again (issue 25, item 8): certificates generated while
SITE_URL pointed at the wrong address get new files whose QR code and printed address lead to
the current one, under the same serial numbers; the old files are replaced, the re-rendering is
on the audit record, and only the secretariat may do it, after a confirmation."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from audit.models import AuditRecord
from ceremonies import selectors, services
from ceremonies.certificates import certificate_html, qr_svg
from ceremonies.exceptions import CertificatesRefused
from ceremonies.integrity import certificate_file_check
from ceremonies.models import Certificate, CertificateBatch

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("published_demo_once", "tasks_in_process"),
]

ADMIN = "admin@paritrana.test"
WRONG = "http://127.0.0.1:8000"  # SITE_URL left unset
RIGHT = "https://paritrana.example.id"


def _pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.file.open("rb") as file:
        return file.read()


def _links(content: bytes) -> set[str]:
    uris = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/URI"):
                uris.add(str(action["/URI"]))
    return uris


def _text(content: bytes) -> str:
    return "".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())


def _media_pdfs() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).glob("certificates/**/*.pdf"))


def _state(ceremony) -> list[tuple]:
    return list(
        ceremony.certificates.order_by("pk").values_list("pk", "serial", "file", "generated_at")
    )


@pytest.fixture
def generated_at_the_wrong_address(
    published_demo, demo_accounts, settings, django_capture_on_commit_callbacks
):
    """The 2020 national certificates generated while SITE_URL was left at its default."""
    settings.SITE_URL = WRONG
    ceremony = published_demo["national_2020"]
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue(actor=demo_accounts[ADMIN], ceremony=ceremony)
    certificates = list(ceremony.certificates.order_by("pk"))
    assert len(certificates) == 3
    for certificate in certificates:
        assert _links(_pdf_bytes(certificate)) == {f"{WRONG}/verify/{certificate.serial}/"}
    return ceremony


def test_rerender_keeps_the_serials_and_replaces_the_files_with_the_new_address(
    generated_at_the_wrong_address, demo_accounts, settings, django_capture_on_commit_callbacks
):
    ceremony = generated_at_the_wrong_address
    admin = demo_accounts[ADMIN]
    before = {c.pk: (c.serial, c.file.name, _pdf_bytes(c)) for c in ceremony.certificates.all()}
    settings.SITE_URL = RIGHT

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.certificates_rerender(actor=admin, ceremony=ceremony)

    certificates = list(ceremony.certificates.order_by("pk"))
    assert {c.pk: (c.serial, c.file.name) for c in certificates} == {
        pk: (serial, name) for pk, (serial, name, _content) in before.items()
    }
    assert sorted(c.pk for c in batch.certificates.all()) == sorted(before)
    assert selectors.batch_progress(batch)["percent"] == 100
    old_contents = {content for _serial, _name, content in before.values()}
    for certificate in certificates:
        url = f"{RIGHT}/verify/{certificate.serial}/"
        content = _pdf_bytes(certificate)
        assert content not in old_contents
        # The QR code and the printed address lead to the new host; nothing to the old one.
        assert _links(content) == {url}
        assert url in _text(content)
        assert "127.0.0.1" not in _text(content)
        assert qr_svg(url) in certificate_html(certificate)
        # The new file's fingerprint is on the record: the public download serves it.
        assert certificate_file_check(certificate).problem == ""
    # One file a certificate, the old ones gone.
    assert [p.name for p in _media_pdfs()] == sorted(f"{s}.pdf" for s, _n, _c in before.values())
    assert {p.read_bytes() for p in _media_pdfs()} & old_contents == set()

    records = AuditRecord.objects.filter(action="certificate.rerender").order_by("seq")
    assert [
        (r.actor_id, r.target_id, r.new["serial"], r.new["site_url"], r.new["batch"])
        for r in records
    ] == [(admin.pk, str(c.pk), c.serial, RIGHT, batch.pk) for c in certificates]


def test_a_revoked_certificate_keeps_its_file(
    generated_at_the_wrong_address, demo_accounts, settings, django_capture_on_commit_callbacks
):
    ceremony = generated_at_the_wrong_address
    admin = demo_accounts[ADMIN]
    revoked = ceremony.certificates.order_by("pk").first()
    services.certificate_revoke(actor=admin, certificate=revoked, reason="Salah nama penerima.")
    content = _pdf_bytes(revoked)
    settings.SITE_URL = RIGHT
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.certificates_rerender(actor=admin, ceremony=ceremony)
    assert batch.total == 2
    assert revoked not in batch.certificates.all()
    revoked.refresh_from_db()
    assert _pdf_bytes(revoked) == content
    assert not AuditRecord.objects.filter(
        action="certificate.rerender", target_id=str(revoked.pk)
    ).exists()


def test_rerender_is_refused_to_anyone_but_the_secretariat_and_without_certificates(
    generated_at_the_wrong_address, published_demo, demo_accounts
):
    ceremony = generated_at_the_wrong_address
    state = _state(ceremony)
    for email in ("ketua.juri@paritrana.test", "auditor@paritrana.test"):
        with pytest.raises(PermissionDenied):
            services.certificates_rerender(actor=demo_accounts[email], ceremony=ceremony)
    provincial = published_demo["jabar_2018"]
    CertificateBatch.objects.filter(ceremony=provincial).delete()
    provincial.certificates.all().delete()
    with pytest.raises(CertificatesRefused) as refused, translation.override("en"):
        services.certificates_rerender(actor=demo_accounts[ADMIN], ceremony=provincial)
    assert refused.value.messages == [
        "This ceremony has no certificate to render again: generate them first."
    ]
    assert _state(ceremony) == state
    assert not AuditRecord.objects.filter(action="certificate.rerender").exists()


@pytest.mark.parametrize(
    ("language", "refusal", "done"),
    [
        (
            "en",
            "Tick the box to confirm rendering the certificates again.",
            "Rendering 3 certificates again in the background, with the same serial numbers.",
        ),
        (
            "id",
            "Centang kotak untuk mengonfirmasi pembuatan ulang piagam.",
            "Membuat ulang 3 piagam di latar belakang, dengan nomor seri yang sama.",
        ),
    ],
)
def test_the_secretariat_renders_again_from_the_ceremony_page_after_confirming(
    generated_at_the_wrong_address,
    client,
    demo_accounts,
    settings,
    django_capture_on_commit_callbacks,
    language,
    refusal,
    done,
):
    ceremony = generated_at_the_wrong_address
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(demo_accounts[ADMIN])
    settings.SITE_URL = RIGHT
    url = reverse("ceremonies:certificates_rerender", args=[ceremony.pk])
    page = client.get(reverse("ceremonies:ceremony", args=[ceremony.pk])).content.decode()
    assert f'action="{url}"' in page
    assert RIGHT in page.split('id="rerender"')[1].split("</section>")[0]
    assert client.get(url)["Location"] == reverse("ceremonies:ceremony", args=[ceremony.pk])

    # Not confirmed: the page again, the message at the box, nothing changed.
    state = _state(ceremony)
    batches = CertificateBatch.objects.count()
    refused = client.post(url, {})
    assert refused.status_code == 400
    section = refused.content.decode().split('id="rerender"')[1].split("</section>")[0]
    assert refusal in section
    assert (_state(ceremony), CertificateBatch.objects.count()) == (state, batches)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"})
    batch = CertificateBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("ceremonies:batch", args=[batch.pk])
    assert done in client.get(response["Location"]).content.decode()
    assert [s for _pk, s, _f, _g in _state(ceremony)] == [s for _pk, s, _f, _g in state]
    for certificate in ceremony.certificates.all():
        assert _links(_pdf_bytes(certificate)) == {f"{RIGHT}/verify/{certificate.serial}/"}
