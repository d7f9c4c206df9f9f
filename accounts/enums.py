from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §2. Each is held through a scoped RoleAssignment."""

    NATIONAL_ADMIN = "national_admin", _("National admin (secretariat)")
    BRANCH_STAFF = "branch_staff", _("Branch staff")
    PANEL_MEMBER = "panel_member", _("Provincial panel member")
    PANEL_CHAIR = "panel_chair", _("Provincial panel chair")
    JURY_MEMBER = "jury_member", _("National jury member")
    JURY_CHAIR = "jury_chair", _("National jury chair")
    AUDITOR = "auditor", _("Auditor")

    # Which scope fields each role carries; everything else must be empty.
    # (branch, province, edition): True = required, False = must be empty, None = optional.
    @classmethod
    def scope_of(cls, role: str) -> tuple[bool | None, bool | None, bool | None]:
        return _SCOPES[cls(role)]


PANEL_ROLES = (Role.PANEL_MEMBER, Role.PANEL_CHAIR)
JURY_ROLES = (Role.JURY_MEMBER, Role.JURY_CHAIR)

_SCOPES = {
    Role.NATIONAL_ADMIN: (False, False, False),
    Role.BRANCH_STAFF: (True, False, False),
    Role.PANEL_MEMBER: (False, True, True),
    Role.PANEL_CHAIR: (False, True, True),
    Role.JURY_MEMBER: (False, False, True),
    Role.JURY_CHAIR: (False, False, True),
    Role.AUDITOR: (False, False, None),
}
