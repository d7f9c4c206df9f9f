"""Domain errors raised by the candidates services. Their messages are shown to users."""

from django.core.exceptions import PermissionDenied, ValidationError


class TransitionNotAllowed(ValidationError):
    """The nomination cannot move from its state to the one asked for."""


class NominationLocked(ValidationError):
    """The nomination's data cannot change in its state (submitted and not returned)."""


class OutOfScope(PermissionDenied):
    """The actor's roles do not cover this region, edition or nomination."""
