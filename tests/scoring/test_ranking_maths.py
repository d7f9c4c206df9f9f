"""The scoring maths of SPEC §6 against hand-computed examples, in the database ranking
(scoring.selectors.ranking_for) and in the Decimal reference (scoring.maths)."""

import random
from decimal import Decimal as D

import pytest

from candidates.models import Regency
from scoring import maths, selectors, services
from scoring.enums import Aggregation, CriterionKind, Mapping
from scoring.models import Conflict

from .conftest import JABAR_CITIES, criterion

C, J = CriterionKind.COMPUTED, CriterionKind.JUDGED


def rank(round_):
    ranking = selectors.ranking_for(
        rubric=round_.rubric,
        panel=round_.panel,
        nominations=selectors.ranked_nominations(round_.panel, round_.category),
    )
    return ranking, {r.nomination.pk: r for r in ranking.rows}


def test_weights_thresholds_and_mean_give_the_hand_computed_totals(make_round):
    round_ = make_round(
        [
            criterion("a", J, weight=3),
            criterion("b", C, weight=1, indicator="pu_coverage", zero_at=D("0.5"), full_at=D(1)),
        ]
    )
    x = round_.nominate("32.71", pu_coverage=D("0.9"))  # b: (0.9 − 0.5)/0.5 = 80
    y = round_.nominate("32.72", pu_coverage=D("1.2"))  # b: above the 100 threshold → 100
    z = round_.nominate("32.73", pu_coverage=D("0.4"))  # b: below the 0 threshold → 0
    for person, (sx, sy, sz) in zip(
        round_.members, [(80, 60, 75), (70, 65, 75), (90, "62.5", "75.25")], strict=True
    ):
        round_.score(person, x, sx)
        round_.score(person, y, sy)
        round_.score(person, z, sz)

    ranking, rows = rank(round_)

    # x: (3 × 80 + 1 × 80) / 4 = 80; y: (3 × 62.5 + 100) / 4 = 71.875 → 71.88 (half up);
    # z: (3 × 75.0833… + 0) / 4 = 56.3125 → 56.31
    assert [(r.nomination, r.total, r.rank) for r in ranking.rows] == [
        (x, D("80.00"), 1),
        (y, D("71.88"), 2),
        (z, D("56.31"), 3),
    ]
    assert [
        (c.criterion.code, c.score, c.contribution, c.counted) for c in rows[y.pk].criteria
    ] == [
        ("a", D("62.50"), D("46.88"), 3),
        ("b", D("100.00"), D("25.00"), 0),
    ]
    assert maths.stage_total([(D(3), D("62.5")), (D(1), D(100))]) == D("71.88")
    assert not ranking.ties


def test_ranking_without_nominees_reads_them_for_the_rows_asked(
    make_round, django_assert_num_queries
):
    round_ = make_round([criterion("a", J)])
    nominees = [round_.nominate(code) for code in JABAR_CITIES[:3]]
    for person in round_.members:
        for nomination, value in zip(nominees, (70, 90, 80), strict=True):
            round_.score(person, nomination, value)
    cohort = selectors.ranked_nominations(round_.panel, round_.category)
    with django_assert_num_queries(2):  # the criteria, the ranking
        ranking = selectors.ranking_for(
            rubric=round_.rubric, panel=round_.panel, nominations=cohort, nominees=False
        )
    x, y, z = nominees
    # Each row has what a page shows of its nominee: the name and the regency/city.
    assert [(r.nomination_id, r.name, r.region, r.total, r.rank) for r in ranking.rows] == [
        (y.pk, y.candidate.name, y.candidate.regency.name, D("90.00"), 1),
        (z.pk, z.candidate.name, z.candidate.regency.name, D("80.00"), 2),
        (x.pk, x.candidate.name, x.candidate.regency.name, D("70.00"), 3),
    ]
    assert ranking.rows[0].region == Regency.objects.get(code=JABAR_CITIES[1]).name
    assert [r.nomination for r in ranking.rows] == [None, None, None]
    # The nominees of the rows asked, with their candidates, categories and regions: one query.
    with django_assert_num_queries(1):
        selectors.attach_nominees(ranking.rows[1:])
    with django_assert_num_queries(0):
        assert [r.nomination for r in ranking.rows] == [None, z, x]
        assert ranking.rows[2].nomination.candidate.regency.province.code == "32"
        assert ranking.rows[2].nomination.category.edition == round_.edition
        assert [(c.criterion.code, c.score, c.counted) for c in ranking.rows[2].criteria] == [
            ("a", D("70.00"), 3)
        ]
        selectors.attach_nominees(ranking.rows[1:])  # those rows have theirs already


