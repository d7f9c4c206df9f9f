"""seed_demo replays the Jawa Barat 2018 provincial round through the services."""

from decimal import Decimal as D
from io import StringIO

from django.core.management import call_command

from candidates.enums import NominationState, RankLabel
from candidates.models import Nomination, NominationTransition
from scoring.enums import StageKind, StageState
from scoring.models import Conflict, RankingSnapshot, Scoresheet, Stage


def test_replay_gives_the_published_jawa_barat_2018_outcome(demo):
    snapshot = RankingSnapshot.objects.get(
        panel__province="32",
        category__edition__year=2018,
        category__code="pemerintah-kabupaten-kota",
        reopened_at__isnull=True,
    )
    rows = [
        (r.nomination.candidate.name, r.rank, r.total, r.label, r.advanced)
        for r in snapshot.rows.select_related("nomination__candidate")
    ]
    # Illustrative scores (scoring.demo._score): Kota Bekasi, scored by four members (the
    # fifth comes from its own Disnaker): verification (89 + 90 + 91 + 89) / 4 = 89.75, field
    # review (92 + 91 + 90 + 92) / 4 = 91.25 → 0.4 × 89.75 + 0.6 × 91.25 = 90.65. The others,
    # 4 points apart: base + 0.64.
    assert rows == [
        ("Pemerintah Kota Bekasi", 1, D("90.65"), RankLabel.PERINGKAT_1, True),
        ("Pemerintah Kota Bogor", 2, D("86.64"), RankLabel.PERINGKAT_2, False),
        ("Pemerintah Kota Bandung", 3, D("82.64"), RankLabel.PERINGKAT_3, False),
        ("Pemerintah Kota Sukabumi", 4, D("78.64"), RankLabel.HARAPAN_1, False),
        ("Pemerintah Kota Cimahi", 5, D("74.64"), RankLabel.HARAPAN_2, False),
        ("Pemerintah Kota Depok", 6, D("70.64"), "", False),
        ("Pemerintah Kabupaten Bekasi", 7, D("66.64"), "", False),
        ("Pemerintah Kabupaten Karawang", 8, D("62.64"), "", False),
        ("Pemerintah Kota Cirebon", 9, D("58.64"), "", False),
    ]
    assert (snapshot.quota, snapshot.cut_off) == (1, D("90.65"))
    assert snapshot.finalised_by.email == "ketua.panel.jabar@paritrana.test"


def test_replay_excludes_the_kota_bekasi_official_from_kota_bekasi(demo):
    bekasi = Nomination.objects.get(
        category__edition__year=2018, candidate__name="Pemerintah Kota Bekasi"
    )
    conflict = Conflict.objects.get(nomination=bekasi)
    assert (conflict.assessor.email, conflict.source) == (
        "disnaker.bekasi@paritrana.test",
        "organisation",
    )
    assert sorted(
        Scoresheet.objects.filter(nomination=bekasi).values_list("assessor__email", flat=True)
    ) == [
        "apindo.panel.jabar@paritrana.test",
        "ketua.panel.jabar@paritrana.test",
        "panel.jabar@paritrana.test",
        "sekretaris.panel.jabar@paritrana.test",
    ]


def test_replay_records_every_move_and_finalises_the_provincial_stages(demo):
    bekasi = Nomination.objects.get(
        category__edition__year=2018, candidate__name="Pemerintah Kota Bekasi"
    )
    assert list(
        NominationTransition.objects.filter(nomination=bekasi).values_list("to_state", flat=True)
    ) == [NominationState.VERIFIED, NominationState.SCORED, NominationState.ADVANCED]
    states = dict(Stage.objects.filter(edition__year=2018).values_list("kind", "state"))
    assert [states[k] for k in list(StageKind)[:5]] == [
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.FINALISED,
        StageState.PLANNED,
    ]
    # The firms' categories were replayed too.
    yutaka = Nomination.objects.get(candidate__name="Yutaka MFG Indonesia")
    martabak = Nomination.objects.get(candidate__name="Martabak Air Mancur")
    assert (yutaka.provincial_label, yutaka.state) == (
        RankLabel.PERINGKAT_1,
        NominationState.ADVANCED,
    )
    assert (martabak.provincial_label, martabak.state) == (
        RankLabel.PERINGKAT_1,
        NominationState.ADVANCED,
    )


def test_seed_demo_can_leave_the_round_for_the_browser(regions):
    call_command("seed_demo", "--jabar-2018=submitted", stdout=StringIO())
    states = set(
        Nomination.objects.filter(
            category__edition__year=2018, candidate__regency__province="32"
        ).values_list("state", flat=True)
    )
    assert states == {NominationState.SUBMITTED}
    verification = Stage.objects.get(edition__year=2018, kind=StageKind.PROVINCIAL_VERIFICATION)
    assert verification.state == StageState.OPEN
    assert not RankingSnapshot.objects.filter(stage__edition__year=2018).exists()
    # The 2020 national round is replayed whatever the 2018 option.
    assert RankingSnapshot.objects.filter(stage__edition__year=2020).count() == 2
    # Running it again (the default, "finalised") leaves a round already under way alone.
    call_command("seed_demo", stdout=StringIO())
    assert not RankingSnapshot.objects.filter(stage__edition__year=2018).exists()
