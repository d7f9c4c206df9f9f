"""Demo stages for the seed editions (shared/seeds/), moved through the services so that their
history is recorded. Idempotent: a stage already at or past its demo state is left alone."""

from django.db import transaction

from candidates.models import Edition

from . import services
from .enums import StageKind, StageState

K, S = StageKind, StageState
_ORDER = [S.PLANNED, S.OPEN, S.CLOSED, S.FINALISED]
_STEP = {
    S.OPEN: services.stage_open,
    S.CLOSED: services.stage_close,
    S.FINALISED: services.stage_finalise,
}

# 2018: the Jawa Barat provincial round ran to its result (January 2019); 2020: the national
# round ran to its result (ceremony September 2021); 2021: nominations were being gathered
# (Gorontalo's socialisation, December 2021).
DEMO_STAGE_STATES = {
    2018: dict.fromkeys((K.NOMINATION, K.PROVINCIAL_VERIFICATION, K.PROVINCIAL_ASSESSMENT, K.PROVINCIAL_RESULT), S.FINALISED),
    2020: dict.fromkeys(list(K)[:7], S.FINALISED),
    2021: {K.NOMINATION: S.OPEN},
}  # fmt: skip


@transaction.atomic
def seed_stages() -> int:
    """Create the default stages of the demo editions and bring them to their demo state."""
    count = 0
    for edition in Edition.objects.filter(year__in=DEMO_STAGE_STATES):
        for stage in services.stages_create_defaults(edition=edition):
            target = DEMO_STAGE_STATES[edition.year].get(stage.kind, S.PLANNED)
            while _ORDER.index(stage.state) < _ORDER.index(target):
                following = _ORDER[_ORDER.index(stage.state) + 1]
                stage = _STEP[following](actor=None, stage=stage)
            count += 1
    return count
