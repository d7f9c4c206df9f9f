"""Certificates: what the PDF says (read back from the file), its link to the verification page,
generation once per certificate, nothing sent when the transaction rolls back, hostile names,
revocation; and the publication rules they depend on."""

import io
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from pypdf import PdfReader

from candidates.models import Candidate, Edition
from ceremonies import selectors, services, tasks
from ceremonies.certificates import certificate_html, qr_svg, verification_url
from ceremonies.enums import Verification
from ceremonies.exceptions import CertificatesRefused, PublicationRefused
from ceremonies.models import Certificate, CertificateBatch, Publication
from ceremonies.services import Person
from paritrana.pdf import render_pdf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("demo_once", "tasks_in_process"),
]


def _issue(ceremony, run_tasks, actor=None):
    with run_tasks(execute=True):
        return services.certificates_issue(actor=actor, ceremony=ceremony)


def _bekasi_certificate(published_demo) -> Certificate:
    return Certificate.objects.get(
        ceremony=published_demo["national_2020"], nomination__candidate=published_demo["bekasi"]
    )


def _pdf(certificate: Certificate) -> PdfReader:
    certificate.refresh_from_db()
    with certificate.file.open("rb") as file:
        return PdfReader(io.BytesIO(file.read()))


def _links(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/URI"):
                uris.append(str(action["/URI"]))
    return uris


def _unissued(ceremony):
    """The ceremony as before anyone issued its certificates (the fixture issues them)."""
    CertificateBatch.objects.filter(ceremony=ceremony).delete()
    ceremony.certificates.all().delete()
    return ceremony


def _media_pdfs() -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).glob("certificates/**/*.pdf"))


def test_certificate_pdf_holds_recipient_category_label_and_serial(
    published_demo, django_capture_on_commit_callbacks
):
    batch = _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    reader = _pdf(certificate)
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    for expected in (
        "Pemerintah Kota Bekasi",
        "Kota Bekasi, Jawa Barat",
        "Peringkat III",
        "Pemerintah Kabupaten/Kota",
        certificate.serial,
        "Piagam Penghargaan",
        "Muhadjir Effendy",
        "Anggoro Eko Cahyo",
        "9 September 2021",
    ):
        assert expected in text, expected
    assert selectors.batch_progress(batch)["percent"] == 100


def test_certificate_qr_code_and_link_lead_to_its_verification_page(
    published_demo, django_capture_on_commit_callbacks, client
):
    Edition.objects.update(is_demo=False)  # a real edition: the certificate is valid
    _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    url = f"{settings.SITE_URL}/verify/{certificate.serial}/"
    assert verification_url(certificate) == url
    # The PDF's QR code and the printed address are both links to the verification page.
    links = _links(_pdf(certificate))
    assert set(links) == {url}
    assert len(links) >= 2  # the QR code and the printed address (one link per line it spans)
    # The QR code drawn is the one segno makes for that address.
    assert qr_svg(url) in certificate_html(certificate)
    page = client.get(f"/verify/{certificate.serial}/")
    assert page.status_code == 200
    assert page.context["result"].status == Verification.VALID


