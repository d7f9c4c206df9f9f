"""seed_demo replays the 2020 national round of the regency/city category through the services
(Kota Bekasi third, Radar Bekasi 2021; Bone Bolango a finalist ranked sixth, Pojok6 2021) and
records Jakarta Utara's 2021 interview with its mayor (Budaya Indonesia, 17 February 2022)."""

from datetime import date, datetime
from decimal import Decimal as D
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from candidates.demo import published_national_outcome
from candidates.enums import NominationState, RankLabel
from candidates.models import Category, Nomination, NominationTransition
from scoring import services
from scoring.demo import replay_national_2020, seed_scoring
from scoring.enums import AwardKind, StageKind, StageState
from scoring.models import (
    Award,
    Conflict,
    Interview,
    Panel,
    RankingConfirmation,
    RankingSnapshot,
    Rubric,
    Scoresheet,
    Stage,
    StageEvent,
)

K = StageKind
WIB = ZoneInfo("Asia/Jakarta")
BEKASI = "Pemerintah Kota Bekasi"
BONE = "Pemerintah Kabupaten Bone Bolango"
JAKUT = "Pemerintah Kota Administrasi Jakarta Utara"
JURY = ["ketua.juri@paritrana.test", "juri@paritrana.test", "juri.kemendagri@paritrana.test"]

# scoring.demo.NATIONAL_2020_SCORES: the selection total s, then 0.6 s + 0.4 × v × factor.
FINAL = [
    ("Pemerintah Kota Semarang", 1, D("89.60"), RankLabel.PERINGKAT_1, True),
    ("Pemerintah Kabupaten Banyuwangi", 2, D("88.60"), RankLabel.PERINGKAT_2, True),
    (BEKASI, 3, D("86.80"), RankLabel.PERINGKAT_3, True),
    ("Pemerintah Kota Makassar", 4, D("84.00"), "", False),
    ("Pemerintah Kota Balikpapan", 5, D("82.20"), "", False),
    (BONE, 6, D("80.80"), "", False),
    ("Pemerintah Kabupaten Badung", 7, D("79.80"), "", False),
    ("Pemerintah Kabupaten Sleman", 8, D("71.48"), "", False),
]
SELECTION = [
    ("Pemerintah Kota Balikpapan", 1, D("89.00"), True),
    ("Pemerintah Kota Semarang", 2, D("88.00"), True),
    (BEKASI, 3, D("86.00"), True),
    ("Pemerintah Kabupaten Banyuwangi", 4, D("85.00"), True),
    ("Pemerintah Kota Makassar", 5, D("84.00"), True),
    ("Pemerintah Kabupaten Badung", 6, D("82.00"), True),
    (BONE, 7, D("80.00"), True),
    ("Pemerintah Kabupaten Sleman", 8, D("79.00"), True),
    ("Pemerintah Kota Pekanbaru", 9, D("77.00"), False),
    ("Pemerintah Kota Palembang", 10, D("75.00"), False),
    ("Pemerintah Kota Banda Aceh", 11, D("73.00"), False),
    ("Pemerintah Kota Kupang", 12, D("70.00"), False),
]


def _category():
    return Category.objects.get(edition__year=2020, code="pemerintah-kabupaten-kota")


def _snapshot(kind):
    return RankingSnapshot.objects.get(
        stage__edition__year=2020, stage__kind=kind, category=_category(), reopened_at__isnull=True
    )


def _nomination(year, name):
    return Nomination.objects.get(
        category__edition__year=year, category__code="pemerintah-kabupaten-kota",
        candidate__name=name,
    )  # fmt: skip


def _rows(snapshot):
    return [
        (r.nomination.candidate.name, r.rank, r.total, r.label, r.advanced)
        for r in snapshot.rows.select_related("nomination__candidate").order_by("rank")
    ]


