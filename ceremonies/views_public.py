"""The public site's pages: no login, nothing that depends on the visitor, cached whole
(paritrana.public_cache) and cleared on publish, revoke and reopen."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from paritrana.public_cache import cached_public

from . import selectors


@require_safe
@cached_public
def verify(request, serial: str):
    """What a certificate's QR code opens: valid, revoked (when and why), its award withdrawn,
    or no such certificate (404)."""
    result = selectors.certificate_verification(serial)
    return render(
        request,
        "ceremonies/public/verify.html",
        {"result": result, "serial": serial},
        status=200 if result else 404,
    )
