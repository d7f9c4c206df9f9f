"""Every write of the candidates app goes through a function here."""

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import actor_or_none
from audit.services import audit_change, audit_record, changed, plain, values_of

from . import validators
from .enums import (
    EDITABLE_STATES,
    GOVERNMENT_KINDS,
    REASON_REQUIRED,
    TRANSITIONS,
    BusinessScale,
    CandidateKind,
    NominationState,
    RegencyKind,
    Zone,
)
from .exceptions import NominationLocked, OutOfScope, TransitionNotAllowed
from .models import (
    BusinessData,
    Candidate,
    Category,
    GovernmentData,
    Innovation,
    LegalProduct,
    Nomination,
    NominationTransition,
    Province,
    Regency,
)

REGIONS_SOURCE = "idn-area-data"
REGIONS_SOURCE_VERSION = "4.0.1"
REGIONS_DIR = Path(__file__).resolve().parent / "data" / "idn-area-data"

# Award zones (SPEC §4) by the first digit(s) of the Kemendagri province code.
_ZONE_BY_PROVINCE = {
    **dict.fromkeys(["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"], Zone.SUMATERA),
    **dict.fromkeys(["31", "32", "33", "34", "35", "36", "51"], Zone.JAWA_BALI),
    **dict.fromkeys(["61", "62", "63", "64", "65"], Zone.KALIMANTAN),
    **dict.fromkeys(["71", "72", "73", "74", "75", "76"], Zone.SULAWESI),
    **dict.fromkeys(
        ["52", "53", "81", "82", "91", "92", "93", "94", "95", "96"],
        Zone.NUSA_TENGGARA_MALUKU_PAPUA,
    ),
}

_KEEP_UPPER = {"DKI", "DI", "II", "III", "IV"}


def proper_case(name: str) -> str:
    """ "KOTA BEKASI" → "Kota Bekasi"; names already in mixed case are kept as they are."""
    if name != name.upper():
        return name.strip()
    words = []
    for word in name.split():
        words.append(word if word in _KEEP_UPPER else word.capitalize())
    return " ".join(words)


def regency_kind(name: str) -> RegencyKind:
    first = name.split()[0].lower()
    if first == "kota":
        return RegencyKind.KOTA
    if first == "kabupaten":
        return RegencyKind.KABUPATEN
    raise ValueError(f"Cannot tell whether {name!r} is a Kabupaten or a Kota.")


@dataclass(frozen=True)
class RegionsLoaded:
    provinces: int
    regencies: int
    source: str


def _read(path: Path, columns: list[str]) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != columns:
            raise ValueError(f"{path.name}: expected columns {columns}, found {reader.fieldnames}")
        return list(reader)


@transaction.atomic
def regions_load(*, directory: Path = REGIONS_DIR) -> RegionsLoaded:
    """Load or refresh the provinces and regencies/cities from the shipped CSV files.

    Idempotent: rows are matched on their Kemendagri code and updated in place, so rerunning it
    (or loading a newer data version) never duplicates a region or breaks references to one.
    """
    provinces = [
        Province(
            code=row["code"], name=proper_case(row["name"]), zone=_ZONE_BY_PROVINCE[row["code"]]
        )
        for row in _read(directory / "provinces.csv", ["code", "name"])
    ]
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=["name", "zone"]
    )
    regencies = []
    for row in _read(directory / "regencies.csv", ["code", "province_code", "name"]):
        name = proper_case(row["name"])
        regencies.append(
            Regency(
                code=row["code"],
                province_id=row["province_code"],
                name=name,
                kind=regency_kind(name),
            )
        )
    Regency.objects.bulk_create(
        regencies,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "kind"],
    )
    return RegionsLoaded(
        provinces=Province.objects.count(),
        regencies=Regency.objects.count(),
        source=f"{REGIONS_SOURCE} {REGIONS_SOURCE_VERSION}",
    )


# ---------------------------------------------------------------------------------------------
# Candidates and nominations


def data_kind(nomination: Nomination) -> str:
    """ "government" or "business": which figures a nomination carries."""
    return "government" if nomination.candidate.kind in GOVERNMENT_KINDS else "business"


def figures_of(nomination: Nomination) -> dict:
    """The nomination's saved figures as a plain mapping (empty when none were entered), the
    contact officer's position, e-mail and phone included for a government."""
    kind = data_kind(nomination)
    model = GovernmentData if kind == "government" else BusinessData
    fields = validators.figure_fields(kind)
    data = model.objects.filter(nomination=nomination).first()
    values = {f: getattr(data, f) if data else None for f in fields}
    values["justification"] = data.justification if data else ""
    return values


