"""Run by tests/deploy/test_database_roles.py as the application's database role
(DATABASE_URL): the application's ordinary writes through its services, printed as JSON.

    DATABASE_URL=postgres://<app role>@…/<db> python -m tests.deploy.app_role_writes
"""

import json

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402

from accounts.enums import Role  # noqa: E402
from accounts.services import role_assign  # noqa: E402
from audit.models import AuditHead, AuditRecord  # noqa: E402
from candidates import services  # noqa: E402
from candidates.demo import seed_candidates  # noqa: E402
from candidates.models import Branch, Category, Regency  # noqa: E402


def main() -> dict:
    services.regions_load()
    seed_candidates()
    with transaction.atomic():
        staff = get_user_model().objects.create_user(
            username="staf.roles", email="staf.roles@example.test", password=None
        )
        role_assign(user=staff, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="gorontalo"))
        candidate = services.government_candidate_get_or_create(
            actor=staff, regency=Regency.objects.get(code="75.01")
        )
        category = Category.objects.get(edition__year=2021, code="pemerintah-kabupaten-kota")
        draft = services.nomination_create(actor=staff, candidate=candidate, category=category)
        services.nomination_figures_update(
            actor=staff, nomination=draft, values={"head_of_region": "Nelson Pomalingo"}
        )
    return {
        "nomination_state": draft.state,
        "audit_actions": list(
            AuditRecord.objects.filter(nomination_id=draft.pk).values_list("action", flat=True)
        ),
        "head_is_last": AuditHead.objects.get().seq == AuditRecord.objects.last().seq,
    }


print(json.dumps(main()))
