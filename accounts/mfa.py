"""Two-factor authentication (allauth.mfa) as issue 7 needs it: who has an authenticator app and
whether this session has proved it.

allauth keeps a log of the ways a person authenticated in the session
(`request.session["account_authentication_methods"]`, written by `record_authentication`): a
password login adds a "password" record, the code asked after it adds an "mfa" record. A session
has passed MFA when that log holds an "mfa" record for its user.
"""

import time
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login import (
    get_authentication_records,
    record_authentication,
)
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import timezone


def has_totp(user) -> bool:
    """Whether `user` has an active authenticator app (TOTP)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request, user) -> bool:
    """Whether this session's login of `user` was confirmed with a second factor."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def authenticated_recently(request) -> bool:
    """Whether the person of this session proved who they are (their password or their code,
    at the login or when asked again) less than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds ago.

    allauth asks for the password again before a two-factor setting changes (activating the
    authenticator app, showing the recovery codes) unless the session *re*-authenticated within
    that time: a login a minute ago does not count for it, so a new chair sent from the login
    straight to the app's setup was asked for the password they had just typed. A login counts
    here (accounts.adapter.AccountAdapter.is_reauthentication_required). Activating an app
    (`record_totp_activation`) proves no credential the account had, so it does not count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    moments = [
        record["at"]
        for record in get_authentication_records(request, user)
        if not record.get("activated") and isinstance(record.get("at"), int | float)
    ]
    return bool(moments) and time.time() - max(moments) < account_settings.REAUTHENTICATION_TIMEOUT


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


# ---------------------------------------------------------------------------------------------
# The grace period (issue 24)

GRACE_DEADLINE = "mfa_grace_deadline"  # the request attribute the middleware sets


def grace_deadline(user):
    """Until when `user`, who must use two-factor authentication but not at once
    (accounts.rules), may work without it: MFA_GRACE_DAYS after the grace began. The grace
    begins now if it had not (their first request under the rule). None for those who get no
    grace: the deciders (`must_use_mfa_at_once`)."""
    from .models import User
    from .rules import must_use_mfa_at_once

    if must_use_mfa_at_once(user):
        return None
    if user.mfa_grace_started_at is None:
        now = timezone.now()
        # The first request of two at once sets it; the other reads what was set.
        User.objects.filter(pk=user.pk, mfa_grace_started_at__isnull=True).update(
            mfa_grace_started_at=now
        )
        user.mfa_grace_started_at = (
            User.objects.filter(pk=user.pk).values_list("mfa_grace_started_at", flat=True).get()
        )
    return user.mfa_grace_started_at + timedelta(days=settings.MFA_GRACE_DAYS)


def mfa_grace(request) -> dict:
    """Context processor: the deadline of the grace period the person is in, for the notice on
    every page (base.html)."""
    return {"mfa_grace_deadline": getattr(request, GRACE_DEADLINE, None)}
