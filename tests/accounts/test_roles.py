import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from accounts.enums import Role
from accounts.models import RoleAssignment
from accounts.rules import is_branch_staff, is_national_admin, is_panel_chair, is_panel_member
from accounts.services import role_assign
from candidates.models import Province
from tests.factories import BranchFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_role_assign_panel_member_needs_province_and_edition(regions):
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        role_assign(user=user, role=Role.PANEL_MEMBER, edition=EditionFactory())
    assert set(error.value.message_dict) == {"province"}
    assert RoleAssignment.objects.count() == 0


def test_role_assign_branch_staff_refuses_a_province(regions):
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        role_assign(
            user=user,
            role=Role.BRANCH_STAFF,
            branch=BranchFactory(),
            province=Province.objects.get(code="32"),
        )
    assert set(error.value.message_dict) == {"province"}


def test_database_refuses_a_role_without_its_scope(regions):
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(user=UserFactory(), role=Role.JURY_MEMBER)


def test_role_assign_is_idempotent_and_makes_admins_staff(regions):
    user = UserFactory()
    first = role_assign(user=user, role=Role.NATIONAL_ADMIN)
    second = role_assign(user=user, role=Role.NATIONAL_ADMIN)
    user.refresh_from_db()
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert user.is_staff is True
    assert is_national_admin(user) is True


def test_predicates_follow_assignments(regions):
    user = UserFactory()
    assert (is_branch_staff(user), is_panel_member(user), is_panel_chair(user)) == (
        False,
        False,
        False,
    )
    role_assign(
        user=user,
        role=Role.PANEL_CHAIR,
        province=Province.objects.get(code="32"),
        edition=EditionFactory(),
    )
    # A chair is also a panel member; the cache was dropped by the service.
    assert (is_branch_staff(user), is_panel_member(user), is_panel_chair(user)) == (
        False,
        True,
        True,
    )


def test_inactive_user_has_no_role(regions):
    user = UserFactory()
    role_assign(user=user, role=Role.AUDITOR)
    user.is_active = False
    user.save()
    user.refresh_from_db()
    assert is_national_admin(user) is False
    assert user.has_perm("candidates.view_audit_nominations") is False


def test_create_demo_accounts_refused_when_debug_is_off(demo, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("create_demo_accounts")


def test_create_demo_accounts_one_per_role_and_rerunnable(demo, settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")
    out = capsys.readouterr().out
    assert "admin@paritrana.test" in out and "paritrana-demo-2026" in out
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role)
    assert RoleAssignment.objects.count() == 16