def _check_scope(actor, candidate: Candidate) -> None:
    from .selectors import can_manage_candidate

    if not can_manage_candidate(actor, candidate):
        raise OutOfScope(_("This region is not covered by your branch office."))


def _check_editable(nomination: Nomination) -> None:
    if nomination.state not in EDITABLE_STATES:
        raise NominationLocked(
            _("A %(state)s nomination cannot be changed; only drafts and returned ones can.")
            % {"state": nomination.get_state_display().lower()}
        )
    if (
        nomination.state == NominationState.DRAFT
        and not nomination.category.edition.nominations_open
    ):
        raise NominationLocked(_("Nominations for this edition are closed."))


def _scope(nomination) -> dict:
    """Where a nomination's audit records belong: its record page and its edition."""
    return {"nomination_id": nomination.pk, "edition_id": nomination.category.edition_id}


def _audit(nomination, *, actor, action, target=None, old=None, new=None, reason=""):
    """Record a change to a nomination or one of its parts in the audit record."""
    return audit_record(
        actor=actor,
        action=action,
        target=target or nomination,
        old=old,
        new=new,
        reason=reason,
        **_scope(nomination),
    )


def _record(
    nomination, *, from_state, actor, reason="", deadline=None, old=None, new=None
) -> NominationTransition:
    """Record a state change: its transition row and its audit record (with any other fields
    the move changed, in `old` and `new`)."""
    transition = NominationTransition.objects.create(
        nomination=nomination,
        from_state=from_state,
        to_state=nomination.state,
        actor=actor_or_none(actor),
        reason=reason,
        deadline=deadline,
    )
    _audit(
        nomination,
        actor=actor,
        action="nomination.state",
        old={"state": from_state, **(old or {})},
        new={
            "state": nomination.state,
            **({"deadline": deadline} if deadline else {}),
            **(new or {}),
        },
        reason=reason,
    )
    return transition


# What the audit record keeps of a candidate.
_CANDIDATE_FIELDS = ("kind", "name", "npp", "scale", "sector", "regency", "province")


@transaction.atomic
def government_candidate_get_or_create(
    *, actor, regency: Regency | None = None, province: Province | None = None
) -> Candidate:
    """The government of a regency/city, or of a province; created on first nomination."""
    if (regency is None) == (province is None):
        raise ValidationError(_("Choose either a regency/city or a province."))
    if regency is not None:
        candidate = Candidate.objects.filter(
            kind=CandidateKind.REGENCY_GOVERNMENT, regency=regency
        ).first() or Candidate(
            kind=CandidateKind.REGENCY_GOVERNMENT,
            regency=regency,
            name=_("Pemerintah %(region)s") % {"region": regency.name},
        )
    else:
        candidate = Candidate.objects.filter(
            kind=CandidateKind.PROVINCE_GOVERNMENT, province=province
        ).first() or Candidate(
            kind=CandidateKind.PROVINCE_GOVERNMENT,
            province=province,
            name=_("Pemerintah Provinsi %(region)s") % {"region": province.name},
        )
    _check_scope(actor, candidate)
    if candidate.pk is None:
        candidate.save()
        audit_record(
            actor=actor,
            action="candidate.create",
            target=candidate,
            new=values_of(candidate, _CANDIDATE_FIELDS),
        )
    return candidate


@transaction.atomic
def business_candidate_register(
    *, actor, npp: str, name: str, scale: str, regency: Regency, sector: str = ""
) -> Candidate:
    """A business exists once, by its NPP: registering it again updates its details."""
    npp = validators.normalise_npp(npp)
    if scale not in BusinessScale.values:
        raise ValidationError({"scale": [_("Choose the business scale.")]})
    name = validators.normalise_name(name)
    if not name:
        raise ValidationError({"name": [_("Enter the business's legal name.")]})
    existing = Candidate.objects.select_related("regency").filter(npp=npp).first()
    if existing is not None:
        # Its present region decides who may change it, and registering it again does not move
        # it: otherwise any branch could take a business over by naming one of its own regions.
        _check_scope(actor, existing)
        if existing.regency_id != regency.pk:
            raise ValidationError(
                {
                    "regency": [
                        _("This NPP is registered in %(region)s; a business keeps its region.")
                        % {"region": existing.regency.name}
                    ]
                }
            )
    candidate = existing or Candidate(kind=CandidateKind.BUSINESS, npp=npp)
    before = values_of(candidate, _CANDIDATE_FIELDS) if existing else {}
    candidate.name, candidate.scale, candidate.regency, candidate.sector = (
        name,
        scale,
        regency,
        (sector or "").strip(),
    )
    _check_scope(actor, candidate)
    after = values_of(candidate, _CANDIDATE_FIELDS)
    if after != before:
        candidate.save()
        audit_change(
            actor=actor,
            action="candidate.update" if existing else "candidate.create",
            target=candidate,
            before=before,
            after=after,
        )
    return candidate