def test_half_up_rounding_of_an_exact_half(make_round):
    round_ = make_round([criterion("a"), criterion("b")], members=1)
    n = round_.nominate("32.71")
    other = round_.nominate("32.72")
    round_.score(round_.chair, n, "72.25", "72.00")  # (72.25 + 72) / 2 = 72.125
    round_.score(round_.chair, other, "0.01", "0")  # 0.005
    _ranking, rows = rank(round_)
    assert rows[n.pk].total == D("72.13")
    assert rows[other.pk].total == D("0.01")
    assert maths.round_half_up(D("72.125")) == D("72.13")


@pytest.mark.parametrize(
    ("aggregation", "scores", "expected"),
    [
        (Aggregation.MEAN, [10, 20, 90], D("40.00")),
        (Aggregation.MEDIAN, [10, 20, 90], D("20.00")),
        (Aggregation.MEDIAN, [10, 20, 30, 90], D("25.00")),
        # 25 % of 4 scores = 1 dropped at each end: (20 + 30) / 2
        (Aggregation.TRIMMED_MEAN, [10, 20, 30, 90], D("25.00")),
        # 20 % of 5 = 1 at each end: (50 + 60 + 70) / 3
        (Aggregation.TRIMMED_MEAN, [0, 50, 60, 70, 100], D("60.00")),
    ],
)
def test_aggregation_of_the_assessors(make_round, aggregation, scores, expected):
    trim = 25 if len(scores) == 4 else 20
    round_ = make_round(
        [criterion("a")], members=len(scores), aggregation=aggregation, trim_percent=trim
    )
    n = round_.nominate("32.71")
    for person, value in zip(round_.members, scores, strict=True):
        round_.score(person, n, value)
    _ranking, rows = rank(round_)
    assert rows[n.pk].total == expected
    assert maths.round_half_up(maths.aggregate([D(s) for s in scores], aggregation, trim)) == (
        expected
    )


def test_relative_and_lower_is_better_mappings(make_round):
    round_ = make_round(
        [
            criterion("legal", C, indicator="legal_product_strength", mapping=Mapping.RELATIVE),
            criterion("arrears", C, indicator="arrears_months", zero_at=D(6), full_at=D(0)),
            criterion("a", J),
        ],
        members=1,
    )
    best = round_.nominate("32.71", legal_product_strength=D(10), arrears_months=D(0))
    half = round_.nominate("32.72", legal_product_strength=D(5), arrears_months=D(3))
    none = round_.nominate("32.73", legal_product_strength=D(0), arrears_months=D(9))
    for n in (best, half, none):
        round_.score(round_.chair, n, 0)
    _ranking, rows = rank(round_)
    assert [c.score for c in rows[best.pk].criteria] == [D("100.00"), D("100.00"), D("0.00")]
    assert [c.score for c in rows[half.pk].criteria] == [D("50.00"), D("50.00"), D("0.00")]
    assert [c.score for c in rows[none.pk].criteria] == [D("0.00"), D("0.00"), D("0.00")]
    assert rows[half.pk].total == D("33.33")  # (50 + 50 + 0) / 3


def test_zscore_puts_a_severe_and_a_lenient_assessor_on_one_scale(make_round):
    round_ = make_round([criterion("a")], members=2, zscore=True)
    n1, n2, n3 = (round_.nominate(code) for code in JABAR_CITIES[:3])
    severe, lenient = round_.members
    for n, s, v in ((n1, 60, 80), (n2, 70, 85), (n3, 80, 90)):
        round_.score(severe, n, s)
        round_.score(lenient, n, v)
    _ranking, rows = rank(round_)
    # μ = 77.5, σ = √97.9167 = 9.8953; each assessor's z: −1.2247, 0, +1.2247
    # → 77.5 − 12.1193 = 65.38, 77.50, 89.62 from both assessors alike.
    assert [rows[n.pk].total for n in (n1, n2, n3)] == [D("65.38"), D("77.50"), D("89.62")]
    normalised = maths.zscore_normalise(
        {
            ("s", 1): D(60),
            ("s", 2): D(70),
            ("s", 3): D(80),
            ("l", 1): D(80),
            ("l", 2): D(85),
            ("l", 3): D(90),
        }
    )
    assert maths.round_half_up(normalised[("s", 1)]) == D("65.38")
    assert maths.round_half_up(normalised[("l", 3)]) == D("89.62")


