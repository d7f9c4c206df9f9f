"""Deployment checks of Paritrana's own (`manage.py check --deploy`, `make check-deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_check(app_configs, **kwargs):
    """Behind the TLS proxy (BEHIND_TLS_PROXY) every request comes from the proxy's address:
    with TRUSTED_PROXY_COUNT 0 all clients share one address in the login throttle (ten failed
    logins a minute from anyone lock out everyone) and in the security log."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client has the "
                "proxy's address in the login throttle and the security log.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that set "
                "X-Forwarded-For (1 with docker-compose.yml's nginx), and publish no port of "
                "gunicorn's.",
                id="paritrana.W001",
            )
        ]
    return []
