from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .mfa import authenticated_recently
from .rules import must_use_mfa


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by the secretariat; nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A login within ACCOUNT_REAUTHENTICATION_TIMEOUT counts as the confirmation allauth
        asks for before a two-factor setting changes (accounts.mfa.authenticated_recently):
        someone sent from the login to set up their authenticator app is not asked for the
        password again."""
        if self.request is not None and authenticated_recently(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def validation_error(self, code, *args) -> ValidationError:
        if code == "too_many_login_attempts":
            # allauth's message does not say for how long; the lock lasts LOGIN_LOCKOUT_MINUTES
            # after the failed attempts (ACCOUNT_RATE_LIMITS["login_failed"]).
            minutes = settings.LOGIN_LOCKOUT_MINUTES
            message = ngettext(
                "Too many failed attempts. Wait %(minutes)d minute and try again, or ask the "
                "secretariat to reset your password.",
                "Too many failed attempts. Wait %(minutes)d minutes and try again, or ask the "
                "secretariat to reset your password.",
                minutes,
            ) % {"minutes": minutes}
            return ValidationError(message, code=code)
        return super().validation_error(code, *args)


class MFAAdapter(DefaultMFAAdapter):
    """Whoever must use two-factor authentication (accounts.rules.must_use_mfa) cannot switch
    their authenticator app off; a lost phone is the secretariat's to reset (Django admin,
    "Authenticators")."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role requires two-factor authentication, so it cannot be switched off. If you "
            "lost your authenticator app, ask the secretariat to reset it."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and must_use_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
