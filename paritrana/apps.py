from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParitranaConfig(AppConfig):
    name = "paritrana"
    verbose_name = _("Paritrana")
