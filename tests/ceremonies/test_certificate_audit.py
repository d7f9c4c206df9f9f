"""Publication, certificates and their revocation go on the audit record, with the PDF's
fingerprint."""

import hashlib

import pytest

from audit.models import AuditRecord
from audit.selectors import audit_verify
from ceremonies import services
from ceremonies.models import Certificate, Publication

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once")]


def test_certificates_issue_generate_and_revoke_are_recorded(
    published_demo, django_capture_on_commit_callbacks, demo_accounts, tasks_in_process
):
    admin = demo_accounts["admin@paritrana.test"]
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue(actor=admin, ceremony=published_demo["national_2020"])
    certificate = Certificate.objects.get(
        ceremony=published_demo["national_2020"], nomination__candidate=published_demo["bekasi"]
    )

    services.certificate_revoke(actor=admin, certificate=certificate, reason="Salah cetak nama.")

    records = AuditRecord.objects.filter(
        target_type="ceremonies.certificate", target_id=str(certificate.pk)
    ).order_by("seq")
    # The demo issued it (as the system); the admin's batch generates it.
    assert [(r.action, r.actor) for r in records] == [
        ("certificate.issue", "system"),
        ("certificate.generate", "system"),
        ("certificate.revoke", "admin@paritrana.test"),
    ]
    issued, generated, revoked = records
    assert issued.new["serial"] == certificate.serial
    assert issued.new["recipient"] == certificate.recipient
    with certificate.file.open("rb") as file:
        assert generated.new["sha256"] == hashlib.sha256(file.read()).hexdigest()
    assert generated.new["file"] == certificate.file.name
    assert revoked.reason == "Salah cetak nama."
    assert {r.nomination_id for r in records} == {certificate.nomination_id}
    assert audit_verify().intact


def test_publication_is_recorded(published_demo):
    publications = AuditRecord.objects.filter(action="results.publish").order_by("seq")

    assert [r.new for r in publications] == [
        {"edition": p.edition_id, "province": p.province_id}
        for p in Publication.objects.order_by("pk")
    ]
    assert [r.actor for r in publications] == ["system", "system"]  # the demo publishes them
