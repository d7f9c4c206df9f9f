from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .rules import must_use_mfa


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refused for accounts that must use two-factor authentication.

    A token is a single bearer secret: it cannot carry the second factor, so it would let the
    secretariat, a panel chair or a juror past MFA. Those people use the API through their
    browser session (after the code); tokens stay for integrations run by other roles. The public
    API takes no credentials at all, so it answers a refused token like anybody else.
    """

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if must_use_mfa(user):
            raise exceptions.AuthenticationFailed(
                _(
                    "API tokens are not accepted for accounts that must use two-factor "
                    "authentication. Use the website, where you log in with your code."
                )
            )
        return user, token
