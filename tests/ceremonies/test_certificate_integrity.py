"""A certificate's PDF is served only when it is the file generated (issue 24): its SHA-256
against the one the audit record holds, on every public download and over every file with
`manage.py verify_certificates`."""

import logging

import pytest
from django.core.management import CommandError, call_command

from ceremonies.models import Certificate
from tests import demo_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_once", "tasks_in_process")]


@pytest.fixture
def generated(published_demo, django_capture_on_commit_callbacks):
    demo_data.generate_certificates(
        published_demo, django_capture_on_commit_callbacks, "national_2020"
    )
    return Certificate.objects.filter(
        ceremony=published_demo["national_2020"], nomination__candidate=published_demo["bekasi"]
    ).get()


def _download(client, certificate):
    return client.get(f"/verify/{certificate.serial.lower()}/certificate.pdf")


def _replace(certificate, content: bytes) -> None:
    with open(certificate.file.path, "wb") as file:
        file.write(content)


def test_the_file_generated_is_served(client, generated):
    response = _download(client, generated)
    assert response.status_code == 200
    with generated.file.open("rb") as file:
        assert b"".join(response.streaming_content) == file.read()


def test_a_file_replaced_on_disk_is_refused_and_logged(client, generated, caplog):
    _replace(generated, b"%PDF-1.4\nnot the certificate that was generated\n%%EOF\n")
    with caplog.at_level(logging.ERROR, logger="paritrana.security"):
        response = _download(client, generated)
    assert response.status_code == 404
    assert [r.getMessage().split(": file changed")[0] for r in caplog.records] == [
        f"Certificate {generated.serial} not served"
    ]
    # The verification page still says what the record says; the file is not offered.
    assert client.get(f"/verify/{generated.serial.lower()}/").status_code == 200


def test_verify_certificates_reports_every_file_that_is_not_the_one_generated(generated, capsys):
    count = Certificate.objects.filter(generated_at__isnull=False).count()
    call_command("verify_certificates")
    assert capsys.readouterr().out == f"Certificate files intact: {count} of {count}.\n"

    _replace(generated, b"%PDF-1.4\nswapped\n%%EOF\n")
    with pytest.raises(CommandError) as refused:
        call_command("verify_certificates")
    assert str(refused.value) == f"1 of {count} certificate files are NOT intact."
    err = capsys.readouterr().err
    assert err.startswith(f"{generated.serial}: file changed: sha256 ")
    assert err.count("\n") == 1