def test_2020_national_result_is_signed_off_with_kota_bekasi_third(demo):
    category = _category()
    assert (category.finalist_quota, category.national_labels) == (8, 3)
    final = _snapshot(K.NATIONAL_RESULT)
    assert final.signed_off_at is not None
    assert final.finalised_by.email == "ketua.juri@paritrana.test"
    assert _rows(final) == FINAL
    assert sorted(
        RankingConfirmation.objects.filter(snapshot=final).values_list("juror__email", flat=True)
    ) == sorted(JURY)
    # What candidates.demo says the replay aims at.
    aimed = [(n.name, n.national_rank, n.national_label) for n in published_national_outcome(2020)]
    assert aimed == [(name, rank, label) for name, rank, _total, label, _awarded in FINAL]

    awards = Award.objects.filter(category=category).select_related("nomination__candidate")
    given = [
        (a.nomination.candidate.name, a.kind, a.label, a.title, a.rank)
        for a in awards.order_by("rank")
    ]
    assert given == [
        ("Pemerintah Kota Semarang", AwardKind.RANKED, RankLabel.PERINGKAT_1, "Peringkat I", 1),
        ("Pemerintah Kabupaten Banyuwangi", AwardKind.RANKED, RankLabel.PERINGKAT_2,
         "Peringkat II", 2),
        (BEKASI, AwardKind.RANKED, RankLabel.PERINGKAT_3, "Peringkat III", 3),
    ]  # fmt: skip
    assert awards.get(nomination__candidate__name=BEKASI).snapshot_id == final.pk

    bekasi, bone = _nomination(2020, BEKASI), _nomination(2020, BONE)
    assert (bekasi.state, bekasi.national_label, bekasi.national_rank) == (
        NominationState.AWARDED,
        RankLabel.PERINGKAT_3,
        3,
    )
    assert (bekasi.provincial_label, bone.provincial_label) == (RankLabel.PERINGKAT_1,) * 2
    assert (bone.state, bone.national_label, bone.national_rank) == (
        NominationState.NOT_AWARDED,
        "",
        6,
    )
    assert not Award.objects.filter(nomination=bone).exists()

    # Kota Bekasi's breakdown: selection 86.00 × 60, interview 88.00 (its mayor came: × 1.00) × 40.
    breakdown = final.rows.get(nomination=bekasi).breakdown
    assert [(s["stage"], s["weight"], s["total"]) for s in breakdown["stages"]] == [
        (K.NATIONAL_SELECTION, "60.00", "86.00"),
        (K.NATIONAL_INTERVIEW, "40.00", "88.00"),
    ]
    assert (breakdown["attendance"], breakdown["factor"]) == ("head", "1.00")
    assert breakdown["attendee"].startswith("Rahmat Effendi, Wali Kota Bekasi")


