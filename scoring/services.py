"""Every write of the scoring app goes through a function here."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import RoleAssignment
from accounts.rules import forget_assignments
from accounts.services import actor_or_none, role_assign
from candidates import services as candidate_services
from candidates.enums import PANEL_STATES, NominationState, RankLabel
from candidates.models import Candidate, Category, Edition, Nomination, Province, Regency
from candidates.selectors import is_admin, nomination_indicators

from . import selectors
from .enums import (
    STAGE_TRANSITIONS,
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
    Conflict,
    IndicatorValue,
    Panel,
    PanelMember,
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
    record their automatic conflicts. A panel has one chair: naming another is refused."""
    if is_chair:
        other = panel.members.filter(is_chair=True).exclude(user=user).first()
        if other is not None:
            raise ValidationError(
                {"is_chair": [_("%(name)s already chairs this panel.") % {"name": other.user}]}
            )
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
    if Scoresheet.objects.filter(panel=panel, assessor=user).exists():
        raise ValidationError(
            _("%(name)s has scored on this panel and stays on its record.") % {"name": user}
        )
    PanelMember.objects.filter(panel=panel, user=user).delete()
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
        nominations = selectors.panel_nominations(panel) if not panel.is_jury else []
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
                    Conflict.objects.create(
                        panel=panel,
                        assessor=member.user,
                        nomination=nomination,
                        source=found[0],
                        reason=found[1],
                    )
            elif current is not None and current.source != ConflictSource.DECLARED:
                current.delete()
    return count


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


def _ensure_not_finalised(stage: Stage, panel: Panel, category: Category) -> None:
    stage_ensure_changeable(stage)
    if selectors.current_snapshot(stage, panel, category) is not None:
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
    stage = selectors.panel_stage(panel, StageKind.PROVINCIAL_ASSESSMENT)
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
    return conflict


# ---------------------------------------------------------------------------------------------
# Verification (SPEC §3, stage 2)


def _panel_for(actor, nomination: Nomination) -> Panel:
    """The panel of the nomination's province and edition, which the actor must sit on (the
    secretariat may act for any panel)."""
    panel = (
        Panel.objects.filter(
            edition=nomination.category.edition_id,
            province=nomination.candidate.home_province,
        )
        .select_related("edition", "province")
        .first()
    )
    if panel is None:
        raise PermissionDenied(_("No panel has been formed for this province and edition."))
    if not is_admin(actor):
        _member(panel, actor)
    return panel


def _verification_stage(nomination: Nomination, doing: str) -> Stage:
    stage = Stage.objects.filter(
        edition=nomination.category.edition_id, kind=StageKind.PROVINCIAL_VERIFICATION
    ).first()
    return stage_ensure_open(stage, doing=doing)


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
    and the panel's automatic conflicts with it are set."""
    panel = _panel_for(actor, nomination)
    _verification_stage(nomination, _("Verification"))
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
) -> Scoresheet:
    """Save the actor's scores for a nominee in the panel's assessment stage: a draft, or
    submitted when `submit`. Each judged criterion takes 0–100 with two decimals at most and a
    written note (both required to submit). Changing a submitted score needs `reason`; the old
    value, its note, the author, the time and the reason are kept (ScoreRevision).

    Refused when the actor is not on the panel or is excluded from the nominee, when the stage
    is not open, or when the category's ranking is finalised."""
    panel = _lock_panel(panel)
    _member(panel, actor)
    stage = selectors.panel_stage(panel, StageKind.PROVINCIAL_ASSESSMENT)
    stage_ensure_open(stage, doing=_("Scoring"))
    nomination = selectors.ranked_nominations(panel).filter(pk=nomination.pk).first()
    if nomination is None:
        raise PermissionDenied(_("This nomination is not verified for your panel."))
    _ensure_not_finalised(stage, panel, nomination.category)
    if nomination.state != NominationState.VERIFIED:
        raise RankingFinalised(_("This nominee's provincial result is already recorded."))
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
    reason = (reason or "").strip()
    if sheet.is_submitted:
        changed = [
            c
            for c in criteria
            if c.pk in existing and (existing[c.pk].value, existing[c.pk].note) != parsed[c.pk]
        ]
        if changed and not reason:
            raise ValidationError({"reason": [_("Say why you are changing a submitted score.")]})
        for criterion in changed:
            score = existing[criterion.pk]
            ScoreRevision.objects.create(
                score=score,
                old_value=score.value,
                old_note=score.note,
                new_value=parsed[criterion.pk][0],
                changed_by=actor_or_none(actor),
                reason=reason,
            )
        if not submit and not changed:
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
    return sheet


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


def _assessment(panel: Panel) -> Stage:
    stage = selectors.panel_stage(panel, StageKind.PROVINCIAL_ASSESSMENT)
    if stage is None:
        raise StageNotOpen(_("This edition has no provincial assessment stage."))
    return stage


