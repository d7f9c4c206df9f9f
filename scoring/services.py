"""Every write of the scoring app goes through a function here."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.enums import Role
from accounts.models import RoleAssignment
from accounts.rules import forget_assignments
from accounts.services import actor_or_none, role_assign
from audit.services import (
    Entry,
    audit_change,
    audit_record,
    audit_record_many,
    changed,
    plain,
    values_of,
)
from candidates import services as candidate_services
from candidates.enums import PANEL_STATES, NominationState, RankLabel
from candidates.models import Candidate, Category, Edition, Nomination, Province, Regency
from candidates.selectors import is_admin, nomination_indicators
from paritrana.public_cache import public_cache_clear_on_commit

from . import selectors
from .enums import (
    STAGE_TRANSITIONS,
    Attendance,
    AwardKind,
    ConflictSource,
    ScoresheetState,
    StageKind,
    StageState,
)
from .exceptions import (
    FinalisationRefused,
    RankingFinalised,
    StageFinalised,
    StageNotOpen,
    StageTransitionNotAllowed,
)
from .models import (
    Award,
    Conflict,
    IndicatorValue,
    Interview,
    Panel,
    PanelMember,
    RankingConfirmation,
    RankingSnapshot,
    RankingSnapshotRow,
    Rubric,
    Score,
    ScoreRevision,
    Scoresheet,
    Stage,
    StageEvent,
    TieDecision,
)


@transaction.atomic
def stages_create_defaults(*, edition: Edition) -> list[Stage]:
    """Give an edition the eight stages of SPEC §3 in order, all planned. Idempotent: stages the
    edition already has are kept as they are."""
    stages = []
    for order, kind in enumerate(StageKind, start=1):
        stage, created = Stage.objects.get_or_create(
            edition=edition, kind=kind, defaults={"order": order}
        )
        if created:
            audit_record(
                actor=None,
                action="stage.create",
                target=stage,
                new=values_of(stage, ("kind", "order", "state")),
            )
        stages.append(stage)
    return stages


_STAGE_FIELDS = ("edition", "kind", "order", "starts_on", "ends_on")


@transaction.atomic
def stage_save(*, actor, stage: Stage) -> Stage:
    """Save a stage's schedule as the secretariat edited it (the admin); its state changes only
    through stage_open/close/finalise/reopen. The change goes on the audit record."""
    before = (
        values_of(Stage.objects.select_for_update().get(pk=stage.pk), _STAGE_FIELDS)
        if stage.pk
        else {}
    )
    created = stage.pk is None
    stage.save()
    audit_change(
        actor=actor,
        action="stage.create" if created else "stage.schedule",
        target=stage,
        before=before,
        after=values_of(stage, _STAGE_FIELDS),
    )
    return stage


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
    if stage.kind == StageKind.NOMINATION:
        # Branch staff register and edit drafts exactly while the nomination stage is open.
        candidate_services.edition_nominations_set_open(
            edition=stage.edition, is_open=to_state == StageState.OPEN
        )
    StageEvent.objects.create(
        stage=stage,
        from_state=from_state,
        to_state=to_state,
        actor=actor_or_none(actor),
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="stage.state",
        target=stage,
        old={"state": from_state},
        new={"state": to_state},
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


def stage_ensure_open(stage: Stage | None, *, doing: str) -> Stage:
    """Raise StageNotOpen unless `stage` is open: the guard of every piece of panel work."""
    if stage is None or stage.state != StageState.OPEN:
        raise StageNotOpen(
            _("%(doing)s is not possible now: %(stage)s is not open.")
            % {"doing": doing, "stage": stage or _("its stage")}
        )
    return stage


# ---------------------------------------------------------------------------------------------
# Panels, members and conflicts


@transaction.atomic
def panel_get_or_create(
    *, edition: Edition, province: Province | None, exclude_own_region: bool = False
) -> Panel:
    """The provincial panel of a province (or, without one, the national jury) of an edition."""
    panel, _created = Panel.objects.get_or_create(
        edition=edition, province=province, defaults={"exclude_own_region": exclude_own_region}
    )
    return panel


def _panel_role(panel: Panel, is_chair: bool) -> Role:
    if panel.is_jury:
        return Role.JURY_CHAIR if is_chair else Role.JURY_MEMBER
    return Role.PANEL_CHAIR if is_chair else Role.PANEL_MEMBER


def _ensure_no_pending_sign_off(panel: Panel) -> None:
    """Who must confirm a finalised national result is the jury as it was finalised: its
    members do not change until it is signed off or reopened."""
    if RankingSnapshot.objects.filter(
        panel=panel, reopened_at__isnull=True, signed_off_at__isnull=True,
        stage__kind=StageKind.NATIONAL_RESULT,
    ).exists():  # fmt: skip
        raise ValidationError(
            _(
                "The jury's national result waits for its jurors' confirmations; its members "
                "cannot change until it is signed off or reopened."
            )
        )


@transaction.atomic
def panel_member_add(
    *,
    panel: Panel,
    user,
    is_chair: bool = False,
    position: str = "",
    organisation: Candidate | None = None,
    home_regency: Regency | None = None,
) -> PanelMember:
    """Put `user` on the panel (or update their place on it), give them the matching role and
    record their automatic conflicts. A panel has one chair: naming another is refused, and so
    is any change to a jury whose national result waits for its jurors' confirmations."""
    _ensure_no_pending_sign_off(panel)
    if is_chair:
        other = panel.members.filter(is_chair=True).exclude(user=user).first()
        if other is not None:
            raise ValidationError(
                {"is_chair": [_("%(name)s already chairs this panel.") % {"name": other.user}]}
            )
    previous = PanelMember.objects.filter(panel=panel, user=user).first()
    member, _created = PanelMember.objects.update_or_create(
        panel=panel,
        user=user,
        defaults={
            "is_chair": is_chair,
            "position": position,
            "organisation": organisation,
            "home_regency": home_regency,
        },
    )
    member_fields = ("user", "is_chair", "position", "organisation", "home_regency")
    old, new = changed(
        values_of(previous, member_fields) if previous else {}, values_of(member, member_fields)
    )
    if new:
        # The member's user always shows, also when only their place on the panel changed.
        audit_record(
            actor=None,
            action="panel.member_add",
            target=member,
            old=old,
            new={**new, "user": user.pk},
            edition_id=panel.edition_id,
        )
    # The role opens the pages; a member who became chair (or the reverse) keeps only one.
    RoleAssignment.objects.filter(
        user=user,
        role=_panel_role(panel, not is_chair),
        province=panel.province,
        edition=panel.edition,
    ).delete()
    role_assign(
        user=user,
        role=_panel_role(panel, is_chair),
        province=panel.province,
        edition=panel.edition,
    )
    conflicts_refresh(panel=panel, members=[member])
    return member


