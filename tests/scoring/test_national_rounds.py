"""The national round through the services (issue 5), against hand-computed examples: the
attendance factor, the combination of the national stages, the selection of the finalists, the
award schemes, the sign-off, what a finalised or signed-off ranking refuses, reopening, and the
jurors' conflicts. Every number in the comments is worked out by hand."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.services import role_assign
from candidates.enums import CandidateKind, NominationState, RankLabel
from candidates.models import Candidate, Province, Regency
from scoring import selectors, services
from scoring.enums import AwardKind, ConflictSource, CriterionKind, StageKind
from scoring.exceptions import (
    FinalisationRefused,
    RankingFinalised,
    StageFinalised,
    StageNotOpen,
)
from scoring.models import (
    Award,
    Conflict,
    Interview,
    RankingConfirmation,
    RankingSnapshot,
    Score,
    ScoreRevision,
    TieDecision,
)
from tests.factories import CategoryFactory, NominationFactory, UserFactory

from .conftest import criterion

S, IV, R = StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW, StageKind.NATIONAL_RESULT
J, INTERVIEW = CriterionKind.JUDGED, CriterionKind.INTERVIEW
NS = NominationState
# An interview rubric mixing a judged criterion (the presentation, weight 1) and the interview
# criterion (weight 3, the attendance factor applies to it).
MIXED_INTERVIEW = [criterion("paparan", J, weight=1), criterion("wawancara", INTERVIEW, weight=3)]


def finalists(r, *entries, interview=None):
    """Nominate each (regency code, selection score), every juror giving that score in the
    selection, finalise the selection and open the interview and the result. With `interview`
    {code: (scores, attendance)} every juror gives those interview scores and the chair records
    the attendance (None: not recorded)."""
    nominees = {}
    for code, score in entries:
        nominees[code] = r.nominate(code)
        r.score_all(S, nominees[code], score)
    r.select()
    r.open(IV, R)
    for code, (scores, attendance) in (interview or {}).items():
        nomination = refresh(nominees[code])
        r.score_all(IV, nomination, *scores)
        if attendance is not None:
            r.attend(nomination, attendance)
    return [refresh(n) for n in nominees.values()]


def refresh(nomination):
    nomination.refresh_from_db()
    return nomination


def interview_ranking(r):
    ranking = selectors.ranking_for(
        rubric=r.interview,
        panel=r.panel,
        nominations=selectors.stage_nominations(r.panel, IV, r.category),
    )
    return {row.nomination.pk: row for row in ranking.rows}


def criteria_of(row):
    return [(c.criterion.code, c.score, c.judged, c.factor, c.contribution, c.counted)
            for c in row.criteria]  # fmt: skip


def final_totals(r):
    ranking = selectors.final_ranking_for(panel=r.panel, category=r.category)
    return [(row.nomination.pk, row.total, row.rank, row.tied) for row in ranking.rows]


def refused(error) -> list[str]:
    return [str(m) for m in error.value.messages]


def sign_off(r):
    final = r.finalise()
    for juror in r.members[1:]:
        services.ranking_confirm(actor=juror, snapshot=final)
    final.refresh_from_db()
    return final


def secretariat():
    admin = UserFactory(email="sekretariat@example.test", first_name="Sekretariat")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    return admin


@pytest.fixture(autouse=True)
def _english():
    # The messages are compared with their English msgids.
    with translation.override("en"):
        yield


# ---------------------------------------------------------------------------------------------
# A whole national round (formerly test_national_smoke)


def test_a_national_round_from_selection_to_sign_off(make_national):
    r = make_national()
    a, b, c, d = (r.nominate(code) for code in ("32.75", "32.71", "32.73", "32.77"))
    for n, v in ((a, 80), (b, 90), (c, 70), (d, 60)):
        r.score_all(S, n, v)
    snap = r.select()
    assert [row.advanced for row in snap.rows.order_by("rank")] == [True, True, True, False]
    assert [refresh(n).state for n in (a, b, c, d)] == [NS.FINALIST] * 3 + [NS.NOT_FINALIST]
    r.open(IV, R)
    for n, v in ((a, 100), (b, 80), (c, 90)):
        r.score_all(IV, n, v)
    r.attend(a, "head")
    r.attend(b, "secretary")
    r.attend(c, "deputy")
    # a: 0.6 × 80 + 0.4 × 100 = 88.00; b: 0.6 × 90 + 0.4 × (80 × 0.8 = 64) = 54 + 25.6 = 79.60;
    # c: 0.6 × 70 + 0.4 × (90 × 0.9 = 81) = 42 + 32.4 = 74.40
    assert final_totals(r) == [
        (a.pk, D("88.00"), 1, False),
        (b.pk, D("79.60"), 2, False),
        (c.pk, D("74.40"), 3, False),
    ]
    final = sign_off(r)
    assert final.signed_off_at is not None
    assert [(w.nomination_id, w.label) for w in Award.objects.order_by("rank")] == [
        (a.pk, RankLabel.PERINGKAT_1),
        (b.pk, RankLabel.PERINGKAT_2),
        (c.pk, RankLabel.PERINGKAT_3),
    ]


# ---------------------------------------------------------------------------------------------
# 1. The attendance factor


@pytest.mark.parametrize(
    ("factors", "expected"),
    [
        # Default factors. Every juror: paparan 70, wawancara 80, so the judged mean is 80 and
        # the total (1 × 70 + 3 × 80 × factor) / 4:
        #   head      80 × 1.00 = 80.00 → (70 + 240) / 4 = 77.50, contribution 3 × 80 / 4 = 60
        #   deputy    80 × 0.90 = 72.00 → (70 + 216) / 4 = 71.50, contribution 54
        #   secretary 80 × 0.80 = 64.00 → (70 + 192) / 4 = 65.50, contribution 48
        #   other     80 × 0.70 = 56.00 → (70 + 168) / 4 = 59.50, contribution 42
        (
            {},
            [
                ("1.00", "80.00", "60.00", "77.50"),
                ("0.90", "72.00", "54.00", "71.50"),
                ("0.80", "64.00", "48.00", "65.50"),
                ("0.70", "56.00", "42.00", "59.50"),
            ],
        ),
        # The rubric's own factors 0.95 / 0.85 / 0.60 / 0.50:
        #   head      80 × 0.95 = 76.00 → (70 + 228) / 4 = 74.50, contribution 57
        #   deputy    80 × 0.85 = 68.00 → (70 + 204) / 4 = 68.50, contribution 51
        #   secretary 80 × 0.60 = 48.00 → (70 + 144) / 4 = 53.50, contribution 36
        #   other     80 × 0.50 = 40.00 → (70 + 120) / 4 = 47.50, contribution 30
        (
            {
                "factor_head": D("0.95"),
                "factor_deputy": D("0.85"),
                "factor_secretary": D("0.60"),
                "factor_other": D("0.50"),
            },
            [
                ("0.95", "76.00", "57.00", "74.50"),
                ("0.85", "68.00", "51.00", "68.50"),
                ("0.60", "48.00", "36.00", "53.50"),
                ("0.50", "40.00", "30.00", "47.50"),
            ],
        ),
    ],
    ids=["default-factors", "changed-factors"],
)
def test_the_interview_criterion_is_the_judged_mean_times_the_attendance_factor(
    make_national, factors, expected
):
    r = make_national(interview=MIXED_INTERVIEW, interview_options=factors, finalist_quota=4)
    attendance = ["head", "deputy", "secretary", "other"]
    codes = ["32.71", "32.72", "32.73", "32.74"]
    nominees = finalists(
        r,
        *zip(codes, [90, 85, 80, 75], strict=True),
        interview={code: ((70, 80), a) for code, a in zip(codes, attendance, strict=True)},
    )
    rows = interview_ranking(r)
    for nomination, (factor, score, contribution, total) in zip(nominees, expected, strict=True):
        row = rows[nomination.pk]
        assert criteria_of(row) == [
            ("paparan", D("70.00"), D("70.00"), None, D("17.50"), 3),
            ("wawancara", D(score), D("80.00"), D(factor), D(contribution), 3),
        ]
        assert row.total == D(total)
    # The national result (selection 60, interview 40) carries the factor in its breakdown.
    final = selectors.final_ranking_for(panel=r.panel, category=r.category)
    assert [row.attendance_factor for row in final.rows] == [D(e[0]) for e in expected]
    assert [row.interview.attendance for row in final.rows] == attendance


def test_half_up_rounding_at_an_exact_half_after_the_factor(make_national):
    """SQLite computes the ranking in floating point, where 40.25 × 0.7 is 28.174999…; the
    published figures must still be rounded half up from the exact value, as on PostgreSQL."""
    r = make_national(interview=MIXED_INTERVIEW)
    e, g = finalists(
        r,
        ("32.71", 80),
        ("32.72", "80.03"),
        interview={"32.71": ((70, "40.25"), "other"), "32.72": ((62, "61.80"), "deputy")},
    )
    rows = interview_ranking(r)
    # e: wawancara 40.25 × 0.70 = 28.175 → 28.18; contribution 3 × 28.175 / 4 = 21.13125 → 21.13;
    #    total (70 + 3 × 28.175) / 4 = 154.525 / 4 = 38.63125 → 38.63
    assert criteria_of(rows[e.pk]) == [
        ("paparan", D("70.00"), D("70.00"), None, D("17.50"), 3),
        ("wawancara", D("28.18"), D("40.25"), D("0.70"), D("21.13"), 3),
    ]
    assert rows[e.pk].total == D("38.63")
    # g: wawancara 61.80 × 0.90 = 55.62; total (62 + 3 × 55.62) / 4 = 228.86 / 4 = 57.215 → 57.22
    #    (in floating point 57.214999…)
    assert criteria_of(rows[g.pk]) == [
        ("paparan", D("62.00"), D("62.00"), None, D("15.50"), 3),
        ("wawancara", D("55.62"), D("61.80"), D("0.90"), D("41.72"), 3),
    ]
    assert rows[g.pk].total == D("57.22")
    # The national result uses the stage totals rounded to two decimals first:
    # g: 0.6 × 80.03 + 0.4 × 57.22 = 48.018 + 22.888 = 70.906 → 70.91 (from the unrounded
    #    57.215 it would be 48.018 + 22.886 = 70.904 → 70.90);
    # e: 0.6 × 80 + 0.4 × 38.63 = 48 + 15.452 = 63.452 → 63.45.
    assert final_totals(r) == [(g.pk, D("70.91"), 1, False), (e.pk, D("63.45"), 2, False)]
    snapshot = r.finalise()
    rows = {row.nomination_id: row for row in snapshot.rows.all()}
    assert (rows[g.pk].total, rows[e.pk].total) == (D("70.91"), D("63.45"))
    interview = rows[e.pk].breakdown["stages"][1]
    assert (interview["total"], interview["criteria"][1]["score"]) == ("38.63", "28.18")
    assert (interview["criteria"][1]["judged"], interview["criteria"][1]["factor"]) == (
        "40.25",
        "0.70",
    )


def test_without_attendance_the_factor_is_not_applied_and_finalisation_is_refused(
    make_national,
):
    r = make_national(interview=MIXED_INTERVIEW)
    _a, b, c = finalists(
        r,
        ("32.71", 90),
        ("32.72", 80),
        ("32.73", 70),
        interview={
            "32.71": ((70, 80), "head"),
            "32.72": ((70, 80), None),
            "32.73": ((70, 80), None),
        },
    )
    # b's interview is scheduled, its attendance not recorded; c has no interview at all.
    services.interview_schedule(
        actor=r.chair,
        panel=r.panel,
        nomination=b,
        scheduled_at=timezone.now(),
        video_link="https://meet.example.test/b",
    )
    rows = interview_ranking(r)
    # No factor: the interview criterion is the judged mean itself, (70 + 3 × 80) / 4 = 77.50.
    for nomination in (b, c):
        assert criteria_of(rows[nomination.pk])[1] == (
            "wawancara", D("80.00"), D("80.00"), None, D("60.00"), 3,
        )  # fmt: skip
        assert rows[nomination.pk].total == D("77.50")
    final = selectors.final_ranking_for(panel=r.panel, category=r.category)
    assert final.missing_attendance == [b, c]
    with pytest.raises(FinalisationRefused) as error:
        r.finalise()
    assert refused(error) == [
        "The ranking cannot be finalised yet:",
        "The attendance at Pemerintah Kota Sukabumi's interview is not recorded.",
        "The attendance at Pemerintah Kota Bandung's interview is not recorded.",
    ]
    assert not RankingSnapshot.objects.filter(stage__kind=R).exists()
    r.attend(b, "deputy")
    r.attend(c, "head")
    assert r.finalise().rows.count() == 3


# ---------------------------------------------------------------------------------------------
# 2. Combining the national stages


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # a: selection 80.07, interview 57.22 × 1.00 (head) = 57.22
        # b: selection 75.00, interview 90 × 0.90 (deputy) = 81.00
        # c: selection 70.00, interview 60.25 × 0.80 (secretary) = 48.20
        # 60/40: a 0.6 × 80.07 + 0.4 × 57.22 = 48.042 + 22.888 = 70.930 → 70.93
        #        b 45 + 32.4 = 77.40; c 42 + 19.28 = 61.28
        ((D(60), D(40)), [("b", "77.40"), ("a", "70.93"), ("c", "61.28")]),
        # 70/30: a 0.7 × 80.07 + 0.3 × 57.22 = 56.049 + 17.166 = 73.215 → 73.22 (half up)
        #        b 52.5 + 24.3 = 76.80; c 49 + 14.46 = 63.46
        ((D(70), D(30)), [("b", "76.80"), ("a", "73.22"), ("c", "63.46")]),
        # selection weight 0: only the interview counts, 40 / 40 × interview total
        ((D(0), D(40)), [("b", "81.00"), ("a", "57.22"), ("c", "48.20")]),
    ],
    ids=["60-40", "70-30", "selection-weight-0"],
)
def test_the_final_total_combines_the_stage_totals_by_their_weights(
    make_national, weights, expected
):
    r = make_national(weights=weights)
    a, b, c = finalists(
        r,
        ("32.71", "80.07"),
        ("32.72", 75),
        ("32.73", 70),
        interview={
            "32.71": (("57.22",), "head"),
            "32.72": ((90,), "deputy"),
            "32.73": (("60.25",), "secretary"),
        },
    )
    by_name = {"a": a, "b": b, "c": c}
    ranking = selectors.final_ranking_for(panel=r.panel, category=r.category)
    assert [(row.nomination, row.total, row.rank) for row in ranking.rows] == [
        (by_name[name], D(total), rank) for rank, (name, total) in enumerate(expected, start=1)
    ]
    # Each stage's part: the selection total frozen when the finalists were chosen (rank in
    # the selection), the interview total live (rank in the interview).
    stages = {row.nomination.pk: row.stages for row in ranking.rows}
    interview = (IV, weights[1], D("81.00"), 1, False)
    selection = (S, weights[0], D("75.00"), 2, True)
    assert [(s.stage.kind, s.weight, s.total, s.rank, s.frozen) for s in stages[b.pk]] == (
        [selection, interview] if weights[0] else [interview]
    )
    assert ranking.weights == [w for w in weights if w]
    assert [stage.kind for stage, _rubric in ranking.stages] == ([S, IV] if weights[0] else [IV])
    snapshot = r.finalise()
    assert [(row.nomination_id, row.total, row.rank) for row in snapshot.rows.order_by("rank")] == [
        (by_name[name].pk, D(total), rank) for rank, (name, total) in enumerate(expected, start=1)
    ]
    breakdown = snapshot.rows.get(nomination=b).breakdown
    assert [(s["stage"], s["weight"], s["total"]) for s in breakdown["stages"]] == [
        (str(s.stage.kind), str(s.weight), str(s.total)) for s in stages[b.pk]
    ]
    assert (breakdown["attendance"], breakdown["factor"]) == ("deputy", "0.90")


def test_final_ties_are_broken_by_the_selection_then_the_interview_tie_breakers_then_the_chair(
    make_national,
):
    r = make_national(
        selection=[criterion("inovasi", J, tie=1), criterion("regulasi", J)],
        interview=[criterion("wawancara", INTERVIEW, tie=1), criterion("paparan", J)],
        finalist_quota=4,
    )
    # Selection (inovasi, regulasi) → total; interview (wawancara, paparan), head attending.
    # Every final total is 0.6 × 80 + 0.4 × 80 = 80.00.
    #   p: (90, 70) → 80; (80, 80) → 80   tie-breakers: inovasi 90, wawancara 80
    #   q: (70, 90) → 80; (80, 80) → 80   inovasi 70, wawancara 80
    #   r: (70, 90) → 80; (90, 70) → 80   inovasi 70, wawancara 90
    #   s: (70, 90) → 80; (80, 80) → 80   inovasi 70, wawancara 80: tied with q
    plan = {
        "32.71": ((90, 70), (80, 80)),
        "32.72": ((70, 90), (80, 80)),
        "32.73": ((70, 90), (90, 70)),
        "32.74": ((70, 90), (80, 80)),
    }
    nominees = {code: r.nominate(code) for code in plan}
    for code, (selection, _interview) in plan.items():
        r.score_all(S, nominees[code], *selection)
    p, q, rr, s = nominees.values()
    # The selection has its own tie (q, r, s share 80 and inovasi 70), decided by the chair for
    # the selection only.
    with pytest.raises(FinalisationRefused) as error:
        r.select()
    assert refused(error) == [
        "The ranking cannot be finalised yet:",
        "Still tied at rank 2: Pemerintah Kota Bandung, Pemerintah Kota Cirebon, "
        "Pemerintah Kota Sukabumi.",
    ]
    services.tie_decide(
        actor=r.chair,
        panel=r.panel,
        category=r.category,
        order=[q, rr, s],
        reason="Urutan seleksi: kelengkapan dokumen",
        stage_kind=S,
    )
    r.select()
    r.open(IV, R)
    for code, (_selection, interview) in plan.items():
        r.score_all(IV, refresh(nominees[code]), *interview)
        r.attend(nominees[code], "head")

    ranking = selectors.final_ranking_for(panel=r.panel, category=r.category)
    # p first by the selection's tie-breaker; r before q and s by the interview's; q and s
    # still tied at rank 3 (the selection's decision does not carry into the final).
    assert [(row.nomination, row.total, row.rank, row.tied) for row in ranking.rows] == [
        (p, D("80.00"), 1, False),
        (rr, D("80.00"), 2, False),
        (s, D("80.00"), 3, True),  # Cirebon before Sukabumi by name only
        (q, D("80.00"), 3, True),
    ]
    assert ranking.rows[0].tie_broken is True
    assert [[row.nomination for row in group] for group in ranking.ties] == [[s, q]]
    with pytest.raises(FinalisationRefused) as error:
        r.finalise()
    assert refused(error) == [
        "The ranking cannot be finalised yet:",
        "Still tied at rank 3: Pemerintah Kota Cirebon, Pemerintah Kota Sukabumi.",
    ]
    with pytest.raises(ValidationError):  # not exactly the tied group
        services.tie_decide(
            actor=r.chair, panel=r.panel, category=r.category, order=[p, q],
            reason="Salah pilih", stage_kind=R,
        )  # fmt: skip
    with pytest.raises(ValidationError):  # no reason
        services.tie_decide(
            actor=r.chair, panel=r.panel, category=r.category, order=[q, s], reason=" ",
            stage_kind=R,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # only the chair
        services.tie_decide(
            actor=r.members[1], panel=r.panel, category=r.category, order=[q, s],
            reason="Bukan ketua", stage_kind=R,
        )  # fmt: skip
    services.tie_decide(
        actor=r.chair,
        panel=r.panel,
        category=r.category,
        order=[q, s],
        reason="Sukabumi menunjukkan komitmen anggaran yang lebih besar",
        stage_kind=R,
    )
    assert final_totals(r) == [
        (p.pk, D("80.00"), 1, False),
        (rr.pk, D("80.00"), 2, False),
        (q.pk, D("80.00"), 3, False),
        (s.pk, D("80.00"), 4, False),
    ]
    result_stage = r.stage(R)
    assert sorted(
        TieDecision.objects.filter(stage=result_stage).values_list("nomination", "position")
    ) == sorted([(q.pk, 1), (s.pk, 2)])
    snapshot = r.finalise()
    assert [(row.nomination_id, row.rank, row.tie_reason) for row in snapshot.rows.all()] == [
        (p.pk, 1, ""),
        (rr.pk, 2, ""),
        (q.pk, 3, "Sukabumi menunjukkan komitmen anggaran yang lebih besar"),
        (s.pk, 4, "Sukabumi menunjukkan komitmen anggaran yang lebih besar"),
    ]


# ---------------------------------------------------------------------------------------------
# 3. The national selection


def test_finalists_by_quota_and_minimum(make_national):
    r = make_national(finalist_quota=3, finalist_minimum=D(75))
    a, b, c, d = (r.nominate(code) for code in ("32.71", "32.72", "32.73", "32.74"))
    for nomination, score in ((a, 90), (b, 80), (c, 70), (d, 60)):
        r.score_all(S, nomination, score)
    snapshot = r.select()
    # c is third, inside the quota of 3, but below the minimum of 75: not a finalist.
    assert (snapshot.quota, snapshot.cut_off) == (3, D("80.00"))
    assert [(row.nomination_id, row.rank, row.total, row.advanced)
            for row in snapshot.rows.order_by("rank")] == [
        (a.pk, 1, D("90.00"), True),
        (b.pk, 2, D("80.00"), True),
        (c.pk, 3, D("70.00"), False),
        (d.pk, 4, D("60.00"), False),
    ]  # fmt: skip
    assert [refresh(n).state for n in (a, b, c, d)] == [
        NS.FINALIST, NS.FINALIST, NS.NOT_FINALIST, NS.NOT_FINALIST
    ]  # fmt: skip
    for nomination in (a, b, c, d):
        assert list(nomination.transitions.values_list("from_state", "to_state", "actor")) == [
            (NS.ADVANCED, nomination.state, r.chair.pk)
        ]
    assert list(selectors.stage_nominations(r.panel, IV, r.category)) == [a, b]


def _province_category(r, quota=2):
    """A provincial-government category of the same edition: no provincial round, the jury
    verifies its dossiers and selects among them."""
    category = CategoryFactory(
        edition=r.edition,
        code="provinsi",
        name="Pemerintah Provinsi",
        candidate_kind=CandidateKind.PROVINCE_GOVERNMENT,
        has_provincial_round=False,
        finalist_quota=quota,
    )
    rubric = services.rubric_create(
        stage=r.stage(S), category=category, criteria=[criterion("judged")], final_weight=D(60)
    )
    return category, rubric


def _province(category, code):
    province = Province.objects.get(code=code)
    candidate = Candidate.objects.create(
        kind=CandidateKind.PROVINCE_GOVERNMENT,
        province=province,
        name=f"Pemerintah Provinsi {province.name}",
    )
    return NominationFactory(category=category, candidate=candidate, state=NS.SUBMITTED)


def _score(r, rubric, person, nomination, value):
    (criterion_,) = rubric.criteria.all()
    return services.scoresheet_save(
        actor=person,
        panel=r.panel,
        nomination=nomination,
        scores={criterion_.pk: services.ScoreInput(value, "catatan juri")},
        submit=True,
        stage_kind=S,
    )


def test_a_provincial_governments_ranking_row_names_its_province(make_national):
    r = make_national()
    category, rubric = _province_category(r)
    jabar = _province(category, "32")
    services.nomination_verify(actor=r.members[1], nomination=jabar)
    ranking = selectors.ranking_for(
        rubric=rubric,
        panel=r.panel,
        nominations=selectors.stage_nominations(r.panel, S, category),
        nominees=False,
    )
    assert [(row.nomination_id, row.name, row.region) for row in ranking.rows] == [
        (jabar.pk, "Pemerintah Provinsi Jawa Barat", "Jawa Barat")
    ]


def test_a_category_without_provincial_round_is_verified_and_selected_by_the_jury(make_national):
    r = make_national()
    category, rubric = _province_category(r, quota=2)
    jabar, jateng, gorontalo, banten = (
        _province(category, code) for code in ("32", "33", "75", "36")
    )
    # The jury verifies while the national selection is open (the provincial verification is
    # not): not while it is closed.
    services.stage_close(actor=None, stage=r.stage(S))
    with pytest.raises(StageNotOpen):
        services.nomination_verify(actor=r.members[1], nomination=jabar)
    assert refresh(jabar).state == NS.SUBMITTED
    r.open(S)
    for nomination in (jabar, jateng, gorontalo):
        services.nomination_verify(actor=r.members[1], nomination=nomination)
    assert refresh(jabar).state == NS.VERIFIED
    for nomination in (jabar, jateng):
        for person in r.members:
            _score(r, rubric, person, refresh(nomination), 80)
    _score(r, rubric, r.chair, refresh(gorontalo), 50)

    def select():
        return services.ranking_finalise(
            actor=r.chair, panel=r.panel, category=category, stage_kind=S
        )

    # Banten waits for verification, two jurors have not scored Gorontalo, and Jawa Barat and
    # Jawa Tengah are tied at 80.
    with pytest.raises(FinalisationRefused) as error:
        select()
    assert refused(error) == [
        "The ranking cannot be finalised yet:",
        "Pemerintah Provinsi Banten is still waiting for verification.",
        "Juri 1 has not submitted a scoresheet for Pemerintah Provinsi Gorontalo.",
        "Juri 2 has not submitted a scoresheet for Pemerintah Provinsi Gorontalo.",
        "Still tied at rank 1: Pemerintah Provinsi Jawa Barat, Pemerintah Provinsi Jawa Tengah.",
    ]
    assert not RankingSnapshot.objects.filter(category=category).exists()

    services.nomination_verify(actor=r.chair, nomination=banten)
    for person in r.members:
        _score(r, rubric, person, refresh(banten), 40)
    for person in r.members[1:]:
        _score(r, rubric, person, refresh(gorontalo), 50)
    services.tie_decide(
        actor=r.chair,
        panel=r.panel,
        category=category,
        order=[jateng, jabar],
        reason="Jawa Tengah memiliki perda yang lebih kuat",
        stage_kind=S,
    )
    snapshot = select()
    assert [(row.nomination_id, row.rank, row.total, row.advanced, row.tie_reason)
            for row in snapshot.rows.order_by("rank")] == [
        (jateng.pk, 1, D("80.00"), True, "Jawa Tengah memiliki perda yang lebih kuat"),
        (jabar.pk, 2, D("80.00"), True, "Jawa Tengah memiliki perda yang lebih kuat"),
        (gorontalo.pk, 3, D("50.00"), False, ""),
        (banten.pk, 4, D("40.00"), False, ""),
    ]  # fmt: skip
    assert list(jateng.transitions.values_list("from_state", "to_state")) == [
        (NS.SUBMITTED, NS.VERIFIED),
        (NS.VERIFIED, NS.SCORED),
        (NS.SCORED, NS.FINALIST),
    ]
    assert list(banten.transitions.values_list("from_state", "to_state")) == [
        (NS.SUBMITTED, NS.VERIFIED),
        (NS.VERIFIED, NS.SCORED),
        (NS.SCORED, NS.NOT_FINALIST),
    ]
    assert [refresh(n).state for n in (jabar, jateng, gorontalo, banten)] == [
        NS.FINALIST, NS.FINALIST, NS.NOT_FINALIST, NS.NOT_FINALIST
    ]  # fmt: skip


def test_the_selection_is_refused_while_scoresheets_are_missing_or_a_tie_is_open(make_national):
    r = make_national(finalist_quota=2)
    a, b, c = (r.nominate(code) for code in ("32.71", "32.72", "32.73"))
    r.score_all(S, a, 70)
    r.score_all(S, b, 70)
    r.score(S, r.chair, c, 90)
    r.score(S, r.members[1], c, 90, submit=False)  # a draft is not a scoresheet
    with pytest.raises(FinalisationRefused) as error:
        r.select()
    assert refused(error) == [
        "The ranking cannot be finalised yet:",
        "Juri 1 has not submitted a scoresheet for Pemerintah Kota Bandung.",
        "Juri 2 has not submitted a scoresheet for Pemerintah Kota Bandung.",
        "Still tied at rank 2: Pemerintah Kota Bogor, Pemerintah Kota Sukabumi.",
    ]
    assert not RankingSnapshot.objects.exists()
    assert [refresh(n).state for n in (a, b, c)] == [NS.ADVANCED] * 3
    with pytest.raises(PermissionDenied):  # a juror does not finalise
        services.ranking_finalise(
            actor=r.members[1], panel=r.panel, category=r.category, stage_kind=S
        )


# ---------------------------------------------------------------------------------------------
# 4. Awards by the category's scheme


def _signed_off_round(r, plan):
    """Finalists from `plan` {code: total}: every juror gives the total in the selection and
    in the interview, the head attends, so each final total is 0.6 × t + 0.4 × t = t. Then the
    chair finalises and the two jurors confirm."""
    nominees = finalists(
        r,
        *plan.items(),
        interview={code: ((total,), "head") for code, total in plan.items()},
    )
    return nominees, sign_off(r)


def _awards(r):
    return list(
        Award.objects.filter(category=r.category)
        .order_by("rank")
        .values_list("nomination", "kind", "label", "title", "rank", "province", "zone")
    )


LABELS = [
    (RankLabel.PERINGKAT_1, "Peringkat I"),
    (RankLabel.PERINGKAT_2, "Peringkat II"),
    (RankLabel.PERINGKAT_3, "Peringkat III"),
    (RankLabel.HARAPAN_1, "Harapan I"),
    (RankLabel.HARAPAN_2, "Harapan II"),
    (RankLabel.HARAPAN_3, "Harapan III"),
]


@pytest.mark.parametrize("labels", [3, 6])
def test_ranked_scheme_gives_peringkat_then_harapan_as_many_as_national_labels(
    make_national, labels
):
    r = make_national(finalist_quota=7, national_labels=labels)
    codes = ["32.71", "32.72", "32.73", "32.74", "32.75", "32.76", "32.77"]
    # Final totals 95, 90, …, 65 in the order of the codes: ranks 1–7.
    nominees, final = _signed_off_round(r, dict(zip(codes, range(95, 60, -5), strict=True)))
    assert final.signed_off_at is not None
    assert final.quota == labels
    given = LABELS[:labels]
    assert _awards(r) == [
        (n.pk, AwardKind.RANKED, label, title, rank, None, "")
        for rank, (n, (label, title)) in enumerate(
            zip(nominees[:labels], given, strict=True), start=1
        )
    ]
    assert Award.objects.filter(snapshot=final).count() == labels
    expected = [(NS.AWARDED, label, rank) for rank, (label, _t) in enumerate(given, start=1)]
    expected += [(NS.NOT_AWARDED, "", rank) for rank in range(labels + 1, 8)]
    assert [(n.state, n.national_label, n.national_rank) for n in map(refresh, nominees)] == (
        expected
    )
    assert [row.label for row in final.rows.order_by("rank")] == (
        [label for label, _t in given] + [""] * (7 - labels)
    )
    for nomination in nominees:
        assert (
            nomination.transitions.filter(
                from_state=NS.FINALIST, to_state=nomination.state, actor=r.members[-1]
            ).count()
            == 1
        )  # the last juror's confirmation signed it off


def test_best_per_province_gives_terbaik_to_the_best_of_each_province(make_national):
    r = make_national(finalist_quota=4, award_scheme="best_per_province")
    # Jawa Tengah: Kota Magelang 95, Kota Semarang 80; Jawa Barat: Kota Bogor 90, Bandung 85.
    (magelang, semarang, bogor, bandung), _final = _signed_off_round(
        r, {"33.71": 95, "33.74": 80, "32.71": 90, "32.73": 85}
    )
    jateng, jabar = Province.objects.get(code="33"), Province.objects.get(code="32")
    assert _awards(r) == [
        (magelang.pk, AwardKind.BEST_PER_PROVINCE, RankLabel.TERBAIK, "Best in Jawa Tengah", 1,
         jateng.pk, ""),
        (bogor.pk, AwardKind.BEST_PER_PROVINCE, RankLabel.TERBAIK, "Best in Jawa Barat", 2,
         jabar.pk, ""),
    ]  # fmt: skip
    assert [(n.state, n.national_label, n.national_rank)
            for n in map(refresh, (magelang, bogor, bandung, semarang))] == [
        (NS.AWARDED, RankLabel.TERBAIK, 1),
        (NS.AWARDED, RankLabel.TERBAIK, 2),
        (NS.NOT_AWARDED, "", 3),
        (NS.NOT_AWARDED, "", 4),
    ]  # fmt: skip


def test_best_per_zone_gives_terbaik_to_the_best_of_each_zone(make_national):
    r = make_national(finalist_quota=4, award_scheme="best_per_zone")
    # Jawa–Bali: Kota Semarang 95 (Jawa Tengah), Kota Bogor 90 (Jawa Barat);
    # Sulawesi: Kota Gorontalo 70, Kabupaten Gorontalo 60.
    (semarang, bogor, kota_gorontalo, kab_gorontalo), _final = _signed_off_round(
        r, {"33.74": 95, "32.71": 90, "75.71": 70, "75.01": 60}
    )
    assert _awards(r) == [
        (semarang.pk, AwardKind.BEST_PER_ZONE, RankLabel.TERBAIK, "Best in the Jawa–Bali zone",
         1, None, "jawa_bali"),
        (kota_gorontalo.pk, AwardKind.BEST_PER_ZONE, RankLabel.TERBAIK,
         "Best in the Sulawesi zone", 3, None, "sulawesi"),
    ]  # fmt: skip
    assert [(n.state, n.national_label, n.national_rank)
            for n in map(refresh, (semarang, bogor, kota_gorontalo, kab_gorontalo))] == [
        (NS.AWARDED, RankLabel.TERBAIK, 1),
        (NS.NOT_AWARDED, "", 2),
        (NS.AWARDED, RankLabel.TERBAIK, 3),
        (NS.NOT_AWARDED, "", 4),
    ]  # fmt: skip


def test_national_labels_by_scheme_directly(make_national):
    """services.national_labels on rows in rank order, without a round."""
    r = make_national(award_scheme="best_per_zone")
    rows = [
        type("Row", (), {"nomination": r.nominate(code)})
        for code in ("75.71", "33.74", "32.71", "75.01")
    ]
    labels = services.national_labels(r.category, rows)
    assert list(labels.values()) == [RankLabel.TERBAIK, RankLabel.TERBAIK, "", ""]
    r.category.award_scheme = "best_per_province"
    assert list(services.national_labels(r.category, rows).values()) == [
        RankLabel.TERBAIK, RankLabel.TERBAIK, RankLabel.TERBAIK, ""
    ]  # fmt: skip
    r.category.award_scheme = "ranked"
    r.category.national_labels = 2
    assert list(services.national_labels(r.category, rows).values()) == [
        RankLabel.PERINGKAT_1, RankLabel.PERINGKAT_2, "", ""
    ]  # fmt: skip


def test_special_awards_need_a_title_and_a_reason_from_the_chair_or_the_secretariat(
    make_national, regions
):
    r = make_national()
    a = r.nominate("32.71")
    admin = secretariat()
    provincial = services.panel_get_or_create(
        edition=r.edition, province=Province.objects.get(code="32")
    )
    outsider = UserFactory(email="anggota.jabar@example.test", first_name="Anggota Jabar")
    services.panel_member_add(panel=provincial, user=outsider)
    with pytest.raises(ValidationError) as error:
        services.award_special(actor=r.chair, panel=r.panel, nomination=a, title=" ", reason="")
    assert sorted(error.value.message_dict) == ["reason", "title"]
    for person in (r.members[1], outsider):
        with pytest.raises(PermissionDenied):
            services.award_special(
                actor=person, panel=r.panel, nomination=a, title="Inovasi", reason="Alasan"
            )
    with pytest.raises(PermissionDenied):  # given by the national jury only
        services.award_special(
            actor=admin, panel=provincial, nomination=a, title="Inovasi", reason="Alasan"
        )
    assert not Award.objects.exists()

    award = services.award_special(
        actor=r.chair,
        panel=r.panel,
        nomination=a,
        title="Predikat Terbaik Khusus Inovasi",
        reason="Aplikasi pendaftaran pekerja rentan yang dipakai provinsi lain",
    )
    by_secretariat = services.award_special(
        actor=admin, panel=r.panel, nomination=a, title="Kolaborasi", reason="Kerja sama desa"
    )
    assert (award.kind, award.label, award.rank, award.snapshot, award.given_by) == (
        AwardKind.SPECIAL, "", None, None, r.chair
    )  # fmt: skip
    assert by_secretariat.given_by == admin

    with pytest.raises(ValidationError) as error:
        services.award_withdraw(actor=r.chair, award=award, reason="  ")
    assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(PermissionDenied):
        services.award_withdraw(actor=r.members[1], award=award, reason="Bukan ketua")
    award.refresh_from_db()
    assert award.withdrawn_at is None
    services.award_withdraw(actor=admin, award=award, reason="Data inovasi tidak terbukti")
    award.refresh_from_db()
    assert (award.withdrawn_by, award.withdrawn_reason) == (admin, "Data inovasi tidak terbukti")
    assert award.withdrawn_at is not None
    with pytest.raises(ValidationError):
        services.award_withdraw(actor=r.chair, award=award, reason="Lagi")
    assert list(selectors.awards_of(r.category)) == [by_secretariat]


# ---------------------------------------------------------------------------------------------
# 5. Sign-off, what a finalised ranking refuses, reopening


def _provincial_member(r):
    panel = services.panel_get_or_create(
        edition=r.edition, province=Province.objects.get(code="32")
    )
    person = UserFactory(email="anggota.jabar@example.test", first_name="Anggota Jabar")
    services.panel_member_add(panel=panel, user=person)
    return person


def _three_finalists(r, **options):
    """Kota Bogor 90, Sukabumi 80 and Bandung 70 become finalists (quota 3), Kota Cirebon (60)
    does not; every juror gives the same interview score and the head attends, so the final
    totals are 90, 80, 70."""
    nominees = finalists(
        r,
        ("32.71", 90),
        ("32.72", 80),
        ("32.73", 70),
        ("32.74", 60),
        interview={code: ((score,), "head")
                   for code, score in (("32.71", 90), ("32.72", 80), ("32.73", 70))},
    )  # fmt: skip
    return nominees


def test_the_chair_finalises_and_every_juror_confirms_before_the_sign_off(make_national):
    r = make_national()
    a, b, c, d = _three_finalists(r)
    admin, outsider = secretariat(), _provincial_member(r)
    final = r.finalise()
    # The chair's finalisation is their confirmation; nothing is awarded yet.
    assert list(final.confirmations.values_list("juror", flat=True)) == [r.chair.pk]
    assert final.signed_off_at is None
    assert not Award.objects.exists()
    assert [refresh(n).state for n in (a, b, c)] == [NS.FINALIST] * 3

    services.ranking_confirm(actor=r.members[1], snapshot=final)
    final.refresh_from_db()
    assert final.signed_off_at is None
    with pytest.raises(ValidationError) as error:
        services.ranking_confirm(actor=r.members[1], snapshot=final)
    assert refused(error) == ["You have already confirmed this ranking."]
    with pytest.raises(ValidationError):
        services.ranking_confirm(actor=r.chair, snapshot=final)
    for person in (admin, outsider):  # not on the jury
        with pytest.raises(PermissionDenied):
            services.ranking_confirm(actor=person, snapshot=final)
    selection = RankingSnapshot.objects.get(stage__kind=S)
    with pytest.raises(ValidationError):  # only the national result is confirmed
        services.ranking_confirm(actor=r.members[2], snapshot=selection)
    assert final.confirmations.count() == 2
    assert not Award.objects.exists()

    services.ranking_confirm(actor=r.members[2], snapshot=final)
    final.refresh_from_db()
    assert final.signed_off_at is not None
    assert list(final.confirmations.values_list("juror", flat=True)) == [p.pk for p in r.members]
    assert _awards(r) == [
        (a.pk, AwardKind.RANKED, RankLabel.PERINGKAT_1, "Peringkat I", 1, None, ""),
        (b.pk, AwardKind.RANKED, RankLabel.PERINGKAT_2, "Peringkat II", 2, None, ""),
        (c.pk, AwardKind.RANKED, RankLabel.PERINGKAT_3, "Peringkat III", 3, None, ""),
    ]
    assert [refresh(n).state for n in (a, b, c, d)] == [
        NS.AWARDED, NS.AWARDED, NS.AWARDED, NS.NOT_FINALIST
    ]  # fmt: skip
    with pytest.raises(RankingFinalised):
        services.ranking_confirm(actor=r.members[2], snapshot=final)


def test_a_sign_off_in_english_stores_the_titles_certificates_print(make_national):
    r = make_national()
    _three_finalists(r)
    final = r.finalise()
    services.ranking_confirm(actor=r.members[1], snapshot=final)
    with translation.override("en"):
        services.ranking_confirm(actor=r.members[2], snapshot=final)
    titles = ["Peringkat I", "Peringkat II", "Peringkat III"]
    assert [title for _n, _k, _l, title, *_rest in _awards(r)] == titles
    awards = list(Award.objects.filter(category=r.category).order_by("rank"))
    with translation.override("en"):
        assert [a.display_title for a in awards] == ["1st place", "2nd place", "3rd place"]
    with translation.override("id"):
        assert [a.display_title for a in awards] == titles


def test_when_the_secretariat_finalises_the_chair_confirms_too(make_national):
    r = make_national()
    _three_finalists(r)
    final = services.ranking_finalise(
        actor=secretariat(), panel=r.panel, category=r.category, stage_kind=R
    )
    assert not final.confirmations.exists()
    for juror in r.members[1:]:
        services.ranking_confirm(actor=juror, snapshot=final)
    final.refresh_from_db()
    assert final.signed_off_at is None
    services.ranking_confirm(actor=r.chair, snapshot=final)
    final.refresh_from_db()
    assert final.signed_off_at is not None
    assert Award.objects.filter(snapshot=final).count() == 3


def _everything(r):
    """What any change to the national round would touch."""
    return {
        "scores": sorted(Score.objects.values_list("pk", "value", "note")),
        "sheets": sorted(
            r.panel.scoresheets.values_list("pk", "stage", "nomination", "assessor", "state")
        ),
        "revisions": ScoreRevision.objects.count(),
        "ties": sorted(TieDecision.objects.values_list("pk", "stage", "nomination", "position")),
        "interviews": sorted(
            Interview.objects.values_list(
                "pk", "scheduled_at", "video_link", "attendance", "attendee", "minutes"
            )
        ),
        "snapshots": sorted(
            RankingSnapshot.objects.values_list("pk", "reopened_at", "signed_off_at")
        ),
        "confirmations": sorted(RankingConfirmation.objects.values_list("snapshot", "juror")),
        "awards": sorted(Award.objects.values_list("pk", "nomination", "label", "withdrawn_at")),
        "conflicts": sorted(Conflict.objects.values_list("assessor", "nomination", "source")),
        "nominations": sorted(
            (n.pk, n.state, n.national_label, n.national_rank) for n in map(refresh, r.nominations)
        ),
        "transitions": sum(n.transitions.count() for n in r.nominations),
    }


@pytest.mark.parametrize("when", ["finalised", "signed_off"])
def test_a_finalised_or_signed_off_national_result_refuses_every_change(make_national, when):
    r = make_national()
    a, b, _c, d = _three_finalists(r)
    final = r.finalise()
    if when == "signed_off":
        for juror in r.members[1:]:
            services.ranking_confirm(actor=juror, snapshot=final)
    admin = secretariat()
    juror = r.members[1]
    before = _everything(r)

    def tie(kind):
        return lambda: services.tie_decide(
            actor=r.chair, panel=r.panel, category=r.category, order=[a, b],
            reason="Urutan", stage_kind=kind,
        )  # fmt: skip

    attempts = {
        # a juror changes a submitted selection score (of a finalist, of a non-finalist)
        "selection score": lambda: r.score(S, juror, a, 10, reason="Salah ketik"),
        "selection score, not a finalist": lambda: r.score(S, juror, d, 99, reason="Koreksi"),
        # … a submitted interview score, submitted or as a draft
        "interview score": lambda: r.score(IV, juror, refresh(a), 10, reason="Salah ketik"),
        "interview draft": lambda: r.score(IV, juror, refresh(b), 55, submit=False, reason="x"),
        "final tie": tie(R),
        "selection tie": tie(S),
        "schedule": lambda: services.interview_schedule(
            actor=r.chair,
            panel=r.panel,
            nomination=a,
            scheduled_at=timezone.now(),
            video_link="https://meet.example.test/ulang",
        ),
        "attendance": lambda: services.interview_record(
            actor=r.chair,
            panel=r.panel,
            nomination=a,
            attendance="other",
            attendee="Kepala Dinas",
            minutes="Diulang",
        ),
        "attendance by the secretariat": lambda: services.interview_record(
            actor=admin,
            panel=r.panel,
            nomination=b,
            attendance="other",
            attendee="Kepala Dinas",
            minutes="Diulang",
        ),
        "finalise again": r.finalise,
        "finalise again, secretariat": lambda: services.ranking_finalise(
            actor=admin, panel=r.panel, category=r.category, stage_kind=R
        ),
        "select again": r.select,
        "conflict with a finalist": lambda: services.conflict_declare(
            actor=juror, panel=r.panel, nomination=a, reason="Ternyata saudara"
        ),
        "conflict with a non-finalist": lambda: services.conflict_declare(
            actor=juror, panel=r.panel, nomination=d, reason="Ternyata saudara"
        ),
    }
    for name, attempt in attempts.items():
        with pytest.raises(RankingFinalised):
            attempt()
        assert _everything(r) == before, name
    if when == "signed_off":
        with pytest.raises(RankingFinalised):
            services.ranking_confirm(actor=juror, snapshot=final)
    else:
        with pytest.raises(ValidationError):
            services.ranking_confirm(actor=r.chair, snapshot=final)
    assert _everything(r) == before


def test_reopening_the_signed_off_result_needs_a_reason_and_withdraws_its_awards(
    make_national,
):
    r = make_national()
    a, b, c, d = _three_finalists(r)
    final = sign_off(r)
    admin = secretariat()
    special = services.award_special(
        actor=r.chair, panel=r.panel, nomination=c, title="Inovasi", reason="Aplikasi desa"
    )
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            services.ranking_reopen(actor=r.chair, snapshot=final, reason=reason)
        assert list(error.value.message_dict) == ["reason"]
    with pytest.raises(PermissionDenied):
        services.ranking_reopen(actor=r.members[1], snapshot=final, reason="Bukan ketua")
    # Once the national result stage itself is finalised, the ranking is not reopened.
    services.stage_close(actor=admin, stage=r.stage(R))
    services.stage_finalise(actor=admin, stage=r.stage(R))
    with pytest.raises(StageFinalised):
        services.ranking_reopen(actor=r.chair, snapshot=final, reason="Koreksi nilai")
    final.refresh_from_db()
    assert final.reopened_at is None
    services.stage_reopen(actor=admin, stage=r.stage(R), reason="Koreksi nilai wawancara")

    reason = "Nilai wawancara Kota Sukabumi salah ketik"
    services.ranking_reopen(actor=r.chair, snapshot=final, reason=reason)
    final.refresh_from_db()
    assert (final.reopened_by, final.reopen_reason) == (r.chair, reason)
    assert final.reopened_at is not None
    # The old snapshot stays on the record with its rows and confirmations.
    assert final.rows.count() == 3
    assert final.confirmations.count() == 3
    assert final.signed_off_at is not None
    # Its awards are withdrawn with the reason; the special award is not the ranking's.
    assert sorted(
        Award.objects.filter(snapshot=final).values_list(
            "nomination", "withdrawn_by", "withdrawn_reason"
        )
    ) == sorted((n.pk, r.chair.pk, reason) for n in (a, b, c))
    assert list(selectors.awards_of(r.category)) == [special]
    for nomination in (a, b, c):
        refresh(nomination)
        assert (nomination.state, nomination.national_label, nomination.national_rank) == (
            NS.FINALIST, "", None
        )  # fmt: skip
        last = nomination.transitions.last()
        assert (last.from_state, last.to_state, last.actor, last.reason) == (
            NS.AWARDED, NS.FINALIST, r.chair, reason
        )  # fmt: skip
    assert refresh(d).state == NS.NOT_FINALIST
    assert selectors.current_snapshot(r.stage(R), r.panel, r.category) is None
    with pytest.raises(ValidationError):
        services.ranking_reopen(actor=r.chair, snapshot=final, reason="Lagi")

    # The interview can change again, and a new finalisation and sign-off give new awards.
    r.score(IV, r.members[1], b, 95, reason=reason)  # b: (80 + 95 + 80) / 3 = 85.00
    r.open(R)
    again = sign_off(r)
    assert again.pk != final.pk
    assert [(row.nomination_id, row.total) for row in again.rows.order_by("rank")] == [
        (a.pk, D("90.00")),  # 0.6 × 90 + 0.4 × 90
        (b.pk, D("82.00")),  # 0.6 × 80 + 0.4 × 85 = 48 + 34
        (c.pk, D("70.00")),
    ]
    assert list(
        selectors.awards_of(r.category).exclude(kind=AwardKind.SPECIAL)
        .order_by("rank").values_list("nomination", "snapshot", "label")
    ) == [
        (a.pk, again.pk, RankLabel.PERINGKAT_1),
        (b.pk, again.pk, RankLabel.PERINGKAT_2),
        (c.pk, again.pk, RankLabel.PERINGKAT_3),
    ]  # fmt: skip
    assert Award.objects.filter(snapshot=final, withdrawn_at__isnull=False).count() == 3


def test_reopening_the_selection(make_national):
    r = make_national()
    a, b, c, d = _three_finalists(r)
    selection = RankingSnapshot.objects.get(stage__kind=S)
    final = r.finalise()
    with pytest.raises(RankingFinalised):  # the national result is finalised
        services.ranking_reopen(actor=r.chair, snapshot=selection, reason="Koreksi seleksi")
    selection.refresh_from_db()
    assert selection.reopened_at is None
    assert [refresh(n).state for n in (a, b, c, d)] == [NS.FINALIST] * 3 + [NS.NOT_FINALIST]

    services.ranking_reopen(actor=r.chair, snapshot=final, reason="Seleksi dikoreksi")
    with pytest.raises(ValidationError):
        services.ranking_reopen(actor=r.chair, snapshot=selection, reason=" ")
    reason = "Nilai seleksi Kota Cirebon belum lengkap"
    services.ranking_reopen(actor=r.chair, snapshot=selection, reason=reason)
    selection.refresh_from_db()
    assert (selection.reopen_reason, selection.rows.count()) == (reason, 4)
    for nomination in (a, b, c, d):
        refresh(nomination)
        assert nomination.state == NS.ADVANCED
        last = nomination.transitions.last()
        assert (last.to_state, last.reason) == (NS.ADVANCED, reason)
    # The selection can be scored and finalised again.
    r.score(S, r.members[1], d, 99, reason=reason)  # d: (60 + 99 + 60) / 3 = 73.00
    again = r.select()
    assert [(row.nomination_id, row.total, row.advanced)
            for row in again.rows.order_by("rank")] == [
        (a.pk, D("90.00"), True),
        (b.pk, D("80.00"), True),
        (d.pk, D("73.00"), True),
        (c.pk, D("70.00"), False),
    ]  # fmt: skip


def test_reopening_the_selection_of_a_category_without_provincial_round(make_national):
    r = make_national()
    category, rubric = _province_category(r, quota=1)
    jabar, jateng = (_province(category, code) for code in ("32", "33"))
    for nomination, score in ((jabar, 90), (jateng, 80)):
        services.nomination_verify(actor=r.chair, nomination=nomination)
        for person in r.members:
            _score(r, rubric, person, refresh(nomination), score)
    snapshot = services.ranking_finalise(
        actor=r.chair, panel=r.panel, category=category, stage_kind=S
    )
    assert [refresh(n).state for n in (jabar, jateng)] == [NS.FINALIST, NS.NOT_FINALIST]
    # A dossier arriving after the finalists were chosen is not verified into the finalised
    # selection (it could be neither scored nor ranked there).
    gorontalo = _province(category, "75")
    with pytest.raises(RankingFinalised):
        services.nomination_verify(actor=r.chair, nomination=gorontalo)
    assert (refresh(gorontalo).state, gorontalo.transitions.count()) == (NS.SUBMITTED, 0)

    services.ranking_reopen(actor=r.chair, snapshot=snapshot, reason="Dokumen baru")
    assert [refresh(n).state for n in (jabar, jateng)] == [NS.VERIFIED, NS.VERIFIED]
    services.nomination_verify(actor=r.chair, nomination=gorontalo)
    for person in r.members:
        _score(r, rubric, person, refresh(gorontalo), 95)
    again = services.ranking_finalise(actor=r.chair, panel=r.panel, category=category, stage_kind=S)
    assert list(again.rows.order_by("rank").values_list("nomination", "advanced")) == [
        (gorontalo.pk, True),
        (jabar.pk, False),
        (jateng.pk, False),
    ]
    assert [refresh(n).state for n in (gorontalo, jabar, jateng)] == [
        NS.FINALIST, NS.NOT_FINALIST, NS.NOT_FINALIST
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# 6. Conflicts of interest in the national round


def test_jurors_are_excluded_from_their_own_organisation(make_national):
    r = make_national()
    a, b = r.nominate("32.71"), r.nominate("32.72")
    j1, j2 = r.members[1], r.members[2]
    # Juror 1 represents Kota Bogor on the jury; juror 2's account says they work for Kota
    # Sukabumi.
    services.panel_member_add(panel=r.panel, user=j1, organisation=a.candidate)
    j2.organisation = "Pemerintah  kota sukabumi"
    j2.save(update_fields=["organisation"])
    services.panel_member_add(panel=r.panel, user=j2)
    assert sorted(Conflict.objects.values_list("assessor", "nomination", "source")) == sorted(
        [(j1.pk, a.pk, ConflictSource.ORGANISATION), (j2.pk, b.pk, ConflictSource.ORGANISATION)]
    )
    with pytest.raises(PermissionDenied):
        r.score(S, j1, a, 100)
    with pytest.raises(PermissionDenied):
        r.score(S, j2, b, 100)
    # a: chair 90, juror 2 80 → 85.00; b: chair 60, juror 1 70 → 65.00 (two scores each).
    r.score(S, r.chair, a, 90)
    r.score(S, j2, a, 80)
    r.score(S, r.chair, b, 60)
    r.score(S, j1, b, 70)
    snapshot = r.select()  # nobody's scoresheet is missing: the excluded are not expected
    rows = {row.nomination_id: row for row in snapshot.rows.all()}
    assert (rows[a.pk].total, rows[b.pk].total) == (D("85.00"), D("65.00"))
    assert rows[a.pk].breakdown["criteria"][0]["counted"] == 2
    r.open(IV, R)
    a, b = refresh(a), refresh(b)
    with pytest.raises(PermissionDenied):
        r.score(IV, j1, a, 100)
    # Interview a: chair 90, juror 2 70 → 80; b: chair 50, juror 1 70 → 60; head attends both.
    r.score(IV, r.chair, a, 90)
    r.score(IV, j2, a, 70)
    r.score(IV, r.chair, b, 50)
    r.score(IV, j1, b, 70)
    r.attend(a)
    r.attend(b)
    # a: 0.6 × 85 + 0.4 × 80 = 51 + 32 = 83.00; b: 0.6 × 65 + 0.4 × 60 = 39 + 24 = 63.00
    final = r.finalise()
    assert [(row.nomination_id, row.total) for row in final.rows.order_by("rank")] == [
        (a.pk, D("83.00")),
        (b.pk, D("63.00")),
    ]
    interview = final.rows.get(nomination=a).breakdown["stages"][1]["criteria"][0]
    assert (interview["score"], interview["counted"]) == ("80.00", 2)


def test_conflicts_are_recorded_when_nominees_reach_the_jury(make_national):
    """A juror's organisation is excluded automatically when it enters the national round:
    advanced by its province, or verified by the jury in a category without provincial round."""
    r = make_national()
    stages = {kind: r.stage(kind) for kind in (StageKind.PROVINCIAL_ASSESSMENT,
                                               StageKind.PROVINCIAL_RESULT)}  # fmt: skip
    for stage in stages.values():
        services.stage_open(actor=None, stage=stage)
    provincial = services.panel_get_or_create(
        edition=r.edition, province=Province.objects.get(code="32")
    )
    assessor = UserFactory(email="penilai.jabar@example.test", first_name="Penilai")
    services.panel_member_add(panel=provincial, user=assessor, is_chair=True)
    rubric = services.rubric_create(
        stage=stages[StageKind.PROVINCIAL_ASSESSMENT],
        category=r.category,
        criteria=[criterion("judged")],
    )
    bekasi = NominationFactory(
        category=r.category,
        candidate=Candidate.objects.create(
            kind=CandidateKind.REGENCY_GOVERNMENT,
            regency=Regency.objects.get(code="32.75"),
            name="Pemerintah Kota Bekasi",
        ),
        state=NS.VERIFIED,
    )
    category, _rubric = _province_category(r)
    jabar_government = Candidate.objects.create(
        kind=CandidateKind.PROVINCE_GOVERNMENT,
        province=Province.objects.get(code="32"),
        name="Pemerintah Provinsi Jawa Barat",
    )
    j1, j2 = r.members[1], r.members[2]
    services.panel_member_add(panel=r.panel, user=j1, organisation=bekasi.candidate)
    services.panel_member_add(panel=r.panel, user=j2, organisation=jabar_government)
    # Jawa Barat's dossier is submitted after juror 2 joined the jury.
    jabar = NominationFactory(category=category, candidate=jabar_government, state=NS.SUBMITTED)
    assert not Conflict.objects.filter(panel=r.panel).exists()  # neither is before the jury yet

    (judged,) = rubric.criteria.all()
    services.scoresheet_save(
        actor=assessor,
        panel=provincial,
        nomination=bekasi,
        scores={judged.pk: services.ScoreInput(80, "catatan")},
        submit=True,
    )
    services.ranking_finalise(actor=assessor, panel=provincial, category=r.category)
    assert refresh(bekasi).state == NS.ADVANCED
    services.nomination_verify(actor=r.chair, nomination=jabar)
    assert sorted(
        Conflict.objects.filter(panel=r.panel).values_list("assessor", "nomination", "source")
    ) == sorted(
        [
            (j1.pk, bekasi.pk, ConflictSource.ORGANISATION),
            (j2.pk, jabar.pk, ConflictSource.ORGANISATION),
        ]
    )
    with pytest.raises(PermissionDenied):
        r.score(S, j1, bekasi, 100)


def test_a_declared_conflict_takes_the_jurors_scores_out_of_the_selection_and_the_interview(
    make_national,
):
    r = make_national()
    a, b = r.nominate("32.71"), r.nominate("32.72")
    chair, j1, j2 = r.members
    for person, (score_a, score_b) in zip(r.members, [(90, 80), (80, 80), (10, 50)], strict=True):
        r.score(S, person, a, score_a)
        r.score(S, person, b, score_b)
    services.conflict_declare(actor=j2, panel=r.panel, nomination=a, reason="Istri saya Sekda")
    # a: (90 + 80) / 2 = 85.00 without juror 2's 10; b: (80 + 80 + 50) / 3 = 70.00.
    selection = r.select()
    rows = {row.nomination_id: row for row in selection.rows.all()}
    assert (rows[a.pk].total, rows[b.pk].total) == (D("85.00"), D("70.00"))
    assert rows[a.pk].breakdown["criteria"][0]["counted"] == 2
    assert Conflict.objects.get(assessor=j2, nomination=a).source == ConflictSource.DECLARED

    r.open(IV, R)
    a, b = refresh(a), refresh(b)
    with pytest.raises(PermissionDenied):  # excluded from a in the interview too
        r.score(IV, j2, a, 100)
    r.score(IV, chair, a, 90)
    r.score(IV, j1, a, 70)
    for person, score in zip(r.members, (80, 80, 20), strict=True):
        r.score(IV, person, b, score)
    # During the interview juror 2 declares a conflict with b: their 20 stops counting.
    services.conflict_declare(actor=j2, panel=r.panel, nomination=b, reason="Adik saya Wali Kota")
    rows = interview_ranking(r)
    assert [(rows[n.pk].total, rows[n.pk].criteria[0].counted) for n in (a, b)] == [
        (D("80.00"), 2),  # (90 + 70) / 2
        (D("80.00"), 2),  # (80 + 80) / 2, not (80 + 80 + 20) / 3 = 60
    ]
    r.attend(a)
    r.attend(b)
    # b's selection total stays the frozen 70.00 (juror 2's 50 was counted when the finalists
    # were chosen): a 0.6 × 85 + 0.4 × 80 = 83.00; b 0.6 × 70 + 0.4 × 80 = 74.00.
    assert final_totals(r) == [(a.pk, D("83.00"), 1, False), (b.pk, D("74.00"), 2, False)]
    assert r.finalise().rows.count() == 2


def test_a_finalist_withdrawn_after_finalisation_blocks_the_sign_off(make_national):
    from candidates import services as candidate_services

    r = make_national()
    a, b = finalists(
        r, ("32.75", 80), ("32.71", 70), interview={"32.75": ((90,), "head"),
                                                     "32.71": ((80,), "head")}
    )  # fmt: skip
    final = r.finalise()
    services.ranking_confirm(actor=r.members[1], snapshot=final)
    candidate_services.nomination_transition(
        actor=None, nomination=b, to_state=NS.WITHDRAWN, reason="Mengundurkan diri"
    )
    with pytest.raises(ValidationError) as error:
        services.ranking_confirm(actor=r.members[2], snapshot=final)
    assert refused(error) == [
        f"{b.candidate.name} left the round after the ranking was finalised; the chair must "
        "reopen it, with a reason."
    ]
    final.refresh_from_db()
    assert final.signed_off_at is None
    assert final.confirmations.count() == 2
    assert Award.objects.count() == 0
    assert refresh(a).state == NS.FINALIST


def test_the_jury_does_not_change_while_its_result_waits_for_confirmations(make_national):
    r = make_national()
    finalists(r, ("32.75", 80), interview={"32.75": ((90,), "head")})
    r.finalise()
    newcomer = UserFactory(email="juri.baru@example.test")
    with pytest.raises(ValidationError) as error:
        services.panel_member_add(panel=r.panel, user=newcomer)
    assert refused(error) == [
        "The jury's national result waits for its jurors' confirmations; its members cannot "
        "change until it is signed off or reopened."
    ]
    with pytest.raises(ValidationError):
        services.panel_member_remove(panel=r.panel, user=r.members[2])
    assert r.panel.members.count() == 3
