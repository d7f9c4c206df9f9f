import factory

from accounts.models import User
from candidates.enums import BusinessScale, CandidateKind, NominationState
from candidates.models import Branch, Candidate, Category, Edition, Nomination, Regency

# Every account create_demo_accounts makes (the demo_accounts fixture), one per role.
DEMO_EMAILS = [
    "admin@paritrana.test",
    "cabang.gorontalo@paritrana.test",
    "cabang.bekasi@paritrana.test",
    "panel.jabar@paritrana.test",
    "ketua.panel.jabar@paritrana.test",
    "sekretaris.panel.jabar@paritrana.test",
    "apindo.panel.jabar@paritrana.test",
    "disnaker.bekasi@paritrana.test",
    "juri@paritrana.test",
    "juri.kemendagri@paritrana.test",
    "ketua.juri@paritrana.test",
    "auditor@paritrana.test",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("a-long-test-password")


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ["year"]

    year = 2030


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"kab-kota-{n}")
    name = "Pemerintah Kabupaten/Kota"
    candidate_kind = CandidateKind.REGENCY_GOVERNMENT


class RegencyGovernmentFactory(factory.django.DjangoModelFactory):
    """Needs the regions loaded; pass regency=Regency.objects.get(code=...)."""

    class Meta:
        model = Candidate

    kind = CandidateKind.REGENCY_GOVERNMENT
    regency = factory.LazyFunction(lambda: Regency.objects.get(code="32.75"))
    name = factory.LazyAttribute(lambda c: f"Pemerintah {c.regency.name}")


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    candidate = factory.SubFactory(RegencyGovernmentFactory)
    category = factory.SubFactory(CategoryFactory)
    state = NominationState.DRAFT


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    code = factory.Sequence(lambda n: f"branch-{n}")
    name = factory.Sequence(lambda n: f"Kantor Cabang {n}")
    province_id = "32"


class BusinessFactory(factory.django.DjangoModelFactory):
    """A business candidate. Needs the regions loaded; pass regency=…"""

    class Meta:
        model = Candidate

    kind = CandidateKind.BUSINESS
    npp = factory.Sequence(lambda n: f"{n:08d}")
    name = factory.Sequence(lambda n: f"PT Usaha Sejahtera {n}")
    scale = BusinessScale.LARGE
    sector = "Manufaktur"


def api_token(user, *, scope: str = "write", edition=None, days: int = 90, name: str = "test"):
    """A personal API token of `user` made as the account page makes it (accounts.services),
    for `edition` (by default the newest); returns the Authorization header's value and the
    token (whose row holds only the secret's digest)."""
    from accounts.services import api_token_create

    if edition is None:
        edition = Edition.objects.order_by("-year").first()
    elif isinstance(edition, int):
        edition = Edition.objects.get(year=edition)
    token, secret = api_token_create(user=user, name=name, scope=scope, edition=edition, days=days)
    return f"Token {secret}", token