def test_2020_selection_picks_eight_of_twelve_and_every_move_is_recorded(demo):
    selection = _snapshot(K.NATIONAL_SELECTION)
    rows = [(name, rank, total, advanced) for name, rank, total, _l, advanced in _rows(selection)]
    assert rows == SELECTION
    assert (selection.quota, selection.cut_off) == (8, D("79.00"))
    assert Nomination.objects.filter(
        category=_category(), state=NominationState.NOT_FINALIST
    ).count() == 4  # fmt: skip
    # The other Jawa Barat regencies/cities did not advance from their province.
    assert set(
        Nomination.objects.filter(
            category=_category(), candidate__regency__province="32"
        ).values_list("candidate__name", "state")
    ) == {
        (BEKASI, NominationState.AWARDED),
        ("Pemerintah Kota Bandung", NominationState.NOT_ADVANCED),
        ("Pemerintah Kota Depok", NominationState.NOT_ADVANCED),
        ("Pemerintah Kabupaten Sukabumi", NominationState.NOT_ADVANCED),
        ("Pemerintah Kabupaten Purwakarta", NominationState.NOT_ADVANCED),
        ("Pemerintah Kabupaten Bandung", NominationState.NOT_ADVANCED),
        ("Pemerintah Kota Banjar", NominationState.NOT_ADVANCED),
    }

    bekasi = _nomination(2020, BEKASI)
    assert list(
        NominationTransition.objects.filter(nomination=bekasi).values_list(
            "from_state", "to_state", "actor__email"
        )
    ) == [
        (NominationState.ADVANCED, NominationState.FINALIST, "ketua.juri@paritrana.test"),
        (NominationState.FINALIST, NominationState.AWARDED, "juri.kemendagri@paritrana.test"),
    ]
    # Every juror scored the twelve in the selection and the eight finalists' interviews.
    sheets = Scoresheet.objects.filter(stage__edition__year=2020, panel__province__isnull=True)
    assert sheets.filter(stage__kind=K.NATIONAL_SELECTION, state="submitted").count() == 36
    assert sheets.filter(stage__kind=K.NATIONAL_INTERVIEW, state="submitted").count() == 24
    note = sheets.get(
        stage__kind=K.NATIONAL_SELECTION, nomination=bekasi, assessor__email=JURY[1]
    ).scores.get(criterion__code="produk_hukum")
    assert (note.value, note.note[:44]) == (
        D("86.00"),
        "Perda Kota Bekasi Nomor 18 Tahun 2011 tentan",
    )
    jury = Panel.objects.get(edition__year=2020, province__isnull=True)
    assert not Conflict.objects.filter(panel=jury).exists()
    assert sorted(jury.members.values_list("user__email", "is_chair")) == sorted(
        zip(JURY, (True, False, False), strict=True)
    )
    rubrics = Rubric.objects.filter(
        category=_category(), stage__kind__in=(K.NATIONAL_SELECTION, K.NATIONAL_INTERVIEW)
    )
    assert sorted((r.stage.kind, r.final_weight) for r in rubrics) == [
        (K.NATIONAL_INTERVIEW, D(40)),
        (K.NATIONAL_SELECTION, D(60)),
    ]  # fmt: skip

    # Stages 1–7 finalised (5–7 opened, closed and finalised by the replay); the ceremony is not.
    states = dict(Stage.objects.filter(edition__year=2020).values_list("kind", "state"))
    assert [states[k] for k in K] == [StageState.FINALISED] * 7 + [StageState.PLANNED]
    assert list(
        StageEvent.objects.filter(stage__edition__year=2020, stage__kind=K.NATIONAL_INTERVIEW)
        .order_by("pk")
        .values_list("from_state", "to_state")
    ) == [
        (StageState.PLANNED, StageState.OPEN),
        (StageState.OPEN, StageState.CLOSED),
        (StageState.CLOSED, StageState.FINALISED),
    ]


def test_2020_interviews_by_video_within_the_stage_dates(demo):
    stage = Stage.objects.get(edition__year=2020, kind=K.NATIONAL_INTERVIEW)
    assert (stage.starts_on, stage.ends_on) == (date(2021, 6, 14), date(2021, 6, 25))
    ceremony = Stage.objects.get(edition__year=2020, kind=K.CEREMONY)
    assert (ceremony.starts_on, ceremony.ends_on) == (date(2021, 9, 9), date(2021, 9, 9))
    interviews = Interview.objects.filter(nomination__category=_category()).select_related(
        "nomination__candidate"
    )
    assert interviews.count() == 8
    assert all(
        stage.starts_on <= i.scheduled_at.astimezone(WIB).date() <= stage.ends_on
        and i.video_link.startswith("https://vicon.paritrana.test/2020/")
        for i in interviews
    )
    bekasi = interviews.get(nomination__candidate__name=BEKASI)
    assert (bekasi.attendance, bekasi.scheduled_at, bekasi.video_link) == (
        "head",
        datetime(2021, 6, 15, 13, 0, tzinfo=WIB),
        "https://vicon.paritrana.test/2020/pemerintah-kabupaten-kota/kota-bekasi",
    )
    assert sorted(interviews.values_list("attendance", flat=True)) == sorted(
        ["head"] * 5 + ["deputy", "secretary", "other"]
    )


