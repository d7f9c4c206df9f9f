"""A certificate's PDF: the template rendered in Bahasa Indonesia, its QR code pointing at the
public verification page, through the project's restricted PDF renderer (paritrana.pdf), so
that nothing a recipient's name holds can make WeasyPrint fetch anything."""

import zipfile
from tempfile import SpooledTemporaryFile

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override

from paritrana.pdf import render_pdf

from .models import Certificate, CertificateBatch

# A batch's ZIP stays in memory up to this size, then goes to a temporary file.
ZIP_IN_MEMORY = 16 * 1024 * 1024


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}{certificate.verification_path()}"


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno writes it; no data: or remote URL to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#1d2733")


def certificate_html(certificate: Certificate) -> str:
    url = verification_url(certificate)
    ceremony = certificate.ceremony
    with override("id"):
        return render_to_string(
            "ceremonies/certificate.html",
            {
                "certificate": certificate,
                "ceremony": ceremony,
                "edition": ceremony.edition,
                "signatories": [o for o in ceremony.officials.all() if o.signs],
                "verification_url": url,
                # segno's own markup: the URL is ours, the recipient's text is not in it.
                "qr": mark_safe(qr_svg(url)),  # noqa: S308
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf(
        certificate_html(certificate),
        base_url=f"{settings.SITE_URL}{certificate.verification_path()}",
    )


def batch_archive(batch: CertificateBatch) -> tuple[SpooledTemporaryFile, int]:
    """The batch's generated PDFs (not the revoked ones) in one ZIP, each named <serial>.pdf,
    rewound for reading, and how many it holds. The caller closes it."""
    certificates = (
        batch.certificates.filter(generated_at__isnull=False, revoked_at__isnull=True)
        .exclude(file="")
        .order_by("serial")
    )
    archive = SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)  # noqa: SIM115 (the caller closes it)
    count = 0
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for certificate in certificates:
            try:
                with certificate.file.open("rb") as pdf:
                    zf.writestr(f"{certificate.serial}.pdf", pdf.read())
            except FileNotFoundError:
                continue  # shown as generated but its file is gone: generating again fixes it
            count += 1
    archive.seek(0)
    return archive, count
