"""The steps of a real login, as a person takes them: the login form, then the code form."""

import re
import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.messages import get_messages

PASSWORD = "paritrana-demo-2026"  # the demo accounts' password (create_demo_accounts)
LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"
ACTIVATE = "/accounts/2fa/totp/activate/"
RECOVERY_CODES = "/accounts/2fa/recovery-codes/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def totp_code(secret: str, periods_ahead: int = 0) -> str:
    """The code an authenticator app with `secret` shows now (computed with allauth's helpers)."""
    counter = int(time.time()) // app_settings.TOTP_PERIOD + periods_ahead
    return format_hotp_value(hotp_value(secret, counter))


def wrong_code(secret: str) -> str:
    """A six-digit code that is not the right one now."""
    right = totp_code(secret)
    return "000000" if right != "000000" else "111111"


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def give_code(client, code: str):
    return client.post(CODE, {"code": code})


def text(response) -> str:
    return response.content.decode()


def shown_secret(page: str) -> str:
    """The secret the activation page shows next to its QR code."""
    return re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")