def _check_category(candidate: Candidate, category: Category) -> None:
    if candidate.kind != category.candidate_kind:
        raise ValidationError(
            {
                "category": [
                    _("This category is for %(kind)s candidates.")
                    % {"kind": category.get_candidate_kind_display().lower()}
                ]
            }
        )
    if category.business_scale and candidate.scale != category.business_scale:
        raise ValidationError(
            {
                "category": [
                    _("This category is for %(scale)s only.")
                    % {"scale": category.get_business_scale_display().lower()}
                ]
            }
        )


@transaction.atomic
def nomination_create(*, actor, candidate: Candidate, category: Category) -> Nomination:
    """Nominate a candidate in a category of an edition open for nominations (a draft).

    Side effects: creates the empty figures record and the first state-change record.
    """
    _check_scope(actor, candidate)
    if not category.edition.nominations_open:
        raise ValidationError({"category": [_("Nominations for this edition are closed.")]})
    _check_category(candidate, category)
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                candidate=candidate,
                category=category,
                created_by=actor_or_none(actor),
            )
    except IntegrityError:
        raise ValidationError(
            {
                "category": [
                    _("%(candidate)s is already nominated in this category.")
                    % {"candidate": candidate.name}
                ]
            }
        ) from None
    if candidate.kind in GOVERNMENT_KINDS:
        GovernmentData.objects.create(nomination=nomination)
    else:
        BusinessData.objects.create(nomination=nomination)
    _record(
        nomination,
        from_state="",
        actor=actor,
        new={"candidate": candidate.pk, "category": category.pk},
    )
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    """Re-read the nomination under a row lock so that two requests cannot race."""
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("candidate", "category__edition")
        .get(pk=nomination.pk)
    )


@transaction.atomic
def nomination_figures_update(
    *, actor, nomination: Nomination, values: Mapping, justification: str = ""
):
    """Save a draft's or returned nomination's figures (government or business data).

    Impossible figures are refused; suspicious ones need `justification` (validators)."""
    nomination = _locked(nomination)
    _check_scope(actor, nomination.candidate)
    _check_editable(nomination)
    kind = data_kind(nomination)
    fields = validators.figure_fields(kind)
    clean = {f: values.get(f) for f in fields if f in values}
    current = figures_of(nomination)
    merged = {**current, **clean}
    validators.validate_figures(kind, merged, justification)
    model = GovernmentData if kind == "government" else BusinessData
    data, _created = model.objects.get_or_create(nomination=nomination)
    recorded = (*fields, "justification")
    before = values_of(data, recorded)
    numeric = {*validators.GOVERNMENT_COUNTS, *validators.BUSINESS_COUNTS}
    for field, value in clean.items():
        setattr(data, field, None if value == "" and field in numeric else value)
    data.justification = (justification or "").strip()
    data.full_clean(exclude=["nomination"])
    data.save()
    Nomination.objects.filter(pk=nomination.pk).update(updated_at=timezone.now())
    audit_change(
        actor=actor,
        action="nomination.figures",
        target=data,
        before=before,
        after=values_of(data, recorded),
        **_scope(nomination),
    )
    return data


# What the audit record keeps of a legal product and an innovation.
_LEGAL_PRODUCT_FIELDS = ("type", "number", "year", "title", "scope", "pdf")
_INNOVATION_FIELDS = ("title", "description", "evidence")


