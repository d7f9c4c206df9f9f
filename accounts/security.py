"""The security log (logger `paritrana.security`): failed logins, refused second-factor codes and
refused authorisations, each with who and from where — never a password or a code."""

import logging

from allauth.core.internal.httpkit import get_client_ip

logger = logging.getLogger("paritrana.security")


def client_ip(request) -> str:
    """The client's address as the login throttle sees it (allauth's reading, which honours
    ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    if request is None:
        return "-"
    return get_client_ip(request) or "-"


def log_login_failed(request, credentials: dict) -> None:
    # The identifier is quoted with repr() so that a crafted one cannot forge log lines.
    given = credentials.get("email") or credentials.get("username") or credentials.get("login")
    logger.warning("Login failed for %r from %s", given or "", client_ip(request))


def log_mfa_failed(request, user) -> None:
    logger.warning("Two-factor code refused for user %s from %s", user.pk, client_ip(request))


def log_refused(request, status: int) -> None:
    # get_full_path() is percent-encoded, so a path cannot break the line either.
    user = getattr(request, "user", None)
    who = f"user {user.pk}" if user is not None and user.is_authenticated else "anonymous"
    logger.warning(
        "Refused %s %s %s for %s from %s",
        status,
        request.method,
        request.get_full_path(),
        who,
        client_ip(request),
    )
