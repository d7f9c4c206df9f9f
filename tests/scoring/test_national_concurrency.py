"""The national round under real concurrent transactions on PostgreSQL, as the provincial
round in test_concurrency: jurors confirming at once sign the ranking off exactly once, a late
interview score is either in the national result or refused, and two finalisations at once
give one snapshot."""

import threading
import time
from decimal import Decimal as D

import pytest
from django.db import connection, transaction

from candidates.enums import NominationState
from scoring import services
from scoring.enums import StageKind
from scoring.exceptions import RankingFinalised
from scoring.models import Award, Conflict, RankingConfirmation, RankingSnapshot, Score

pytestmark = pytest.mark.django_db(transaction=True)

S, IV, R = StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW, StageKind.NATIONAL_RESULT


@pytest.fixture
def postgres(require_service):
    if connection.vendor != "postgresql":
        require_service("Concurrency tests need PostgreSQL (set DATABASE_URL)")


def _select(round_, plan):
    """Nominate each (code, score), every juror scoring it in the selection."""
    nominees = []
    for code, score in plan:
        nomination = round_.nominate(code)
        round_.score_all(S, nomination, score)
        nominees.append(nomination)
    return nominees


@pytest.fixture
def selected(postgres, make_national):
    """A chair and four jurors; Kota Bogor (90), Sukabumi (80) and Bandung (70) scored in the
    selection, not yet finalised."""
    round_ = make_national(members=5)
    _select(round_, [("32.71", 90), ("32.72", 80), ("32.73", 70)])
    return round_


@pytest.fixture
def interviewed(selected):
    """The same three as finalists, interviewed (every juror gives the selection score again,
    the head attends): final totals 90, 80, 70."""
    round_ = selected
    round_.select()
    round_.open(IV, R)
    for nomination, score in zip(round_.nominations, (90, 80, 70), strict=True):
        nomination.refresh_from_db()
        round_.score_all(IV, nomination, score)
        round_.attend(nomination)
    return round_


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # the outcome under test, asserted by the caller
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _all_at_once(calls: dict) -> dict:
    """Run each call in its own thread and connection, all released together."""
    barrier = threading.Barrier(len(calls))
    results = {}

    def released(call):
        def run():
            barrier.wait()
            return call()

        return run

    threads = [_in_thread(released(call), results, key) for key, call in calls.items()]
    for thread in threads:
        thread.join(timeout=60)
    return results


def _outcomes(results) -> list[str]:
    return sorted(type(r).__name__ for r in results.values())


def test_jurors_confirming_at_once_sign_off_exactly_once(interviewed):
    round_ = interviewed
    final = round_.finalise()
    jurors = round_.members[1:]

    results = _all_at_once(
        {
            juror.pk: (lambda juror=juror: services.ranking_confirm(actor=juror, snapshot=final))
            for juror in jurors
        }
    )

    assert _outcomes(results) == ["RankingConfirmation"] * 4
    final.refresh_from_db()
    assert final.signed_off_at is not None
    assert sorted(final.confirmations.values_list("juror", flat=True)) == sorted(
        p.pk for p in round_.members
    )
    # One set of awards, each finalist moved once.
    assert list(Award.objects.order_by("rank").values_list("nomination", "rank")) == [
        (n.pk, rank) for rank, n in enumerate(round_.nominations, start=1)
    ]
    for nomination in round_.nominations:
        nomination.refresh_from_db()
        assert nomination.state == NominationState.AWARDED
        assert nomination.transitions.filter(to_state=NominationState.AWARDED).count() == 1


def test_one_juror_confirming_twice_at_once_is_counted_once(interviewed):
    round_ = interviewed
    final = round_.finalise()
    juror = round_.members[1]

    results = _all_at_once(
        {k: (lambda: services.ranking_confirm(actor=juror, snapshot=final)) for k in (1, 2)}
    )

    assert _outcomes(results) == ["RankingConfirmation", "ValidationError"]
    assert RankingConfirmation.objects.filter(snapshot=final, juror=juror).count() == 1
    final.refresh_from_db()
    assert final.signed_off_at is None


def test_the_last_confirmation_racing_a_reopening_leaves_no_award(interviewed):
    """Whichever comes first, the ranking ends reopened, without current awards, its nominees
    finalists again: signed off then reopened, or reopened and the confirmation refused."""
    round_ = interviewed
    final = round_.finalise()
    for juror in round_.members[1:4]:
        services.ranking_confirm(actor=juror, snapshot=final)
    last = round_.members[4]

    results = _all_at_once(
        {
            "confirm": lambda: services.ranking_confirm(actor=last, snapshot=final),
            "reopen": lambda: services.ranking_reopen(
                actor=round_.chair, snapshot=final, reason="Koreksi nilai"
            ),
        }
    )

    assert isinstance(results["reopen"], RankingSnapshot)
    assert isinstance(results["confirm"], RankingConfirmation | RankingFinalised)
    final.refresh_from_db()
    assert final.reopened_at is not None
    assert not Award.objects.filter(withdrawn_at__isnull=True).exists()
    signed = isinstance(results["confirm"], RankingConfirmation)
    assert Award.objects.count() == (3 if signed else 0)
    for nomination in round_.nominations:
        nomination.refresh_from_db()
        assert (nomination.state, nomination.national_label, nomination.national_rank) == (
            NominationState.FINALIST,
            "",
            None,
        )


def _change_interview_score(round_, value):
    """Juror 1 changes their submitted interview score of Kota Sukabumi (80)."""
    nomination = round_.nominations[1]
    return round_.score(IV, round_.members[1], nomination, value, reason="Salah ketik")


