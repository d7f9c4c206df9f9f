"""Domain errors raised by the ceremonies services. Their messages are shown to users."""

from django.core.exceptions import ValidationError

from paritrana.broker import BrokerUnavailable  # noqa: F401 - raised by the services


class PublicationRefused(ValidationError):
    """The results are not ready to be published (or already are)."""


class CertificatesRefused(ValidationError):
    """Certificates cannot be issued for this ceremony yet."""
