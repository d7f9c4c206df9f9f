"""Role predicates (django-rules). Everything is denied unless a predicate here allows it.

A user's assignments are read once per user object (one query per request) and kept on it.
"""

import rules

from .enums import JURY_ROLES, PANEL_ROLES, Role

_CACHE_ATTR = "_paritrana_role_assignments"


def assignments_of(user, *roles: Role) -> list:
    """The user's active role assignments, optionally only those of the given roles."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.role_assignments.select_related("branch", "province", "edition"))
        setattr(user, _CACHE_ATTR, cached)
    if not roles:
        return cached
    return [a for a in cached if a.role in roles]


def forget_assignments(user) -> None:
    """Drop the cached assignments after they changed (services call this)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _has_role(*roles: Role):
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user):
        return bool(assignments_of(user, *roles))

    return predicate


is_national_admin = _has_role(Role.NATIONAL_ADMIN)
is_branch_staff = _has_role(Role.BRANCH_STAFF)
is_panel_member = _has_role(*PANEL_ROLES)
is_panel_chair = _has_role(Role.PANEL_CHAIR)
is_jury_member = _has_role(*JURY_ROLES)
is_jury_chair = _has_role(Role.JURY_CHAIR)
is_auditor = _has_role(Role.AUDITOR)
has_any_role = _has_role(*Role)

rules.add_perm("accounts.view_dashboard", rules.is_authenticated)

# Who must prove a second factor (TOTP) before reaching anything beyond the public site and their
# own account pages (issue 7): the people who decide — the secretariat, the provincial panel chairs
# and the national jurors (members and chairs). Superusers and staff are included too: Django's
# ModelBackend grants a superuser every permission, and staff may hold permissions given by hand.
must_use_mfa = (
    rules.is_staff | rules.is_superuser | is_national_admin | is_panel_chair | is_jury_member
)
