import rules

from accounts.rules import (
    has_any_role,
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
# Spreadsheets: branch staff import for their regions (the importer checks each row's region);
# anyone with a role exports the nominations they may see.
rules.add_perm("candidates.import_nominations", is_branch_staff | is_national_admin)
rules.add_perm("candidates.export_nominations", has_any_role)


@rules.predicate
def can_see_nomination(user, nomination):
    from .selectors import nominations_visible_to

    if nomination is None:
        return False
    return nominations_visible_to(user).filter(pk=nomination.pk).exists()


rules.add_perm("candidates.view_nomination", can_see_nomination)


# The API (candidates.api) and the pages ask the same permissions. A route's queryset answers
# 404 for what the user may not see; these decide what they may do with what they see.


@rules.predicate
def is_in_branch_scope(user, nomination):
    """The nomination belongs to the regions of the user's branches (or the user is the
    secretariat): the branch's to edit, submit and withdraw."""
    from .selectors import branch_nominations

    if nomination is None:
        return False
    return branch_nominations(user).filter(pk=nomination.pk).exists()


# Any role may reach the nomination, candidate and branch routes; each object is then scoped.
rules.add_perm("candidates.access_nominations", has_any_role)
rules.add_perm("candidates.access_candidates", has_any_role)
rules.add_perm("candidates.access_branches", has_any_role)
rules.add_perm("candidates.add_candidate", is_branch_staff | is_national_admin)
rules.add_perm("candidates.add_nomination", is_branch_staff | is_national_admin)
rules.add_perm(
    "candidates.change_nomination", (is_branch_staff | is_national_admin) & is_in_branch_scope
)


@rules.predicate
def can_read_record(user, nomination):
    """The audit record of a nomination: the secretariat, the auditors of its edition, the
    chair of its province's panel and the national jury's chair of its edition (who must also
    see the nomination itself)."""
    from accounts.enums import Role
    from accounts.rules import assignments_of

    if nomination is None or not can_see_nomination(user, nomination):
        return False
    edition = nomination.category.edition_id
    for assignment in assignments_of(user):
        if assignment.role == Role.NATIONAL_ADMIN:
            return True
        if assignment.role == Role.AUDITOR and assignment.edition_id in (None, edition):
            return True
        if assignment.role == Role.JURY_CHAIR and assignment.edition_id == edition:
            return True
        if (
            assignment.role == Role.PANEL_CHAIR
            and assignment.edition_id == edition
            and assignment.province_id == nomination.candidate.home_province.pk
        ):
            return True
    return False


rules.add_perm("candidates.view_nomination_record", can_read_record)
