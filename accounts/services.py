import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import Role
from .models import ApiToken, RoleAssignment, User
from .rules import forget_assignments


@transaction.atomic
def role_assign(*, user: User, role: Role, branch=None, province=None, edition=None):
    """Give `user` the `role` within the scope; idempotent (returns the existing assignment).

    Side effects: national admins are made staff so that the Django admin opens for them.
    """
    assignment = RoleAssignment(
        user=user, role=role, branch=branch, province=province, edition=edition
    )
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, branch=branch, province=province, edition=edition
    )
    if role == Role.NATIONAL_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_assignments(user)
    return assignment


def actor_or_none(actor):
    """The user to record as having made a change: None for the system (seed commands, tasks)
    and for anonymous requests."""
    return actor if actor is not None and actor.is_authenticated else None


# ---------------------------------------------------------------------------------------------
# Personal API tokens (issue 24)

TOKEN_START = "prt_"  # noqa: S105 - the public start of every token, not a secret
_PREFIX_CHARS = 12  # hexadecimal characters of the public part, after TOKEN_START


def api_token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_split(secret: str) -> str | None:
    """The prefix a presented token is looked up by, or None if it is not shaped like one."""
    if not secret.startswith(TOKEN_START) or len(secret) < len(TOKEN_START) + _PREFIX_CHARS + 20:
        return None
    prefix = secret[len(TOKEN_START) : len(TOKEN_START) + _PREFIX_CHARS]
    if secret[len(TOKEN_START) + _PREFIX_CHARS] != "_":
        return None
    return prefix


@transaction.atomic
def api_token_create(*, user: User, name: str, scope: str, edition, days: int):
    """A new token of `user` for `edition`'s data, valid `days` days (1 to API_TOKEN_MAX_DAYS).
    Returns the token and its secret: the secret is not stored (only its SHA-256 digest) and
    cannot be shown again."""
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("Between 1 and %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS},
            }
        )
    while True:
        prefix = secrets.token_hex(_PREFIX_CHARS // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=api_token_digest(secret),
        scope=scope,
        edition=edition,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (another person's is not found: Http404)."""
    token = get_object_or_404(ApiToken, pk=token_id, user=user, revoked_at__isnull=True)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_tokens_revoke(*, tokens) -> int:
    """Revoke the given tokens that are still active (the secretariat, for anyone's: a lost
    laptop, a person who left); returns how many were revoked."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_used(token: ApiToken) -> None:
    """Note the token's use; written at most once a minute, so that a burst of requests does
    not write the row each time."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
