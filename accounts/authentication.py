"""Personal API tokens (accounts.ApiToken) for integrations: `Authorization: Token prt_…`.

A token is looked up by its prefix and accepted when the SHA-256 digest of what was presented
equals the stored one (compared in constant time); the secret itself is stored nowhere. It is
refused with 401 and a JSON message when unknown, expired or revoked; with 403 on a write
(POST, PUT, PATCH, DELETE) when it is read-only, and for accounts that must use two-factor
authentication at once (a bearer secret cannot carry the second factor: the secretariat, the
chairs and the jurors use the API through their browser session). What it reaches is the user's
scope within the token's edition (paritrana.api.token_edition). The public API takes no
credentials at all, so it answers a refused token like anybody else.
"""

import hmac

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from .models import ApiToken
from .rules import must_use_mfa_at_once
from .services import api_token_digest, api_token_split, api_token_used

KEYWORD = "Token"


class TokenRefused(exceptions.APIException):
    """401 whatever the other authentication classes say (DRF answers AuthenticationFailed
    with 403 when the first class, the session's, names no challenge)."""

    status_code = 401
    default_code = "authentication_failed"
    auth_header = KEYWORD


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise TokenRefused(_("Invalid token header: give `Token` and the token, nothing else."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise TokenRefused(_("Invalid token.")) from None
        return self.authenticate_credentials(secret, request)

    def authenticate_credentials(self, secret, request):
        prefix = api_token_split(secret)
        token = (
            ApiToken.objects.select_related("user", "edition").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if token is None or not hmac.compare_digest(token.digest, api_token_digest(secret)):
            raise TokenRefused(_("Invalid token."))
        if token.revoked_at is not None:
            raise TokenRefused(_("This token was revoked."))
        if token.expires_at <= timezone.now():
            raise TokenRefused(_("This token has expired."))
        user = token.user
        if not user.is_active:
            raise TokenRefused(_("User inactive or deleted."))
        if must_use_mfa_at_once(user):
            raise exceptions.PermissionDenied(
                _(
                    "API tokens are not accepted for accounts that must use two-factor "
                    "authentication. Use the website, where you log in with your code."
                )
            )
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This token is read-only: it cannot change anything.")
            )
        api_token_used(token)
        return user, token

    def authenticate_header(self, request):
        return KEYWORD
