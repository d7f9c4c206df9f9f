"""Every write of the ceremonies app goes through a function here: ceremonies, publication,
certificates (issuing, generating, revoking)."""

import hashlib
import secrets
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import actor_or_none
from audit.services import Entry, audit_change, audit_record, audit_record_many, values_of
from candidates.models import Edition, Province
from candidates.selectors import is_admin
from paritrana.broker import broker_ensure
from paritrana.public_cache import public_cache_clear_on_commit

from . import selectors
from .enums import MAX_SIGNATORIES
from .exceptions import CertificatesRefused, PublicationRefused
from .models import (
    Ceremony,
    Certificate,
    CertificateBatch,
    Official,
    Publication,
    certificate_file_name,
)


def _admin(actor) -> None:
    """The national secretariat, or the system (actor None: seed commands)."""
    if actor is not None and not is_admin(actor):
        raise PermissionDenied(_("Only the national secretariat may do this."))


# ---------------------------------------------------------------------------------------------
# Ceremonies


@dataclass(frozen=True)
class Person:
    name: str
    position: str


def _officials_errors(handing_over, signatories) -> dict:
    errors = {}
    if not handing_over:
        errors["handing_over"] = [_("Name at least one official who hands the awards over.")]
    if not signatories:
        errors["signatories"] = [_("Name at least one signatory of the certificates.")]
    elif len(signatories) > MAX_SIGNATORIES:
        errors["signatories"] = [
            _("A certificate has room for %(max)d signatories.") % {"max": MAX_SIGNATORIES}
        ]
    for field, people in (("handing_over", handing_over), ("signatories", signatories)):
        for person in people:
            if not person.name.strip() or not person.position.strip():
                errors.setdefault(field, []).append(
                    _("Give each person's name and position, separated by a comma.")
                )
                break
    return errors


@transaction.atomic
def ceremony_save(
    *,
    actor,
    edition: Edition,
    province: Province | None = None,
    ceremony: Ceremony | None = None,
    title: str,
    held_on,
    place: str = "",
    video_link: str = "",
    notes: str = "",
    handing_over: list[Person],
    signatories: list[Person],
) -> Ceremony:
    """Create the ceremony of an edition (national, or one province's) or change it, with the
    officials who hand the awards over and the certificates' signatories. Certificates already
    generated keep what they print; generating again does not change them."""
    _admin(actor)
    if ceremony is None:
        ceremony = Ceremony(edition=edition, province=province, created_by=actor_or_none(actor))
        if selectors.ceremony_of(edition, province) is not None:
            raise ValidationError(
                _("This edition already has a ceremony for these results; change that one.")
            )
    else:
        ceremony = Ceremony.objects.select_for_update().get(pk=ceremony.pk)
    before = _ceremony_values(ceremony) if ceremony.pk else {}
    ceremony.title = (title or "").strip()
    ceremony.held_on = held_on
    ceremony.place = (place or "").strip()
    ceremony.video_link = (video_link or "").strip()
    ceremony.notes = (notes or "").strip()
    errors = {}
    if not ceremony.place and not ceremony.video_link:
        errors["place"] = [_("Give the place or the video link of the ceremony.")]
    if ceremony.video_link and not ceremony.video_link.startswith("https://"):
        errors["video_link"] = [_("The video link must start with https://.")]
    errors.update(_officials_errors(handing_over, signatories))
    try:
        ceremony.full_clean(exclude=["edition", "province", "created_by"])
    except ValidationError as error:
        # The database's own check of the place says what the one above says: once.
        for field, messages in error.message_dict.items():
            said = errors.setdefault(field, [])
            said.extend(m for m in messages if m not in said)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            ceremony.save()
    except IntegrityError as error:  # a second admin created it at the same moment
        raise ValidationError(
            _("This edition already has a ceremony for these results; change that one.")
        ) from error
    ceremony.officials.all().delete()
    people = {}
    for order, person in enumerate(handing_over):
        people[(person.name.strip(), person.position.strip())] = Official(
            ceremony=ceremony,
            name=person.name.strip(),
            position=person.position.strip(),
            hands_over=True,
            order=order,
        )
    for order, person in enumerate(signatories, start=len(handing_over)):
        key = (person.name.strip(), person.position.strip())
        if key in people:
            people[key].signs = True
        else:
            people[key] = Official(
                ceremony=ceremony, name=key[0], position=key[1], signs=True, order=order
            )
    Official.objects.bulk_create(people.values())
    audit_change(
        actor=actor,
        action="ceremony.save",
        target=ceremony,
        before=before,
        after=_ceremony_values(ceremony),
    )
    public_cache_clear_on_commit()
    return ceremony


