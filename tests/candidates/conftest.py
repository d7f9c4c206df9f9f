import pytest

from accounts.enums import Role
from accounts.services import role_assign
from candidates.models import Nomination
from tests.factories import UserFactory


@pytest.fixture
def gorontalo(demo_accounts):
    return demo_accounts["cabang.gorontalo@paritrana.test"]


@pytest.fixture
def bekasi_staff(demo):
    """Staff of Kantor Cabang Bekasi Kota, registering Kota Bekasi for an open 2020."""
    from candidates.models import Branch, Edition

    Edition.objects.filter(year=2020).update(nominations_open=True)
    Nomination.objects.filter(candidate__regency="32.75", category__edition__year=2020).delete()
    user = UserFactory(email="staf.bekasi@example.test")
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="bekasi-kota"))
    return user
