"""People and dossiers for the panel pages: the Jawa Barat round of tests/scoring/conftest.py
(edition 2030, a chair and two members) with verification open, one dossier waiting for
verification, one verified nominee, and everybody else who must be kept out."""

from dataclasses import dataclass, field

from accounts.enums import Role
from accounts.services import role_assign
from candidates.enums import NominationState
from candidates.models import Branch, Province, Regency
from scoring import services
from scoring.enums import StageKind
from tests.factories import NominationFactory, RegencyGovernmentFactory, UserFactory

from .conftest import Round

# Roles in the order the access tables list them.
ROLES = (
    "anonymous",
    "branch",
    "jury",
    "other_member",
    "member",
    "chair",
    "admin",
    "auditor",
)


@dataclass
class Site:
    round: Round
    people: dict
    submitted: object  # waiting for verification (Kota Bogor, 32.71)
    verified: object  # to be scored (Kota Sukabumi, 32.72)
    elsewhere: object  # a Jawa Tengah nomination of the same edition (Kota Semarang)
    other_panel: object
    extra: list = field(default_factory=list)

    @property
    def panel(self):
        return self.round.panel

    @property
    def member(self):
        return self.people["member"]

    @property
    def chair(self):
        return self.people["chair"]


def build_site(make_round, criteria=None) -> Site:
    round_ = make_round(criteria)
    round_.open(StageKind.PROVINCIAL_VERIFICATION)
    submitted = round_.nominate("32.71", state=NominationState.SUBMITTED)
    verified = round_.nominate("32.72")

    jateng = Province.objects.get(code="33")
    other_panel = services.panel_get_or_create(edition=round_.edition, province=jateng)
    other_member = UserFactory(email="anggota.jateng@example.test", first_name="Anggota Jateng")
    services.panel_member_add(panel=other_panel, user=other_member)
    elsewhere = NominationFactory(
        category=round_.category,
        candidate=RegencyGovernmentFactory(regency=Regency.objects.get(code="33.74")),
        state=NominationState.SUBMITTED,
    )

    jury = services.panel_get_or_create(edition=round_.edition, province=None)
    juror = UserFactory(email="juri@example.test", first_name="Juri")
    services.panel_member_add(panel=jury, user=juror)

    branch = Branch.objects.create(code="bogor-kota", name="Kantor Cabang Bogor", province_id="32")
    branch.regencies.add(Regency.objects.get(code="32.71"))
    staff = UserFactory(email="staf.bogor@example.test", first_name="Staf Bogor")
    role_assign(user=staff, role=Role.BRANCH_STAFF, branch=branch)

    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    auditor = UserFactory(email="auditor@example.test", first_name="Auditor")
    role_assign(user=auditor, role=Role.AUDITOR, edition=round_.edition)

    people = {
        "anonymous": None,
        "branch": staff,
        "jury": juror,
        "other_member": other_member,
        "member": round_.members[1],
        "chair": round_.chair,
        "admin": admin,
        "auditor": auditor,
    }
    return Site(round_, people, submitted, verified, elsewhere, other_panel)


def login(client, user):
    """Log in (or stay anonymous) and read the pages in English, the msgids' language."""
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client
