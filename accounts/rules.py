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

# Who must prove a second factor (TOTP) at once, before reaching anything beyond the public site
# and their own account pages (issue 7): the people who decide — the secretariat, the provincial
# panel chairs and the national jurors (members and chairs). Superusers and staff are included
# too: Django's ModelBackend grants a superuser every permission, and staff may hold permissions
# given by hand. They never get a grace period.
must_use_mfa_at_once = (
    rules.is_staff | rules.is_superuser | is_national_admin | is_panel_chair | is_jury_member
)

# Who must use a second factor at all (issue 24, ASVS 5.0 6.3.3): everyone holding a role, since
# every role sees data that is not published (branch staff their nominations' states and figures,
# panel members scores, auditors everything). Those outside `must_use_mfa_at_once` may work for
# MFA_GRACE_DAYS after their first login under this rule (accounts.mfa.grace_deadline).
must_use_mfa = must_use_mfa_at_once | has_any_role

# Who may hold personal API tokens (accounts.services.api_token_create): a person with a role who
# need not use two-factor authentication at once. A token is a single bearer secret that cannot
# carry the second factor, so the deciders use the API through their browser session only; the
# others create a token from a session that passed two-factor authentication.
may_hold_api_tokens = has_any_role & ~must_use_mfa_at_once

rules.add_perm("accounts.manage_api_tokens", may_hold_api_tokens)
