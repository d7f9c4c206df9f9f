from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    """How nominees are judged: stages, rubrics, panels, scores, rankings (issues 4–5)."""

    name = "scoring"
    verbose_name = _("Scoring")
