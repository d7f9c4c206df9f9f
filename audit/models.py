from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One change, written by the service that made it in the same transaction (SPEC §2: the
    auditor sees every decision and its record).

    Append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0002). Each record
    carries the hash of the one before it (`prev_hash`) and its own hash over its content, so
    `manage.py verify_audit` finds a record altered, inserted or deleted by hand. No foreign
    keys: deleting a user or a nomination must neither cascade into the record nor be refused
    by it, and the record keeps the names as they were."""

    seq = models.PositiveBigIntegerField(_("number"), unique=True)
    at = models.DateTimeField(_("when"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor = models.CharField(_("who"), max_length=254)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    nomination_id = models.BigIntegerField(_("nomination id"), null=True, blank=True)
    edition_id = models.BigIntegerField(_("edition id"), null=True, blank=True)
    old = models.JSONField(_("old values"), default=dict, blank=True)
    new = models.JSONField(_("new values"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("hash of the previous record"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["nomination_id", "seq"], name="audit_nomination_seq"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"


class AuditHead(models.Model):
    """The chain's last number and hash, one row, updated with every append under a row lock:
    the lock orders concurrent writers into one chain, and the head shows a deleted tail."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"#{self.seq} {self.hash}"
