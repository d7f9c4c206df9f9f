"""Every write of the scoring app goes through a function here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services import actor_or_none
from candidates.models import Edition

from .enums import STAGE_TRANSITIONS, StageKind, StageState
from .exceptions import StageFinalised, StageTransitionNotAllowed
from .models import Stage, StageEvent


@transaction.atomic
def stages_create_defaults(*, edition: Edition) -> list[Stage]:
    """Give an edition the eight stages of SPEC §3 in order, all planned. Idempotent: stages the
    edition already has are kept as they are."""
    stages = []
    for order, kind in enumerate(StageKind, start=1):
        stage, _created = Stage.objects.get_or_create(
            edition=edition, kind=kind, defaults={"order": order}
        )
        stages.append(stage)
    return stages


def stage_ensure_changeable(stage: Stage) -> None:
    """Raise StageFinalised when `stage` is finalised: the guard every service that changes a
    stage's data calls first."""
    if stage.state == StageState.FINALISED:
        raise StageFinalised(
            _(
                "%(stage)s is finalised; a chair must reopen it, with a reason, before "
                "anything changes."
            )
            % {"stage": stage}
        )


def _move(*, actor, stage: Stage, to_state: str, reason: str = "", allowed=None) -> Stage:
    """Lock the stage, check the move (against STAGE_TRANSITIONS unless `allowed` says), save
    it and record who, when and why."""
    stage = Stage.objects.select_for_update().select_related("edition").get(pk=stage.pk)
    from_state = stage.state
    if to_state not in (STAGE_TRANSITIONS[from_state] if allowed is None else allowed(from_state)):
        raise StageTransitionNotAllowed(
            _("%(stage)s cannot go from %(from)s to %(to)s.")
            % {
                "stage": stage,
                "from": StageState(from_state).label.lower(),
                "to": StageState(to_state).label.lower(),
            }
        )
    stage.state = to_state
    stage.save(update_fields=["state"])
    StageEvent.objects.create(
        stage=stage,
        from_state=from_state,
        to_state=to_state,
        actor=actor_or_none(actor),
        reason=reason,
    )
    return stage


@transaction.atomic
def stage_open(*, actor, stage: Stage) -> Stage:
    """Open a planned stage, or open a closed one again (national admin)."""
    return _move(actor=actor, stage=stage, to_state=StageState.OPEN)


@transaction.atomic
def stage_close(*, actor, stage: Stage) -> Stage:
    """Close an open stage (national admin): its work stops until it is opened again."""
    return _move(actor=actor, stage=stage, to_state=StageState.CLOSED)


@transaction.atomic
def stage_finalise(*, actor, stage: Stage) -> Stage:
    """Finalise a closed stage: from now on nothing in it changes. The ranking stages call this
    from their own finalisation, after freezing their snapshot."""
    return _move(actor=actor, stage=stage, to_state=StageState.FINALISED)


@transaction.atomic
def stage_reopen(*, actor, stage: Stage, reason: str) -> Stage:
    """Reopen a finalised stage (a chair), back to closed; the reason is recorded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the stage.")]})
    if Stage.objects.get(pk=stage.pk).state != StageState.FINALISED:
        raise StageTransitionNotAllowed(_("Only a finalised stage can be reopened."))
    return _move(
        actor=actor,
        stage=stage,
        to_state=StageState.CLOSED,
        reason=reason,
        allowed=lambda state: {StageState.CLOSED} if state == StageState.FINALISED else set(),
    )
