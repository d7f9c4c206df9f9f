"""Who may do what with a panel (django-rules; the object is a scoring.Panel). The pages, the
API and the services ask the same questions; everything not allowed here is denied."""

import rules

from accounts.rules import is_auditor, is_jury_member, is_national_admin, is_panel_member


@rules.predicate
def sits_on_panel(user, panel):
    if panel is None or not user.is_authenticated:
        return False
    return panel.members.filter(user=user).exists()


@rules.predicate
def chairs_panel(user, panel):
    if panel is None or not user.is_authenticated:
        return False
    return panel.members.filter(user=user, is_chair=True).exists()


@rules.predicate
def audits_panel(user, panel):
    from .selectors import is_auditor_of

    return panel is not None and is_auditor_of(user, panel.edition_id)


rules.add_perm(
    "scoring.access_panels", is_panel_member | is_jury_member | is_national_admin | is_auditor
)
rules.add_perm("scoring.view_panel", sits_on_panel | is_national_admin | audits_panel)
rules.add_perm("scoring.verify_nominations", sits_on_panel | is_national_admin)
rules.add_perm("scoring.score", sits_on_panel)
rules.add_perm("scoring.declare_conflict", sits_on_panel)
rules.add_perm("scoring.view_ranking", sits_on_panel | is_national_admin | audits_panel)
rules.add_perm("scoring.view_conflicts", chairs_panel | is_national_admin | audits_panel)
rules.add_perm("scoring.finalise_ranking", chairs_panel | is_national_admin)
# Correcting a verification decision taken by mistake (scoring.verification).
rules.add_perm("scoring.correct_verification", chairs_panel | is_national_admin)


# The decision file of a nominee (the object is a candidates.Nomination): the secretariat,
# auditors of its edition, and the members of a panel that sees it (scoring.decision).
@rules.predicate
def may_see_decision_file(user, nomination):
    from .decision import may_see_decision_file as allowed

    return nomination is not None and allowed(user, nomination)


rules.add_perm("scoring.view_decision_file", may_see_decision_file)
