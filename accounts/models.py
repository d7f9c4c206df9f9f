from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paritrana.constraints import ConstraintsAtFields, check, unique

from .enums import _SCOPES, Role


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role assignments, not from
    Django's groups; `is_staff` only opens the Django admin to national admins."""

    email = models.EmailField(_("email address"), unique=True)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Used to exclude assessors from candidates of their own organisation."),
    )
    # When this person's grace period for setting up two-factor authentication began: their
    # first request after logging in under a rule that asks it of them (accounts.mfa). Empty
    # until then, and for those who must use it at once (no grace).
    mfa_grace_started_at = models.DateTimeField(
        _("two-factor grace period began"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email


def _scope_condition(role: Role) -> Q:
    branch, province, edition = _SCOPES[role]
    condition = Q(role=role)
    for field, need in (("branch", branch), ("province", province), ("edition", edition)):
        if need is True:
            condition &= Q(**{f"{field}__isnull": False})
        elif need is False:
            condition &= Q(**{f"{field}__isnull": True})
    return condition


def _scope_constraint() -> Q:
    condition = Q()
    for role in Role:
        condition |= _scope_condition(role)
    return condition


class RoleAssignment(ConstraintsAtFields, models.Model):
    """One role held by one user within one scope (SPEC §2): branch staff → branch; panel member
    or chair → province and edition; jury member or chair → edition; auditor → one edition or
    all; national admin → everything. A person may hold several."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    branch = models.ForeignKey(
        "candidates.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staff_assignments",
        verbose_name=_("branch office"),
    )
    province = models.ForeignKey(
        "candidates.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("province"),
    )
    edition = models.ForeignKey(
        "candidates.Edition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("edition"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role"]
        constraints = [
            check(
                "role",
                _(
                    "This role's scope is not right: branch staff have a branch office, a "
                    "panel's members a province and an edition, the jury's members an edition, "
                    "an auditor an edition or none, and a national admin none."
                ),
                condition=_scope_constraint(),
                name="role_assignment_scope",
            ),
            # One row per user, role and scope. Spelled as partial constraints because NULLs are
            # distinct in a plain unique constraint on SQLite.
            unique(
                "branch",
                _("This person already has this role at this branch office."),
                fields=["user", "role", "branch"],
                condition=Q(branch__isnull=False),
                name="role_assignment_unique_branch",
            ),
            unique(
                "province",
                _("This person already has this role in this province and edition."),
                fields=["user", "role", "province", "edition"],
                condition=Q(province__isnull=False),
                name="role_assignment_unique_panel",
            ),
            unique(
                "edition",
                _("This person already has this role in this edition."),
                fields=["user", "role", "edition"],
                condition=Q(province__isnull=True, branch__isnull=True, edition__isnull=False),
                name="role_assignment_unique_edition",
            ),
            unique(
                "role",
                _("This person already has this role."),
                fields=["user", "role"],
                condition=Q(province__isnull=True, branch__isnull=True, edition__isnull=True),
                name="role_assignment_unique_global",
            ),
        ]

    def __str__(self):
        scope = self.branch or self.province or ""
        if self.edition_id:
            scope = f"{scope} {self.edition}".strip()
        return f"{self.get_role_display()} — {scope}" if scope else self.get_role_display()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role not in Role.values:
            return  # the role field itself says it is missing or unknown
        branch, province, edition = Role.scope_of(self.role)
        errors = {}
        for field, need in (("branch", branch), ("province", province), ("edition", edition)):
            value = getattr(self, f"{field}_id")
            if need is True and value is None:
                errors[field] = _("This role needs a %(field)s.") % {
                    "field": self._meta.get_field(field).verbose_name
                }
            elif need is False and value is not None:
                errors[field] = _("This role has no %(field)s; leave it empty.") % {
                    "field": self._meta.get_field(field).verbose_name
                }
        if errors:
            raise ValidationError(errors)


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token (issue 24): a random secret shown once when created; only its
    SHA-256 digest is stored, with a short prefix of the secret to find it by. It works until it
    expires or is revoked, for one edition's data, read-only or read-write
    (accounts.authentication.ApiTokenAuthentication)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=8, choices=ApiTokenScope.choices)
    edition = models.ForeignKey(
        "candidates.Edition",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("edition"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def read_only(self) -> bool:
        return self.scope == ApiTokenScope.READ