def test_jakarta_utara_2021_interviewed_with_its_mayor(demo):
    jakut = _nomination(2021, JAKUT)
    assert (jakut.state, jakut.category.finalist_quota) == (NominationState.FINALIST, 9)
    interview = Interview.objects.select_related("panel", "updated_by").get(nomination=jakut)
    assert interview.panel.is_jury and interview.panel.edition.year == 2021
    assert (interview.attendance, interview.attendee) == (
        "head",
        "Ali Maulana Hakim, Wali Kota Administrasi Jakarta Utara (didampingi Wakil Wali Kota "
        "Juaini dan Sekretaris Kota Abdul Khalit)",
    )
    assert interview.scheduled_at == datetime(2022, 2, 17, 9, 0, tzinfo=WIB)
    assert interview.video_link.startswith("https://vicon.paritrana.test/2021/")
    assert "kader dasawisma" in interview.minutes and "Ruang Fatahillah" in interview.minutes
    assert interview.updated_by.email == "ketua.juri@paritrana.test"
    states = dict(Stage.objects.filter(edition__year=2021).values_list("kind", "state"))
    # Gorontalo's socialisation: the 2021 nominations are still being gathered.
    assert states[K.NOMINATION] == StageState.OPEN
    assert states[K.NATIONAL_INTERVIEW] == StageState.PLANNED
    assert jakut.category.edition.nominations_open is True
    # Seeding again changes nothing.
    assert seed_scoring()["jakarta_utara_2021"] is False
    assert replay_national_2020() is False


def test_seed_demo_can_leave_the_2020_selection_for_the_browser(regions):
    call_command("seed_demo", "--national-2020=selection", stdout=StringIO())
    states = dict(Stage.objects.filter(edition__year=2020).values_list("kind", "state"))
    assert [states[k] for k in (K.NATIONAL_SELECTION, K.NATIONAL_INTERVIEW, K.NATIONAL_RESULT)] == [
        StageState.OPEN,
        StageState.PLANNED,
        StageState.PLANNED,
    ]  # fmt: skip
    assert not Scoresheet.objects.filter(stage__edition__year=2020).exists()
    assert not RankingSnapshot.objects.filter(stage__edition__year=2020).exists()
    assert Nomination.objects.filter(
        category=_category(), state=NominationState.ADVANCED
    ).count() == 12  # fmt: skip
    jury = Panel.objects.get(edition__year=2020, province__isnull=True)
    assert jury.members.count() == 3
    assert Rubric.objects.filter(category=_category(), stage__kind=K.NATIONAL_SELECTION).exists()
    # The Jawa Barat 2018 round is replayed as before.
    assert RankingSnapshot.objects.filter(stage__edition__year=2018).count() == 3
    # Running it again (the default, "finalised") leaves a round already under way alone.
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "2020 national round" not in out.getvalue()
    assert not Scoresheet.objects.filter(stage__edition__year=2020).exists()


def test_the_2020_result_left_for_the_browser_ends_as_the_replay_does(regions):
    call_command("seed_demo", "--national-2020=result", stdout=StringIO())
    assert Award.objects.count() == 0
    result = Stage.objects.get(edition__year=2020, kind=K.NATIONAL_RESULT)
    assert result.state == StageState.OPEN
    jury = Panel.objects.get(edition__year=2020, province__isnull=True)
    chair, *others = [m.user for m in jury.members.order_by("-is_chair", "pk")]
    snapshot = services.ranking_finalise(
        actor=chair, panel=jury, category=_category(), stage_kind=K.NATIONAL_RESULT
    )
    for juror in others:
        services.ranking_confirm(actor=juror, snapshot=snapshot)
    snapshot.refresh_from_db()
    assert snapshot.signed_off_at is not None
    assert _rows(snapshot) == FINAL


def test_the_2020_interviews_left_for_the_browser(regions):
    call_command("seed_demo", "--national-2020=interview", stdout=StringIO())
    interviews = Interview.objects.filter(nomination__category=_category())
    assert interviews.count() == 8
    assert set(interviews.values_list("attendance", flat=True)) == {""}
    assert not Scoresheet.objects.filter(stage__kind=K.NATIONAL_INTERVIEW).exists()
    interview = Stage.objects.get(edition__year=2020, kind=K.NATIONAL_INTERVIEW)
    assert interview.state == StageState.OPEN
    assert _nomination(2020, BONE).state == NominationState.FINALIST


