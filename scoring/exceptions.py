"""Domain errors raised by the scoring services. Their messages are shown to users."""

from django.core.exceptions import ValidationError


class StageTransitionNotAllowed(ValidationError):
    """The stage cannot move from its state to the one asked for."""


class StageFinalised(ValidationError):
    """Nothing changes in a finalised stage unless a chair reopens it with a reason."""


class StageNotOpen(ValidationError):
    """The work asked for belongs to a stage that is not open."""


class RankingFinalised(ValidationError):
    """The ranking this change would touch is finalised."""


class FinalisationRefused(ValidationError):
    """Scores are missing or ties are unresolved: the ranking cannot be finalised yet."""
