"""Is a certificate's PDF the file that was generated? Its SHA-256 is written on the audit
record when it is generated (services.certificate_generate, action certificate.generate), where
the hash chain protects it; a file replaced on disk no longer matches it. The public download
serves only a file that matches (views_public.certificate_pdf), and `manage.py
verify_certificates` checks every generated certificate's file."""

import hashlib
import logging
from dataclasses import dataclass

from audit.models import AuditRecord

from .models import Certificate

logger = logging.getLogger("paritrana.security")

GENERATE = "certificate.generate"


def recorded_sha256(certificate: Certificate) -> str | None:
    """The fingerprint the audit record holds for the certificate's last generation."""
    new = (
        AuditRecord.objects.filter(
            target_type="ceremonies.certificate", target_id=str(certificate.pk), action=GENERATE
        )
        .order_by("-seq")
        .values_list("new", flat=True)
        .first()
    )
    return (new or {}).get("sha256")


@dataclass(frozen=True)
class FileCheck:
    certificate: Certificate
    problem: str  # "" when the file is the one generated
    content: bytes | None = None


def certificate_file_check(certificate: Certificate) -> FileCheck:
    """The certificate's file read and compared with its recorded fingerprint."""
    try:
        with certificate.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError):
        return FileCheck(certificate, "file missing")
    recorded = recorded_sha256(certificate)
    if recorded is None:
        return FileCheck(certificate, "no fingerprint on the audit record")
    actual = hashlib.sha256(content).hexdigest()
    if actual != recorded:
        return FileCheck(certificate, f"file changed: sha256 {actual}, recorded {recorded}")
    return FileCheck(certificate, "", content)


def certificate_content(certificate: Certificate) -> bytes | None:
    """The certificate's PDF when it is the file generated; None, logged on the security log,
    when it is missing or not that file."""
    check = certificate_file_check(certificate)
    if check.problem:
        logger.error(
            "Certificate %s not served: %s (%s)",
            certificate.serial,
            check.problem,
            certificate.file.name,
        )
        return None
    return check.content


def certificate_files_check() -> tuple[int, list[FileCheck]]:
    """Every generated certificate's file checked: how many, and those with a problem."""
    certificates = Certificate.objects.exclude(file="").filter(generated_at__isnull=False)
    problems, count = [], 0
    for certificate in certificates.order_by("pk").iterator(chunk_size=500):
        count += 1
        check = certificate_file_check(certificate)
        if check.problem:
            problems.append(check)
    return count, problems