# ---------------------------------------------------------------------------------------------
# Provincial rounds the demo does not replay are recorded as decided outside the system (issue
# 25, item 3): a decision file shows only the stages a nominee really went through.


def parse(html: str):
    from tests.scoring.test_decision_file import Tree

    return Tree(html).root


def _decision_page(client, nomination, language="en") -> str:
    from django.conf import settings
    from django.urls import reverse

    from accounts.models import User

    jury = Panel.objects.get(edition=nomination.category.edition, province__isnull=True)
    client.force_login(User.objects.get(email="admin@paritrana.test"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("scoring:decision", args=[jury.pk, nomination.pk])
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_demo_marks_the_provincial_rounds_it_does_not_replay(demo):
    outside = Nomination.objects.filter(provincial_outside_system=True)
    assert sorted(set(outside.values_list("category__edition__year", flat=True))) == [
        2020,
        2021,
    ]
    # Every 2020 regency/city nominee, advanced or not, and Jakarta Utara's 2021 finalist.
    assert outside.filter(category__edition__year=2020).count() == 18
    assert list(
        outside.filter(category__edition__year=2021).values_list("candidate__name", flat=True)
    ) == [JAKUT]
    assert not Nomination.objects.filter(
        category__edition__year=2018, provincial_outside_system=True
    ).exists()


def test_kota_bekasi_2020_decision_file_shows_no_empty_provincial_stage(client, demo_accounts):
    bekasi = Nomination.objects.get(candidate__name=BEKASI, category__edition__year=2020)
    page = _decision_page(client, bekasi)
    assert 'data-stage="provincial_assessment"' not in page
    assert "Ranking not finalised" not in page
    document = parse(page)
    [outside] = document.all("data-outside-stage")
    assert outside.text.startswith("Provincial assessment — decided outside the system")
    assert [n.text for n in document.all("data-outside-label")] == ["1st place"]
    assert [n.text for n in document.all("data-outside-outcome")] == [
        "Advanced to the national round"
    ]
    # The stages it went through in the system are there, finalised.
    assert 'data-stage="national_selection"' in page


def test_a_2020_nominee_not_advanced_is_recorded_as_not_advanced(client, demo_accounts):
    from django.conf import settings

    bandung = Nomination.objects.get(
        candidate__name="Pemerintah Kota Bandung", category__edition__year=2020
    )
    assert bandung.state == NominationState.NOT_ADVANCED
    # Not in the national round: the provincial panel's file (the jury never saw it).
    jabar = Panel.objects.get(edition=bandung.category.edition, province_id="32")
    from accounts.models import User

    client.force_login(User.objects.get(email="admin@paritrana.test"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/panel/{jabar.pk}/decisions/{bandung.pk}/")
    assert response.status_code == 200
    document = parse(response.content.decode())
    assert [n.text for n in document.all("data-outside-outcome")] == ["Not advanced"]
    assert [n.text for n in document.all("data-outside-label")] == ["—"]


def test_jakarta_utara_2021_decision_file_shows_no_empty_provincial_stage(client, demo_accounts):
    jakut = Nomination.objects.get(candidate__name=JAKUT, category__edition__year=2021)
    page = _decision_page(client, jakut)
    assert 'data-stage="provincial_assessment"' not in page
    assert [n.text for n in parse(page).all("data-outside-outcome")] == [
        "Advanced to the national round"
    ]


def test_jawa_barat_2020_needs_no_provincial_ranking_before_its_results_are_published(demo):
    from candidates.models import Edition, Province
    from ceremonies.selectors import publication_readiness

    readiness = publication_readiness(
        Edition.objects.get(year=2020), Province.objects.get(code="32")
    )
    assert not any("not finalised" in str(problem) for problem in readiness.problems)