def _ceremony_values(ceremony: Ceremony) -> dict:
    """A ceremony as the audit record keeps it, with its officials."""
    return {
        **values_of(ceremony, ("edition", "province", "title", "held_on", "place", "video_link")),
        "notes": ceremony.notes,
        "officials": [
            {"name": o.name, "position": o.position, "hands_over": o.hands_over, "signs": o.signs}
            for o in ceremony.officials.order_by("order", "pk")
        ],
    }


# ---------------------------------------------------------------------------------------------
# Publication


@transaction.atomic
def results_publish(*, actor, edition: Edition, province: Province | None = None) -> Publication:
    """Make an edition's national results (no province) or one province's provincial results
    public, in one action. Refused while a ranking they consist of is not final: for the
    national results every category that reached the national round must have its ranking
    signed off; for a province every category with nominees there must have its provincial
    ranking finalised. Clears the public pages' cache."""
    _admin(actor)
    Edition.objects.select_for_update().get(pk=edition.pk)
    if selectors.publication_of(edition, province) is not None:
        raise PublicationRefused(_("These results are already published."))
    readiness = selectors.publication_readiness(edition, province)
    if not readiness.ready:
        raise PublicationRefused(readiness.problems)
    publication = Publication.objects.create(
        edition=edition, province=province, published_by=actor_or_none(actor)
    )
    audit_record(
        actor=actor,
        action="results.publish",
        target=publication,
        new={"edition": edition.pk, "province": province.pk if province else None},
    )
    public_cache_clear_on_commit()
    return publication


# ---------------------------------------------------------------------------------------------
# Certificates


def _new_serial(edition: Edition, province: Province | None) -> str:
    scope = province.code if province is not None else "N"
    # Random, not a counter: a serial cannot be guessed from another.
    return f"PRT-{edition.year}-{scope}-{secrets.token_hex(4).upper()}"


def _new_serials(edition: Edition, province: Province | None, count: int) -> list[str]:
    """`count` new serials, different from each other and from every serial issued."""
    serials = set()
    while len(serials) < count:
        wanted = {_new_serial(edition, province) for _ in range(count - len(serials))}
        taken = set(Certificate.objects.filter(serial__in=wanted).values_list("serial", flat=True))
        serials |= wanted - taken
    return list(serials)


# Tasks sent to the broker in one round trip at a time (a Redis pipeline): the first ones reach
# the workers at once, a thousand do not cost a thousand round trips.
ENQUEUE_BATCH = 50


def _enqueue(certificate_ids: list[int]) -> None:
    """One task per certificate, sent through one producer in batches of ENQUEUE_BATCH."""
    from paritrana.celery import app

    from . import tasks

    task = tasks.generate_certificate
    if app.conf.task_always_eager:
        for certificate_id in certificate_ids:
            task.delay(certificate_id=certificate_id)
        return
    with app.producer_or_acquire() as producer:
        # Producer.batch is kombu ≥ 5.7's; an older kombu sends each task at once.
        batch = getattr(producer, "batch", None)
        with batch(max_size=ENQUEUE_BATCH) if batch else nullcontext():
            for certificate_id in certificate_ids:
                task.apply_async(kwargs={"certificate_id": certificate_id}, producer=producer)