@transaction.atomic
def legal_product_save(
    *, actor, nomination: Nomination, product: LegalProduct | None = None, **fields
) -> LegalProduct:
    """Add or change a legal product of an editable government nomination.

    `fields`: type, number, year, title, scope and optionally pdf (an uploaded file, checked to
    be a real PDF within the size limit)."""
    nomination = _locked(nomination)
    _check_scope(actor, nomination.candidate)
    _check_editable(nomination)
    if data_kind(nomination) != "government":
        raise ValidationError(_("Only governments list legal products."))
    validators.validate_legal_product_year(
        fields.get("year"), edition_year=nomination.category.edition.year
    )
    pdf = fields.pop("pdf", None)
    if pdf:
        try:
            validators.validate_pdf(pdf)
        except ValidationError as error:
            raise ValidationError({"pdf": error.messages}) from None
    if product is None:
        product = LegalProduct(nomination=nomination)
    elif product.nomination_id != nomination.pk:
        raise OutOfScope(_("This legal product belongs to another nomination."))
    before = values_of(product, _LEGAL_PRODUCT_FIELDS) if product.pk else {}
    for field, value in fields.items():
        setattr(product, field, value)
    old_file = product.pdf.name if product.pk and pdf else None
    if pdf:
        product.pdf = pdf
    product.full_clean(exclude=["nomination"])
    created = product.pk is None
    product.save()
    audit_change(
        actor=actor,
        action="legal_product.create" if created else "legal_product.update",
        target=product,
        before=before,
        after=values_of(product, _LEGAL_PRODUCT_FIELDS),
        **_scope(nomination),
    )
    if old_file:
        transaction.on_commit(lambda: product.pdf.storage.delete(old_file))
    return product


@transaction.atomic
def legal_product_delete(*, actor, nomination: Nomination, product: LegalProduct) -> None:
    nomination = _locked(nomination)
    _check_scope(actor, nomination.candidate)
    _check_editable(nomination)
    if product.nomination_id != nomination.pk:
        raise OutOfScope(_("This legal product belongs to another nomination."))
    name = product.pdf.name
    storage = product.pdf.storage
    _audit(
        nomination,
        actor=actor,
        action="legal_product.delete",
        target=product,
        old=values_of(product, _LEGAL_PRODUCT_FIELDS),
    )
    product.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def innovation_save(
    *, actor, nomination: Nomination, innovation: Innovation | None = None, **fields
) -> Innovation:
    nomination = _locked(nomination)
    _check_scope(actor, nomination.candidate)
    _check_editable(nomination)
    innovation = innovation or Innovation(nomination=nomination)
    if innovation.nomination_id != nomination.pk:
        raise OutOfScope(_("This innovation belongs to another nomination."))
    before = values_of(innovation, _INNOVATION_FIELDS) if innovation.pk else {}
    for field, value in fields.items():
        setattr(innovation, field, value)
    innovation.full_clean(exclude=["nomination"])
    created = innovation.pk is None
    innovation.save()
    audit_change(
        actor=actor,
        action="innovation.create" if created else "innovation.update",
        target=innovation,
        before=before,
        after=values_of(innovation, _INNOVATION_FIELDS),
        **_scope(nomination),
    )
    return innovation


@transaction.atomic
def nomination_transition(
    *, actor, nomination: Nomination, to_state: str, reason: str = "", deadline: date | None = None
) -> Nomination:
    """Move a nomination along the state machine of SPEC §3 and record who, when and why.

    Raises TransitionNotAllowed for a move the machine does not have, and ValidationError when
    a return, ineligibility or withdrawal has no reason or a return no future deadline. Callers
    check the actor's permission for the move; this checks only the machine."""
    nomination = _locked(nomination)
    from_state = nomination.state
    if to_state not in TRANSITIONS[from_state]:
        raise TransitionNotAllowed(
            _("A nomination cannot go from %(from)s to %(to)s.")
            % {
                "from": NominationState(from_state).label.lower(),
                "to": NominationState(to_state).label.lower(),
            }
        )
    reason = (reason or "").strip()
    # Every missing part at once, so that the person corrects them in one go.
    errors = {}
    if to_state in REASON_REQUIRED and not reason:
        errors["reason"] = [_("Give a reason.")]
    if to_state == NominationState.RETURNED:
        if deadline is None or deadline <= timezone.localdate():
            errors["deadline"] = [_("Give a deadline after today.")]
    else:
        deadline = None
    if errors:
        raise ValidationError(errors)
    nomination.state = to_state
    nomination.save(update_fields=["state", "updated_at"])
    _record(nomination, from_state=from_state, actor=actor, reason=reason, deadline=deadline)
    return nomination


