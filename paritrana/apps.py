from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParitranaConfig(AppConfig):
    name = "paritrana"
    verbose_name = _("Paritrana")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