@transaction.atomic
def panel_member_remove(*, panel: Panel, user) -> None:
    """Take `user` off the panel. Refused once they have submitted a scoresheet: their scores
    stay on the record."""
    _ensure_no_pending_sign_off(panel)
    if Scoresheet.objects.filter(panel=panel, assessor=user).exists():
        raise ValidationError(
            _("%(name)s has scored on this panel and stays on its record.") % {"name": user}
        )
    for member in PanelMember.objects.filter(panel=panel, user=user):
        audit_record(
            actor=None,
            action="panel.member_remove",
            target=member,
            old=values_of(member, ("user", "is_chair", "position")),
            edition_id=panel.edition_id,
        )
        member.delete()
    Conflict.objects.filter(panel=panel, assessor=user).delete()
    RoleAssignment.objects.filter(
        user=user,
        role__in=[_panel_role(panel, True), _panel_role(panel, False)],
        province=panel.province,
        edition=panel.edition,
    ).delete()
    forget_assignments(user)


def _normalised(text: str) -> str:
    return " ".join((text or "").lower().split())


def automatic_conflict(panel: Panel, member: PanelMember, nomination: Nomination):
    """(source, reason) when the member must not score the nominee, else None: their own
    organisation (named on the panel, or their account's organisation is the candidate's name),
    or, when the panel says so, their own region."""
    candidate = nomination.candidate
    if member.organisation_id == candidate.pk or (
        member.user.organisation
        and _normalised(member.user.organisation) == _normalised(candidate.name)
    ):
        return ConflictSource.ORGANISATION, _("Works for %(candidate)s.") % {
            "candidate": candidate.name
        }
    if (
        panel.exclude_own_region
        and member.home_regency_id
        and candidate.regency_id == member.home_regency_id
    ):
        return ConflictSource.REGION, _("Comes from %(region)s.") % {
            "region": member.home_regency.name
        }
    return None


@transaction.atomic
def conflicts_refresh(*, panel: Panel, members=None, nominations=None) -> int:
    """Record the automatic conflicts of the given members (default: all) with the given
    nominations (default: every nomination the panel sees), and drop automatic ones that no
    longer apply. Declared conflicts are never touched. Returns how many now apply."""
    members = list(
        panel.members.select_related("user", "home_regency") if members is None else members
    )
    if nominations is None:
        nominations = selectors.panel_nominations(panel)
    nominations = list(nominations)
    count = 0
    for member in members:
        existing = {
            c.nomination_id: c
            for c in Conflict.objects.filter(
                panel=panel, assessor=member.user, nomination__in=[n.pk for n in nominations]
            )
        }
        for nomination in nominations:
            found = automatic_conflict(panel, member, nomination)
            current = existing.get(nomination.pk)
            if found is not None:
                count += 1
                if current is None:
                    conflict = Conflict.objects.create(
                        panel=panel,
                        assessor=member.user,
                        nomination=nomination,
                        source=found[0],
                        reason=found[1],
                    )
                    _audit_conflict(conflict, "conflict.create", nomination)
            elif current is not None and current.source != ConflictSource.DECLARED:
                _audit_conflict(current, "conflict.delete", nomination)
                current.delete()
    return count


def _audit_conflict(conflict: Conflict, action: str, nomination: Nomination, actor=None):
    values = values_of(conflict, ("assessor", "source", "reason"))
    audit_record(
        actor=actor,
        action=action,
        target=conflict,
        old=values if action == "conflict.delete" else {},
        new=values if action != "conflict.delete" else {},
        nomination_id=nomination.pk,
        edition_id=nomination.category.edition_id,
    )


def _member(panel: Panel, actor) -> PanelMember:
    member = selectors.membership(panel, actor)
    if member is None:
        raise PermissionDenied(_("You are not on this panel."))
    return member


def _chair_or_admin(panel: Panel, actor) -> None:
    if is_admin(actor):
        return
    member = selectors.membership(panel, actor)
    if member is None or not member.is_chair:
        raise PermissionDenied(_("Only the panel's chair may do this."))


def _current_scoring_kind(panel: Panel, nomination: Nomination) -> StageKind:
    """The scoring stage a nominee is in before the panel: the jury interviews finalists and
    selects the others."""
    if panel.is_jury and nomination.state in selectors.FINALIST_STATES:
        return StageKind.NATIONAL_INTERVIEW
    return selectors.scoring_stage_kinds(panel)[0]


def _ensure_not_finalised(stage: Stage, panel: Panel, category: Category) -> None:
    """Refuse a change to `stage`'s work once the stage is finalised or the ranking that freezes
    it (the stage's own, or the national result for the interview) is finalised."""
    stage_ensure_changeable(stage)
    frozen_by = selectors.freezing_stage(stage)
    if frozen_by is not None and frozen_by != stage:
        stage_ensure_changeable(frozen_by)
    if selectors.frozen_snapshot(stage, panel, category) is not None:
        raise RankingFinalised(
            _(
                "The ranking of %(category)s is finalised; the chair must reopen it, with a "
                "reason, before anything changes."
            )
            % {"category": category.name}
        )


