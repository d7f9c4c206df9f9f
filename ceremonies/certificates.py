"""A certificate's PDF: the template rendered in Bahasa Indonesia, its QR code pointing at the
public verification page, through the project's restricted PDF renderer (paritrana.pdf), so
that nothing a recipient's name holds can make WeasyPrint fetch anything."""

import zipfile
from datetime import date
from tempfile import SpooledTemporaryFile

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override

from candidates.models import Edition
from paritrana.pdf import render_pdf

from .models import Ceremony, Certificate, CertificateBatch, Official

# A batch's ZIP stays in memory up to this size, then goes to a temporary file.
ZIP_IN_MEMORY = 16 * 1024 * 1024


def verification_url(certificate: Certificate) -> str:
    return f"{settings.SITE_URL}{certificate.verification_path()}"


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (segno writes it; no data: or remote URL to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#1d2733")


def certificate_html(certificate: Certificate, signatories=None) -> str:
    """The certificate's page; `signatories` (the ceremony's signing officials) if known."""
    url = verification_url(certificate)
    ceremony = certificate.ceremony
    if signatories is None:
        signatories = [o for o in ceremony.officials.all() if o.signs]
    with override("id"):
        return render_to_string(
            "ceremonies/certificate.html",
            {
                "certificate": certificate,
                "ceremony": ceremony,
                "edition": ceremony.edition,
                "signatories": signatories,
                "verification_url": url,
                # segno's own markup: the URL is ours, the recipient's text is not in it.
                "qr": mark_safe(qr_svg(url)),  # noqa: S308
            },
        )


def certificate_pdf(certificate: Certificate, signatories=None) -> bytes:
    return render_pdf(
        certificate_html(certificate, signatories),
        base_url=f"{settings.SITE_URL}{certificate.verification_path()}",
    )


def warm_up() -> bytes:
    """Render a sample certificate, touching no database: what the first certificate of a
    process pays once (WeasyPrint, the fonts, the template, the translations, the QR code
    encoder) is paid before a worker process takes its first task (ceremonies.tasks)."""
    ceremony = Ceremony(
        edition=Edition(year=2000),
        title="Penyerahan Penghargaan Paritrana",
        held_on=date(2000, 1, 1),
        place="Jakarta",
    )
    certificate = Certificate(
        ceremony=ceremony,
        serial="PRT-2000-N-00000000",
        title="Peringkat I",
        recipient="Pemerintah Kota Contoh",
        region="Kota Contoh, Provinsi Contoh",
        category_name="Pemerintah Kabupaten/Kota",
    )
    signatory = Official(name="Penanda Tangan", position="Jabatan", signs=True)
    return certificate_pdf(certificate, [signatory, signatory])


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