def test_generating_twice_leaves_one_certificate_and_one_file(
    published_demo, django_capture_on_commit_callbacks
):
    ceremony = published_demo["national_2020"]
    first = _issue(ceremony, django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    generated_at, name = certificate.generated_at, certificate.file.name
    # The same task delivered twice, then the whole batch asked for again.
    tasks.generate_certificate.delay(certificate_id=certificate.pk)
    tasks.generate_certificate.delay(certificate_id=certificate.pk)
    second = _issue(ceremony, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    assert (certificate.generated_at, certificate.file.name) == (generated_at, name)
    assert Certificate.objects.filter(ceremony=ceremony).count() == 3
    assert len(_media_pdfs()) == 3
    assert set(first.certificates.all()) == set(second.certificates.all())
    assert selectors.batch_progress(second) == {
        "done": 3,
        "failed": 0,
        "waiting": 0,
        "total": 3,
        "percent": 100,
        "finished": True,
    }


def test_a_file_left_by_a_killed_worker_is_overwritten_not_doubled(
    published_demo, django_capture_on_commit_callbacks
):
    ceremony = published_demo["national_2020"]
    with django_capture_on_commit_callbacks(execute=False):
        services.certificates_issue(actor=None, ceremony=ceremony)
    certificate = _bekasi_certificate(published_demo)
    leftover = Path(settings.MEDIA_ROOT) / f"certificates/2020/{certificate.serial}.pdf"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a PDF")  # written, then the worker died before its commit
    tasks.generate_certificate.delay(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.file.name == f"certificates/2020/{certificate.serial}.pdf"
    assert leftover.read_bytes().startswith(b"%PDF")
    assert _media_pdfs() == [leftover]


def test_a_rolled_back_transaction_enqueues_nothing(
    published_demo, django_capture_on_commit_callbacks
):
    ceremony = _unissued(published_demo["national_2020"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.certificates_issue(actor=None, ceremony=ceremony)
        raise RuntimeError("the request failed after the batch was started")
    assert callbacks == []
    assert Certificate.objects.filter(ceremony=ceremony).count() == 0
    assert CertificateBatch.objects.filter(ceremony=ceremony).count() == 0
    assert _media_pdfs() == []


def test_tasks_are_sent_only_after_the_commit(published_demo, django_capture_on_commit_callbacks):
    ceremony = _unissued(published_demo["national_2020"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = services.certificates_issue(actor=None, ceremony=ceremony)
    assert len(callbacks) == 1
    assert Certificate.objects.filter(ceremony=ceremony, generated_at__isnull=True).count() == 3
    assert selectors.batch_progress(batch)["percent"] == 0
    callbacks[0]()
    assert selectors.batch_progress(batch)["percent"] == 100


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listening_server():
    """A server the PDF must never call: any request it receives is recorded."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()


def test_a_hostile_recipient_name_is_printed_as_text_and_fetches_nothing(
    published_demo, django_capture_on_commit_callbacks, listening_server
):
    origin, hits = listening_server
    bekasi = published_demo["bekasi"]
    hostile = (
        f'Kota <img src="{origin}/img.png"> <link rel="stylesheet" href="{origin}/x.css">'
        f"<style>@import url({origin}/y.css)</style> {origin}/z"
    )
    Candidate.objects.filter(pk=bekasi.pk).update(name=hostile)
    _unissued(published_demo["national_2020"])
    _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    text = _pdf(certificate).pages[0].extract_text()
    assert certificate.recipient == hostile
    assert f'<img src="{origin}/img.png">' in text.replace("\n", " ")
    assert hits == []


def test_the_pdf_renderer_refuses_remote_and_file_urls_even_in_raw_markup(listening_server):
    origin, hits = listening_server
    html = (
        f'<link rel="stylesheet" href="{origin}/x.css"><img src="{origin}/a.png">'
        '<img src="file:///etc/passwd"><img src="/static/../../etc/passwd">Hello'
    )
    pdf = render_pdf(html, base_url=f"{settings.SITE_URL}/verify/X/")
    assert pdf.startswith(b"%PDF")
    assert hits == []


def test_revoked_certificate_verifies_as_revoked(
    published_demo, django_capture_on_commit_callbacks, demo_accounts, client
):
    _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    admin = demo_accounts["admin@paritrana.test"]
    services.certificate_revoke(actor=admin, certificate=certificate, reason="Salah cetak nama.")
    result = selectors.certificate_verification(certificate.serial)
    assert (result.status, result.certificate.revoked_reason) == (
        Verification.REVOKED,
        "Salah cetak nama.",
    )
    assert result.certificate.revoked_by == admin
    # Issuing again does not bring it back.
    batch = _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    assert certificate not in batch.certificates.all()
    assert batch.total == 2
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=admin, certificate=certificate, reason="again")


def test_revocation_needs_the_secretariat_and_a_reason(
    published_demo, django_capture_on_commit_callbacks, demo_accounts
):
    _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(
            actor=demo_accounts["ketua.juri@paritrana.test"], certificate=certificate, reason="x"
        )
    with pytest.raises(ValidationError) as refused:
        services.certificate_revoke(
            actor=demo_accounts["admin@paritrana.test"], certificate=certificate, reason="  "
        )
    assert refused.value.message_dict == {"reason": ["Berikan alasan pencabutan piagam."]}
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_a_withdrawn_award_makes_its_certificate_verify_as_withdrawn(
    published_demo, django_capture_on_commit_callbacks
):
    _issue(published_demo["national_2020"], django_capture_on_commit_callbacks)
    certificate = _bekasi_certificate(published_demo)
    certificate.award.withdrawn_at = certificate.generated_at
    certificate.award.save(update_fields=["withdrawn_at"])
    assert selectors.certificate_verification(certificate.serial).status == Verification.WITHDRAWN


def test_provincial_certificates_are_the_provinces_labels(
    published_demo, django_capture_on_commit_callbacks
):
    batch = _issue(published_demo["jabar_2018"], django_capture_on_commit_callbacks)
    bekasi = batch.certificates.get(nomination__candidate=published_demo["bekasi"])
    assert (bekasi.title, bekasi.category_name, bekasi.serial[:12]) == (
        "Peringkat I",
        "Pemerintah Kabupaten/Kota",
        "PRT-2018-32-",
    )
    text = _pdf(bekasi).pages[0].extract_text()
    assert "Ridwan Kamil" in text
    assert "Aula Gedung Sate, Bandung, 11 Januari 2019" in text
    assert len({c.serial for c in batch.certificates.all()}) == batch.total


def test_certificates_wait_for_the_publication_and_the_signatories(demo, demo_accounts):
    admin = demo_accounts["admin@paritrana.test"]
    edition = Edition.objects.get(year=2020)
    ceremony = services.ceremony_save(
        actor=admin,
        edition=edition,
        title="Penyerahan 2020",
        held_on=date(2021, 9, 9),
        place="Jakarta",
        handing_over=[Person("Ma'ruf Amin", "Wakil Presiden")],
        signatories=[Person("Muhadjir Effendy", "Menko PMK")],
    )
    with pytest.raises(CertificatesRefused):
        services.certificates_issue(actor=admin, ceremony=ceremony)
    assert Certificate.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.results_publish(actor=demo_accounts["ketua.juri@paritrana.test"], edition=edition)
    services.results_publish(actor=admin, edition=edition)
    with pytest.raises(PublicationRefused):
        services.results_publish(actor=admin, edition=edition)
    assert Publication.objects.filter(edition=edition).count() == 1


def test_results_not_final_are_refused_publication_and_nothing_is_written(demo, demo_accounts):
    admin = demo_accounts["admin@paritrana.test"]
    with pytest.raises(PublicationRefused) as refused:
        services.results_publish(actor=admin, edition=Edition.objects.get(year=2021))
    assert refused.value.messages == [
        "Peringkat nasional “Pemerintah Kabupaten/Kota” belum disahkan."
    ]
    assert Publication.objects.count() == 0


def test_ceremony_needs_a_place_or_video_link_and_named_officials(demo, demo_accounts):
    admin = demo_accounts["admin@paritrana.test"]
    with pytest.raises(ValidationError) as refused:
        services.ceremony_save(
            actor=admin,
            edition=Edition.objects.get(year=2020),
            title="Penyerahan 2020",
            held_on=date(2021, 9, 9),
            video_link="http://zoom.example/x",
            handing_over=[],
            signatories=[Person("A", "1"), Person("B", "2"), Person("C", "3"), Person("D", "4")],
        )
    assert set(refused.value.message_dict) == {"video_link", "handing_over", "signatories"}
    assert not Edition.objects.get(year=2020).ceremonies.exists()
