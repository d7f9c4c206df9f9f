"""Two-factor authentication (allauth.mfa) as issue 7 needs it: who has an authenticator app and
whether this session has proved it.

allauth keeps a log of the ways a person authenticated in the session
(`request.session["account_authentication_methods"]`, written by `record_authentication`): a
password login adds a "password" record, the code asked after it adds an "mfa" record. A session
has passed MFA when that log holds an "mfa" record for its user.
"""

from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.mfa.models import Authenticator


def has_totp(user) -> bool:
    """Whether `user` has an active authenticator app (TOTP)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request, user) -> bool:
    """Whether this session's login of `user` was confirmed with a second factor."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_totp_activation(request, authenticator) -> None:
    """Count activating an authenticator app as this session's second factor.

    allauth records an "mfa" authentication only when a code is given at login; activating asks
    for a code too (from the new app, after a recent password authentication), so the session
    that activated has proved both factors and need not log in again.
    """
    record_authentication(
        request,
        authenticator.user,
        "mfa",
        id=authenticator.pk,
        type=authenticator.type,
        activated=True,
    )
