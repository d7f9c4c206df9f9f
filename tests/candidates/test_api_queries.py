"""The candidates API's lists (/api/v1/): their queries do not grow with the number of
nominations. On an empty database (the other API tests start from the demo, built once for
their module: tests/candidates/test_api_candidates.py)."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.models import User
from accounts.services import role_assign
from candidates import services
from candidates.enums import BusinessScale, CandidateKind, LegalProductType
from candidates.models import (
    Candidate,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    Regency,
)
from tests.factories import BranchFactory, CategoryFactory, EditionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """An API client reading English (the site speaks Indonesian unless the cookie says not)."""
    client = APIClient()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# ---------------------------------------------------------------------------------------------
# Queries do not grow with the number of nominations


def _many_nominations(n):
    """`n` government nominations of Kota Gorontalo in n categories of one edition, each with
    figures, two legal products and an innovation; and the staff of the branch covering it."""
    edition = EditionFactory(year=2030)
    candidate = Candidate.objects.create(
        kind=CandidateKind.REGENCY_GOVERNMENT,
        regency=Regency.objects.get(code="75.71"),
        name="Pemerintah Kota Gorontalo",
    )
    for _ in range(n):
        entry = Nomination.objects.create(
            candidate=candidate, category=CategoryFactory(edition=edition)
        )
        GovernmentData.objects.create(nomination=entry, formal_workers=100, active_pu=90)
        for type_ in (LegalProductType.PERDA, LegalProductType.MOU_PKS):
            LegalProduct.objects.create(
                nomination=entry, type=type_, number="1", year=2030, title="T"
            )
        Innovation.objects.create(nomination=entry, title="I", description="D")
    branch = BranchFactory(province_id="75", handles_provincial_government=True)
    branch.regencies.set(Regency.objects.filter(code="75.71"))
    staff = UserFactory(email="staf.gorontalo@example.test")
    role_assign(user=staff, role=Role.BRANCH_STAFF, branch=branch)
    admin = UserFactory(email="sekretariat@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    return staff, admin


@pytest.mark.parametrize("n", [3, 30])
def test_nomination_list_queries_do_not_grow(api, regions, django_assert_num_queries, n):
    staff, admin = _many_nominations(n)
    for user in (staff, admin):
        api.force_authenticate(user)
        # role assignments, count, page, legal products, innovations
        with django_assert_num_queries(5):
            body = api.get("/api/v1/nominations/").json()
        assert (body["count"], {len(r["legal_products"]) for r in body["results"]}) == (n, {2})
        assert {r["indicators"]["pu_coverage"] for r in body["results"]} == {"0.9000"}


@pytest.mark.parametrize("n", [3, 30])
def test_candidate_and_legal_product_lists_do_not_grow(api, regions, django_assert_num_queries, n):
    staff, _admin = _many_nominations(n)
    for _ in range(n):
        services.business_candidate_register(
            actor=staff,
            npp=f"NPP{Candidate.objects.count():05d}",
            name="PT Contoh",
            scale=BusinessScale.MEDIUM,
            regency=Regency.objects.get(code="75.71"),
        )
    api.force_authenticate(User.objects.get(pk=staff.pk))  # its roles not yet read
    # role assignments, count, page
    with django_assert_num_queries(3):
        body = api.get("/api/v1/candidates/").json()
    assert body["count"] == n + 1
    entry = Nomination.objects.first()
    for _ in range(n):
        LegalProduct.objects.create(
            nomination=entry, type="perda", number="2", year=2030, title="T"
        )
    api.force_authenticate(User.objects.get(pk=staff.pk))
    # role assignments, nomination, count, page
    with django_assert_num_queries(4):
        body = api.get(f"/api/v1/nominations/{entry.pk}/legal-products/").json()
    assert body["count"] == n + 2
