"""A national-scale synthetic edition, built with the project's factories and services.

At the full size: 38 provinces and 514 regencies/cities (the real regions), their 514
regency/city governments and 20,000 businesses nominated in two categories with a provincial
round; a panel of nine in each province and a national jury of nine; ten judged criteria in
every rubric; every assessor's scoresheet submitted in the provincial assessment and the
national selection (2 × 20,514 × 9 scoresheets, 3.7 million scores). The national round is
then played through the services: the selection is finalised, the finalists interviewed, the
national result finalised and confirmed by every juror (awards given) and published.

Bulk rows (candidates, nominations, scoresheets, scores) are built with the factories and the
models and written with bulk_create: entering 3.7 million scores through the scoring form's
service would take hours and measures nothing of interest here. Everything a person decides
(stages, panels, rubrics, finalisations, interviews, confirmations, publication) goes through
the services, as in the demo.

The scores are chosen so that every ranking is free of ties that would block finalisation:
nominee r of a category (in a shuffled order) has the stage total 92 − ⌊r / 3⌋ × 0.01, and the
three nominees sharing a total are told apart by the first criterion (the tie-breaker). The
nine assessors spread around each criterion's value by −4 … +4, so the mean is the value."""

import random
from decimal import Decimal
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.services import role_assign
from candidates.enums import BusinessScale, CandidateKind, NominationState
from candidates.models import Candidate, Category, Edition, Nomination, Province, Regency
from ceremonies import services as ceremony_services
from scoring import services
from scoring.enums import CriterionKind, Mapping, ScoresheetState, StageKind, StageState
from scoring.models import Panel, Rubric, Score, Scoresheet, Stage
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    EditionFactory,
    NominationFactory,
    UserFactory,
)

from .core import Size