def test_tie_break_order_then_flag_then_the_chairs_decision(make_round):
    round_ = make_round([criterion("a", tie=1), criterion("b")], members=1)
    p = round_.nominate("32.71")
    q = round_.nominate("32.72")
    r = round_.nominate("32.73")
    round_.score(round_.chair, p, 80, 60)
    round_.score(round_.chair, q, 60, 80)
    round_.score(round_.chair, r, 60, 80)

    ranking, rows = rank(round_)
    assert [(rows[n.pk].total, rows[n.pk].rank, rows[n.pk].tied) for n in (p, q, r)] == [
        (D("70.00"), 1, False),
        (D("70.00"), 2, True),
        (D("70.00"), 2, True),
    ]
    assert rows[p.pk].tie_broken is True
    assert [sorted(x.nomination.pk for x in group) for group in ranking.ties] == [
        sorted([q.pk, r.pk])
    ]

    services.tie_decide(
        actor=round_.chair,
        panel=round_.panel,
        category=round_.category,
        order=[r, q],
        reason="Kota r punya inovasi yang lebih kuat",
    )
    ranking, rows = rank(round_)
    assert [(n, rows[n.pk].rank, rows[n.pk].tied) for n in (p, r, q)] == [
        (p, 1, False),
        (r, 2, False),
        (q, 3, False),
    ]
    assert ranking.ties == []

    # A nominee who joins the tie later reopens it: the old decision does not cover them.
    s = round_.nominate("32.74")
    round_.score(round_.chair, s, 60, 80)
    ranking, rows = rank(round_)
    assert [sorted(x.nomination.pk for x in group) for group in ranking.ties] == [
        sorted([q.pk, r.pk, s.pk])
    ]
    assert rows[p.pk].tied is False


def test_excluded_scores_never_count(make_round):
    round_ = make_round([criterion("a")], members=3)
    n = round_.nominate("32.71")
    a, b, c = round_.members
    round_.score(a, n, 90)
    round_.score(b, n, 70)
    round_.score(c, n, 10)
    services.conflict_declare(
        actor=c, panel=round_.panel, nomination=n, reason="Saudara saya kepala dinasnya"
    )
    _ranking, rows = rank(round_)
    assert rows[n.pk].total == D("80.00")  # (90 + 70) / 2: c's 10 is out
    assert rows[n.pk].criteria[0].counted == 2
    assert Conflict.objects.get(assessor=c, nomination=n).source == "declared"


def test_drafts_do_not_count(make_round):
    round_ = make_round([criterion("a")], members=2)
    n = round_.nominate("32.71")
    round_.score(round_.members[0], n, 90)
    round_.score(round_.members[1], n, 10, submit=False)
    _ranking, rows = rank(round_)
    assert rows[n.pk].total == D("90.00")


@pytest.mark.parametrize("aggregation", list(Aggregation))
@pytest.mark.parametrize("zscore", [False, True])
def test_database_ranking_agrees_with_the_decimal_reference(make_round, aggregation, zscore):
    rng = random.Random(f"{aggregation}-{zscore}")  # noqa: S311 - reproducible test data
    round_ = make_round(
        [
            criterion("a", J, weight=4, tie=1),
            criterion("b", J, weight=2),
            criterion("cov", C, weight=3, indicator="pu_coverage", zero_at=D("0.2"), full_at=D(1)),
            criterion(
                "legal", C, weight=1, indicator="legal_product_strength", mapping=Mapping.RELATIVE
            ),
        ],
        members=4,
        aggregation=aggregation,
        trim_percent=25,
        zscore=zscore,
    )
    criteria = list(round_.rubric.criteria.order_by("order"))
    nominees = [
        round_.nominate(
            code,
            pu_coverage=D(rng.randint(0, 12000)) / 10000,
            legal_product_strength=D(rng.randint(0, 12)),
        )
        for code in JABAR_CITIES[:7]
    ]
    given = {}
    for person in round_.members:
        for n in nominees:
            values = [D(rng.randint(0, 10000)) / 100, D(rng.randint(0, 10000)) / 100]
            given[(person.pk, n.pk)] = values
            round_.score(person, n, *values)

    _ranking, rows = rank(round_)

    expected = {}
    judged = {}
    for index, c in enumerate(criteria[:2]):
        scores = {(a, n): v[index] for (a, n), v in given.items()}
        if zscore:
            scores = maths.zscore_normalise(scores)
        judged[c.pk] = {
            n.pk: maths.aggregate([v for (a, m), v in scores.items() if m == n.pk], aggregation, 25)
            for n in nominees
        }
    best_legal = max(
        n.indicator_values.get(indicator="legal_product_strength").value for n in nominees
    )
    for n in nominees:
        cov = n.indicator_values.get(indicator="pu_coverage").value
        legal = n.indicator_values.get(indicator="legal_product_strength").value
        expected[n.pk] = maths.stage_total(
            [
                (criteria[0].weight, judged[criteria[0].pk][n.pk]),
                (criteria[1].weight, judged[criteria[1].pk][n.pk]),
                (criteria[2].weight, maths.linear_score(cov, zero_at=D("0.2"), full_at=D(1))),
                (criteria[3].weight, maths.relative_score(legal, best=best_legal)),
            ]
        )
    assert {pk: row.total for pk, row in rows.items()} == expected
