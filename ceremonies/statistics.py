"""The public statistics of a published edition (SPEC §7, §8): how many nominations went
from eligible to winners, per province, and the coverage of the government nominees' workers.
Like every public read, it starts from a Publication (ceremonies.selectors)."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from candidates.enums import NominationState
from candidates.models import Edition, Nomination
from scoring.models import Award
from scoring.selectors import RANKED_STATES, SELECTION_DIRECT

from .selectors import is_national_published, published_provinces

NATIONAL_STEPS = ("eligible", "verified", "advanced", "finalists", "winners")
PROVINCIAL_STEPS = ("eligible", "verified", "advanced")


def edition_statistics(edition: Edition) -> dict | None:
    """The published edition's funnel (eligible → verified → advanced → finalists → winners),
    the same steps per province, and the coverage of the government nominees' workers per
    province (nominees with data, PU and BPU coverage in %). Once the national results are
    published, every nomination of the edition; before that, only the nominations of the
    provinces whose provincial results are published, in the categories with a provincial
    round, up to the step those results tell (advanced to the national round): `national` says
    which. None while nothing of the edition is published."""
    national = is_national_published(edition)
    provinces = [p.code for p in published_provinces(edition)]
    if not national and not provinces:
        return None
    S = NominationState
    verified = set(RANKED_STATES)
    advanced = {S.ADVANCED, S.FINALIST, S.NOT_FINALIST, S.AWARDED, S.NOT_AWARDED}
    finalists = {S.FINALIST, S.AWARDED, S.NOT_AWARDED}
    nominations = Nomination.objects.filter(category__edition=edition).exclude(
        state__in=(S.DRAFT, S.WITHDRAWN)
    )
    if not national:
        nominations = nominations.filter(
            category__has_provincial_round=True, candidate__home_province_code__in=provinces
        )
    winners = (
        set(
            Award.objects.filter(category__edition=edition, withdrawn_at__isnull=True).values_list(
                "nomination_id", flat=True
            )
        )
        if national
        else set()
    )
    funnel = Counter()
    provinces = defaultdict(Counter)
    # Coverage of the government nominees' workers, summed per province: BPJS participants
    # against BPS's formal (PU) and informal (BPU) workers of the assessment year.
    coverage = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in nominations.values_list(
        "pk",
        "state",
        "category__has_provincial_round",
        "candidate__province__name",
        "candidate__regency__province__name",
        "government_data__active_pu",
        "government_data__formal_workers",
        "government_data__active_bpu",
        "government_data__informal_workers",
    ):
        pk, state, direct, province, regency_province, pu, formal, bpu, informal = row
        reached = {"eligible"}
        if state in verified:
            reached.add("verified")
        if state in advanced or (not direct and state in SELECTION_DIRECT):
            reached.add("advanced")
        if national and state in finalists:
            reached.add("finalists")
        if pk in winners:
            reached.add("winners")
        funnel.update(reached)
        name = regency_province or province or "—"
        provinces[name].update(reached)
        if pu is not None and formal:
            sums = coverage[name]
            sums[0] += 1
            sums[1] += pu
            sums[2] += formal
            if bpu is not None and informal:
                sums[3] += bpu
                sums[4] += informal
    steps = NATIONAL_STEPS if national else PROVINCIAL_STEPS

    def percent(part, whole):
        if not whole:
            return None
        # To two places, as the dossier and the decision file show a coverage (95,36 %).
        return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)

    return {
        "national": national,
        "funnel": [(step, funnel[step]) for step in steps],
        "provinces": sorted(
            ((name, [counts[s] for s in steps]) for name, counts in provinces.items()),
            key=lambda item: (-item[1][0], item[0]),
        ),
        "coverage": sorted(
            (
                (name, sums[0], percent(sums[1], sums[2]), percent(sums[3], sums[4]))
                for name, sums in coverage.items()
            ),
            key=lambda item: item[0],
        ),
    }
