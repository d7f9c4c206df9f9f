"""A certificate's PDF: the template rendered in Bahasa Indonesia, its QR code pointing at the
public verification page, through the project's restricted PDF renderer (paritrana.pdf), so
that nothing a recipient's name holds can make WeasyPrint fetch anything."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import override

from paritrana.pdf import render_pdf

from .models import Certificate


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
