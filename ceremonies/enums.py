"""States and kinds of the ceremonies app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Verification(models.TextChoices):
    """What the public verification page says about a serial number."""

    VALID = "valid", pgettext_lazy("certificate", "Valid")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")
    # The award it certifies was withdrawn when the ranking was reopened.
    WITHDRAWN = "withdrawn", pgettext_lazy("certificate", "Award withdrawn")
    PENDING = "pending", pgettext_lazy("certificate", "Not issued yet")
    # A certificate of demo data (an edition built by seed_demo): it certifies nothing.
    SPECIMEN = "specimen", pgettext_lazy("certificate", "Specimen (demo data)")


# The statuses whose PDF may be downloaded (a specimen's carries its mark).
DOWNLOADABLE = (Verification.VALID, Verification.SPECIMEN)


class CertificateState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("certificate", "Waiting to be generated")
    GENERATED = "generated", pgettext_lazy("certificate", "Generated")
    FAILED = "failed", pgettext_lazy("certificate", "Generation failed")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")


# Signatories printed on a certificate: the page has room for three.
MAX_SIGNATORIES = 3

SCOPE_NATIONAL = _("National")
