from .rules import is_national_admin

# What the secretariat may not do by virtue of its role: give scores and declare conflicts are
# an assessor's own acts (SPEC §6), held only by sitting on the panel.
ASSESSOR_ONLY = frozenset({"scoring.score", "scoring.declare_conflict"})
# Nor hold personal API tokens: a bearer secret cannot carry the second factor the secretariat
# must use at once (accounts.rules.may_hold_api_tokens).
LEFT_TO_THE_RULES = ASSESSOR_ONLY | {"accounts.manage_api_tokens"}


class NationalAdminBackend:
    """The national admin (secretariat) may do everything (SPEC §2), including the Django admin.

    Derived from the role assignment rather than `is_superuser`, so that revoking the role
    revokes the power and there is one source of truth for who the secretariat is.
    """

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if perm in LEFT_TO_THE_RULES:
            return False  # the rules decide: e.g. only a person sitting on the panel scores
        return is_national_admin(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return is_national_admin(user_obj)
