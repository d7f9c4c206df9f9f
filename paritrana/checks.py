"""Deployment checks of Paritrana's own (`manage.py check --deploy`, `make check-deploy`)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


def _is_loopback(host: str) -> bool:
    """localhost (and its subdomains), 127.0.0.0/8, ::1, and the unspecified 0.0.0.0 and ::."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    """SITE_URL is the public address certificates print in their QR code and verification link
    (ceremonies.certificates). Unset it is http://127.0.0.1:8000, which no recipient's phone can
    open; with DEBUG off, that or any loopback address is an error."""
    if settings.DEBUG:
        return []
    url = settings.SITE_URL
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # an unbalanced [ in the host
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        return [
            Error(
                f"SITE_URL is {url!r}, not an http(s) address with a host: certificates' QR "
                "codes and verification links are built from it.",
                hint="Set SITE_URL to the public address the site is served at, e.g. "
                "https://paritrana.example.id.",
                id="paritrana.E001",
            )
        ]
    if _is_loopback(host):
        return [
            Error(
                f"SITE_URL is {url} (not set, or a loopback address): certificates' QR codes "
                "and verification links would point at the server itself, which no reader "
                "can open.",
                hint="Set SITE_URL to the public address the site is served at, e.g. "
                "https://paritrana.example.id. Certificates generated with the wrong address "
                "are mended by re-rendering them (the ceremony's page, secretariat).",
                id="paritrana.E002",
            )
        ]
    return []
