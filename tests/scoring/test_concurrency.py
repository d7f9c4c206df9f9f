"""Finalisation under real concurrent transactions on PostgreSQL: two chairs' clicks give one
snapshot, and a score sent while the ranking is being finalised is either in the snapshot or
refused, never lost."""

import threading
import time
from decimal import Decimal as D

import pytest
from django.db import connection, transaction

from scoring import services
from scoring.enums import StageKind
from scoring.exceptions import RankingFinalised
from scoring.models import RankingSnapshot, Score

from .conftest import criterion

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres(require_service):
    if connection.vendor != "postgresql":
        require_service("Concurrency tests need PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def scored_round(postgres, make_round):
    round_ = make_round([criterion("a")], members=2)
    round_.open(StageKind.PROVINCIAL_RESULT)
    first = round_.nominate("32.71")
    second = round_.nominate("32.72")
    for person in round_.members:
        round_.score(person, first, 80)
        round_.score(person, second, 70)
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


def test_two_finalisations_at_once_give_exactly_one_snapshot(scored_round):
    barrier = threading.Barrier(2)
    results = {}

    def finalise():
        barrier.wait()
        return services.ranking_finalise(
            actor=scored_round.chair, panel=scored_round.panel, category=scored_round.category
        )

    threads = [_in_thread(finalise, results, key) for key in ("one", "two")]
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["RankingFinalised", "RankingSnapshot"]
    assert RankingSnapshot.objects.count() == 1
    assert RankingSnapshot.objects.get().rows.count() == 2
    for nomination in scored_round.nominations:
        assert nomination.transitions.filter(to_state="scored").count() == 1


def _change_score(round_, person, nomination, value):
    return round_.score(person, nomination, value, reason="Salah ketik")


def test_a_score_sent_during_finalisation_is_refused_and_the_snapshot_keeps_the_old_one(
    scored_round,
):
    round_ = scored_round
    finalising = threading.Event()
    results = {}

    def finalise_slowly():
        with transaction.atomic():
            snapshot = services.ranking_finalise(
                actor=round_.chair, panel=round_.panel, category=round_.category
            )
            finalising.set()
            time.sleep(1)  # the late score arrives while this transaction holds the panel
        return snapshot

    chair_thread = _in_thread(finalise_slowly, results, "finalise")
    assert finalising.wait(timeout=30)
    late = _in_thread(
        lambda: _change_score(round_, round_.members[1], round_.nominations[1], 95),
        results,
        "late",
    )
    chair_thread.join(timeout=30)
    late.join(timeout=30)

    assert isinstance(results["finalise"], RankingSnapshot)
    assert isinstance(results["late"], RankingFinalised)
    assert Score.objects.get(
        scoresheet__assessor=round_.members[1], scoresheet__nomination=round_.nominations[1]
    ).value == D("70.00")
    row = RankingSnapshot.objects.get().rows.get(nomination=round_.nominations[1])
    assert row.total == D("70.00")


def test_a_score_saved_just_before_finalisation_is_in_the_snapshot(scored_round):
    round_ = scored_round
    saving = threading.Event()
    results = {}

    def change_slowly():
        with transaction.atomic():
            sheet = _change_score(round_, round_.members[1], round_.nominations[1], 88)
            saving.set()
            time.sleep(1)  # the chair finalises while this transaction holds the panel
        return sheet

    member_thread = _in_thread(change_slowly, results, "late")
    assert saving.wait(timeout=30)
    chair_thread = _in_thread(
        lambda: services.ranking_finalise(
            actor=round_.chair, panel=round_.panel, category=round_.category
        ),
        results,
        "finalise",
    )
    member_thread.join(timeout=30)
    chair_thread.join(timeout=30)

    assert not isinstance(results["late"], Exception)
    assert isinstance(results["finalise"], RankingSnapshot)
    row = RankingSnapshot.objects.get().rows.get(nomination=round_.nominations[1])
    assert row.total == D("79.00")  # (70 + 88) / 2: the late score counted
    assert row.breakdown["criteria"][0]["counted"] == 2