def _category_ranking(panel: Panel, stage: Stage, category: Category):
    rubric = selectors.rubric_for(stage, category)
    if rubric is None or not rubric.criteria.exists():
        raise FinalisationRefused(
            _("The secretariat has not set a rubric for %(category)s.")
            % {"category": category.name}
        )
    return selectors.ranking_for(
        rubric=rubric,
        panel=panel,
        nominations=selectors.ranked_nominations(panel, category),
    )


@transaction.atomic
def tie_decide(
    *, actor, panel: Panel, category: Category, order: list[Nomination], reason: str
) -> list[TieDecision]:
    """The chair orders nominees still tied after the tie-breakers (first = better), giving
    the reason. `order` must be exactly one tied group of the current ranking."""
    panel = _lock_panel(panel)
    _chair_or_admin(panel, actor)
    stage = _assessment(panel)
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
        decisions.append(decision)
    return decisions


def _breakdown(row) -> dict:
    return {
        "criteria": [
            {
                "code": c.criterion.code,
                "name": c.criterion.name,
                "kind": c.criterion.kind,
                "weight": str(c.criterion.weight),
                "score": str(c.score),
                "contribution": str(c.contribution),
                "counted": c.counted,
            }
            for c in row.criteria
        ]
    }


@transaction.atomic
def ranking_finalise(*, actor, panel: Panel, category: Category) -> RankingSnapshot:
    """The chair finalises a category's provincial ranking.

    Refused while a member's scoresheet is missing or a tie is unresolved (the message lists
    them), outside the provincial result stage, and when it is already finalised. Otherwise, in
    one transaction: freezes the scores, totals, ranks and cut-off as a snapshot; gives the
    first ones the provincial labels Peringkat I–III and Harapan I–III (ranked categories; as
    many as the category's `provincial_labels`, six by default);
    advances the top N (the category's quota) to the national stage and records every other
    nominee as not advanced."""
    panel = _lock_panel(panel)
    _chair_or_admin(panel, actor)
    stage = _assessment(panel)
    stage_ensure_open(
        selectors.panel_stage(panel, StageKind.PROVINCIAL_RESULT),
        doing=_("Finalising the ranking"),
    )
    _ensure_not_finalised(stage, panel, category)
    nominations = selectors.ranked_nominations(panel, category)
    if nominations.exclude(state=NominationState.VERIFIED).exists():
        raise FinalisationRefused(_("Some nominees of this ranking already have a result."))
    pending = selectors.nominations_to_verify(panel).filter(category=category)
    problems = [
        _("%(candidate)s is still waiting for verification.") % {"candidate": n.candidate.name}
        for n in pending
    ]
    problems += [
        _("%(assessor)s has not submitted a scoresheet for %(candidate)s.")
        % {"assessor": m.assessor, "candidate": m.nomination.candidate.name}
        for m in selectors.missing_scoresheets(stage=stage, panel=panel, nominations=nominations)
    ]
    ranking = _category_ranking(panel, stage, category)
    problems += [
        _("Still tied at rank %(rank)s: %(candidates)s.")
        % {
            "rank": group[0].rank,
            "candidates": ", ".join(r.nomination.candidate.name for r in group),
        }
        for group in ranking.ties
    ]
    if not ranking.rows:
        problems.append(_("There is no verified nominee to rank."))
    if problems:
        raise FinalisationRefused(
            [_("The ranking cannot be finalised yet:")] + [str(p) for p in problems]
        )

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
    ties = {
        d.nomination_id: d.reason
        for d in TieDecision.objects.filter(stage=stage, nomination__in=nominations)
    }
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
        candidate_services.nomination_provincial_result(
            actor=actor, nomination=row.nomination, label=label, advanced=advanced
        )
    return snapshot


@transaction.atomic
def ranking_reopen(*, actor, snapshot: RankingSnapshot, reason: str) -> RankingSnapshot:
    """The chair reopens a finalised provincial ranking with a reason (kept on the snapshot,
    which stays on the record): its nominees go back to verified and lose their labels. Refused
    once the edition's provincial result stage is finalised."""
    panel = _lock_panel(snapshot.panel)
    _chair_or_admin(panel, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening the ranking.")]})
    snapshot = RankingSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.reopened_at is not None:
        raise ValidationError(_("This ranking has already been reopened."))
    stage_ensure_changeable(snapshot.stage)
    result_stage = selectors.panel_stage(panel, StageKind.PROVINCIAL_RESULT)
    if result_stage is not None:
        stage_ensure_changeable(result_stage)
    snapshot.reopened_at = timezone.now()
    snapshot.reopened_by = actor_or_none(actor)
    snapshot.reopen_reason = reason
    snapshot.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    for row in snapshot.rows.select_related("nomination"):
        if row.nomination.state in (
            NominationState.SCORED,
            NominationState.ADVANCED,
            NominationState.NOT_ADVANCED,
        ):
            candidate_services.nomination_provincial_result_reopen(
                actor=actor, nomination=row.nomination, reason=reason
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
    return rubric


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
                    notes=(
                        "Default rubric seeded by the software; not an official figure of the "
                        "award."
                    ),
                )
            )
    return created