@transaction.atomic
def nomination_submit(*, actor, nomination: Nomination) -> Nomination:
    """Submit a draft (or resubmit a returned nomination) to the provincial panel.

    Refused while a required figure is missing or a suspicious figure lacks its justification."""
    nomination = _locked(nomination)
    _check_scope(actor, nomination.candidate)
    _check_editable(nomination)
    kind = data_kind(nomination)
    values = figures_of(nomination)
    missing = validators.missing_for_submission(
        kind, values, edition_year=nomination.category.edition.year
    )
    if missing:
        model = GovernmentData if kind == "government" else BusinessData
        labels = [str(model._meta.get_field(f).verbose_name) for f in missing]
        raise ValidationError(
            _("Fill in every figure before submitting. Missing: %(fields)s.")
            % {"fields": ", ".join(labels)}
        )
    validators.validate_figures(kind, values, values["justification"])
    to_state = (
        NominationState.RESUBMITTED
        if nomination.state == NominationState.RETURNED
        else NominationState.SUBMITTED
    )
    return nomination_transition(actor=actor, nomination=nomination, to_state=to_state)


@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """Withdraw a nomination with a reason (branch staff, before a final result)."""
    from .selectors import NATIONAL_OUTCOME_STATES

    _check_scope(actor, nomination.candidate)
    if _locked(nomination).state in NATIONAL_OUTCOME_STATES:
        # Not "from awarded to withdrawn": the branch may not know the outcome yet
        # (selectors.national_outcome_hidden).
        raise TransitionNotAllowed(
            _("The national result of this nomination is decided; it can no longer be withdrawn.")
        )
    return nomination_transition(
        actor=actor, nomination=nomination, to_state=NominationState.WITHDRAWN, reason=reason
    )


@transaction.atomic
def nomination_provincial_result(
    *, actor, nomination: Nomination, label: str, advanced: bool
) -> Nomination:
    """Record a verified nomination's provincial result (called by the scoring app when a
    chair finalises a ranking): verified → scored → advanced | not advanced, with its label
    (Peringkat I–III, Harapan I–III, or none)."""
    nomination = nomination_transition(
        actor=actor, nomination=nomination, to_state=NominationState.SCORED
    )
    if nomination.provincial_label != label:
        _audit(
            nomination,
            actor=actor,
            action="nomination.provincial_label",
            old={"provincial_label": nomination.provincial_label},
            new={"provincial_label": label},
        )
    nomination.provincial_label = label
    nomination.save(update_fields=["provincial_label", "updated_at"])
    return nomination_transition(
        actor=actor,
        nomination=nomination,
        to_state=NominationState.ADVANCED if advanced else NominationState.NOT_ADVANCED,
    )


# A reopened provincial result sends its nominations back to be ranked again.
_PROVINCIAL_RESULT_STATES = (
    NominationState.SCORED,
    NominationState.ADVANCED,
    NominationState.NOT_ADVANCED,
)


@transaction.atomic
def nomination_provincial_result_reopen(*, actor, nomination: Nomination, reason: str):
    """Undo a provincial result when its chair reopens the ranking (with a reason): the
    nomination goes back to verified and loses its label. The only move back the state
    machine knows, and it is recorded like every other."""
    nomination = _locked(nomination)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    if nomination.state not in _PROVINCIAL_RESULT_STATES:
        raise TransitionNotAllowed(
            _("A %(state)s nomination has no provincial result to reopen.")
            % {"state": nomination.get_state_display().lower()}
        )
    from_state, label = nomination.state, nomination.provincial_label
    nomination.state = NominationState.VERIFIED
    nomination.provincial_label = ""
    nomination.save(update_fields=["state", "provincial_label", "updated_at"])
    _record(
        nomination,
        from_state=from_state,
        actor=actor,
        reason=reason,
        old={"provincial_label": label},
        new={"provincial_label": ""},
    )
    return nomination


@transaction.atomic
def edition_nominations_set_open(*, edition, is_open: bool) -> None:
    """Open or close an edition for nominations: called by the scoring app when the edition's
    nomination stage opens, closes or is finalised, so the flag follows the stage."""
    if edition.nominations_open != is_open:
        edition.nominations_open = is_open
        edition.save(update_fields=["nominations_open"])
        audit_record(
            actor=None,
            action="edition.nominations_open",
            target=edition,
            old={"nominations_open": not is_open},
            new={"nominations_open": is_open},
        )


