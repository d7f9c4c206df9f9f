"""Demo stages, rubrics and panels for the seed editions (shared/seeds/), moved through the
services so that their history is recorded, and two replays:

- the Jawa Barat 2018 provincial round: the panel verifies the nine regencies/cities and the
  firms, scores them, and the chair finalises — giving Kota Bekasi Peringkat I, Kota Bogor II,
  Kota Bandung III, Kota Sukabumi Harapan I and Kota Cimahi Harapan II, with Kota Bekasi
  advanced (ANTARA, January 2019);
- the 2020 national round of the regency/city category: the jury scores twelve advanced
  nominees, selects eight finalists (the article: 8 regencies/cities were interviewed),
  interviews them by video, and signs the result off — Kota Bekasi third, Peringkat III (Radar
  Bekasi, 2021), Kabupaten Bone Bolango a finalist ranked sixth (Pojok6, December 2021).

And the 2021 interview of Kota Administrasi Jakarta Utara, one of the nine regencies/cities
interviewed, on 17 February 2022 with its mayor (Budaya Indonesia, 17 February 2022).

Illustrative, because the articles do not report them: the panel's members beyond its chair
(the Sekda, as SPEC §1 says) and its secretary (BPJS), the weights of the two judged criteria
the article names (document verification and field review), the jury's third member, the
national rubrics' weights and attendance factors, the stages' dates except the ceremony's, the
ten other 2020 nominees (candidates.demo), who attended their interviews except Jakarta Utara's,
and every individual score — chosen only so that the totals give the published order.
Idempotent: a round already replayed is left alone.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import User
from candidates.demo import published_provincial_outcome
from candidates.enums import NominationState
from candidates.models import Candidate, Category, Edition, Nomination, Province

from . import selectors, services
from .enums import Attendance, CriterionKind, Mapping, StageKind, StageState
from .models import Interview, Panel, RankingSnapshot, Rubric, Stage

K, S = StageKind, StageState
_ORDER = [S.PLANNED, S.OPEN, S.CLOSED, S.FINALISED]
_STEP = {
    S.OPEN: services.stage_open,
    S.CLOSED: services.stage_close,
    S.FINALISED: services.stage_finalise,
}

# 2020: the provincial rounds are over (stages 1–4 finalised); the national stages 5–7 are
# driven by the national replay, which opens each while the jury works in it and finalises it
# afterwards (the round ran to its result, ceremony September 2021). 2021: nominations were
# being gathered (Gorontalo's socialisation, December 2021). 2018 is driven by its replay.
DEMO_STAGE_STATES = {
    2018: {},
    2020: dict.fromkeys(list(K)[:4], S.FINALISED),
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


# ---------------------------------------------------------------------------------------------
# The 2020 national round (regency/city category)

# How far the national replay goes: `seed_demo --national-2020=selection` leaves the jury to
# score the twelve nominees in the browser; `interview`: the finalists are chosen and their
# interviews scheduled, nothing scored; `result`: interviews scored and attended, the chair to
# finalise the result and the jurors to confirm it; `finalised`: signed off, awards given.
NATIONAL_STEPS = ("selection", "interview", "result", "finalised")

_KAB_KOTA = "pemerintah-kabupaten-kota"
_TZ = ZoneInfo("Asia/Jakarta")

# email, name, account organisation, position, chair. The first two are the demo logins of
# create_demo_accounts; the third juror (Kemendagri, which supports the award with Kemnaker —
# Radar Bekasi) is illustrative, so that the result needs two confirmations besides the chair's.
NATIONAL_JURY = [
    ("ketua.juri@paritrana.test", "Ketua Dewan Juri", "Kemenko PMK", "Ketua dewan juri", True),
    ("juri@paritrana.test", "Anggota Dewan Juri", "Kementerian Ketenagakerjaan",
     "Anggota dewan juri", False),
    ("juri.kemendagri@paritrana.test", "Anggota Dewan Juri (Kemendagri)",
     "Kementerian Dalam Negeri", "Anggota dewan juri", False),
]  # fmt: skip

# What the articles say is assessed: regulation, the number of workers protected and the
# government's commitment (Radar Bekasi); legal products, coverage — wage earners, non-wage
# earners and the vulnerable workers the government pays for — and the interview (Pojok6). The
# weights are illustrative.
NATIONAL_SELECTION_CRITERIA = [
    ("produk_hukum", "Produk hukum daerah", CriterionKind.JUDGED, Decimal(40), "",
     Mapping.LINEAR, None, None, 2),
    ("cakupan_kepesertaan", "Cakupan kepesertaan (PU, BPU dan pekerja rentan)",
     CriterionKind.JUDGED, Decimal(60), "", Mapping.LINEAR, None, None, 1),
]  # fmt: skip
NATIONAL_INTERVIEW_CRITERIA = [
    ("wawancara", "Wawancara: komitmen dan inovasi pemerintah daerah", CriterionKind.INTERVIEW,
     Decimal(100), "", Mapping.LINEAR, None, None, 1),
]  # fmt: skip
# Selection 60, interview 40 in the national result; the attendance factors are the model's
# defaults (head 1.00, deputy 0.90, secretary 0.80, other 0.70): "if the head of region comes,
# the weight is higher than the regional secretary or the head of an agency" (Pojok6).
NATIONAL_FINAL_WEIGHTS = {K.NATIONAL_SELECTION: Decimal(60), K.NATIONAL_INTERVIEW: Decimal(40)}
_NATIONAL_RUBRIC_NOTES = (
    "Reconstructed for the demo from what the articles say is assessed: regulation, the "
    "workers protected and the government's commitment (Radar Bekasi, 2021); legal products, "
    "coverage and the interview, where the head of region attending weighs more (Pojok6, "
    "December 2021). The criteria weights, the final weights (selection 60, interview 40) and "
    "the attendance factors are illustrative, not official figures."
)

# The stages' dates (all illustrative but the ceremony's: 9 September 2021, Radar Bekasi). The
# interviews fall within the interview stage's dates.
NATIONAL_2020_SCHEDULE = {
    K.NATIONAL_SELECTION: (date(2021, 5, 3), date(2021, 5, 28)),
    K.NATIONAL_INTERVIEW: (date(2021, 6, 14), date(2021, 6, 25)),
    K.NATIONAL_RESULT: (date(2021, 7, 1), date(2021, 8, 27)),
    K.CEREMONY: (date(2021, 9, 9), date(2021, 9, 9)),
}
_INTERVIEW_SLOTS = [
    datetime(2021, 6, day, hour, minute, tzinfo=_TZ)
    for day in (15, 16)
    for hour, minute in ((9, 0), (10, 30), (13, 0), (14, 30))
]

A = Attendance
# The illustrative numbers. Each juror scores a nominee's two selection criteria s ± 1 and its
# interview v ± 1 (the chair s − 1 and s + 1, then v − 1; the second juror s and v exactly; the
# third s + 1 and s − 1, then v + 1), so the means are exactly s and v: the selection total is s, the interview total v × the attendance factor, and
# the national result 0.6 × s + 0.4 × v × factor. The finalists are the eight best s (cut-off
# 79); the result:
#   1 Kota Semarang        0.6 × 88 + 0.4 × 92         = 89.60  Peringkat I
#   2 Kab. Banyuwangi      0.6 × 85 + 0.4 × 94         = 88.60  Peringkat II
#   3 Kota Bekasi          0.6 × 86 + 0.4 × 88         = 86.80  Peringkat III (the article)
#   4 Kota Makassar        0.6 × 84 + 0.4 × 84         = 84.00
#   5 Kota Balikpapan      0.6 × 89 + 0.4 × 90 × 0.80  = 82.20  (best selection; the Sekda came)
#   6 Kab. Bone Bolango    0.6 × 80 + 0.4 × 82         = 80.80  (the article: sixth)
#   7 Kab. Badung          0.6 × 82 + 0.4 × 85 × 0.90  = 79.80  (the deputy came)
#   8 Kab. Sleman          0.6 × 79 + 0.4 × 86 × 0.70  = 71.48  (a head of agency came)
# and Kota Pekanbaru (77), Kota Palembang (75), Kota Banda Aceh (73) and Kota Kupang (70) are
# not finalists. Kota Bekasi's mayor attending is assumed (the article reports him receiving the
# award); every other attendance is illustrative.
# candidate: (selection s, interview v, attendance, attendee)
NATIONAL_2020_SCORES = {
    "Pemerintah Kota Balikpapan": (89, 90, A.SECRETARY, "Sekretaris Daerah Kota Balikpapan"),
    "Pemerintah Kota Semarang": (88, 92, A.HEAD, "Wali Kota Semarang"),
    "Pemerintah Kota Bekasi": (
        86, 88, A.HEAD, "Rahmat Effendi, Wali Kota Bekasi (didampingi Kepala Dinas Tenaga Kerja "
        "Ika Indah Yarti)",
    ),
    "Pemerintah Kabupaten Banyuwangi": (85, 94, A.HEAD, "Bupati Banyuwangi"),
    "Pemerintah Kota Makassar": (84, 84, A.HEAD, "Wali Kota Makassar"),
    "Pemerintah Kabupaten Badung": (82, 85, A.DEPUTY, "Wakil Bupati Badung"),
    "Pemerintah Kabupaten Bone Bolango": (80, 82, A.HEAD, "Bupati Bone Bolango"),
    "Pemerintah Kabupaten Sleman": (
        79, 86, A.OTHER, "Kepala Dinas Tenaga Kerja Kabupaten Sleman",
    ),
    "Pemerintah Kota Pekanbaru": (77, None, None, ""),
    "Pemerintah Kota Palembang": (75, None, None, ""),
    "Pemerintah Kota Banda Aceh": (73, None, None, ""),
    "Pemerintah Kota Kupang": (70, None, None, ""),
}  # fmt: skip

_NATIONAL_NOTES = {
    "produk_hukum": "Produk hukum daerah tentang perlindungan jaminan sosial ketenagakerjaan "
    "diperiksa: jenis, sasaran dan pelaksanaannya. (Nilai ilustratif untuk demo.)",
    "cakupan_kepesertaan": "Cakupan kepesertaan pekerja penerima upah, bukan penerima upah dan "
    "pekerja rentan yang iurannya dibiayai APBD diperiksa. (Nilai ilustratif untuk demo.)",
    "wawancara": "Paparan kepala daerah tentang kebijakan, komitmen dan inovasi, serta jawaban "
    "atas pertanyaan juri. (Nilai ilustratif untuk demo.)",
}
# Notes drawn from the articles, for the two nominees they report on.
_NATIONAL_NOTES_OF = {
    "Pemerintah Kota Bekasi": {
        "produk_hukum": "Perda Kota Bekasi Nomor 18 Tahun 2011 tentang Pelayanan "
        "Ketenagakerjaan; Instruksi Wali Kota 134.4/313/Setda.KS bagi tenaga kerja kontrak; "
        "Keputusan 518/Kep.459-Diskop.UKM/XI/2019 mewajibkan perlindungan BP Jamsostek bagi "
        "nasabah dana bergulir BPRS Patriot.",
        "cakupan_kepesertaan": "95,36 % pekerja formal terdaftar sebagai peserta penerima upah; "
        "39.227 pekerja rentan (kader posyandu dan pengurus RT/RW) dan 14.786 pegawai non-ASN "
        "dilindungi melalui APBD.",
        "wawancara": "Wali kota memaparkan target agar semua pekerja di Kota Bekasi terlindungi; "
        "sejak 2017 sebanyak 54 ribu pekerja di bawah tanggung jawab Pemkot didaftarkan.",
    },
    "Pemerintah Kabupaten Bone Bolango": {
        "cakupan_kepesertaan": "Iuran 20 ribu peserta pekerja rentan atau mandiri (bukan "
        "penerima upah) dianggarkan dalam APBD.",
    },
}
_NATIONAL_MINUTES_OF = {
    "Pemerintah Kota Bekasi": (
        "Wawancara melalui konferensi video. Wali Kota Rahmat Effendi memaparkan sinergi "
        "Pemerintah Kota Bekasi dengan BPJS Ketenagakerjaan: sejak 2017 sebanyak 54 ribu pekerja "
        "di bawah tanggung jawab Pemkot didaftarkan, perizinan di DPM-PTSP terintegrasi dengan "
        "kepesertaan, dan targetnya semua pekerja di Kota Bekasi terlindungi. (Kehadiran wali "
        "kota dalam wawancara diasumsikan untuk demo.)"
    ),
    "Pemerintah Kabupaten Bone Bolango": (
        "Wawancara melalui konferensi video. Paparan tentang 20 ribu pekerja rentan atau "
        "mandiri yang iurannya dianggarkan dalam APBD. (Kehadiran dalam wawancara ilustratif "
        "untuk demo.)"
    ),
}
_NATIONAL_MINUTES = (
    "Wawancara melalui konferensi video: paparan kebijakan, komitmen dan inovasi pemerintah "
    "daerah, lalu tanya jawab dengan dewan juri. (Data ilustratif untuk demo.)"
)


def _slug(name: str) -> str:
    return name.removeprefix("Pemerintah ").lower().replace(" ", "-")


def _schedule(edition: Edition, schedule: dict) -> None:
    """Give the stages their dates, unless the secretariat has set them already."""
    for kind, (starts, ends) in schedule.items():
        Stage.objects.filter(
            edition=edition, kind=kind, starts_on__isnull=True, ends_on__isnull=True
        ).update(starts_on=starts, ends_on=ends)


def _national_jury(edition: Edition, members=NATIONAL_JURY) -> Panel:
    jury = services.panel_get_or_create(edition=edition, province=None)
    for email, name, organisation, position, chair in members:
        services.panel_member_add(
            panel=jury,
            user=_demo_user(email, name, organisation),
            is_chair=chair,
            position=position,
        )
    # The jurors' automatic conflicts with every nominee now before the jury.
    services.conflicts_refresh(panel=jury)
    return jury


def _national_rubrics(edition: Edition, category: Category) -> None:
    for kind, criteria in (
        (K.NATIONAL_SELECTION, NATIONAL_SELECTION_CRITERIA),
        (K.NATIONAL_INTERVIEW, NATIONAL_INTERVIEW_CRITERIA),
    ):
        stage = _stage(edition, kind)
        if not Rubric.objects.filter(stage=stage, category=category).exists():
            services.rubric_create(
                stage=stage,
                category=category,
                criteria=criteria,
                is_default=True,
                final_weight=NATIONAL_FINAL_WEIGHTS[kind],
                notes=_NATIONAL_RUBRIC_NOTES,
            )


def _national_score(jury: Panel, kind: StageKind, nomination: Nomination, value: int) -> None:
    """Every juror not excluded from the nominee submits value ± 1 on each assessed criterion
    (see NATIONAL_2020_SCORES)."""
    stage = _stage(jury.edition, kind)
    rubric = selectors.rubric_for(stage, nomination.category)
    criteria = [c for c in rubric.criteria.all() if c.is_assessed]
    notes = {**_NATIONAL_NOTES, **_NATIONAL_NOTES_OF.get(nomination.candidate.name, {})}
    for index, member in enumerate(jury.members.select_related("user").order_by("pk")):
        if services.automatic_conflict(jury, member, nomination):
            continue
        spread = (index % 3) - 1
        scores = {}
        for position, criterion in enumerate(criteria):
            given = value + (spread if position % 2 == 0 else -spread)
            scores[criterion.pk] = services.ScoreInput(Decimal(given), notes[criterion.code])
        services.scoresheet_save(
            actor=member.user,
            panel=jury,
            nomination=nomination,
            scores=scores,
            submit=True,
            stage_kind=kind,
        )


@transaction.atomic
def replay_national_2020(until: str = "finalised") -> bool:
    """Replay the 2020 national round of the regency/city category up to `until` (see
    NATIONAL_STEPS). Returns False when it had been replayed (or started) already."""
    if until not in NATIONAL_STEPS:
        raise ValueError(f"until must be one of {', '.join(NATIONAL_STEPS)}")
    edition = Edition.objects.filter(year=2020).first()
    if edition is None:
        return False
    services.stages_create_defaults(edition=edition)
    selection = _stage(edition, K.NATIONAL_SELECTION)
    if (
        selection.state != S.PLANNED
        or RankingSnapshot.objects.filter(
            stage__edition=edition, stage__kind__in=(K.NATIONAL_SELECTION, K.NATIONAL_RESULT)
        ).exists()
    ):
        return False
    category = Category.objects.get(edition=edition, code=_KAB_KOTA)
    cohort = {
        n.candidate.name: n
        for n in Nomination.objects.filter(
            category=category, state=NominationState.ADVANCED
        ).select_related("candidate", "category")
    }
    if set(cohort) != set(NATIONAL_2020_SCORES):
        raise RuntimeError(
            "The 2020 regency/city nominees are not as seeded; run seed_demo on a new database."
        )
    _schedule(edition, NATIONAL_2020_SCHEDULE)
    _national_rubrics(edition, category)
    jury = _national_jury(edition)
    chair = jury.members.get(is_chair=True).user
    selection = _advance(selection, S.OPEN)
    if until == "selection":
        return True

    # The national selection: every juror scores the twelve; the chair finalises.
    for name, (value, *_interview) in NATIONAL_2020_SCORES.items():
        _national_score(jury, K.NATIONAL_SELECTION, cohort[name], value)
    services.ranking_finalise(
        actor=chair, panel=jury, category=category, stage_kind=K.NATIONAL_SELECTION
    )
    _advance(selection, S.FINALISED)

    # The interviews, by video, in the order of the selection.
    interview = _advance(_stage(edition, K.NATIONAL_INTERVIEW), S.OPEN)
    finalists = [
        cohort[name]
        for name in NATIONAL_2020_SCORES
        if Nomination.objects.get(pk=cohort[name].pk).state == NominationState.FINALIST
    ]
    for slot, nomination in zip(_INTERVIEW_SLOTS, finalists, strict=False):
        services.interview_schedule(
            actor=chair,
            panel=jury,
            nomination=nomination,
            scheduled_at=slot,
            video_link=f"https://vicon.paritrana.test/2020/{_KAB_KOTA}/"
            f"{_slug(nomination.candidate.name)}",
        )
    if until == "interview":
        return True
    for nomination in finalists:
        name = nomination.candidate.name
        _value, value, attendance, attendee = NATIONAL_2020_SCORES[name]
        nomination = Nomination.objects.select_related("candidate", "category").get(
            pk=nomination.pk
        )
        _national_score(jury, K.NATIONAL_INTERVIEW, nomination, value)
        services.interview_record(
            actor=chair,
            panel=jury,
            nomination=nomination,
            attendance=attendance,
            attendee=attendee,
            minutes=_NATIONAL_MINUTES_OF.get(name, _NATIONAL_MINUTES),
        )
    _advance(interview, S.CLOSED)
    result = _advance(_stage(edition, K.NATIONAL_RESULT), S.OPEN)
    if until == "result":
        return True

    # The chair finalises the national result (their finalisation counts as their
    # confirmation); the other jurors confirm it, the last one signs it off: awards given.
    snapshot = services.ranking_finalise(
        actor=chair, panel=jury, category=category, stage_kind=K.NATIONAL_RESULT
    )
    for member in jury.members.select_related("user").filter(is_chair=False).order_by("pk"):
        services.ranking_confirm(actor=member.user, snapshot=snapshot)
    _advance(result, S.FINALISED)
    _advance(interview, S.FINALISED)
    return True


# ---------------------------------------------------------------------------------------------
# 2021: Kota Administrasi Jakarta Utara's interview (Budaya Indonesia, 17 February 2022)

JAKARTA_UTARA_2021 = "Pemerintah Kota Administrasi Jakarta Utara"
JAKARTA_UTARA_ATTENDEE = (
    "Ali Maulana Hakim, Wali Kota Administrasi Jakarta Utara (didampingi Wakil Wali Kota Juaini "
    "dan Sekretaris Kota Abdul Khalit)"
)
JAKARTA_UTARA_MINUTES = (
    "Wawancara virtual dengan tim juri dari Ruang Fatahillah, Kantor Wali Kota Administrasi "
    "Jakarta Utara. Turut hadir Asisten Administrasi dan Kesejahteraan Rakyat Sekretaris Kota "
    "Wawan Budi Rohman, jajaran BPJS Ketenagakerjaan dan pejabat terkait. Wali kota memaparkan "
    "profil geografis Jakarta Utara, kondisi ketenagakerjaan, kebijakan wali kota, komitmen "
    "kerja bersama camat se-Jakarta Utara dengan BPJS Ketenagakerjaan, serta inovasi dan "
    "kolaborasi untuk meningkatkan kepesertaan. Bersama pemangku kepentingan dan perusahaan "
    "melalui program CSR, ribuan kader dasawisma difasilitasi perlindungan Jamsostek tanpa "
    "bergantung pada APBD; kolaborasi itu berakar pada transparansi. Target: 100 % pekerja di "
    "Jakarta Utara terlindungi."
)
# The interview's time is not reported (09:00 WIB is illustrative); "national interviews were
# held by video in February 2022" gives the interview stage's dates.
JAKARTA_UTARA_SCHEDULED_AT = datetime(2022, 2, 17, 9, 0, tzinfo=_TZ)
NATIONAL_2021_SCHEDULE = {K.NATIONAL_INTERVIEW: (date(2022, 2, 1), date(2022, 2, 28))}


@transaction.atomic
def record_jakarta_utara_2021() -> bool:
    """Schedule and record Jakarta Utara's 2021 interview through the services: the 2021 jury
    (its chair and member logins) interviews the finalist while the 2021 interview stage is
    still planned (not finalised) — the 2021 nomination stage stays open for Gorontalo's
    socialisation. Returns False when the interview is recorded already (or cannot be)."""
    edition = Edition.objects.filter(year=2021).first()
    if edition is None:
        return False
    services.stages_create_defaults(edition=edition)
    nomination = (
        Nomination.objects.filter(
            category__edition=edition,
            category__code=_KAB_KOTA,
            candidate__name=JAKARTA_UTARA_2021,
            state=NominationState.FINALIST,
        )
        .select_related("candidate", "category")
        .first()
    )
    if nomination is None or (
        Interview.objects.filter(nomination=nomination).exclude(attendance="").exists()
    ):
        return False
    if _stage(edition, K.NATIONAL_INTERVIEW).state == S.FINALISED:
        return False
    _schedule(edition, NATIONAL_2021_SCHEDULE)
    jury = _national_jury(edition, NATIONAL_JURY[:2])
    chair = jury.members.get(is_chair=True).user
    services.interview_schedule(
        actor=chair,
        panel=jury,
        nomination=nomination,
        scheduled_at=JAKARTA_UTARA_SCHEDULED_AT,
        video_link=f"https://vicon.paritrana.test/2021/{_KAB_KOTA}/jakarta-utara",
    )
    services.interview_record(
        actor=chair,
        panel=jury,
        nomination=nomination,
        attendance=Attendance.HEAD,
        attendee=JAKARTA_UTARA_ATTENDEE,
        minutes=JAKARTA_UTARA_MINUTES,
    )
    return True


@transaction.atomic
def seed_scoring(*, jabar_2018: str = "finalised", national_2020: str = "finalised") -> dict:
    """Stages, default rubrics, the Jawa Barat 2018 replay, the 2020 national replay and the
    2021 Jakarta Utara interview for the demo editions."""
    stages = seed_stages()
    replayed = replay_jabar_2018(until=jabar_2018)
    national = replay_national_2020(until=national_2020)
    interviewed = record_jakarta_utara_2021()
    rubrics = 0
    for edition in Edition.objects.filter(year__in=DEMO_STAGE_STATES):
        rubrics += len(services.rubrics_seed_defaults(edition=edition))
    return {
        "stages": stages,
        "replayed": replayed,
        "national_2020": national,
        "jakarta_utara_2021": interviewed,
        "rubrics": rubrics,
    }
