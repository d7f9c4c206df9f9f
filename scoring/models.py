from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from candidates.enums import RankLabel
from candidates.indicators import INDICATORS
from paritrana.constraints import ConstraintsAtFields, check, unique

from .enums import (
    Aggregation,
    Attendance,
    AwardKind,
    ConflictSource,
    CriterionKind,
    Mapping,
    ScoresheetState,
    StageKind,
    StageState,
)


class Stage(ConstraintsAtFields, models.Model):
    """One stage of an edition (SPEC §3) with its schedule and state. States change only
    through scoring.services; every change is recorded as a StageEvent."""

    edition = models.ForeignKey(
        "candidates.Edition",
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("edition"),
    )
    kind = models.CharField(_("stage"), max_length=32, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=StageState.choices, default=StageState.PLANNED
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["edition", "order"]
        constraints = [
            unique(
                "kind",
                _("This edition already has this stage."),
                fields=["edition", "kind"],
                name="stage_unique_kind",
            ),
            unique(
                "order",
                _("Another stage of this edition has this order."),
                fields=["edition", "order"],
                name="stage_unique_order",
            ),
            check(
                "ends_on",
                _("A stage ends on or after the day it starts."),
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="stage_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.edition.year})"

    @property
    def is_finalised(self) -> bool:
        return self.state == StageState.FINALISED


class StageEvent(models.Model):
    """One state change of a stage: who, when, from what to what, and why (a reopening always
    says why)."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=16, choices=StageState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=StageState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["stage", "at", "pk"]

    def __str__(self):
        return f"{self.stage}: {self.from_state or '—'} → {self.to_state}"


# ---------------------------------------------------------------------------------------------
# Rubrics (SPEC §6)


class Rubric(ConstraintsAtFields, models.Model):
    """How one category is scored in one stage: its criteria, how the assessors' scores are
    combined, and how ties are broken. Edited by the secretariat in the admin."""

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="rubrics", verbose_name=_("stage")
    )
    category = models.ForeignKey(
        "candidates.Category",
        on_delete=models.CASCADE,
        related_name="rubrics",
        verbose_name=_("category"),
    )
    aggregation = models.CharField(
        _("combining the assessors"),
        max_length=16,
        choices=Aggregation.choices,
        default=Aggregation.MEAN,
    )
    trim_percent = models.PositiveSmallIntegerField(
        _("trimmed at each end (%)"),
        default=20,
        validators=[MaxValueValidator(49)],
        help_text=_(
            "Trimmed mean only: this share of the scores, rounded down, is dropped at the top "
            "and at the bottom before averaging."
        ),
    )
    zscore = models.BooleanField(
        _("normalise each assessor (z-score)"),
        default=False,
        help_text=_(
            "Each assessor's scores on a criterion are standardised over the nominees they "
            "scored and put back on the scale of all assessors' scores."
        ),
    )
    final_weight = models.DecimalField(
        _("weight in the national result"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_(
            "National selection and interview only: how much this stage's total counts in the "
            "final ranking (e.g. selection 60, interview 40). 0 = not counted."
        ),
    )
    factor_head = models.DecimalField(
        _("factor: head of region or director attended"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    factor_deputy = models.DecimalField(
        _("factor: deputy attended"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    factor_secretary = models.DecimalField(
        _("factor: regional secretary or senior manager attended"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    factor_other = models.DecimalField(
        _("factor: head of agency or other attended"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    is_default = models.BooleanField(
        _("seeded default"),
        default=False,
        help_text=_("A default seeded by the software, not an official figure of the award."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["stage__edition", "stage__order", "category__order"]
        constraints = [
            unique(
                "category",
                _("This stage already has a rubric for this category."),
                fields=["stage", "category"],
                name="rubric_unique",
            ),
            check(
                "trim_percent",
                _("Less than half of the scores is trimmed at each end: at most 49 percent."),
                condition=Q(trim_percent__lte=49),
                name="rubric_trim_below_50",
            ),
            check(
                "final_weight",
                _("The weight in the national result cannot be negative."),
                condition=Q(final_weight__gte=0),
                name="rubric_final_weight_not_negative",
            ),
            check(
                "factor_head",
                _("Each attendance factor is between 0 and 1."),
                condition=Q(factor_head__gte=0, factor_head__lte=1)
                & Q(factor_deputy__gte=0, factor_deputy__lte=1)
                & Q(factor_secretary__gte=0, factor_secretary__lte=1)
                & Q(factor_other__gte=0, factor_other__lte=1),
                name="rubric_factors_0_1",
            ),
        ]

    def __str__(self):
        return f"{self.category.name} — {self.stage}"

    def attendance_factor(self, attendance: str) -> Decimal | None:
        """The factor an interview criterion's score is multiplied by, for who attended."""
        return {
            Attendance.HEAD: self.factor_head,
            Attendance.DEPUTY: self.factor_deputy,
            Attendance.SECRETARY: self.factor_secretary,
            Attendance.OTHER: self.factor_other,
        }.get(attendance)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .enums import SCORED_STAGES

        errors = {}
        if self.stage_id and self.stage.kind not in SCORED_STAGES:
            errors["stage"] = _("Only assessment, selection and interview stages have rubrics.")
        if self.stage_id and self.category_id and self.stage.edition_id != self.category.edition_id:
            errors["category"] = _("The category belongs to another edition than the stage.")
        if errors:
            raise ValidationError(errors)


INDICATOR_CHOICES = [(i.name, i.label) for i in INDICATORS]


class Criterion(ConstraintsAtFields, models.Model):
    """One criterion of a rubric: its weight and how it is scored (SPEC §6)."""

    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubric")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    guidance = models.TextField(_("guidance for assessors"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CriterionKind.choices)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    indicator = models.CharField(
        _("indicator"), max_length=40, choices=INDICATOR_CHOICES, blank=True
    )
    mapping = models.CharField(
        _("mapping to 0–100"), max_length=16, choices=Mapping.choices, default=Mapping.LINEAR
    )
    zero_at = models.DecimalField(
        _("0 points at"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Linear mapping: the indicator value that scores 0 (ratios: 0.5 = 50 %)."),
    )
    full_at = models.DecimalField(
        _("100 points at"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Linear mapping: the indicator value that scores 100. Below 0 points when lower is "
            "better (contribution arrears)."
        ),
    )
    tie_break_order = models.PositiveSmallIntegerField(
        _("tie-break order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("1 = compared first when totals are equal; empty = not a tie-breaker."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "order", "pk"]
        constraints = [
            unique(
                "code",
                _("This rubric already has a criterion with this code."),
                fields=["rubric", "code"],
                name="criterion_unique_code",
            ),
            unique(
                "tie_break_order",
                _("Another criterion of this rubric already comes at this place in the tie-break."),
                fields=["rubric", "tie_break_order"],
                condition=Q(tie_break_order__isnull=False),
                name="criterion_unique_tie_break",
            ),
            check(
                "weight",
                _("A criterion's weight is more than 0."),
                condition=Q(weight__gt=0),
                name="criterion_weight_positive",
            ),
            check(
                "indicator",
                _("A computed criterion needs its indicator."),
                condition=~Q(kind=CriterionKind.COMPUTED) | ~Q(indicator=""),
                name="criterion_computed_has_indicator",
            ),
            check(
                "full_at",
                _(
                    "A computed criterion mapped linearly needs two different values: the one "
                    "that scores 0 and the one that scores 100."
                ),
                condition=~Q(kind=CriterionKind.COMPUTED, mapping=Mapping.LINEAR)
                | (Q(zero_at__isnull=False, full_at__isnull=False) & ~Q(zero_at=F("full_at"))),
                name="criterion_linear_has_thresholds",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_assessed(self) -> bool:
        """Scored by each assessor on a scoresheet (judged and interview criteria)."""
        return self.kind in (CriterionKind.JUDGED, CriterionKind.INTERVIEW)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.kind == CriterionKind.COMPUTED:
            if not self.indicator:
                errors["indicator"] = _("A computed criterion needs its indicator.")
            if self.mapping == Mapping.LINEAR:
                if self.zero_at is None:
                    errors["zero_at"] = _("Give the value that scores 0.")
                if self.full_at is None:
                    errors["full_at"] = _("Give the value that scores 100.")
                if (
                    self.zero_at is not None
                    and self.full_at is not None
                    and self.zero_at == self.full_at
                ):
                    errors["full_at"] = _("The two thresholds must differ.")
        elif self.indicator:
            errors["indicator"] = _("Only a computed criterion has an indicator.")
        if errors:
            raise ValidationError(errors)


class IndicatorValue(ConstraintsAtFields, models.Model):
    """A nomination's computed indicator as it stood when the panel verified its data (the data
    cannot change afterwards): what computed criteria are scored from."""

    nomination = models.ForeignKey(
        "candidates.Nomination", on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.CharField(_("indicator"), max_length=40, choices=INDICATOR_CHOICES)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            unique(
                "indicator",
                _("This nomination already has a value for this indicator."),
                fields=["nomination", "indicator"],
                name="indicator_value_unique",
            )
        ]

    def __str__(self):
        return f"{self.nomination}: {self.indicator} = {self.value}"


# ---------------------------------------------------------------------------------------------
# Panels, members and conflicts


class Panel(ConstraintsAtFields, models.Model):
    """A provincial panel (one per province and edition) or, without a province, the national
    jury of an edition. Its members are also given the matching role (accounts.RoleAssignment)
    by scoring.services, which is what opens the pages to them."""

    edition = models.ForeignKey(
        "candidates.Edition",
        on_delete=models.CASCADE,
        related_name="panels",
        verbose_name=_("edition"),
    )
    province = models.ForeignKey(
        "candidates.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panels",
        verbose_name=_("province"),
        help_text=_("Empty for the national jury."),
    )
    exclude_own_region = models.BooleanField(
        _("exclude assessors from their own region"),
        default=False,
        help_text=_(
            "Besides their own organisation, assessors are excluded from candidates of the "
            "regency/city they come from."
        ),
    )

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        ordering = ["edition", "province"]
        constraints = [
            unique(
                "province",
                _("This edition already has a panel for this province."),
                fields=["edition", "province"],
                condition=Q(province__isnull=False),
                name="panel_one_per_province",
            ),
            unique(
                "province",
                _("This edition already has its national jury: choose a province."),
                fields=["edition"],
                condition=Q(province__isnull=True),
                name="panel_one_jury_per_edition",
            ),
        ]

    def __str__(self):
        if self.province_id is None:
            return _("National jury %(year)s") % {"year": self.edition.year}
        return _("Provincial panel %(province)s %(year)s") % {
            "province": self.province.name,
            "year": self.edition.year,
        }

    @property
    def is_jury(self) -> bool:
        return self.province_id is None


class PanelMember(ConstraintsAtFields, models.Model):
    """A person on a panel, with what the automatic conflict rules need to know about them."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="members", verbose_name=_("panel")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_memberships",
        verbose_name=_("person"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    position = models.CharField(
        _("position on the panel"), max_length=150, blank=True, help_text=_("e.g. Sekda, union")
    )
    organisation = models.ForeignKey(
        "candidates.Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represents candidate"),
        help_text=_(
            "The government or business the member works for, when it is a candidate: they "
            "never score it."
        ),
    )
    home_regency = models.ForeignKey(
        "candidates.Regency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("own region"),
    )

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["panel", "-is_chair", "user__first_name", "pk"]
        constraints = [
            unique(
                "user",
                _("This person is already a member of this panel."),
                fields=["panel", "user"],
                name="panel_member_unique",
            ),
            unique(
                "is_chair",
                _("This panel already has a chair."),
                fields=["panel"],
                condition=Q(is_chair=True),
                name="panel_one_chair",
            ),
        ]

    def __str__(self):
        return str(self.user)


class Conflict(ConstraintsAtFields, models.Model):
    """An assessor excluded from a nominee: automatically (own organisation or region) or
    declared by the assessor. Their scores for it never count."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="conflicts")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("assessor"),
    )
    nomination = models.ForeignKey(
        "candidates.Nomination",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("nomination"),
    )
    source = models.CharField(_("source"), max_length=16, choices=ConflictSource.choices)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["panel", "nomination", "assessor"]
        constraints = [
            unique(
                "nomination",
                _("This assessor's conflict of interest with this nominee is already recorded."),
                fields=["panel", "assessor", "nomination"],
                name="conflict_unique",
            )
        ]

    def __str__(self):
        return f"{self.assessor} × {self.nomination}"


# ---------------------------------------------------------------------------------------------
# Scoresheets


class Scoresheet(ConstraintsAtFields, models.Model):
    """One assessor's scores for one nominee in one stage: a draft until submitted."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="scoresheets")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="scoresheets")
    nomination = models.ForeignKey(
        "candidates.Nomination", on_delete=models.CASCADE, related_name="scoresheets"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scoresheets"
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ScoresheetState.choices,
        default=ScoresheetState.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scoresheet")
        verbose_name_plural = _("scoresheets")
        ordering = ["stage", "nomination", "assessor"]
        constraints = [
            unique(
                "nomination",
                _("This assessor already has a scoresheet for this nominee in this stage."),
                fields=["stage", "nomination", "assessor"],
                name="scoresheet_unique",
            )
        ]
        indexes = [models.Index(fields=["stage", "panel", "state"])]

    def __str__(self):
        return f"{self.assessor} — {self.nomination}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ScoresheetState.SUBMITTED


class Score(ConstraintsAtFields, models.Model):
    """One assessor's 0–100 for one judged (or interview) criterion, with the written note."""

    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField(_("note"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["scoresheet", "criterion__order"]
        constraints = [
            unique(
                "criterion",
                _("This scoresheet already has a score for this criterion."),
                fields=["scoresheet", "criterion"],
                name="score_unique",
            ),
            check(
                "value",
                _("A score is between 0 and 100."),
                condition=Q(value__gte=0) & Q(value__lte=100),
                name="score_within_0_100",
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ScoreRevision(models.Model):
    """The value a submitted score had before it was changed, who changed it, when and why."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.DecimalField(_("old score"), max_digits=5, decimal_places=2)
    old_note = models.TextField(_("old note"))
    new_value = models.DecimalField(_("new score"), max_digits=5, decimal_places=2)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("score change")
        verbose_name_plural = _("score changes")
        ordering = ["score", "changed_at", "pk"]

    def __str__(self):
        return f"{self.score.criterion}: {self.old_value} → {self.new_value}"


# ---------------------------------------------------------------------------------------------
# Ties and finalised rankings


class TieDecision(ConstraintsAtFields, models.Model):
    """The chair's order for nominees still tied after the tie-breakers, with the reason."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="tie_decisions")
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="tie_decisions")
    nomination = models.ForeignKey(
        "candidates.Nomination", on_delete=models.CASCADE, related_name="tie_decisions"
    )
    position = models.PositiveSmallIntegerField(_("position within the tie"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("tie decision")
        verbose_name_plural = _("tie decisions")
        constraints = [
            unique(
                "nomination",
                _("This nominee's place within the tie in this stage is already decided."),
                fields=["stage", "nomination"],
                name="tie_decision_unique",
            )
        ]

    def __str__(self):
        return f"{self.nomination}: {self.position}"


class RankingSnapshot(ConstraintsAtFields, models.Model):
    """A finalised ranking of one panel in one stage: frozen scores, totals, ranks and cut-off.
    A reopened snapshot is kept, marked with who reopened it and why."""

    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="snapshots")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="snapshots")
    category = models.ForeignKey(
        "candidates.Category", on_delete=models.PROTECT, related_name="snapshots"
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    finalised_at = models.DateTimeField(_("finalised at"), auto_now_add=True)
    quota = models.PositiveSmallIntegerField(_("advance"), default=0)
    cut_off = models.DecimalField(
        _("cut-off"),
        max_digits=5,
        decimal_places=2,
        null=True,
        help_text=_("The total of the last nominee who advanced."),
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    signed_off_at = models.DateTimeField(
        _("signed off at"),
        null=True,
        blank=True,
        help_text=_("National result: when the last juror confirmed the ranking."),
    )

    class Meta:
        verbose_name = _("finalised ranking")
        verbose_name_plural = _("finalised rankings")
        ordering = ["stage", "panel", "category__order", "-finalised_at"]
        constraints = [
            unique(
                "category",
                _("This panel's ranking of this category in this stage is already finalised."),
                fields=["stage", "panel", "category"],
                condition=Q(reopened_at__isnull=True),
                name="snapshot_one_current",
            )
        ]

    def __str__(self):
        return f"{self.panel} — {self.category.name}"


class RankingSnapshotRow(ConstraintsAtFields, models.Model):
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="rows")
    nomination = models.ForeignKey(
        "candidates.Nomination", on_delete=models.PROTECT, related_name="snapshot_rows"
    )
    rank = models.PositiveIntegerField(_("rank"))
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2)
    label = models.CharField(_("label"), max_length=16, choices=RankLabel.choices, blank=True)
    advanced = models.BooleanField(_("advanced"), default=False)
    breakdown = models.JSONField(
        _("breakdown"),
        default=dict,
        help_text=_("Per criterion: weight, score, contribution and the scores that counted."),
    )
    tie_reason = models.TextField(_("tie decision"), blank=True)

    class Meta:
        verbose_name = _("finalised ranking row")
        verbose_name_plural = _("finalised ranking rows")
        ordering = ["snapshot", "rank"]
        constraints = [
            unique(
                "nomination",
                _("This nominee is already in this finalised ranking."),
                fields=["snapshot", "nomination"],
                name="snapshot_row_unique",
            )
        ]

    def __str__(self):
        return f"{self.rank}. {self.nomination} ({self.total})"


class RankingConfirmation(ConstraintsAtFields, models.Model):
    """A juror's confirmation of a finalised national ranking: once every juror has confirmed,
    the ranking is signed off and the awards are given from it."""

    snapshot = models.ForeignKey(
        RankingSnapshot, on_delete=models.CASCADE, related_name="confirmations"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ranking_confirmations",
        verbose_name=_("juror"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmation of the ranking")
        verbose_name_plural = _("confirmations of the ranking")
        ordering = ["snapshot", "confirmed_at", "pk"]
        constraints = [
            unique(
                "juror",
                _("This juror has already confirmed this ranking."),
                fields=["snapshot", "juror"],
                name="confirmation_unique",
            )
        ]

    def __str__(self):
        return f"{self.juror} — {self.snapshot}"


# ---------------------------------------------------------------------------------------------
# Interviews (SPEC §3 stage 6)


class Interview(ConstraintsAtFields, models.Model):
    """A finalist's interview before the national jury: when, where (video link), who attended
    for the candidate (the attendance factor) and the minutes."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="interviews")
    nomination = models.ForeignKey(
        "candidates.Nomination",
        on_delete=models.CASCADE,
        related_name="interviews",
        verbose_name=_("finalist"),
    )
    scheduled_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    attendance = models.CharField(
        _("highest official attending"), max_length=16, choices=Attendance.choices, blank=True
    )
    attendee = models.CharField(
        _("who attended"), max_length=300, blank=True, help_text=_("Name and position.")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["panel", "scheduled_at", "pk"]
        constraints = [
            unique(
                "nomination",
                _("This finalist already has an interview with this jury."),
                fields=["panel", "nomination"],
                name="interview_unique",
            )
        ]

    def __str__(self):
        return str(self.nomination)


# ---------------------------------------------------------------------------------------------
# Awards (SPEC §4: by the category's scheme; special awards with a reason)


class Award(ConstraintsAtFields, models.Model):
    """An award of the national round: given from the signed-off national ranking (ranked, best
    per province, best per zone) or, with a reason, as a special award. An award withdrawn when
    its ranking is reopened stays on the record."""

    category = models.ForeignKey(
        "candidates.Category", on_delete=models.PROTECT, related_name="awards"
    )
    nomination = models.ForeignKey(
        "candidates.Nomination",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("recipient"),
    )
    snapshot = models.ForeignKey(
        RankingSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text=_("The signed-off ranking the award comes from (none for special awards)."),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=AwardKind.choices)
    label = models.CharField(_("label"), max_length=16, choices=RankLabel.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    rank = models.PositiveIntegerField(_("national rank"), null=True, blank=True)
    province = models.ForeignKey(
        "candidates.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    zone = models.CharField(_("zone"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["category__order", "kind", "rank", "pk"]
        constraints = [
            unique(
                "kind",
                _("This nominee already holds an award of this kind."),
                fields=["nomination", "kind"],
                condition=Q(withdrawn_at__isnull=True) & ~Q(kind=AwardKind.SPECIAL),
                name="award_one_current_per_kind",
            ),
            check(
                "reason",
                _("A special award says why it is given: give the reason."),
                condition=~Q(kind=AwardKind.SPECIAL) | ~Q(reason=""),
                name="award_special_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.nomination.candidate}"

    @property
    def display_title(self) -> str:
        """The award's name in the reader's language: a ranked award by its rank label (its
        stored title keeps the Bahasa Indonesia one it was given with, as certificates print
        it), any other (best in a province or zone, special) by its title."""
        if self.label and self.kind == AwardKind.RANKED:
            return str(RankLabel(self.label).label)
        return self.title

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None
