from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CeremoniesConfig(AppConfig):
    """What the public sees: ceremonies, awards, certificates, public pages (issue 6)."""

    name = "ceremonies"
    verbose_name = _("Ceremonies")
