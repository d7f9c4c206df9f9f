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
    from scoring.models import Award, RankingSnapshotRow

    Edition.objects.filter(year=2020).update(nominations_open=True)
    bekasi = Nomination.objects.filter(candidate__regency="32.75", category__edition__year=2020)
    # The 2020 nomination went through the national round: its award and ranking rows first.
    Award.objects.filter(nomination__in=bekasi).delete()
    RankingSnapshotRow.objects.filter(nomination__in=bekasi).delete()
    bekasi.delete()
    user = UserFactory(email="staf.bekasi@example.test")
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="bekasi-kota"))
    return user
