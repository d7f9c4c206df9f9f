from django.db import transaction

from .enums import Role
from .models import RoleAssignment, User
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