@transaction.atomic
def conflict_declare(*, actor, panel: Panel, nomination: Nomination, reason: str) -> Conflict:
    """An assessor declares a conflict with a nominee: from now on their scores for it do not
    count (the chair sees who was excluded and why)."""
    # In turn with finalisation (as scores are): a conflict declared while the chair finalises
    # is refused once the snapshot, which counted the assessor's scores, is committed.
    panel = _lock_panel(panel)
    _member(panel, actor)
    if (
        not selectors.panel_nominations(panel)
        .filter(pk=nomination.pk, state__in=PANEL_STATES)
        .exists()
    ):
        raise PermissionDenied(_("This nomination is not before your panel."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what the conflict of interest is.")]})
    stage = selectors.panel_stage(panel, _current_scoring_kind(panel, nomination))
    if stage is not None:
        _ensure_not_finalised(stage, panel, nomination.category)
    conflict, created = Conflict.objects.get_or_create(
        panel=panel,
        assessor=actor,
        nomination=nomination,
        defaults={"source": ConflictSource.DECLARED, "reason": reason},
    )
    if not created:
        raise ValidationError(_("You are already excluded from this nominee."))
    _audit_conflict(conflict, "conflict.declare", nomination, actor=actor)
    return conflict


# ---------------------------------------------------------------------------------------------
# Verification (SPEC §3, stage 2)


def _panel_for(actor, nomination: Nomination) -> Panel:
    """The panel of the nomination's province and edition, which the actor must sit on (the
    secretariat may act for any panel)."""
    # A category without a provincial round is verified by the national jury.
    province = (
        nomination.candidate.home_province if nomination.category.has_provincial_round else None
    )
    panel = (
        Panel.objects.filter(edition=nomination.category.edition_id, province=province)
        .select_related("edition", "province")
        .first()
    )
    if panel is None:
        if province is None:
            raise PermissionDenied(_("No national jury has been formed for this edition."))
        raise PermissionDenied(_("No panel has been formed for this province and edition."))
    if not is_admin(actor):
        _member(panel, actor)
    return panel


def _verification_stage(nomination: Nomination, doing: str) -> Stage:
    """The provincial verification stage must be open; the jury verifies the dossiers of a
    category without a provincial round while that stage or the national selection is open."""
    stages = Stage.objects.filter(edition=nomination.category.edition_id)
    stage = stages.filter(kind=StageKind.PROVINCIAL_VERIFICATION).first()
    if not nomination.category.has_provincial_round and (
        stage is None or stage.state != StageState.OPEN
    ):
        selection = stages.filter(kind=StageKind.NATIONAL_SELECTION).first()
        if selection is not None and selection.state == StageState.OPEN:
            return selection
    return stage_ensure_open(stage, doing=doing)


def _ensure_cohort_not_ranked(panel: Panel, nomination: Nomination) -> None:
    """Refuse a verification change once the panel's ranking of the nominee's category is
    finalised: the nominee would enter (or leave) a cohort that can no longer score or rank it
    (the chair reopens the ranking first)."""
    ranked_in = selectors.panel_stage(panel, selectors.scoring_stage_kinds(panel)[0])
    if (
        ranked_in is not None
        and selectors.frozen_snapshot(ranked_in, panel, nomination.category) is not None
    ):
        raise RankingFinalised(
            _(
                "The ranking of %(category)s is finalised; the chair must reopen it, with a "
                "reason, before anything changes."
            )
            % {"category": nomination.category.name}
        )


@transaction.atomic
def indicator_values_record(*, nomination: Nomination) -> list[IndicatorValue]:
    """Record the nomination's computed indicators as they stand (its data is frozen once
    verified): computed criteria are scored from these."""
    values = []
    for indicator, value in nomination_indicators(nomination).items():
        record, _created = IndicatorValue.objects.update_or_create(
            nomination=nomination, indicator=indicator, defaults={"value": value}
        )
        values.append(record)
    return values


@transaction.atomic
def nomination_verify(*, actor, nomination: Nomination) -> Nomination:
    """The panel accepts a dossier: the nomination is verified, its indicators are recorded
    and the panel's automatic conflicts with it are set. Refused once the panel's ranking of
    the category is finalised: the nominee would enter a cohort that can no longer score or
    rank it (the chair reopens the ranking first)."""
    panel = _panel_for(actor, nomination)
    _verification_stage(nomination, _("Verification"))
    _ensure_cohort_not_ranked(panel, nomination)
    nomination = candidate_services.nomination_transition(
        actor=actor, nomination=nomination, to_state=NominationState.VERIFIED
    )
    indicator_values_record(nomination=nomination)
    conflicts_refresh(panel=panel, nominations=[nomination])
    return nomination


@transaction.atomic
def nomination_return(
    *, actor, nomination: Nomination, reason: str, deadline: date | None
) -> Nomination:
    """Send a dossier back to its branch for correction, with the reason and a deadline; the
    branch sees both on its worklist and resubmits."""
    _panel_for(actor, nomination)
    _verification_stage(nomination, _("Returning a dossier"))
    return candidate_services.nomination_transition(
        actor=actor,
        nomination=nomination,
        to_state=NominationState.RETURNED,
        reason=reason,
        deadline=deadline,
    )


@transaction.atomic
def nomination_declare_ineligible(*, actor, nomination: Nomination, reason: str) -> Nomination:
    """The dossier does not meet the award's conditions; the reason is recorded and shown."""
    _panel_for(actor, nomination)
    _verification_stage(nomination, _("Declaring a dossier ineligible"))
    return candidate_services.nomination_transition(
        actor=actor, nomination=nomination, to_state=NominationState.INELIGIBLE, reason=reason
    )


# ---------------------------------------------------------------------------------------------
# Scoresheets (SPEC §6)


@dataclass(frozen=True)
class ScoreInput:
    value: object  # as typed: a number 0–100, possibly a string
    note: str = ""


def _parse_score(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def _scoring_kind(panel: Panel, stage_kind) -> StageKind:
    kinds = selectors.scoring_stage_kinds(panel)
    if stage_kind is None:
        return kinds[0]
    if stage_kind not in kinds:
        raise ValidationError(_("This panel does not score in that stage."))
    return StageKind(stage_kind)


def _lock_panel(panel: Panel) -> Panel:
    # Scores and finalisations of one panel take this lock in turn: a score submitted while
    # the chair finalises is either in the snapshot or refused, never lost.
    return Panel.objects.select_for_update().get(pk=panel.pk)


@transaction.atomic
def scoresheet_save(
    *,
    actor,
    panel: Panel,
    nomination: Nomination,
    scores: Mapping[int, ScoreInput],
    submit: bool = False,
    reason: str = "",
    stage_kind: StageKind | None = None,
) -> Scoresheet:
    """Save the actor's scores for a nominee in one of the panel's scoring stages (default: its
    first, the provincial assessment or the national selection; the jury also scores the
    finalists' interviews, `stage_kind` NATIONAL_INTERVIEW): a draft, or
    submitted when `submit`. Each judged criterion takes 0–100 with two decimals at most and a
    written note (both required to submit). Changing a submitted score needs `reason`; the old
    value, its note, the author, the time and the reason are kept (ScoreRevision).

    Refused when the actor is not on the panel or is excluded from the nominee, when the stage
    is not open, or when the category's ranking is finalised."""
    panel = _lock_panel(panel)
    _member(panel, actor)
    kind = _scoring_kind(panel, stage_kind)
    stage = selectors.panel_stage(panel, kind)
    stage_ensure_open(stage, doing=_("Scoring"))
    nomination = selectors.stage_nominations(panel, kind).filter(pk=nomination.pk).first()
    if nomination is None:
        raise PermissionDenied(_("This nomination is not before your panel in this stage."))
    _ensure_not_finalised(stage, panel, nomination.category)
    if nomination.state not in selectors.SCOREABLE[kind]:
        raise RankingFinalised(_("This nominee's result in this stage is already recorded."))
    conflict = selectors.is_excluded(panel, actor, nomination)
    if conflict is not None:
        raise PermissionDenied(
            _("You are excluded from this nominee: %(reason)s") % {"reason": conflict.reason}
        )
    rubric = selectors.rubric_for(stage, nomination.category)
    criteria = [c for c in rubric.criteria.all() if c.is_assessed] if rubric else []
    if not criteria:
        raise ValidationError(
            _("The secretariat has not set a rubric with judged criteria for this category.")
        )

    errors: dict[str, list[str]] = {}
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for criterion in criteria:
        given = scores.get(criterion.pk) or ScoreInput(None, "")
        try:
            value = _parse_score(given.value)
        except ValueError:
            errors[criterion.code] = [_("Give a number from 0 to 100.")]
            continue
        note = (given.note or "").strip()
        if value is not None and not (0 <= value <= 100):
            errors[criterion.code] = [_("A score is from 0 to 100.")]
        elif value is not None and value != value.quantize(Decimal("0.01")):
            errors[criterion.code] = [_("Use at most two decimals.")]
        elif submit and value is None:
            errors[criterion.code] = [_("Give a score before submitting.")]
        elif submit and not note:
            errors[criterion.code] = [_("Write a note explaining the score.")]
        elif value is None and note:
            errors[criterion.code] = [_("Give the score this note explains.")]
        parsed[criterion.pk] = (value, note)
    if errors:
        raise ValidationError(errors)

    sheet, _created = Scoresheet.objects.select_for_update().get_or_create(
        stage=stage,
        nomination=nomination,
        assessor=actor,
        defaults={"panel": panel},
    )
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    before = _sheet_values(sheet, criteria, {k: (s.value, s.note) for k, s in existing.items()})
    reason = (reason or "").strip()
    if sheet.is_submitted:
        revised = [
            c
            for c in criteria
            if c.pk in existing and (existing[c.pk].value, existing[c.pk].note) != parsed[c.pk]
        ]
        if revised and not reason:
            raise ValidationError({"reason": [_("Say why you are changing a submitted score.")]})
        for criterion in revised:
            score = existing[criterion.pk]
            ScoreRevision.objects.create(
                score=score,
                old_value=score.value,
                old_note=score.note,
                new_value=parsed[criterion.pk][0],
                changed_by=actor_or_none(actor),
                reason=reason,
            )
        if not submit and not revised:
            return sheet
        submit = True  # a submitted scoresheet stays submitted
    for criterion in criteria:
        value, note = parsed[criterion.pk]
        score = existing.get(criterion.pk)
        if value is None:
            if score is not None:
                score.delete()
            continue
        if score is None:
            Score.objects.create(scoresheet=sheet, criterion=criterion, value=value, note=note)
        elif (score.value, score.note) != (value, note):
            score.value, score.note = value, note
            score.save(update_fields=["value", "note"])
    if submit and not sheet.is_submitted:
        sheet.state = ScoresheetState.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    audit_change(
        actor=actor,
        action="scoresheet.save",
        target=sheet,
        before=before,
        after=_sheet_values(sheet, criteria, parsed),
        reason=reason,
        nomination_id=nomination.pk,
        edition_id=panel.edition_id,
    )
    return sheet


def _sheet_values(sheet: Scoresheet, criteria, values: dict) -> dict:
    """A scoresheet as the audit record keeps it: its state and, per criterion code, the score
    and its note."""
    kept = {"state": sheet.state}
    for criterion in criteria:
        value, note = values.get(criterion.pk, (None, ""))
        if value is not None or note:
            kept[criterion.code] = {"value": plain(value), "note": note}
    return kept


# ---------------------------------------------------------------------------------------------
# Ties, finalisation and reopening (SPEC §3 stage 4, §6)

PROVINCIAL_LABELS = [
    RankLabel.PERINGKAT_1,
    RankLabel.PERINGKAT_2,
    RankLabel.PERINGKAT_3,
    RankLabel.HARAPAN_1,
    RankLabel.HARAPAN_2,
    RankLabel.HARAPAN_3,
]
# What a panel ranks and finalises: the provincial assessment (provincial panels), the national
# selection and the national result (the jury).
RANKED_KINDS = (
    StageKind.PROVINCIAL_ASSESSMENT,
    StageKind.NATIONAL_SELECTION,
    StageKind.NATIONAL_RESULT,
)


def _ranking_kind(panel: Panel, stage_kind) -> StageKind:
    if stage_kind is None:
        return selectors.scoring_stage_kinds(panel)[0]
    allowed = (
        (StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_RESULT)
        if panel.is_jury
        else (StageKind.PROVINCIAL_ASSESSMENT,)
    )
    if stage_kind not in allowed:
        raise ValidationError(_("This panel has no ranking in that stage."))
    return StageKind(stage_kind)


def _ranking_stage(panel: Panel, kind: StageKind) -> Stage:
    stage = selectors.panel_stage(panel, kind)
    if stage is None:
        raise StageNotOpen(
            _("This edition has no stage “%(stage)s”.") % {"stage": StageKind(kind).label}
        )
    return stage


def _category_ranking(panel: Panel, stage: Stage, category: Category):
    """The live ranking of a category in a ranked stage (selectors.ranking_for, or the
    combined national result)."""
    if stage.kind == StageKind.NATIONAL_RESULT:
        ranking = selectors.final_ranking_for(panel=panel, category=category)
        if ranking.problems and not ranking.stages:
            raise FinalisationRefused(ranking.problems)
        return ranking
    rubric = selectors.rubric_for(stage, category)
    if rubric is None or not rubric.criteria.exists():
        raise FinalisationRefused(
            _("The secretariat has not set a rubric for %(category)s.")
            % {"category": category.name}
        )
    return selectors.ranking_for(
        rubric=rubric,
        panel=panel,
        nominations=selectors.stage_nominations(panel, stage.kind, category),
    )


@transaction.atomic
def tie_decide(
    *,
    actor,
    panel: Panel,
    category: Category,
    order: list[Nomination],
    reason: str,
    stage_kind: StageKind | None = None,
) -> list[TieDecision]:
    """The chair orders nominees still tied after the tie-breakers (first = better), giving
    the reason. `order` must be exactly one tied group of the current ranking of the stage
    (default: the panel's first ranking; the jury also decides ties of the national result)."""
    panel = _lock_panel(panel)
    _chair_or_admin(panel, actor)
    stage = _ranking_stage(panel, _ranking_kind(panel, stage_kind))
    _ensure_not_finalised(stage, panel, category)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for this order.")]})
    ranking = _category_ranking(panel, stage, category)
    chosen = [n.pk for n in order]
    groups = [sorted(r.nomination.pk for r in group) for group in ranking.ties]
    if len(set(chosen)) != len(chosen) or sorted(chosen) not in groups:
        raise ValidationError({"order": [_("Order exactly the nominees of one tie, each once.")]})
    decisions = []
    for position, nomination_id in enumerate(chosen, start=1):
        decision, _created = TieDecision.objects.update_or_create(
            stage=stage,
            nomination_id=nomination_id,
            defaults={
                "panel": panel,
                "position": position,
                "reason": reason,
                "decided_by": actor_or_none(actor),
            },
        )
        audit_record(
            actor=actor,
            action="tie.decide",
            target=decision,
            new={"stage": stage.pk, "position": position},
            reason=reason,
            nomination_id=nomination_id,
            edition_id=panel.edition_id,
        )
        decisions.append(decision)
    return decisions


def _criteria_breakdown(criteria) -> list[dict]:
    return [
        {
            "code": c.criterion.code,
            "name": c.criterion.name,
            "kind": c.criterion.kind,
            "weight": str(c.criterion.weight),
            "score": str(c.score),
            "contribution": str(c.contribution),
            "counted": c.counted,
            **(
                {
                    "judged": str(c.judged),
                    "factor": None if c.factor is None else str(c.factor),
                }
                if c.criterion.kind == "interview"
                else {}
            ),
        }
        for c in criteria
    ]


def _breakdown(row) -> dict:
    return {"criteria": _criteria_breakdown(row.criteria)}


def _final_breakdown(row) -> dict:
    """A finalist's national result: each national stage's weight, total and criteria, and who
    attended the interview."""
    stages = []
    for result in row.stages:
        criteria = result.criteria if result.frozen else _criteria_breakdown(result.criteria)
        stages.append(
            {
                "stage": result.stage.kind,
                "name": str(result.stage.get_kind_display()),
                "weight": str(result.weight),
                "total": str(result.total),
                "rank": result.rank,
                "criteria": criteria,
            }
        )
    interview = row.interview
    return {
        "stages": stages,
        "attendance": interview.attendance if interview else "",
        "attendee": interview.attendee if interview else "",
        "factor": None if row.attendance_factor is None else str(row.attendance_factor),
    }


def _problems(stage: Stage, panel: Panel, category: Category, ranking) -> list[str]:
    """Why a category's ranking cannot be finalised yet: dossiers still to verify, missing
    scoresheets, open ties, and for the national result missing attendance."""
    problems = []
    if stage.kind != StageKind.NATIONAL_RESULT:
        pending = selectors.nominations_to_verify(panel).filter(category=category)
        problems += [
            _("%(candidate)s is still waiting for verification.") % {"candidate": n.candidate.name}
            for n in pending
        ]
    scoring = selectors.scoring_stage_of(stage)
    if scoring is not None:
        problems += [
            _("%(assessor)s has not submitted a scoresheet for %(candidate)s.")
            % {"assessor": m.assessor, "candidate": m.nomination.candidate.name}
            for m in selectors.missing_scoresheets(
                stage=scoring,
                panel=panel,
                nominations=selectors.stage_nominations(panel, scoring.kind, category),
            )
        ]
    if stage.kind == StageKind.NATIONAL_RESULT:
        problems += [str(p) for p in ranking.problems]
        problems += [
            _("The attendance at %(candidate)s's interview is not recorded.")
            % {"candidate": n.candidate.name}
            for n in ranking.missing_attendance
        ]
    problems += [
        _("Still tied at rank %(rank)s: %(candidates)s.")
        % {
            "rank": group[0].rank,
            "candidates": ", ".join(r.nomination.candidate.name for r in group),
        }
        for group in ranking.ties
    ]
    if not ranking.rows:
        problems.append(_("There is no nominee to rank."))
    return problems


@transaction.atomic
def ranking_finalise(
    *, actor, panel: Panel, category: Category, stage_kind: StageKind | None = None
) -> RankingSnapshot:
    """The chair (or the secretariat) finalises a category's ranking in one of the panel's
    ranked stages (default: its first).

    Refused while a dossier waits for verification, a member's scoresheet is missing, a tie is
    unresolved or (national result) an interview's attendance is not recorded — the message
    lists them all —, outside the stage in which the ranking is finalised, and when it is
    already finalised. Otherwise, in one transaction, the scores, totals, ranks and cut-off are
    frozen as a snapshot and the nominees move on:

    - provincial assessment (provincial result stage open): the first ones get the provincial
      labels Peringkat I–III and Harapan I–III (as many as the category's
      `provincial_labels`); the top `provincial_quota` advance, the others do not;
    - national selection (its stage open): the top `finalist_quota` whose total reaches the
      optional `finalist_minimum` become finalists, the others do not;
    - national result (its stage open): the final ranking is frozen and waits for every juror
      to confirm it (ranking_confirm); the chair's own finalisation counts as their
      confirmation. The awards are given when the last juror confirms."""
    panel = _lock_panel(panel)
    _chair_or_admin(panel, actor)
    kind = _ranking_kind(panel, stage_kind)
    stage = _ranking_stage(panel, kind)
    stage_ensure_open(
        selectors.panel_stage(panel, selectors.result_stage_kind(panel, kind)),
        doing=_("Finalising the ranking"),
    )
    _ensure_not_finalised(stage, panel, category)
    nominations = selectors.stage_nominations(panel, kind, category)
    scoreable = (
        (NominationState.FINALIST,)
        if kind == StageKind.NATIONAL_RESULT
        else selectors.SCOREABLE[kind]
    )
    if nominations.exclude(state__in=scoreable).exists():
        raise FinalisationRefused(_("Some nominees of this ranking already have a result."))
    ranking = _category_ranking(panel, stage, category)
    problems = _problems(stage, panel, category, ranking)
    if problems:
        raise FinalisationRefused(
            [_("The ranking cannot be finalised yet:")] + [str(p) for p in problems]
        )
    finalise = {
        StageKind.PROVINCIAL_ASSESSMENT: _finalise_provincial,
        StageKind.NATIONAL_SELECTION: _finalise_selection,
    }.get(kind, _finalise_result)
    snapshot = finalise(actor, panel, stage, category, ranking)
    _audit_snapshot(actor, snapshot, "ranking.finalise")
    return snapshot


def _audit_snapshot(actor, snapshot: RankingSnapshot, action: str, reason: str = "") -> None:
    """A ranking's finalisation, sign-off or reopening: one record for the ranking, and one
    per nominee with its rank, total and label, so that each nomination's record shows it."""
    scope = {"stage": snapshot.stage_id, "category": snapshot.category_id}
    edition_id = snapshot.panel.edition_id
    rows = list(snapshot.rows.order_by("rank", "pk"))
    ranking = Entry(
        action=action,
        target=snapshot,
        actor=actor,
        new={**scope, "nominations": [row.nomination_id for row in rows]},
        reason=reason,
        edition_id=edition_id,
    )
    audit_record_many(
        [
            ranking,
            *(
                Entry(
                    action=f"{action}.row",
                    target=snapshot,
                    actor=actor,
                    new={**scope, **values_of(row, ("rank", "total", "label", "advanced"))},
                    reason=reason,
                    nomination_id=row.nomination_id,
                    edition_id=edition_id,
                )
                for row in rows
            ),
        ]
    )


def _tie_reasons(stage: Stage, nominations) -> dict[int, str]:
    return {
        d.nomination_id: d.reason
        for d in TieDecision.objects.filter(stage=stage, nomination__in=nominations)
    }


def _finalise_provincial(actor, panel, stage, category, ranking) -> RankingSnapshot:
    quota = category.provincial_quota
    ranked_labels = category.award_scheme == "ranked"
    advanced_rows = ranking.rows[:quota]
    snapshot = RankingSnapshot.objects.create(
        stage=stage,
        panel=panel,
        category=category,
        finalised_by=actor_or_none(actor),
        quota=quota,
        cut_off=advanced_rows[-1].total if advanced_rows else None,
    )
    ties = _tie_reasons(stage, [r.nomination.pk for r in ranking.rows])
    advancing = []
    for index, row in enumerate(ranking.rows):
        if ranked_labels:
            labels = PROVINCIAL_LABELS[: category.provincial_labels]
            label = labels[index] if index < len(labels) else ""
        else:
            label = RankLabel.TERBAIK if index == 0 else ""
        advanced = index < quota
        RankingSnapshotRow.objects.create(
            snapshot=snapshot,
            nomination=row.nomination,
            rank=row.rank,
            total=row.total,
            label=label,
            advanced=advanced,
            breakdown=_breakdown(row),
            tie_reason=ties.get(row.nomination.pk, ""),
        )
        nomination = candidate_services.nomination_provincial_result(
            actor=actor, nomination=row.nomination, label=label, advanced=advanced
        )
        if advanced:
            advancing.append(nomination)
    jury = Panel.objects.filter(edition=panel.edition_id, province__isnull=True).first()
    if jury is not None and advancing:
        # The jurors' automatic conflicts with the nominees who now enter the national round.
        conflicts_refresh(panel=jury, nominations=advancing)
    return snapshot


def _finalise_selection(actor, panel, stage, category, ranking) -> RankingSnapshot:
    minimum = category.finalist_minimum
    finalists = [
        row
        for row in ranking.rows[: category.finalist_quota]
        if minimum is None or row.total >= minimum
    ]
    chosen = {row.nomination.pk for row in finalists}
    snapshot = RankingSnapshot.objects.create(
        stage=stage,
        panel=panel,
        category=category,
        finalised_by=actor_or_none(actor),
        quota=category.finalist_quota,
        cut_off=finalists[-1].total if finalists else None,
    )
    ties = _tie_reasons(stage, [r.nomination.pk for r in ranking.rows])
    for row in ranking.rows:
        finalist = row.nomination.pk in chosen
        RankingSnapshotRow.objects.create(
            snapshot=snapshot,
            nomination=row.nomination,
            rank=row.rank,
            total=row.total,
            advanced=finalist,
            breakdown=_breakdown(row),
            tie_reason=ties.get(row.nomination.pk, ""),
        )
        candidate_services.nomination_selection_result(
            actor=actor, nomination=row.nomination, finalist=finalist
        )
    return snapshot


def national_labels(category: Category, rows: list) -> dict[int, str]:
    """The label each row of a national ranking receives by the category's award scheme:
    ranked — Peringkat I–III, then Harapan I–III, as many as `national_labels`, in rank order;
    best per province / per zone — Terbaik for the best-ranked finalist of each province / zone.
    `rows` are in rank order, each with `.nomination`. Keyed by nomination id."""
    scheme = category.award_scheme
    labels: dict[int, str] = {}
    if scheme == "ranked":
        given = PROVINCIAL_LABELS[: category.national_labels]
        for index, row in enumerate(rows):
            labels[row.nomination.pk] = given[index] if index < len(given) else ""
        return labels
    seen = set()
    for row in rows:
        province = row.nomination.candidate.home_province
        group = province.pk if scheme == "best_per_province" else province.zone
        labels[row.nomination.pk] = "" if group in seen else RankLabel.TERBAIK
        seen.add(group)
    return labels


def _finalise_result(actor, panel, stage, category, ranking) -> RankingSnapshot:
    labels = national_labels(category, ranking.rows)
    snapshot = RankingSnapshot.objects.create(
        stage=stage,
        panel=panel,
        category=category,
        finalised_by=actor_or_none(actor),
        quota=sum(1 for label in labels.values() if label),
        cut_off=None,
    )
    ties = _tie_reasons(stage, [r.nomination.pk for r in ranking.rows])
    for row in ranking.rows:
        label = labels.get(row.nomination.pk, "")
        RankingSnapshotRow.objects.create(
            snapshot=snapshot,
            nomination=row.nomination,
            rank=row.rank,
            total=row.total,
            label=label,
            advanced=bool(label),
            breakdown=_final_breakdown(row),
            tie_reason=ties.get(row.nomination.pk, ""),
        )
    if selectors.membership(panel, actor) is not None:
        RankingConfirmation.objects.create(snapshot=snapshot, juror=actor)
    _sign_off_if_confirmed(actor, snapshot)
    return snapshot


# ---------------------------------------------------------------------------------------------
# Sign-off and awards (SPEC §3 stage 7, §4)


def _sign_off_if_confirmed(actor, snapshot: RankingSnapshot) -> bool:
    """Sign the national ranking off once every juror has confirmed it: it is frozen and the
    awards are given from it, by the category's scheme."""
    jurors = set(snapshot.panel.members.values_list("user_id", flat=True))
    confirmed = set(snapshot.confirmations.values_list("juror_id", flat=True))
    if not jurors or not jurors <= confirmed:
        return False
    gone = [
        row.nomination.candidate.name
        for row in snapshot.rows.select_related("nomination__candidate")
        if row.nomination.state != NominationState.FINALIST
    ]
    if gone:
        raise RankingFinalised(
            _(
                "%(candidates)s left the round after the ranking was finalised; the chair must "
                "reopen it, with a reason."
            )
            % {"candidates": ", ".join(gone)}
        )
    snapshot.signed_off_at = timezone.now()
    snapshot.save(update_fields=["signed_off_at"])
    _audit_snapshot(actor, snapshot, "ranking.sign_off")
    # Signed off again after a reopening of a published result: its new awards go public.
    public_cache_clear_on_commit()
    category = snapshot.category
    scheme = category.award_scheme
    for row in snapshot.rows.select_related(
        "nomination__candidate__province", "nomination__candidate__regency__province"
    ).order_by("rank", "pk"):
        nomination = row.nomination
        if row.label:
            province = nomination.candidate.home_province
            if scheme == "ranked":
                # Stored in Bahasa Indonesia, as certificates print it, whatever the language
                # of the juror who confirms last; pages show Award.display_title.
                with override("id"):
                    kind, title = AwardKind.RANKED, str(RankLabel(row.label).label)
            elif scheme == "best_per_province":
                kind = AwardKind.BEST_PER_PROVINCE
                title = _("Best in %(province)s") % {"province": province.name}
            else:
                kind = AwardKind.BEST_PER_ZONE
                title = _("Best in the %(zone)s zone") % {"zone": province.get_zone_display()}
            award = Award.objects.create(
                category=category,
                nomination=nomination,
                snapshot=snapshot,
                kind=kind,
                label=row.label,
                title=str(title),
                rank=row.rank,
                province=province if kind == AwardKind.BEST_PER_PROVINCE else None,
                zone=province.zone if kind == AwardKind.BEST_PER_ZONE else "",
                given_by=actor_or_none(actor),
            )
            _audit_award(actor, award, "award.give")
        candidate_services.nomination_national_result(
            actor=actor,
            nomination=nomination,
            label=row.label,
            rank=row.rank,
            awarded=bool(row.label),
        )
    return True


@transaction.atomic
def ranking_confirm(*, actor, snapshot: RankingSnapshot) -> RankingConfirmation:
    """A juror confirms the finalised national ranking of a category. The last confirmation
    signs it off (awards given, finalists awarded or not). Confirmations are taken one at a
    time (the snapshot row is locked), so the sign-off happens exactly once."""
    # The panel first, then the snapshot: the order finalisation and reopening take them in.
    _lock_panel(snapshot.panel)
    snapshot = (
        RankingSnapshot.objects.select_for_update(of=("self",))
        .select_related("stage", "panel", "category")
        .get(pk=snapshot.pk)
    )
    if snapshot.stage.kind != StageKind.NATIONAL_RESULT:
        raise ValidationError(_("Only the national result is confirmed by the jurors."))
    _member(snapshot.panel, actor)
    if snapshot.reopened_at is not None:
        raise RankingFinalised(_("This ranking was reopened; it can no longer be confirmed."))
    if snapshot.signed_off_at is not None:
        raise RankingFinalised(_("This ranking is already signed off."))
    stage_ensure_changeable(snapshot.stage)
    if snapshot.confirmations.filter(juror=actor).exists():
        raise ValidationError(_("You have already confirmed this ranking."))
    confirmation = RankingConfirmation.objects.create(snapshot=snapshot, juror=actor)
    audit_record(
        actor=actor,
        action="ranking.confirm",
        target=snapshot,
        new={"juror": actor.pk},
        edition_id=snapshot.panel.edition_id,
    )
    _sign_off_if_confirmed(actor, snapshot)
    return confirmation


_AWARD_FIELDS = ("category", "kind", "label", "title", "rank", "province", "zone", "snapshot")


def _audit_award(actor, award: Award, action: str, reason: str = "") -> None:
    withdrawn = action == "award.withdraw"
    audit_record(
        actor=actor,
        action=action,
        target=award,
        old={} if not withdrawn else {"withdrawn_at": None},
        new=values_of(award, ("withdrawn_at",)) if withdrawn else values_of(award, _AWARD_FIELDS),
        reason=reason or award.reason,
        nomination_id=award.nomination_id,
        edition_id=award.category.edition_id,
    )


def _national_nominee(panel: Panel, nomination: Nomination) -> Nomination:
    found = (
        selectors.stage_nominations(panel, StageKind.NATIONAL_SELECTION)
        .filter(pk=nomination.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("This nomination is not in the national round of this edition."))
    return found


@transaction.atomic
def award_special(*, actor, panel: Panel, nomination: Nomination, title: str, reason: str) -> Award:
    """The jury's chair (or the secretariat) gives a special award (predikat terbaik khusus) to
    a nominee of the national round, with its title and the reason. Refused once the national
    result stage is finalised."""
    panel = _lock_panel(panel)
    if not panel.is_jury:
        raise PermissionDenied(_("Special awards are given by the national jury."))
    _chair_or_admin(panel, actor)
    nomination = _national_nominee(panel, nomination)
    result = _ranking_stage(panel, StageKind.NATIONAL_RESULT)
    stage_ensure_changeable(result)
    errors = {}
    title, reason = (title or "").strip(), (reason or "").strip()
    if not title:
        errors["title"] = [_("Give the award's title.")]
    if not reason:
        errors["reason"] = [_("Say why the jury gives this award.")]
    if errors:
        raise ValidationError(errors)
    award = Award(
        category=nomination.category,
        nomination=nomination,
        kind=AwardKind.SPECIAL,
        title=title,
        reason=reason,
        given_by=actor_or_none(actor),
    )
    award.full_clean(exclude=["snapshot", "given_by", "withdrawn_by"])
    award.save()
    _audit_award(actor, award, "award.give")
    public_cache_clear_on_commit()
    return award


@transaction.atomic
def award_withdraw(*, actor, award: Award, reason: str) -> Award:
    """Withdraw a special award with a reason (it stays on the record). Awards from the ranking
    are withdrawn only by reopening the ranking."""
    award = (
        Award.objects.select_for_update(of=("self",)).select_related("category").get(pk=award.pk)
    )
    panel = Panel.objects.filter(edition=award.category.edition_id, province__isnull=True).first()
    if panel is None:
        raise PermissionDenied(_("No national jury has been formed for this edition."))
    _chair_or_admin(panel, actor)
    if award.kind != AwardKind.SPECIAL:
        raise ValidationError(
            _("An award from the ranking is withdrawn by reopening the ranking, with a reason.")
        )
    if award.withdrawn_at is not None:
        raise ValidationError(_("This award is already withdrawn."))
    stage_ensure_changeable(_ranking_stage(panel, StageKind.NATIONAL_RESULT))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for withdrawing the award.")]})
    award.withdrawn_at = timezone.now()
    award.withdrawn_by = actor_or_none(actor)
    award.withdrawn_reason = reason
    award.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    _audit_award(actor, award, "award.withdraw", reason)
    public_cache_clear_on_commit()
    return award


# ---------------------------------------------------------------------------------------------
# Interviews (SPEC §3 stage 6)


def _interview_for(actor, panel: Panel, nomination: Nomination) -> Interview:
    """The finalist's interview (created on first use), for the jury's chair or the
    secretariat, while the interview can still change."""
    panel = _lock_panel(panel)
    if not panel.is_jury:
        raise PermissionDenied(_("Interviews are held by the national jury."))
    _chair_or_admin(panel, actor)
    found = (
        selectors.stage_nominations(panel, StageKind.NATIONAL_INTERVIEW)
        .filter(pk=nomination.pk)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("Only finalists are interviewed."))
    stage = _ranking_stage(panel, StageKind.NATIONAL_INTERVIEW)
    _ensure_not_finalised(stage, panel, found.category)
    if found.state != NominationState.FINALIST:
        raise RankingFinalised(_("This finalist's national result is already recorded."))
    interview, _created = Interview.objects.select_for_update().get_or_create(
        panel=panel, nomination=found
    )
    return interview


@transaction.atomic
def interview_schedule(
    *, actor, panel: Panel, nomination: Nomination, scheduled_at, video_link: str
) -> Interview:
    """Set when a finalist is interviewed and the video link of the session. The date must lie
    within the interview stage's schedule when it has one."""
    interview = _interview_for(actor, panel, nomination)
    stage = _ranking_stage(panel, StageKind.NATIONAL_INTERVIEW)
    errors = {}
    if scheduled_at is None:
        errors["scheduled_at"] = [_("Give the date and time of the interview.")]
    else:
        day = (
            timezone.localtime(scheduled_at).date()
            if timezone.is_aware(scheduled_at)
            else (scheduled_at.date())
        )
        if (stage.starts_on and day < stage.starts_on) or (stage.ends_on and day > stage.ends_on):
            errors["scheduled_at"] = [
                _("Interviews are held from %(start)s to %(end)s.")
                % {"start": stage.starts_on or "…", "end": stage.ends_on or "…"}
            ]
    video_link = (video_link or "").strip()
    if video_link and not video_link.lower().startswith("https://"):
        errors["video_link"] = [_("Give a secure link starting with https://.")]
    if errors:
        raise ValidationError(errors)
    before = values_of(interview, _INTERVIEW_FIELDS)
    interview.scheduled_at = scheduled_at
    interview.video_link = video_link
    interview.updated_by = actor_or_none(actor)
    interview.full_clean(exclude=["panel", "nomination", "updated_by"])
    interview.save()
    _audit_interview(actor, interview, before)
    return interview


_INTERVIEW_FIELDS = ("scheduled_at", "video_link", "attendance", "attendee", "minutes")


def _audit_interview(actor, interview: Interview, before: dict) -> None:
    audit_change(
        actor=actor,
        action="interview.update",
        target=interview,
        before=before,
        after=values_of(interview, _INTERVIEW_FIELDS),
        nomination_id=interview.nomination_id,
        edition_id=interview.panel.edition_id,
    )


@transaction.atomic
def interview_record(
    *, actor, panel: Panel, nomination: Nomination, attendance: str, attendee: str, minutes: str
) -> Interview:
    """Record who attended a finalist's interview (the highest official present sets the
    attendance factor of the interview criterion) and the minutes of the session."""
    interview = _interview_for(actor, panel, nomination)
    errors = {}
    if attendance not in Attendance.values:
        errors["attendance"] = [_("Choose who attended for the candidate.")]
    attendee = (attendee or "").strip()
    if not attendee:
        errors["attendee"] = [_("Give the name and position of who attended.")]
    if errors:
        raise ValidationError(errors)
    before = values_of(interview, _INTERVIEW_FIELDS)
    interview.attendance = attendance
    interview.attendee = attendee
    interview.minutes = (minutes or "").strip()
    interview.updated_by = actor_or_none(actor)
    interview.full_clean(exclude=["panel", "nomination", "updated_by"])
    interview.save()
    _audit_interview(actor, interview, before)
    return interview


# ---------------------------------------------------------------------------------------------
# Reopening


@transaction.atomic
def ranking_reopen(*, actor, snapshot: RankingSnapshot, reason: str) -> RankingSnapshot:
    """The chair (or the secretariat) reopens a finalised ranking with a reason, kept on the
    snapshot, which stays on the record. Its nominees go back to where the ranking found them:

    - provincial: verified, without label (refused once the provincial result stage is
      finalised);
    - national selection: advanced (verified for a category without a provincial round);
      refused while the category's national result is finalised;
    - national result: finalists again, without rank and label; the awards given from it are
      withdrawn with the same reason; the confirmations stay on the old snapshot.

    Refused when the stage the ranking belongs to (or the stage it is finalised in) is
    finalised: the secretariat reopens that first."""
    panel = _lock_panel(snapshot.panel)
    _chair_or_admin(panel, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the ranking.")]})
    snapshot = (
        RankingSnapshot.objects.select_for_update(of=("self",))
        .select_related("stage", "category")
        .get(pk=snapshot.pk)
    )
    if snapshot.reopened_at is not None:
        raise ValidationError(_("This ranking has already been reopened."))
    kind = snapshot.stage.kind
    stage_ensure_changeable(snapshot.stage)
    result_stage = selectors.panel_stage(panel, selectors.result_stage_kind(panel, kind))
    if result_stage is not None:
        stage_ensure_changeable(result_stage)
    if kind == StageKind.NATIONAL_SELECTION:
        result = selectors.panel_stage(panel, StageKind.NATIONAL_RESULT)
        if result is not None and selectors.current_snapshot(result, panel, snapshot.category):
            raise RankingFinalised(
                _(
                    "The national result of %(category)s is finalised; reopen it before the "
                    "selection."
                )
                % {"category": snapshot.category.name}
            )
    snapshot.reopened_at = timezone.now()
    snapshot.reopened_by = actor_or_none(actor)
    snapshot.reopen_reason = reason
    snapshot.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    # A published result may be the one reopened: the public pages must not keep showing it.
    public_cache_clear_on_commit()
    _audit_snapshot(actor, snapshot, "ranking.reopen", reason)
    if kind == StageKind.NATIONAL_RESULT:
        withdrawn = list(snapshot.awards.filter(withdrawn_at__isnull=True))
        snapshot.awards.filter(withdrawn_at__isnull=True).update(
            withdrawn_at=snapshot.reopened_at,
            withdrawn_by=actor_or_none(actor),
            withdrawn_reason=reason,
        )
        for award in withdrawn:
            award.withdrawn_at = snapshot.reopened_at
            _audit_award(actor, award, "award.withdraw", reason)
    for row in snapshot.rows.select_related("nomination__category"):
        nomination, state = row.nomination, row.nomination.state
        if kind == StageKind.PROVINCIAL_ASSESSMENT and state in (
            NominationState.SCORED,
            NominationState.ADVANCED,
            NominationState.NOT_ADVANCED,
        ):
            candidate_services.nomination_provincial_result_reopen(
                actor=actor, nomination=nomination, reason=reason
            )
        elif kind == StageKind.NATIONAL_SELECTION and state in (
            NominationState.FINALIST,
            NominationState.NOT_FINALIST,
        ):
            candidate_services.nomination_selection_reopen(
                actor=actor, nomination=nomination, reason=reason
            )
        elif kind == StageKind.NATIONAL_RESULT and state in (
            NominationState.AWARDED,
            NominationState.NOT_AWARDED,
        ):
            candidate_services.nomination_national_result_reopen(
                actor=actor, nomination=nomination, reason=reason
            )
    return snapshot


# ---------------------------------------------------------------------------------------------
# Rubrics


@transaction.atomic
def rubric_create(
    *,
    stage: Stage,
    category: Category,
    criteria: list[tuple],
    is_default: bool = False,
    **options,
) -> Rubric:
    """Create a rubric with its criteria, each row (code, name, kind, weight, indicator,
    mapping, zero_at, full_at, tie-break order); every row is validated like the admin does."""
    from .models import Criterion

    rubric = Rubric(stage=stage, category=category, is_default=is_default, **options)
    rubric.full_clean()
    rubric.save()
    for order, (code, name, kind, weight, indicator, mapping, zero_at, full_at, tie) in enumerate(
        criteria, start=1
    ):
        criterion = Criterion(
            rubric=rubric,
            code=code,
            name=name,
            kind=kind,
            weight=weight,
            indicator=indicator,
            mapping=mapping,
            zero_at=zero_at,
            full_at=full_at,
            tie_break_order=tie,
            order=order,
        )
        criterion.full_clean()
        criterion.save()
    rubric_record(actor=None, rubric=rubric, action="rubric.create")
    return rubric


_RUBRIC_FIELDS = ("stage", "category", "aggregation", "trim_percent", "zscore", "final_weight")
_CRITERION_FIELDS = (
    "code", "name", "kind", "weight", "indicator", "mapping", "zero_at", "full_at",
    "tie_break_order", "order",
)  # fmt: skip


@transaction.atomic
def rubric_record(*, actor, rubric: Rubric, action: str = "rubric.change") -> None:
    """Put a rubric as it now stands (its settings and every criterion) on the audit record:
    called when it is created and after the secretariat edits it in the admin."""
    audit_record(
        actor=actor,
        action=action,
        target=rubric,
        new={
            **values_of(rubric, _RUBRIC_FIELDS),
            "criteria": [
                values_of(c, _CRITERION_FIELDS) for c in rubric.criteria.order_by("order", "pk")
            ],
        },
        edition_id=rubric.stage.edition_id,
    )


@transaction.atomic
def rubrics_seed_defaults(*, edition: Edition) -> list[Rubric]:
    """Give each category of the edition the default rubric (scoring.default_rubrics, marked
    as defaults, not official figures) for each stage it is scored in, unless it has one."""
    from . import default_rubrics

    stages_create_defaults(edition=edition)
    created = []
    for category in edition.categories.all():
        kinds = [StageKind.NATIONAL_SELECTION, StageKind.NATIONAL_INTERVIEW]
        if category.has_provincial_round:
            kinds.insert(0, StageKind.PROVINCIAL_ASSESSMENT)
        for kind in kinds:
            stage = Stage.objects.get(edition=edition, kind=kind)
            if Rubric.objects.filter(stage=stage, category=category).exists():
                continue
            created.append(
                rubric_create(
                    stage=stage,
                    category=category,
                    criteria=default_rubrics.criteria_for(category.candidate_kind, kind),
                    is_default=True,
                    final_weight=default_rubrics.FINAL_WEIGHTS.get(kind, 0),
                    notes=(
                        "Default rubric seeded by the software; not an official figure of the "
                        "award."
                    ),
                )
            )
    return created