_CERTIFICATE_FIELDS = ("serial", "award", "title", "recipient", "region", "category_name")


def _certificate_entry(actor, certificate: Certificate, action: str, fields, **extra) -> Entry:
    return Entry(
        actor=actor,
        action=action,
        target=certificate,
        new={**values_of(certificate, fields), **extra.pop("new", {})},
        nomination_id=certificate.nomination_id,
        edition_id=certificate.ceremony.edition_id,
        **extra,
    )


def _audit_certificate(actor, certificate: Certificate, action: str, fields, **extra) -> None:
    audit_record_many([_certificate_entry(actor, certificate, action, fields, **extra)])


@transaction.atomic
def certificates_issue(*, actor, ceremony: Ceremony) -> CertificateBatch:
    """Issue a certificate for every award the ceremony presents and generate their PDFs in
    the background (one task per certificate, sent once the transaction commits). Issuing again
    gives the same certificates (one per award): those generated already count as done, revoked
    ones stay revoked. Refused until the results are published and the ceremony has
    signatories."""
    _admin(actor)
    broker_ensure()
    ceremony = (
        Ceremony.objects.select_for_update(of=("self",))
        .select_related("edition", "province")
        .get(pk=ceremony.pk)
    )
    if selectors.publication_of(ceremony.edition, ceremony.province) is None:
        raise CertificatesRefused(
            _("Publish these results first: a certificate must be verifiable by the public.")
        )
    if not ceremony.officials.filter(signs=True).exists():
        raise CertificatesRefused(_("Name the certificates' signatories first."))
    presented = selectors.presented_awards(ceremony)
    if not presented:
        raise CertificatesRefused(_("This ceremony presents no award yet."))
    existing = {
        (c.award_id, c.nomination_id if c.award_id is None else None): c
        for c in ceremony.certificates.all()
    }
    certificates, new = [], []
    for item in presented:
        key = (item.award.pk if item.award else None, None if item.award else item.nomination.pk)
        certificate = existing.get(key)
        if certificate is None:
            certificate = Certificate(
                ceremony=ceremony,
                nomination=item.nomination,
                award=item.award,
                title=item.title,
                recipient=item.recipient,
                region=item.region,
                category_name=item.category_name,
                issued_by=actor_or_none(actor),
            )
            new.append(certificate)
        certificates.append(certificate)
    # The new ones in one statement, and on the audit record in one append, in their order.
    for certificate, serial in zip(
        new, _new_serials(ceremony.edition, ceremony.province, len(new)), strict=True
    ):
        certificate.serial = serial
    Certificate.objects.bulk_create(new)
    audit_record_many(
        [_certificate_entry(actor, c, "certificate.issue", _CERTIFICATE_FIELDS) for c in new]
    )
    batch_certificates = [c for c in certificates if c.revoked_at is None]
    to_generate = [c.pk for c in batch_certificates if c.generated_at is None]
    if not batch_certificates:
        raise CertificatesRefused(_("Every certificate of this ceremony is revoked."))
    batch = CertificateBatch.objects.create(
        ceremony=ceremony, total=len(batch_certificates), created_by=actor_or_none(actor)
    )
    batch.certificates.set(batch_certificates)
    Certificate.objects.filter(pk__in=to_generate).update(error="")
    transaction.on_commit(lambda: _enqueue(to_generate))
    return batch


