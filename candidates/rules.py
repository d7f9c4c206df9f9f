import rules

from accounts.rules import (
    is_auditor,
    is_branch_staff,
    is_jury_member,
    is_national_admin,
    is_panel_member,
)

rules.add_perm("candidates.view_branch_worklist", is_branch_staff)
rules.add_perm("candidates.view_panel_nominations", is_panel_member)
rules.add_perm("candidates.view_jury_nominations", is_jury_member)
rules.add_perm("candidates.view_audit_nominations", is_auditor)
rules.add_perm("candidates.view_secretariat", is_national_admin)


@rules.predicate
def can_see_nomination(user, nomination):
    from .selectors import nominations_visible_to

    if nomination is None:
        return False
    return nominations_visible_to(user).filter(pk=nomination.pk).exists()


rules.add_perm("candidates.view_nomination", can_see_nomination)
