"""Logging a test client in as a person would be after a complete login.

A complete login of someone who must use two-factor authentication (accounts.rules.must_use_mfa)
is a password and a code from their authenticator app. `login()` and the `client` fixture's
`force_login()` give those who must use it at once (accounts.rules.must_use_mfa_at_once) an
authenticator app (TEST_TOTP_SECRET) if they have none, and record both steps for everyone in
the session exactly as allauth records them (`record_authentication`), so that the MFA
middleware lets the session through. tests/accounts/test_mfa.py goes through the real login and
code forms instead.
"""

import django.test
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import RequestFactory

# A fixed base32 secret, so that a test can compute the codes of the app it was given.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def complete_mfa(client, user) -> None:
    """Record a password and a second-factor authentication of `user` in `client`'s session
    (which must already be logged in as `user`)."""
    from accounts.models import User
    from accounts.rules import must_use_mfa_at_once

    # A fresh copy: the role cache the predicate leaves must not stick to the caller's object.
    fresh = User.objects.get(pk=user.pk)
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None and must_use_mfa_at_once(fresh):
        authenticator = TOTP.activate(fresh, TEST_TOTP_SECRET).instance
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = fresh
    record_authentication(request, fresh, "password", email=fresh.email)
    # Everybody gets the second-factor record, not only those who need it now: a test may give
    # someone a deciding role after logging them in.
    record_authentication(
        request,
        fresh,
        "mfa",
        **({"id": authenticator.pk, "type": authenticator.type} if authenticator else {}),
    )
    request.session.save()


def login(client, user):
    """Log `client` (a django.test.Client) in as `user`, as after a complete login."""
    django.test.Client.force_login(client, user)
    complete_mfa(client, user)
    return client


class Client(django.test.Client):
    """The test client whose `force_login` is a complete login (the `client` fixture)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        complete_mfa(self, user)
