"""Receivers for Django's and allauth's authentication signals (connected in AccountsConfig)."""

from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .mfa import record_totp_activation
from .security import log_login_failed, log_mfa_failed
from .sessions import session_start


@receiver(user_logged_in, dispatch_uid="paritrana.session_start")
def _session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session)


@receiver(user_login_failed, dispatch_uid="paritrana.log_login_failed")
def _log_login_failed(sender, credentials, request=None, **kwargs):
    # Django hands the credentials over with the password already masked; only the identifier
    # is logged all the same.
    log_login_failed(request, credentials)


@receiver(authentication_failed, dispatch_uid="paritrana.log_mfa_failed")
def _log_mfa_failed(sender, request, user, **kwargs):
    log_mfa_failed(request, user)


@receiver(post_save, sender=Authenticator, dispatch_uid="paritrana.record_totp_activation")
def _record_totp_activation(sender, instance, created, **kwargs):
    # On save rather than on allauth's `authenticator_added`, which is sent on commit: the
    # session must learn of the activation before the response saves it.
    request = context.request
    if (
        created
        and instance.type == Authenticator.Type.TOTP
        and request is not None
        and request.resolver_match is not None
        and request.resolver_match.url_name == "mfa_activate_totp"
        and request.user.is_authenticated
        and request.user.pk == instance.user_id
    ):
        record_totp_activation(request, instance)