@transaction.atomic
def certificates_rerender(*, actor, ceremony: Ceremony) -> CertificateBatch:
    """Render every certificate of the ceremony again into a new file, with the same serial
    numbers: a certificate generated with a wrong SITE_URL (its QR code and printed address)
    or before the ceremony's details or signatories were corrected is mended this way. What a
    certificate says of its award (title, recipient, region, category) stays as issued; its
    QR code and verification address follow the current SITE_URL, its date, place and
    signatories the ceremony's. Revoked certificates keep their file.

    The certificates are marked not generated and rendered in the background as a new batch
    (its page shows the progress); each worker replaces the file under the same name and
    writes the new file's fingerprint on the audit record (certificate_generate), so that the
    public download serves the new file only. The re-render itself is on the audit record, one
    entry a certificate, with the address used."""
    _admin(actor)
    broker_ensure()
    ceremony = (
        Ceremony.objects.select_for_update(of=("self",))
        .select_related("edition", "province")
        .get(pk=ceremony.pk)
    )
    if not ceremony.officials.filter(signs=True).exists():
        raise CertificatesRefused(_("Name the certificates' signatories first."))
    certificates = list(
        Certificate.objects.select_for_update()
        .filter(ceremony=ceremony, revoked_at__isnull=True)
        .order_by("pk")
    )
    if not certificates:
        raise CertificatesRefused(
            _("This ceremony has no certificate to render again: generate them first.")
        )
    ids = [c.pk for c in certificates]
    Certificate.objects.filter(pk__in=ids).update(generated_at=None, error="")
    batch = CertificateBatch.objects.create(
        ceremony=ceremony, total=len(certificates), created_by=actor_or_none(actor)
    )
    batch.certificates.set(certificates)
    for certificate in certificates:
        certificate.ceremony = ceremony  # the entries name its edition
    audit_record_many(
        [
            _certificate_entry(
                actor,
                c,
                "certificate.rerender",
                ("serial", "file"),
                new={"site_url": settings.SITE_URL, "batch": batch.pk},
            )
            for c in certificates
        ]
    )
    # Until its new file is written a certificate's page offers no PDF.
    public_cache_clear_on_commit()
    transaction.on_commit(lambda: _enqueue(ids))
    return batch


def certificate_generate(*, certificate_id: int) -> Certificate | None:
    """Render a certificate's PDF and store it under its serial, once: a certificate that has
    its file already (a task delivered twice, a second batch) is left as it is. The row is
    locked while rendering, so two workers never write it at the same time."""
    from .certificates import certificate_pdf

    with transaction.atomic():
        certificate = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("ceremony__edition", "ceremony__province")
            .filter(pk=certificate_id)
            .first()
        )
        if certificate is None or certificate.revoked_at is not None:
            return certificate
        if certificate.generated_at is not None and certificate.file:
            return certificate
        content = certificate_pdf(certificate)
        name = certificate_file_name(certificate, "")
        storage = certificate.file.storage
        # A worker killed after writing the file but before committing leaves it behind: the
        # retry overwrites it instead of saving a second copy beside it.
        if storage.exists(name):
            storage.delete(name)
        certificate.file.save(name, ContentFile(content), save=False)
        certificate.generated_at = timezone.now()
        certificate.error = ""
        certificate.save(update_fields=["file", "generated_at", "error"])
        # The file's fingerprint: a PDF replaced on disk no longer matches its record.
        _audit_certificate(
            None,
            certificate,
            "certificate.generate",
            ("serial", "file", "generated_at"),
            new={"sha256": hashlib.sha256(content).hexdigest()},
        )
        # Its verification page and its candidate's page now offer the PDF.
        public_cache_clear_on_commit()
    return certificate


def certificate_failed(*, certificate_id: int, error: str) -> None:
    """Record why a certificate could not be generated (shown on the batch page)."""
    Certificate.objects.filter(pk=certificate_id, generated_at__isnull=True).update(
        error=error[:2000]
    )


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate with a reason. It stays on the record, and the public verification
    page says it is revoked, when and why. Clears the public pages' cache."""
    _admin(actor)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the certificate.")]})
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor_or_none(actor)
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    _audit_certificate(
        actor, certificate, "certificate.revoke", ("serial", "revoked_at"), reason=reason
    )
    public_cache_clear_on_commit()
    return certificate