@transaction.atomic
def nomination_selection_result(*, actor, nomination: Nomination, finalist: bool) -> Nomination:
    """Record a nominee's national selection result (called by the scoring app when the jury's
    chair finalises the selection): advanced → finalist | not a finalist; a nominee of a
    category without a provincial round goes verified → scored → finalist | not a finalist."""
    nomination = _locked(nomination)
    if nomination.state == NominationState.VERIFIED:
        nomination = nomination_transition(
            actor=actor, nomination=nomination, to_state=NominationState.SCORED
        )
    return nomination_transition(
        actor=actor,
        nomination=nomination,
        to_state=NominationState.FINALIST if finalist else NominationState.NOT_FINALIST,
    )


def _move_back(nomination, *, actor, reason: str, allowed, to_state, clear: dict) -> Nomination:
    nomination = _locked(nomination)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    if nomination.state not in allowed:
        raise TransitionNotAllowed(
            _("A %(state)s nomination has no result to reopen here.")
            % {"state": nomination.get_state_display().lower()}
        )
    from_state = nomination.state
    before = {name: plain(getattr(nomination, name)) for name in clear}
    nomination.state = to_state
    for name, value in clear.items():
        setattr(nomination, name, value)
    nomination.save(update_fields=["state", *clear, "updated_at"])
    old, new = changed(before, {name: plain(value) for name, value in clear.items()})
    _record(nomination, from_state=from_state, actor=actor, reason=reason, old=old, new=new)
    return nomination


# The verification decisions a chair may correct (scoring.services.nomination_verification_correct)
# and the states a dossier waits for verification in.
_CORRECTABLE_DECISIONS = (NominationState.VERIFIED, NominationState.INELIGIBLE)
_WAITING_FOR_VERIFICATION = (NominationState.SUBMITTED, NominationState.RESUBMITTED)


@transaction.atomic
def nomination_verification_reopen(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """Undo a verification decision taken by mistake (verified or ineligible), with a reason:
    the dossier goes back to the state it was decided in (submitted or resubmitted) and waits
    to be verified again. Called by the scoring app, which checks who corrects and when; the
    move is recorded like every other (its transition and audit record carry the reason)."""
    nomination = _locked(nomination)
    if nomination.state not in _CORRECTABLE_DECISIONS:
        raise TransitionNotAllowed(
            _("Only a verified or ineligible dossier's verification can be corrected.")
        )
    decided = nomination.transitions.filter(to_state=nomination.state).order_by("-at", "-pk")
    last = decided.first()
    back_to = (
        last.from_state
        if last is not None and last.from_state in _WAITING_FOR_VERIFICATION
        else NominationState.SUBMITTED
    )
    return _move_back(
        nomination,
        actor=actor,
        reason=reason,
        allowed=_CORRECTABLE_DECISIONS,
        to_state=back_to,
        clear={},
    )


@transaction.atomic
def nomination_selection_reopen(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """Undo a national selection result when the jury's chair reopens the selection (with a
    reason): back to advanced, or to verified for a category without a provincial round."""
    to_state = (
        NominationState.ADVANCED
        if nomination.category.has_provincial_round
        else NominationState.VERIFIED
    )
    return _move_back(
        nomination,
        actor=actor,
        reason=reason,
        allowed=(NominationState.FINALIST, NominationState.NOT_FINALIST, NominationState.SCORED),
        to_state=to_state,
        clear={},
    )


@transaction.atomic
def nomination_national_result(
    *, actor, nomination: Nomination, label: str, rank: int, awarded: bool
) -> Nomination:
    """Record a finalist's national result when the national ranking is signed off: its rank,
    its label (Peringkat I–III, Harapan I–III, Terbaik, or none) and awarded | not awarded."""
    nomination = nomination_transition(
        actor=actor,
        nomination=nomination,
        to_state=NominationState.AWARDED if awarded else NominationState.NOT_AWARDED,
    )
    old = {"national_label": nomination.national_label, "national_rank": nomination.national_rank}
    nomination.national_label = label
    nomination.national_rank = rank
    nomination.save(update_fields=["national_label", "national_rank", "updated_at"])
    _audit(
        nomination,
        actor=actor,
        action="nomination.national_result",
        old=old,
        new={"national_label": label, "national_rank": rank},
    )
    return nomination


@transaction.atomic
def nomination_national_result_reopen(*, actor, nomination: Nomination, reason: str):
    """Undo a national result when the jury's chair reopens the signed-off ranking (with a
    reason): the nomination is a finalist again, without rank or label."""
    return _move_back(
        nomination,
        actor=actor,
        reason=reason,
        allowed=(NominationState.AWARDED, NominationState.NOT_AWARDED),
        to_state=NominationState.FINALIST,
        clear={"national_label": "", "national_rank": None},
    )
