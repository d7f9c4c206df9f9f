from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StageKind(models.TextChoices):
    """The default stages of an edition, in order (SPEC §3)."""

    NOMINATION = "nomination", _("Socialisation and nomination")
    PROVINCIAL_VERIFICATION = "provincial_verification", _("Provincial verification")
    PROVINCIAL_ASSESSMENT = "provincial_assessment", _("Provincial assessment")
    PROVINCIAL_RESULT = "provincial_result", _("Provincial result")
    NATIONAL_SELECTION = "national_selection", _("National selection")
    NATIONAL_INTERVIEW = "national_interview", _("National interview")
    NATIONAL_RESULT = "national_result", _("National result")
    CEREMONY = "ceremony", _("Ceremony and publication")


class StageState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("stage state", "Planned")
    OPEN = "open", pgettext_lazy("stage state", "Open")
    CLOSED = "closed", pgettext_lazy("stage state", "Closed")
    FINALISED = "finalised", pgettext_lazy("stage state", "Finalised")


_S = StageState
# planned → open → closed → finalised; a closed stage may be opened again before it is
# finalised; a finalised stage only moves back (to closed) through a chair's recorded reopening.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.PLANNED: frozenset({_S.OPEN}),
    _S.OPEN: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset({_S.OPEN, _S.FINALISED}),
    _S.FINALISED: frozenset(),
}


# Stages whose nominees are scored with a rubric; the result stages rank what these produced.
SCORED_STAGES = (
    StageKind.PROVINCIAL_ASSESSMENT,
    StageKind.NATIONAL_SELECTION,
    StageKind.NATIONAL_INTERVIEW,
)


class CriterionKind(models.TextChoices):
    """SPEC §6: how a criterion gets its 0–100 score."""

    COMPUTED = "computed", pgettext_lazy("criterion kind", "Computed from the data")
    JUDGED = "judged", pgettext_lazy("criterion kind", "Judged by the assessors")
    INTERVIEW = "interview", pgettext_lazy("criterion kind", "Interview")


ASSESSED_KINDS = (CriterionKind.JUDGED, CriterionKind.INTERVIEW)


class Mapping(models.TextChoices):
    """How a computed criterion turns its indicator into 0–100."""

    LINEAR = "linear", _("Linear between the thresholds")
    RELATIVE = "relative", _("Relative to the best in the cohort")


class Aggregation(models.TextChoices):
    """How the assessors' scores of a judged criterion become the criterion score."""

    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")


class ScoresheetState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("scoresheet state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("scoresheet state", "Submitted")


class ConflictSource(models.TextChoices):
    ORGANISATION = "organisation", _("Own organisation")
    REGION = "region", _("Own region")
    DECLARED = "declared", _("Declared")


# The panel's scoring stages: a provincial panel assesses; the national jury selects the
# finalists, then interviews them.
PROVINCIAL_SCORING = (StageKind.PROVINCIAL_ASSESSMENT,)
NATIONAL_SCORING = (StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW)
NATIONAL_STAGES = (*NATIONAL_SCORING, StageKind.NATIONAL_RESULT)
# The stage whose finalised ranking freezes a scoring stage's scores: the provincial ranking and
# the finalists are ranked in their own stage; interviews are frozen by the national result.
FROZEN_BY = {
    StageKind.PROVINCIAL_ASSESSMENT: StageKind.PROVINCIAL_ASSESSMENT,
    StageKind.NATIONAL_SELECTION: StageKind.NATIONAL_SELECTION,
    StageKind.NATIONAL_INTERVIEW: StageKind.NATIONAL_RESULT,
}
# Short names of the stages in the pages' and the API's addresses.
STAGE_SLUGS = {
    "assessment": StageKind.PROVINCIAL_ASSESSMENT,
    "selection": StageKind.NATIONAL_SELECTION,
    "interview": StageKind.NATIONAL_INTERVIEW,
    "final": StageKind.NATIONAL_RESULT,
}
SLUG_OF = {kind: slug for slug, kind in STAGE_SLUGS.items()}


class Attendance(models.TextChoices):
    """Who presented at a finalist's interview (SPEC §6: the attendance factor)."""

    HEAD = "head", _("Head of region or company director")
    DEPUTY = "deputy", _("Deputy head of region or deputy director")
    SECRETARY = "secretary", _("Regional secretary or senior manager")
    OTHER = "other", _("Head of agency or other official")


class AwardKind(models.TextChoices):
    RANKED = "ranked", _("Ranked")
    BEST_PER_PROVINCE = "best_per_province", _("Best in the province")
    BEST_PER_ZONE = "best_per_zone", _("Best in the zone")
    SPECIAL = "special", _("Special award (predikat terbaik khusus)")
