"""Ceremonies, publications and certificates (SPEC §7). Every write goes through
ceremonies.services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates.enums import printed_title_for_reader
from paritrana.constraints import ConstraintsAtFields, check, unique

from .enums import CertificateState


def _one_per_scope(prefix: str, national, provincial) -> list[models.UniqueConstraint]:
    """One row per edition for the national results (no province) and one per edition and
    province (a plain unique constraint would let several NULL provinces through); each says
    its `national` or `provincial` sentence at the province."""
    return [
        unique(
            "province",
            national,
            fields=["edition"],
            condition=Q(province__isnull=True),
            name=f"{prefix}_one_national",
        ),
        unique(
            "province",
            provincial,
            fields=["edition", "province"],
            condition=Q(province__isnull=False),
            name=f"{prefix}_one_per_province",
        ),
    ]


class Publication(ConstraintsAtFields, models.Model):
    """The national admin's act that makes an edition's national results (no province) or one
    province's provincial results public. Until it exists nothing of that outcome is public."""

    edition = models.ForeignKey(
        "candidates.Edition", on_delete=models.PROTECT, related_name="publications"
    )
    province = models.ForeignKey(
        "candidates.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the national results."),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-edition__year", "province__name"]
        constraints = _one_per_scope(
            "publication",
            _("This edition's national results are already published."),
            _("This province's results of this edition are already published."),
        )

    def __str__(self):
        scope = self.province.name if self.province_id else _("national results")
        return f"{self.edition.year} — {scope}"


class Ceremony(ConstraintsAtFields, models.Model):
    """The handing over of an edition's national awards (no province) or of one province's
    provincial awards: when, where or by which video link, and by whom."""

    edition = models.ForeignKey(
        "candidates.Edition", on_delete=models.PROTECT, related_name="ceremonies"
    )
    province = models.ForeignKey(
        "candidates.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("Empty for the national ceremony."),
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ceremony")
        verbose_name_plural = _("ceremonies")
        ordering = ["-edition__year", "province__name"]
        constraints = [
            *_one_per_scope(
                "ceremony",
                _("This edition already has a ceremony for its national awards."),
                _("This edition already has a ceremony for this province's awards."),
            ),
            check(
                "place",
                _("Give the place or the video link of the ceremony."),
                condition=~Q(place="") | ~Q(video_link=""),
                name="ceremony_place_or_video",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_national(self) -> bool:
        return self.province_id is None

    @property
    def where(self) -> str:
        """The place as printed on a certificate."""
        return self.place or str(_("by video conference"))


class Official(models.Model):
    """A person at a ceremony: who hands the awards over, who signs the certificates, or both."""

    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=200)
    hands_over = models.BooleanField(_("hands the awards over"), default=False)
    signs = models.BooleanField(_("signs the certificates"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["ceremony", "order", "pk"]

    def __str__(self):
        return f"{self.name}, {self.position}"


def certificate_file_name(certificate, filename: str) -> str:
    # One file per certificate, named by its serial: a second generation overwrites, never adds.
    return f"certificates/{certificate.ceremony.edition.year}/{certificate.serial}.pdf"


class Certificate(ConstraintsAtFields, models.Model):
    """A piagam for one award presented at a ceremony: a national award (`award`) or a
    provincial label (`nomination` at a provincial ceremony). What it prints is frozen when it
    is issued; the PDF is generated in the background."""

    ceremony = models.ForeignKey(Ceremony, on_delete=models.PROTECT, related_name="certificates")
    nomination = models.ForeignKey(
        "candidates.Nomination", on_delete=models.PROTECT, related_name="certificates"
    )
    award = models.ForeignKey(
        "scoring.Award",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        help_text=_("The national award it certifies (none for a provincial label)."),
    )
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    title = models.CharField(_("award"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    category_name = models.CharField(_("category"), max_length=150)
    file = models.FileField(_("PDF"), upload_to=certificate_file_name, max_length=200, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["ceremony", "serial"]
        constraints = [
            # Issuing twice gives the same certificate: one per award, one per provincial winner.
            unique(
                "award",
                _("This award already has its certificate."),
                fields=["award"],
                condition=Q(award__isnull=False),
                name="certificate_one_per_award",
            ),
            unique(
                "nomination",
                _("This nominee already has a certificate of this ceremony."),
                fields=["ceremony", "nomination"],
                condition=Q(award__isnull=True),
                name="certificate_one_per_provincial_winner",
            ),
        ]

    def __str__(self):
        return f"{self.serial} — {self.recipient}"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if self.generated_at is not None:
            return CertificateState.GENERATED
        if self.error:
            return CertificateState.FAILED
        return CertificateState.PENDING

    def get_state_display(self) -> str:
        return CertificateState(self.state).label

    def verification_path(self) -> str:
        return reverse("public:verify", args=[self.serial])

    @property
    def display_title(self) -> str:
        """The award it prints (`title`, in Bahasa Indonesia) in the reader's language."""
        return printed_title_for_reader(self.title)


class CertificateBatch(models.Model):
    """One press of "generate the certificates" for a ceremony: which certificates it asked
    for. Its progress is how many of them have their PDF."""

    ceremony = models.ForeignKey(Ceremony, on_delete=models.CASCADE, related_name="batches")
    certificates = models.ManyToManyField(Certificate, related_name="batches")
    total = models.PositiveIntegerField(_("certificates"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.ceremony} — {self.created_at:%Y-%m-%d %H:%M}"