BUSINESSES = 20_000
PANEL_SIZE = 9
CRITERIA = 10
FINALISTS = 10
YEARS = {"quarter": 2040, "full": 2041}
# How each criterion's value departs from the nominee's total (they cancel out); the first
# two carry the tie-breaking ±0.01.
OFFSETS = [Decimal(x) for x in ("0", "0", "3", "-3", "2", "-2", "1", "-1", "0.5", "-0.5")]
SPREAD = [Decimal(j - PANEL_SIZE // 2) for j in range(PANEL_SIZE)]
CENT = Decimal("0.01")
K = StageKind
_ORDER = [StageState.PLANNED, StageState.OPEN, StageState.CLOSED, StageState.FINALISED]
_STEP = {
    StageState.OPEN: services.stage_open,
    StageState.CLOSED: services.stage_close,
    StageState.FINALISED: services.stage_finalise,
}


def _advance(stage: Stage, target: str) -> Stage:
    stage = Stage.objects.get(pk=stage.pk)
    while _ORDER.index(stage.state) < _ORDER.index(target):
        stage = _STEP[_ORDER[_ORDER.index(stage.state) + 1]](actor=None, stage=stage)
    return stage


def _batches(items, size=2_000):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _criteria(prefix: str, kind=CriterionKind.JUDGED, count=CRITERIA) -> list[tuple]:
    return [
        (f"{prefix}-{i}", f"Kriteria {i}", kind, Decimal(1), "", Mapping.LINEAR, None, None,
         1 if i == 1 else None)
        for i in range(1, count + 1)
    ]  # fmt: skip


def _people(prefix: str, count: int) -> list[User]:
    return User.objects.bulk_create(
        UserFactory.build(username=f"{prefix}-{i}", email=f"{prefix}-{i}@bench.test", password=None)
        for i in range(count)
    )


def _panel(edition: Edition, province: Province | None, people: list[User]) -> Panel:
    panel = services.panel_get_or_create(edition=edition, province=province)
    for index, person in enumerate(people):
        services.panel_member_add(panel=panel, user=person, is_chair=index == 0)
    return panel


def _values(rank: int) -> list[Decimal]:
    """The value of each criterion for the nominee ranked `rank` (0 = best)."""
    total = Decimal(92) - (rank // 3) * CENT
    tie = (1 - rank % 3) * CENT  # +0.01, 0, −0.01 within a group of equal totals
    values = [total + offset for offset in OFFSETS]
    values[0] += tie
    values[1] -= tie
    return values


def _score(stage: Stage, rubric: Rubric, panel_of, members, ranks: dict, nominations) -> None:
    """Every member of the nominee's panel (`panel_of(nomination)`) submits a scoresheet with
    every criterion; `ranks` gives each nominee's rank, hence its values."""
    criteria = list(rubric.criteria.order_by("order"))
    now = timezone.now()
    for batch in _batches(nominations, 1_000):
        sheets = [
            Scoresheet(
                stage=stage,
                panel=panel_of(n),
                nomination=n,
                assessor_id=member,
                state=ScoresheetState.SUBMITTED,
                submitted_at=now,
            )
            for n in batch
            for member in members[panel_of(n).pk]
        ]
        Scoresheet.objects.bulk_create(sheets, batch_size=5_000)
        scores = []
        for index, sheet in enumerate(sheets):
            spread = SPREAD[index % PANEL_SIZE]
            for criterion, value in zip(criteria, _values(ranks[sheet.nomination_id]), strict=True):
                scores.append(
                    Score(
                        scoresheet=sheet, criterion=criterion, value=value + spread, note="Catatan."
                    )
                )
        Score.objects.bulk_create(scores, batch_size=10_000)


@transaction.atomic
def build(size: Size, *, reuse: bool = False) -> Edition:
    """Build the edition of `size` (YEARS gives its year) and return it, published. With
    `reuse`, an edition of that year already built and published in the database is returned
    as it is (a build interrupted before publication is not reused: build into a new one)."""
    if reuse:
        built = Edition.objects.filter(
            year=YEARS[size.name], publications__province__isnull=True
        ).first()
        if built is not None:
            return built
    rng = random.Random(size.name)
    edition = EditionFactory(year=YEARS[size.name], nominations_open=False)
    stages = {s.kind: s for s in services.stages_create_defaults(edition=edition)}
    governments = CategoryFactory(
        edition=edition, code="kab-kota", name="Pemerintah Kabupaten/Kota", order=1,
        candidate_kind=CandidateKind.REGENCY_GOVERNMENT, provincial_quota=100,
        finalist_quota=FINALISTS, national_labels=3,
    )  # fmt: skip
    businesses = CategoryFactory(
        edition=edition, code="usaha", name="Badan Usaha", order=2,
        candidate_kind=CandidateKind.BUSINESS, business_scale=BusinessScale.LARGE,
        provincial_quota=2_000, finalist_quota=FINALISTS, national_labels=3,
    )  # fmt: skip
    categories = (governments, businesses)

    # The candidates: every regency/city government (shared by the editions) and the
    # businesses, spread over the regencies.
    regencies = list(Regency.objects.select_related("province").order_by("code"))
    existing = set(
        Candidate.objects.filter(kind=CandidateKind.REGENCY_GOVERNMENT).values_list(
            "regency_id", flat=True
        )
    )
    Candidate.objects.bulk_create(
        Candidate(kind=CandidateKind.REGENCY_GOVERNMENT, regency=r, name=f"Pemerintah {r.name}")
        for r in regencies
        if r.pk not in existing
    )
    for batch in _batches(range(size.of(BUSINESSES)), 5_000):
        Candidate.objects.bulk_create(
            BusinessFactory.build(
                npp=f"{edition.year}{i:06d}",
                name=f"PT Usaha {edition.year}-{i:05d}",
                regency=regencies[rng.randrange(len(regencies))],
            )
            for i in batch
        )
    cohort = {
        governments: Candidate.objects.filter(kind=CandidateKind.REGENCY_GOVERNMENT),
        businesses: Candidate.objects.filter(npp__startswith=str(edition.year)),
    }
    for category, candidates in cohort.items():
        for batch in _batches(candidates.values_list("pk", flat=True).order_by("pk"), 5_000):
            Nomination.objects.bulk_create(
                NominationFactory.build(
                    candidate_id=pk, category=category, state=NominationState.ADVANCED
                )
                for pk in batch
            )

    # The panels: nine in each province, nine in the national jury.
    panels = {
        province.pk: _panel(edition, province, _people(f"{edition.year}-{province.pk}", PANEL_SIZE))
        for province in Province.objects.order_by("code")
    }
    jury = _panel(edition, None, _people(f"{edition.year}-juri", PANEL_SIZE))
    members = {
        panel.pk: list(panel.members.order_by("pk").values_list("user_id", flat=True))
        for panel in [*panels.values(), jury]
    }

    # The rubrics, and every score of the provincial assessment and the national selection.
    for stage in (stages[K.PROVINCIAL_ASSESSMENT], stages[K.NATIONAL_SELECTION]):
        _advance(stage, StageState.OPEN)
    for category in categories:
        nominations = list(
            Nomination.objects.filter(category=category)
            .select_related("candidate__regency")
            .order_by("pk")
        )
        order = list(range(len(nominations)))
        rng.shuffle(order)
        ranks = {n.pk: rank for n, rank in zip(nominations, order, strict=True)}
        for kind, panel_of in (
            (K.PROVINCIAL_ASSESSMENT, lambda n: panels[n.candidate.regency.province_id]),
            (K.NATIONAL_SELECTION, lambda n: jury),
        ):
            rubric = services.rubric_create(
                stage=stages[kind], category=category, criteria=_criteria(kind[:4]),
                final_weight=Decimal(60) if kind == K.NATIONAL_SELECTION else Decimal(0),
            )  # fmt: skip
            _score(stages[kind], rubric, panel_of, members, ranks, nominations)
        services.rubric_create(
            stage=stages[K.NATIONAL_INTERVIEW], category=category,
            criteria=_criteria("wawancara", CriterionKind.INTERVIEW, 1), final_weight=Decimal(40),
        )  # fmt: skip
    _advance(stages[K.PROVINCIAL_ASSESSMENT], StageState.CLOSED)
    # The planner's statistics, as autovacuum keeps them in a database in use.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    play_national_round(edition)
    return edition


def play_national_round(edition: Edition) -> None:
    """The jury's work through the services: selection, interviews, result, publication."""
    stages = {s.kind: s for s in Stage.objects.filter(edition=edition)}
    jury = Panel.objects.get(edition=edition, province=None)
    people = [m.user for m in jury.members.select_related("user").order_by("pk")]
    chair = people[0]
    categories = list(Category.objects.filter(edition=edition).order_by("order"))
    for category in categories:
        services.ranking_finalise(
            actor=chair, panel=jury, category=category, stage_kind=K.NATIONAL_SELECTION
        )
    _advance(stages[K.NATIONAL_SELECTION], StageState.FINALISED)
    _advance(stages[K.NATIONAL_INTERVIEW], StageState.OPEN)
    for category in categories:
        criterion = Rubric.objects.get(stage=stages[K.NATIONAL_INTERVIEW], category=category)
        criterion = criterion.criteria.get()
        finalists = Nomination.objects.filter(
            category=category, state=NominationState.FINALIST
        ).select_related("candidate", "category")
        for place, nomination in enumerate(finalists.order_by("pk")):
            for index, person in enumerate(people):
                services.scoresheet_save(
                    actor=person,
                    panel=jury,
                    nomination=nomination,
                    scores={
                        criterion.pk: services.ScoreInput(
                            Decimal(90 - 2 * place) + SPREAD[index], "Paparan lengkap."
                        )
                    },
                    submit=True,
                    stage_kind=K.NATIONAL_INTERVIEW,
                )
            services.interview_record(
                actor=chair, panel=jury, nomination=nomination, attendance="head",
                attendee="Pimpinan", minutes="Paparan dan tanya jawab.",
            )  # fmt: skip
    _advance(stages[K.NATIONAL_INTERVIEW], StageState.CLOSED)
    _advance(stages[K.NATIONAL_RESULT], StageState.OPEN)
    for category in categories:
        snapshot = services.ranking_finalise(
            actor=chair, panel=jury, category=category, stage_kind=K.NATIONAL_RESULT
        )
        for person in people[1:]:
            services.ranking_confirm(actor=person, snapshot=snapshot)
    _advance(stages[K.NATIONAL_RESULT], StageState.FINALISED)
    _advance(stages[K.NATIONAL_INTERVIEW], StageState.FINALISED)
    admin = UserFactory(username="bench-admin", email="admin@bench.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    ceremony_services.results_publish(actor=admin, edition=edition)
