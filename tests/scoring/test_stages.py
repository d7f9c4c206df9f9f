"""An edition's stages (SPEC §3): planned → open → closed → finalised, each move recorded;
nothing changes in a finalised stage; a chair reopens one only with a reason."""

import pytest
from django.core.exceptions import ValidationError

from scoring import services
from scoring.demo import seed_stages
from scoring.enums import StageKind, StageState
from scoring.exceptions import StageFinalised, StageTransitionNotAllowed
from scoring.models import Stage, StageEvent
from tests.factories import EditionFactory, UserFactory

pytestmark = pytest.mark.django_db
S = StageState


def test_default_stages_in_order_and_idempotent():
    edition = EditionFactory()
    services.stages_create_defaults(edition=edition)
    services.stages_create_defaults(edition=edition)
    assert list(edition.stages.values_list("order", "kind", "state")) == [
        (1, "nomination", "planned"),
        (2, "provincial_verification", "planned"),
        (3, "provincial_assessment", "planned"),
        (4, "provincial_result", "planned"),
        (5, "national_selection", "planned"),
        (6, "national_interview", "planned"),
        (7, "national_result", "planned"),
        (8, "ceremony", "planned"),
    ]


def test_stage_moves_along_and_every_move_is_recorded():
    admin = UserFactory()
    stage = services.stages_create_defaults(edition=EditionFactory())[0]
    services.stage_open(actor=admin, stage=stage)
    services.stage_close(actor=admin, stage=stage)
    services.stage_open(actor=admin, stage=stage)
    services.stage_close(actor=admin, stage=stage)
    services.stage_finalise(actor=admin, stage=stage)
    stage.refresh_from_db()
    assert stage.state == S.FINALISED
    assert list(stage.events.values_list("from_state", "to_state", "actor")) == [
        ("planned", "open", admin.pk),
        ("open", "closed", admin.pk),
        ("closed", "open", admin.pk),
        ("open", "closed", admin.pk),
        ("closed", "finalised", admin.pk),
    ]


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.PLANNED, services.stage_close),
        (S.PLANNED, services.stage_finalise),
        (S.OPEN, services.stage_open),
        (S.OPEN, services.stage_finalise),
        (S.FINALISED, services.stage_open),
        (S.FINALISED, services.stage_close),
    ],
)
def test_moves_outside_the_machine_are_refused_and_change_nothing(start, move):
    stage = services.stages_create_defaults(edition=EditionFactory())[0]
    Stage.objects.filter(pk=stage.pk).update(state=start)
    with pytest.raises(StageTransitionNotAllowed):
        move(actor=None, stage=stage)
    stage.refresh_from_db()
    assert stage.state == start
    assert StageEvent.objects.count() == 0


def test_finalised_stage_refuses_change_until_reopened_with_a_reason():
    chair = UserFactory()
    stage = services.stages_create_defaults(edition=EditionFactory())[3]
    for move in (services.stage_open, services.stage_close, services.stage_finalise):
        move(actor=None, stage=stage)
    stage.refresh_from_db()
    with pytest.raises(StageFinalised):
        services.stage_ensure_changeable(stage)
    with pytest.raises(ValidationError) as error:
        services.stage_reopen(actor=chair, stage=stage, reason="  ")
    assert list(error.value.message_dict) == ["reason"]
    stage.refresh_from_db()
    assert stage.state == S.FINALISED
    services.stage_reopen(actor=chair, stage=stage, reason="Nilai Kota Cimahi salah ketik.")
    stage.refresh_from_db()
    assert stage.state == S.CLOSED
    services.stage_ensure_changeable(stage)
    last = stage.events.last()
    assert (last.from_state, last.to_state, last.actor, last.reason) == (
        "finalised",
        "closed",
        chair,
        "Nilai Kota Cimahi salah ketik.",
    )


def test_only_a_finalised_stage_is_reopened():
    stage = services.stages_create_defaults(edition=EditionFactory())[0]
    with pytest.raises(StageTransitionNotAllowed):
        services.stage_reopen(actor=None, stage=stage, reason="x")


def test_demo_stages_follow_the_seed_articles(demo):
    assert seed_stages() == 24  # idempotent: the demo fixture seeded them already
    states = {(s.edition.year, s.kind): s.state for s in Stage.objects.select_related("edition")}
    assert states[(2018, StageKind.PROVINCIAL_RESULT)] == S.FINALISED
    assert states[(2018, StageKind.NATIONAL_SELECTION)] == S.PLANNED
    assert states[(2020, StageKind.NATIONAL_RESULT)] == S.FINALISED
    assert states[(2020, StageKind.CEREMONY)] == S.PLANNED
    assert states[(2021, StageKind.NOMINATION)] == S.OPEN
    assert StageEvent.objects.filter(stage__edition__year=2020).count() == 7 * 3
