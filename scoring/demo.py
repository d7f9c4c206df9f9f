"""Demo stages, rubrics and panels for the seed editions (shared/seeds/), moved through the
services so that their history is recorded, and a replay of the Jawa Barat 2018 provincial
round: the panel verifies the nine regencies/cities and the firms, scores them, and the chair
finalises — giving Kota Bekasi Peringkat I, Kota Bogor II, Kota Bandung III, Kota Sukabumi
Harapan I and Kota Cimahi Harapan II, with Kota Bekasi advanced (ANTARA, January 2019).

Illustrative, because the articles do not report them: the panel's members beyond its chair
(the Sekda, as SPEC §1 says) and its secretary (BPJS), the weights of the two judged criteria
the article names (document verification and field review), and every individual score —
chosen only so that the totals give the published order. Idempotent: a round already replayed
is left alone.
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from candidates.demo import published_provincial_outcome
from candidates.models import Candidate, Category, Edition, Nomination, Province

from . import services
from .enums import CriterionKind, Mapping, StageKind, StageState
from .models import Panel, RankingSnapshot, Rubric, Stage

K, S = StageKind, StageState
_ORDER = [S.PLANNED, S.OPEN, S.CLOSED, S.FINALISED]
_STEP = {
    S.OPEN: services.stage_open,
    S.CLOSED: services.stage_close,
    S.FINALISED: services.stage_finalise,
}

# 2020: the national round ran to its result (ceremony September 2021); 2021: nominations were
# being gathered (Gorontalo's socialisation, December 2021). 2018 is driven by the replay.
DEMO_STAGE_STATES = {
    2018: {},
    2020: dict.fromkeys(list(K)[:7], S.FINALISED),
    2021: {K.NOMINATION: S.OPEN},
}

# How far the replay goes: `seed_demo --jabar-2018=submitted` leaves the round for a person
# to run in the browser from verification on.
REPLAY_STEPS = ("submitted", "verified", "scored", "finalised")

# email, name, account organisation, position, chair, represents (candidate name)
JABAR_2018_PANEL = [
    ("ketua.panel.jabar@paritrana.test", "Ketua Tim Penilai Jawa Barat",
     "Setda Provinsi Jawa Barat", "Sekretaris Daerah (ketua)", True, None),
    ("sekretaris.panel.jabar@paritrana.test", "Sekretaris Tim Penilai Jawa Barat",
     "BPJS Ketenagakerjaan Kantor Wilayah Jawa Barat", "Deputi Direktur Wilayah (sekretaris)",
     False, None),
    ("panel.jabar@paritrana.test", "Anggota Tim Penilai Jawa Barat",
     "Disnakertrans Jawa Barat", "Disnakertrans Provinsi", False, None),
    ("apindo.panel.jabar@paritrana.test", "Anggota Unsur Pengusaha", "Apindo Jawa Barat",
     "Unsur pengusaha", False, None),
    # From Kota Bekasi's own Disnaker: excluded automatically from scoring Kota Bekasi.
    ("disnaker.bekasi@paritrana.test", "Anggota dari Disnaker Kota Bekasi",
     "Pemerintah Kota Bekasi", "Unsur pemerintah kabupaten/kota", False,
     "Pemerintah Kota Bekasi"),
]  # fmt: skip

# The two stages of the 2018 assessment the article names; the weights are illustrative.
JABAR_2018_CRITERIA = [
    ("verifikasi_berkas", "Verifikasi berkas", CriterionKind.JUDGED, Decimal(40), "",
     Mapping.LINEAR, None, None, 2),
    ("peninjauan_lapangan", "Peninjauan lapangan", CriterionKind.JUDGED, Decimal(60), "",
     Mapping.LINEAR, None, None, 1),
]  # fmt: skip

_NOTES = {
    "verifikasi_berkas": "Kelengkapan dan konsistensi berkas: data kepesertaan, produk hukum "
    "dan bukti pendukung diperiksa.",
    "peninjauan_lapangan": "Peninjauan lapangan: pelaksanaan program di lapangan dan "
    "keterlibatan pemangku kepentingan dikonfirmasi.",
}


def _advance(stage: Stage, target: str) -> Stage:
    stage = Stage.objects.get(pk=stage.pk)
    while _ORDER.index(stage.state) < _ORDER.index(target):
        following = _ORDER[_ORDER.index(stage.state) + 1]
        stage = _STEP[following](actor=None, stage=stage)
    return stage


def _stage(edition: Edition, kind: StageKind) -> Stage:
    return Stage.objects.get(edition=edition, kind=kind)


@transaction.atomic
def seed_stages() -> int:
    """Create the default stages of the demo editions and bring them to their demo state."""
    count = 0
    for edition in Edition.objects.filter(year__in=DEMO_STAGE_STATES):
        for stage in services.stages_create_defaults(edition=edition):
            target = DEMO_STAGE_STATES[edition.year].get(stage.kind, S.PLANNED)
            _advance(stage, target)
            count += 1
    return count


def _demo_user(email: str, name: str, organisation: str) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "username": email.split("@")[0],
            "first_name": name,
            "organisation": organisation,
        },
    )
    if created:
        # create_demo_accounts gives the demo logins their password (only with DEBUG on).
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _jabar_2018_panel(edition: Edition) -> Panel:
    panel = services.panel_get_or_create(edition=edition, province=Province.objects.get(code="32"))
    for email, name, organisation, position, chair, represents in JABAR_2018_PANEL:
        services.panel_member_add(
            panel=panel,
            user=_demo_user(email, name, organisation),
            is_chair=chair,
            position=position,
            organisation=Candidate.objects.get(name=represents) if represents else None,
        )
    return panel


def _score(rank: int, assessor: int, code: str) -> Decimal:
    """Illustrative scores: 4 points between neighbours in the published order, and each
    assessor a little severer or more lenient (−1, 0, +1) so that no two agree exactly."""
    spread = (assessor % 3) - 1
    base = 90 - 4 * rank
    return Decimal(base + spread if code == "verifikasi_berkas" else base - spread + 1)


@transaction.atomic
def replay_jabar_2018(until: str = "finalised") -> bool:
    """Replay the Jawa Barat 2018 provincial round up to `until` (see REPLAY_STEPS). Returns
    False when it had been replayed already."""
    if until not in REPLAY_STEPS:
        raise ValueError(f"until must be one of {', '.join(REPLAY_STEPS)}")
    edition = Edition.objects.filter(year=2018).first()
    if edition is None:
        return False
    services.stages_create_defaults(edition=edition)
    if RankingSnapshot.objects.filter(stage__edition=edition).exists() or (
        _stage(edition, K.PROVINCIAL_VERIFICATION).state != S.PLANNED
    ):
        return False

    outcome = {
        key: specs for key, specs in published_provincial_outcome(2018).items() if key[1] == "32"
    }
    categories = {
        code: Category.objects.get(edition=edition, code=code) for code, _province in outcome
    }
    assessment = _stage(edition, K.PROVINCIAL_ASSESSMENT)
    for category in categories.values():
        if not Rubric.objects.filter(stage=assessment, category=category).exists():
            services.rubric_create(
                stage=assessment,
                category=category,
                criteria=JABAR_2018_CRITERIA,
                is_default=True,
                notes=(
                    "Reconstructed for the demo: Jawa Barat assessed 2018 by document "
                    "verification and field review (ANTARA, January 2019). The weights are "
                    "illustrative, not official figures."
                ),
            )
    panel = _jabar_2018_panel(edition)
    chair = panel.members.get(is_chair=True).user

    _advance(_stage(edition, K.NOMINATION), S.FINALISED)
    verification = _advance(_stage(edition, K.PROVINCIAL_VERIFICATION), S.OPEN)
    nominations = {
        (code, spec.name): Nomination.objects.get(
            category=categories[code], candidate__name=spec.name
        )
        for (code, _province), specs in outcome.items()
        for spec in specs
    }
    if until == "submitted":
        return True
    for nomination in nominations.values():
        services.nomination_verify(actor=chair, nomination=nomination)
    _advance(verification, S.FINALISED)
    assessment = _advance(assessment, S.OPEN)
    if until == "verified":
        return True

    members = list(panel.members.select_related("user").order_by("pk"))
    rubrics = {c: Rubric.objects.get(stage=assessment, category=c) for c in categories.values()}
    for (code, _province), specs in outcome.items():
        criteria = [c for c in rubrics[categories[code]].criteria.all() if c.is_assessed]
        for rank, spec in enumerate(specs):
            nomination = nominations[(code, spec.name)]
            for index, member in enumerate(members):
                if services.automatic_conflict(panel, member, nomination):
                    continue
                services.scoresheet_save(
                    actor=member.user,
                    panel=panel,
                    nomination=nomination,
                    scores={
                        c.pk: services.ScoreInput(_score(rank, index, c.code), _NOTES[c.code])
                        for c in criteria
                    },
                    submit=True,
                )
    _advance(assessment, S.CLOSED)
    result = _advance(_stage(edition, K.PROVINCIAL_RESULT), S.OPEN)
    if until == "scored":
        return True
    for category in categories.values():
        services.ranking_finalise(actor=chair, panel=panel, category=category)
    _advance(result, S.FINALISED)
    _advance(assessment, S.FINALISED)
    return True


@transaction.atomic
def seed_scoring(*, jabar_2018: str = "finalised") -> dict:
    """Stages, default rubrics and the Jawa Barat 2018 replay for the demo editions."""
    stages = seed_stages()
    replayed = replay_jabar_2018(until=jabar_2018)
    rubrics = 0
    for edition in Edition.objects.filter(year__in=DEMO_STAGE_STATES):
        rubrics += len(services.rubrics_seed_defaults(edition=edition))
    return {"stages": stages, "replayed": replayed, "rubrics": rubrics}