def _sukabumi_score(round_):
    return Score.objects.get(
        scoresheet__stage__kind=IV,
        scoresheet__assessor=round_.members[1],
        scoresheet__nomination=round_.nominations[1],
    ).value


def test_a_late_interview_score_during_the_final_finalisation_is_refused(interviewed):
    round_ = interviewed
    finalising = threading.Event()
    results = {}

    def finalise_slowly():
        with transaction.atomic():
            snapshot = round_.finalise()
            finalising.set()
            time.sleep(1)  # the late score arrives while this transaction holds the panel
        return snapshot

    chair = _in_thread(finalise_slowly, results, "finalise")
    assert finalising.wait(timeout=30)
    late = _in_thread(lambda: _change_interview_score(round_, 30), results, "late")
    chair.join(timeout=30)
    late.join(timeout=30)

    assert isinstance(results["finalise"], RankingSnapshot)
    assert isinstance(results["late"], RankingFinalised)
    assert _sukabumi_score(round_) == D("80.00")
    row = RankingSnapshot.objects.get(stage__kind=R).rows.get(nomination=round_.nominations[1])
    assert row.total == D("80.00")


def test_an_interview_score_saved_just_before_the_final_finalisation_is_in_it(interviewed):
    round_ = interviewed
    saving = threading.Event()
    results = {}

    def change_slowly():
        with transaction.atomic():
            sheet = _change_interview_score(round_, 30)
            saving.set()
            time.sleep(1)  # the chair finalises while this transaction holds the panel
        return sheet

    juror = _in_thread(change_slowly, results, "late")
    assert saving.wait(timeout=30)
    chair = _in_thread(round_.finalise, results, "finalise")
    juror.join(timeout=30)
    chair.join(timeout=30)

    assert not isinstance(results["late"], Exception)
    assert isinstance(results["finalise"], RankingSnapshot)
    row = RankingSnapshot.objects.get(stage__kind=R).rows.get(nomination=round_.nominations[1])
    # Interview (4 × 80 + 30) / 5 = 70; final 0.6 × 80 + 0.4 × 70 = 48 + 28 = 76.00
    assert row.total == D("76.00")
    assert row.breakdown["stages"][1]["total"] == "70.00"


def test_a_late_interview_score_racing_the_final_finalisation_is_never_lost(interviewed):
    round_ = interviewed

    results = _all_at_once(
        {"finalise": round_.finalise, "late": lambda: _change_interview_score(round_, 30)}
    )

    assert isinstance(results["finalise"], RankingSnapshot)
    row = RankingSnapshot.objects.get(stage__kind=R).rows.get(nomination=round_.nominations[1])
    if isinstance(results["late"], RankingFinalised):
        assert _sukabumi_score(round_) == D("80.00")
        assert row.total == D("80.00")
    else:
        assert not isinstance(results["late"], Exception), results["late"]
        assert _sukabumi_score(round_) == D("30.00")
        assert row.total == D("76.00")


def test_two_selection_finalisations_at_once_give_exactly_one_snapshot(selected):
    round_ = selected

    results = _all_at_once({"one": round_.select, "two": round_.select})

    assert _outcomes(results) == ["RankingFinalised", "RankingSnapshot"]
    snapshot = RankingSnapshot.objects.get()
    assert snapshot.stage.kind == S
    assert snapshot.rows.count() == 3
    for nomination in round_.nominations:
        assert nomination.transitions.filter(to_state=NominationState.FINALIST).count() == 1


def test_two_final_finalisations_at_once_give_exactly_one_snapshot(interviewed):
    round_ = interviewed

    results = _all_at_once({"one": round_.finalise, "two": round_.finalise})

    assert _outcomes(results) == ["RankingFinalised", "RankingSnapshot"]
    final = RankingSnapshot.objects.get(stage__kind=R)
    assert final.rows.count() == 3
    assert list(final.confirmations.values_list("juror", flat=True)) == [round_.chair.pk]


def test_two_reopenings_at_once_reopen_once_with_one_reason(interviewed):
    round_ = interviewed
    final = round_.finalise()

    def reopen(reason):
        return lambda: services.ranking_reopen(actor=round_.chair, snapshot=final, reason=reason)

    results = _all_at_once({reason: reopen(reason) for reason in ("Koreksi satu", "Koreksi dua")})

    assert _outcomes(results) == ["RankingSnapshot", "ValidationError"]
    (winner,) = [k for k, v in results.items() if isinstance(v, RankingSnapshot)]
    final.refresh_from_db()
    assert final.reopen_reason == winner
    assert RankingSnapshot.objects.filter(stage__kind=R, reopened_at__isnull=True).count() == 0


def test_a_conflict_declared_during_the_final_finalisation_is_refused(interviewed):
    """A juror declaring a conflict while the chair finalises: the snapshot counted their
    scores, so the declaration must not slip in after it."""
    round_ = interviewed
    finalising = threading.Event()
    results = {}

    def finalise_slowly():
        with transaction.atomic():
            snapshot = round_.finalise()
            finalising.set()
            time.sleep(1)  # the declaration arrives while this transaction holds the panel
        return snapshot

    chair = _in_thread(finalise_slowly, results, "finalise")
    assert finalising.wait(timeout=30)
    late = _in_thread(
        lambda: services.conflict_declare(
            actor=round_.members[1],
            panel=round_.panel,
            nomination=round_.nominations[1],
            reason="Ternyata ipar Wali Kota",
        ),
        results,
        "conflict",
    )
    chair.join(timeout=30)
    late.join(timeout=30)

    assert isinstance(results["finalise"], RankingSnapshot)
    assert isinstance(results["conflict"], RankingFinalised)
    assert not Conflict.objects.exists()
