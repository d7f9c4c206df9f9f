from decimal import Decimal as D

from candidates.enums import NominationState, RankLabel
from scoring import selectors, services
from scoring.enums import StageKind
from scoring.models import Award


def test_national_round_from_selection_to_sign_off(make_national):
    r = make_national()
    S, I, R = StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW, StageKind.NATIONAL_RESULT
    a = r.nominate("32.75")
    b = r.nominate("32.71")
    c = r.nominate("32.73")
    d = r.nominate("32.77")
    for n, v in ((a, 80), (b, 90), (c, 70), (d, 60)):
        r.score_all(S, n, v)
    snap = r.select()
    assert [row.advanced for row in snap.rows.order_by("rank")] == [True, True, True, False]
    for n in (a, b, c, d):
        n.refresh_from_db()
    assert d.state == NominationState.NOT_FINALIST
    assert a.state == NominationState.FINALIST
    r.open(I, R)
    for n, v in ((a, 100), (b, 80), (c, 90)):
        r.score_all(I, n, v)
    r.attend(a, "head")
    r.attend(b, "secretary")
    r.attend(c, "deputy")
    ranking = selectors.final_ranking_for(panel=r.panel, category=r.category)
    # a: 0.6*80 + 0.4*100 = 88.00; b: 0.6*90 + 0.4*(80*0.8=64) = 79.60; c: 42 + 0.4*81 = 74.40
    assert [(row.nomination.pk, row.total) for row in ranking.rows] == [
        (a.pk, D("88.00")),
        (b.pk, D("79.60")),
        (c.pk, D("74.40")),
    ]
    final = r.finalise()
    assert final.signed_off_at is None
    for juror in r.members[1:]:
        services.ranking_confirm(actor=juror, snapshot=final)
    final.refresh_from_db()
    assert final.signed_off_at is not None
    awards = list(Award.objects.filter(category=r.category).order_by("rank"))
    assert [(w.nomination_id, w.label) for w in awards] == [
        (a.pk, RankLabel.PERINGKAT_1),
        (b.pk, RankLabel.PERINGKAT_2),
        (c.pk, RankLabel.PERINGKAT_3),
    ]
