from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import StageKind, StageState


class Stage(models.Model):
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
            models.UniqueConstraint(fields=["edition", "kind"], name="stage_unique_kind"),
            models.UniqueConstraint(fields=["edition", "order"], name="stage_unique_order"),
            models.CheckConstraint(
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
