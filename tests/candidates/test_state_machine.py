"""The nomination state machine of SPEC §3: one service moves it, checks it and records it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates import services
from candidates.enums import TRANSITIONS, NominationState
from candidates.exceptions import TransitionNotAllowed
from candidates.models import Nomination, NominationTransition
from tests.factories import NominationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = NominationState


def test_every_state_is_in_the_machine_and_final_states_are_final():
    assert set(TRANSITIONS) == set(S)
    for final in (S.INELIGIBLE, S.NOT_ADVANCED, S.AWARDED, S.NOT_AWARDED, S.WITHDRAWN):
        assert TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.VERIFIED),
        (S.DRAFT, S.AWARDED),
        (S.SUBMITTED, S.DRAFT),
        (S.RETURNED, S.VERIFIED),
        (S.AWARDED, S.WITHDRAWN),
        (S.WITHDRAWN, S.DRAFT),
        (S.VERIFIED, S.FINALIST),
    ],
)
def test_moves_outside_the_machine_are_refused_and_change_nothing(regions, start, target):
    nomination = NominationFactory(state=start)
    with pytest.raises(TransitionNotAllowed):
        services.nomination_transition(actor=None, nomination=nomination, to_state=target)
    nomination.refresh_from_db()
    assert nomination.state == start
    assert NominationTransition.objects.count() == 0


@pytest.mark.parametrize("target", [S.RETURNED, S.INELIGIBLE, S.WITHDRAWN])
def test_returns_ineligibility_and_withdrawals_need_a_reason(regions, target):
    nomination = NominationFactory(state=S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.nomination_transition(
            actor=None,
            nomination=nomination,
            to_state=target,
            reason="  ",
            deadline=timezone.localdate() + timedelta(days=3),
        )
    assert "reason" in error.value.message_dict
    nomination.refresh_from_db()
    assert nomination.state == S.SUBMITTED


def test_return_needs_a_future_deadline(regions):
    nomination = NominationFactory(state=S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.nomination_transition(
            actor=None,
            nomination=nomination,
            to_state=S.RETURNED,
            reason="Lengkapi data.",
            deadline=timezone.localdate(),
        )
    assert list(error.value.message_dict) == ["deadline"]


def test_transition_records_who_when_why(regions):
    actor = UserFactory()
    nomination = NominationFactory(state=S.SUBMITTED)
    deadline = timezone.localdate() + timedelta(days=5)
    services.nomination_transition(
        actor=actor,
        nomination=nomination,
        to_state=S.RETURNED,
        reason="Lengkapi data non-ASN.",
        deadline=deadline,
    )
    record = NominationTransition.objects.get()
    assert (record.from_state, record.to_state, record.actor, record.reason, record.deadline) == (
        S.SUBMITTED,
        S.RETURNED,
        actor,
        "Lengkapi data non-ASN.",
        deadline,
    )
    assert Nomination.objects.get().state == S.RETURNED


def test_full_path_to_an_award(regions):
    nomination = NominationFactory(state=S.DRAFT)
    for target in (S.SUBMITTED, S.VERIFIED, S.SCORED, S.ADVANCED, S.FINALIST, S.AWARDED):
        services.nomination_transition(actor=None, nomination=nomination, to_state=target)
    assert list(NominationTransition.objects.values_list("to_state", flat=True)) == [
        "submitted",
        "verified",
        "scored",
        "advanced",
        "finalist",
        "awarded",
    ]
