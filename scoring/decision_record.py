"""The record of every change of a decision file (scoring.decision): every record the audit
record holds of the nominee that the reader may see, one entry each, at the record's date and
in words; and what the file's own tables hold that the nominee's audit record does not (a
juror's confirmation, which is recorded against the ranking; a change made before the audit
record existed), never the same event twice.

What the reader may see of it (on top of candidates.selectors.records_seen_by, which holds back
the national outcome until it is published), as the rest of the file:
- a scoresheet's saves: the reader's own, or a stage whose scores they see (blindness, and a
  member excluded by a conflict while the ranking is live sees none);
- a tie decision, and the rank, total and labels of a ranking: a stage whose ranking they see;
- a conflict of interest: a panel whose conflicts they see, or their own;
- while the jury's part is withheld, nothing of the jury's (its interviews, its conflicts).
People are named or numbered as in the rest of the file (scoring.decision._People)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from audit.actions import action_label
from candidates.enums import NominationState, RankLabel
from candidates.models import Nomination

from .enums import ConflictSource, ScoresheetState, StageKind
from .models import Interview


@dataclass
class Event:
    """One line of the record of every change."""

    at: datetime
    kind: str  # see EVENT_KINDS
    what: str
    by: str
    reason: str = ""
    detail: str = ""
    seq: int | None = None  # the audit record's number; None: from the file's tables only


EVENT_KINDS = (
    "transition, provincial_label, national_result, data, scoresheet, score_change, "
    "finalised, reopened, confirmed, signed_off, tie, conflict, interview, award, "
    "award_withdrawn, certificate or change"
)

# The key of a confirmation made by finalising the ranking (the chair's), which its
# ranking.finalise.row record stands for.
AT_FINALISATION = "ranking.finalise.confirm"
# A value longer than this is cut in the record (the file shows the whole text elsewhere).
_LONGEST = 80
# What the record says of a nomination's move besides its states.
_MOVE_KEYS_SKIPPED = {"state", "deadline", "candidate", "category"}


def _state(code) -> str:
    if not code:
        return "—"
    try:
        return str(NominationState(code).label)
    except ValueError:
        return str(code)


def _rank_label(code) -> str:
    if not code:
        return ""
    try:
        return str(RankLabel(code).label)
    except ValueError:
        return str(code)


def _number(value) -> str:
    if value in (None, ""):
        return "—"
    try:
        return number_format(Decimal(str(value)), 2)
    except InvalidOperation:
        return str(value)


def _same(old, new) -> bool:
    """Whether two recorded scores are the same score and note (70 and 70.00 are)."""
    if not (isinstance(old, dict) and isinstance(new, dict)) or old.get("note") != new.get("note"):
        return False
    try:
        return Decimal(str(old.get("value"))) == Decimal(str(new.get("value")))
    except InvalidOperation:
        return old.get("value") == new.get("value")


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _value(field, value) -> str:
    """A recorded value as people read it: a choice by its label, a date in the local format,
    a file by its name, a long text cut short."""
    if value in (None, "", [], {}):
        return "—"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(field, models.FileField):
        return PurePosixPath(str(value)).name
    if isinstance(value, list | dict):
        return "…"
    return Truncator(str(value)).chars(_LONGEST)


def _changes(model, old: dict, new: dict, skip=()) -> str:
    """Each value a record changed as "Field: old → new", by the field's name."""
    lines = []
    for key in [k for k in {**old, **new} if k not in skip]:
        field = _field(model, key)
        label = capfirst(field.verbose_name) if field is not None else key.replace("_", " ")
        if key in old and old.get(key) not in (None, ""):
            lines.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": label,
                    "old": _value(field, old[key]),
                    "new": _value(field, new.get(key)),
                }
            )
        else:
            lines.append(
                _("%(field)s: %(value)s") % {"field": label, "value": _value(field, new.get(key))}
            )
    return "; ".join(lines)


# Which of _Reader's methods says each action (an action, or the start of several).
_HANDLERS = {
    "nomination.state": "move",
    "nomination.provincial_label": "provincial_label",
    "nomination.national_result": "national_result",
    "scoresheet.save": "scoresheet",
    "conflict.": "conflict",
    "tie.decide": "tie",
    "ranking.": "ranking",
    "interview.update": "interview",
    "award.": "award",
    "certificate.": "certificate",
}


class _Reader:
    """The nominee's audit records in words, as the file's reader may see them."""

    def __init__(self, build, records: list, awards: list):
        self.build = build
        self.panels = {p.pk: p for p in build.panels}
        self.stages = {s.pk: s for s in build.stages.values()}
        self.sheets = {str(s.pk): s for s in build.sheets}
        self.conflicts = {str(c.pk): c for c in build.conflicts}
        self.awards = {str(a.pk): a for a in awards}
        self.criteria = {
            r.stage_id: {c.code: c.name for c in r.criteria.all()} for r in build.rubrics.values()
        }
        people = {r.actor_id for r in records if r.actor_id}
        for r in records:
            if r.action.startswith("conflict."):
                people.add((r.new or r.old or {}).get("assessor"))
        people.discard(None)
        self.users = get_user_model().objects.in_bulk(people) if people else {}
        self.sheet_states: dict[str, str] = {}  # a scoresheet's state as its records go

    # -- who --------------------------------------------------------------------------------

    def by(self, record, panel=None, *, as_assessor=False) -> str:
        if not record.actor_id:
            return ""
        user = self.users.get(record.actor_id)
        if user is None:  # no longer an account: the record keeps how it was called
            return record.actor if self.build.privileged else ""
        return self.build.people.actor(user, panel, say_panel=True, as_assessor=as_assessor)

    def stage(self, record):
        return self.stages.get((record.new or {}).get("stage"))

    def stage_panel(self, stage):
        return self.build.panel_of(stage.kind) if stage is not None else None

    # -- each record ------------------------------------------------------------------------

    def event(self, record) -> Event | None:
        action = record.action
        handler = _HANDLERS.get(action) or _HANDLERS.get(action.split(".")[0] + ".", "change")
        made = getattr(self, handler)(record)
        if made is None:
            return None
        kind, what, by, detail, *reason = made
        reason = reason[0] if reason else record.reason
        return Event(record.at, kind, what, by, reason, detail, seq=record.seq)

    def move(self, record):
        old, new = record.old or {}, record.new or {}
        what = _("%(from)s → %(to)s") % {
            "from": _state(old.get("state")),
            "to": _state(new.get("state")),
        }
        details = []
        if new.get("deadline"):
            details.append(_("Deadline: %(date)s") % {"date": new["deadline"]})
        changes = _changes(Nomination, old, new, skip=_MOVE_KEYS_SKIPPED)
        if changes:
            details.append(changes)
        return "transition", what, self.by(record), " ".join(details)

    def provincial_label(self, record):
        old = (record.old or {}).get("provincial_label", "")
        new = (record.new or {}).get("provincial_label", "")
        stage = self.build.stages.get(StageKind.PROVINCIAL_ASSESSMENT)
        shown = (
            stage is not None and stage.pk in self.build.ranked_stage_ids
        ) or self.build.decided_outside(StageKind.PROVINCIAL_ASSESSMENT)
        if not shown:
            what = _("Provincial label changed")
        elif new:
            what = _("Provincial label given: %(label)s") % {"label": _rank_label(new)}
        else:
            what = _("Provincial label withdrawn: %(label)s") % {"label": _rank_label(old)}
        return "provincial_label", what, self.by(record, self.build.provincial), ""

    def national_result(self, record):
        new = record.new or {}
        stage = self.build.stages.get(StageKind.NATIONAL_RESULT)
        if stage is None or stage.pk not in self.build.ranked_stage_ids:
            what = _("National result recorded")
        else:
            parts = [_rank_label(new.get("national_label")) or _("no label")]
            if new.get("national_rank") is not None:
                parts.append(_("rank %(rank)s") % {"rank": new["national_rank"]})
            what = _("National result: %(result)s") % {"result": ", ".join(parts)}
        return "national_result", what, self.by(record, self.build.jury), ""

    def scoresheet(self, record):
        sheet = self.sheets.get(record.target_id)
        old, new = record.old or {}, record.new or {}
        before = old.get("state", self.sheet_states.get(record.target_id, ScoresheetState.DRAFT))
        self.sheet_states[record.target_id] = new.get("state", before)
        if sheet is None:
            return None  # the jury's, while its part is withheld
        panel = self.panels.get(sheet.panel_id)
        build = self.build
        if panel is None or (
            sheet.stage_id not in build.visible_stage_ids and sheet.assessor_id != build.user.pk
        ):
            return None
        stage = self.stages.get(sheet.stage_id)
        stage_name = str(stage.get_kind_display()) if stage is not None else ""
        names = self.criteria.get(sheet.stage_id, {})
        codes = [k for k in {**old, **new} if k != "state" and not _same(old.get(k), new.get(k))]
        by = self.by(record, panel, as_assessor=True)

        def value(side: dict, code: str):
            return (side.get(code) or {}).get("value")

        resaved = before == ScoresheetState.SUBMITTED and new.get("state", before) == before
        if resaved and not codes:  # the same scores written again (70 for 70.00)
            return (
                "scoresheet",
                _("%(stage)s: scoresheet saved again") % {"stage": stage_name},
                by,
                "",
            )
        if resaved:
            what = "; ".join(
                _("%(stage)s, %(criterion)s: %(old)s → %(new)s")
                % {
                    "stage": stage_name,
                    "criterion": names.get(code, code),
                    "old": _number(value(old, code)),
                    "new": _number(value(new, code)),
                }
                for code in codes
            )
            detail = " ".join(
                _("Previous note: %(note)s") % {"note": (old.get(code) or {}).get("note", "")}
                for code in codes
                if code in old
            )
            return "score_change", what, by, detail
        if new.get("state") == ScoresheetState.SUBMITTED:
            what = _("%(stage)s: scoresheet submitted") % {"stage": stage_name}
        else:
            what = _("%(stage)s: scoresheet saved as a draft") % {"stage": stage_name}
        scores = []
        for code in codes:
            criterion = names.get(code, code)
            if value(old, code) is not None:
                scores.append(
                    _("%(criterion)s: %(old)s → %(new)s")
                    % {
                        "criterion": criterion,
                        "old": _number(value(old, code)),
                        "new": _number(value(new, code)),
                    }
                )
            else:
                scores.append(
                    _("%(criterion)s: %(value)s")
                    % {"criterion": criterion, "value": _number(value(new, code))}
                )
        return "scoresheet", what, by, "; ".join(scores)

    def conflict(self, record):
        build = self.build
        values = record.new or record.old or {}
        conflict = self.conflicts.get(record.target_id)
        if conflict is not None:
            assessor, panel = conflict.assessor, self.panels.get(conflict.panel_id)
        else:  # lifted since: on the panel the assessor sits on
            assessor = self.users.get(values.get("assessor"))
            panel = next(
                (
                    p
                    for p in build.panels
                    if assessor is not None and assessor.pk in build.people.members[p.pk]
                ),
                None,
            )
        if assessor is None:
            return None
        if panel is None:
            if not build.privileged:
                return None
            label = str(assessor)
        else:
            if not build.sees_all_conflicts(panel) and assessor.pk != build.user.pk:
                return None
            label = build.people.assessor(panel, assessor)
        try:
            source = str(ConflictSource(values.get("source")).label)
        except ValueError:
            source = str(values.get("source", ""))
        template = (
            _("%(assessor)s no longer excluded (%(source)s)")
            if record.action == "conflict.delete"
            else _("%(assessor)s excluded (%(source)s)")
        )
        what = template % {"assessor": label, "source": source}
        by = self.by(record, panel, as_assessor=True)
        return "conflict", what, by, "", record.reason or values.get("reason", "")

    def tie(self, record):
        stage = self.stage(record)
        if stage is None or stage.pk not in self.build.ranked_stage_ids:
            return None
        what = _("%(stage)s: tie decided, position %(position)s") % {
            "stage": stage.get_kind_display(),
            "position": (record.new or {}).get("position"),
        }
        return "tie", what, self.by(record, self.stage_panel(stage)), ""

    def ranking(self, record):
        stage = self.stage(record)
        new = record.new or {}
        name = str(stage.get_kind_display()) if stage is not None else ""
        kind = record.action.split(".")[1]
        if kind == "finalise":
            if stage is not None and stage.pk in self.build.ranked_stage_ids:
                what = _("%(stage)s: ranking finalised, rank %(rank)s, total %(total)s") % {
                    "stage": name,
                    "rank": new.get("rank"),
                    "total": _number(new.get("total")),
                }
            else:
                what = _("%(stage)s: ranking finalised") % {"stage": name}
            event = "finalised"
        elif kind == "sign_off":
            what = _("%(stage)s: signed off by every juror") % {"stage": name}
            event = "signed_off"
        elif kind == "reopen":
            what = _("%(stage)s: ranking reopened") % {"stage": name}
            event = "reopened"
        else:
            return self.change(record)
        return event, what, self.by(record, self.stage_panel(stage)), ""

    def interview(self, record):
        if self.build.national_withheld:
            return None
        detail = _changes(Interview, record.old or {}, record.new or {})
        return "interview", _("Interview recorded"), self.by(record, self.build.jury), detail

    def award(self, record):
        award = self.awards.get(record.target_id)
        title = award.display_title if award is not None else (record.new or {}).get("title", "")
        by = self.by(record, self.build.jury)
        if record.action == "award.withdraw":
            return "award_withdrawn", _("Award withdrawn: %(title)s") % {"title": title}, by, ""
        if record.action == "award.give":
            return "award", _("Award given: %(title)s") % {"title": title}, by, ""
        return self.change(record)

    def certificate(self, record):
        new = record.new or {}
        serial = new.get("serial", "")
        if record.action == "certificate.issue":
            what = _("Certificate issued: %(title)s (%(serial)s)") % {
                "title": new.get("title", ""),
                "serial": serial,
            }
        elif record.action == "certificate.generate":
            what = _("Certificate generated: %(serial)s") % {"serial": serial}
        elif record.action == "certificate.revoke":
            what = _("Certificate revoked: %(serial)s") % {"serial": serial}
        else:
            return self.change(record)
        return "certificate", what, self.by(record), ""

    def change(self, record):
        """The nominee's data (figures, legal products, innovations) and anything else: what
        the action is called, and each value it changed by the field's name."""
        old, new = record.old or {}, record.new or {}
        what = action_label(record.action)
        title = new.get("title") or old.get("title")
        if title:
            what = _("%(action)s: %(title)s") % {"action": what, "title": title}
        kind = "data" if record.action.split(".")[0] in _DATA_ACTIONS else "change"
        model = _model(record.target_type)
        return kind, what, self.by(record), _changes(model, old, new, skip={"title"})


_DATA_ACTIONS = {"nomination", "legal_product", "innovation", "candidate"}


# ---------------------------------------------------------------------------------------------
# What the file's tables hold


def _table_events(build, transitions, awards, conflicts) -> list[tuple[tuple | None, Event]]:
    """The record as the file's tables hold it, each event with the key of the audit record
    that holds it too (None: no audit record of the nominee does)."""
    people, events = build.people, []

    def add(key, at, kind, what, by, reason="", detail=""):
        events.append((key, Event(at, kind, what, by, reason, detail)))

    moves: dict[tuple, int] = {}
    for t in transitions:
        move = (t.from_state or "", t.to_state)
        moves[move] = moves.get(move, 0) + 1
        what = _("%(from)s → %(to)s") % {
            "from": t.get_from_state_display() if t.from_state else "—",
            "to": t.get_to_state_display(),
        }
        deadline = _("Deadline: %(date)s") % {"date": t.deadline.isoformat()} if t.deadline else ""
        by = people.actor(t.actor, say_panel=True)
        add(("nomination.state", *move, moves[move]), t.at, "transition", what, by, t.reason,
            deadline)  # fmt: skip
    panels = {p.pk: p for p in build.panels}
    stage_names = {s.pk: str(s.get_kind_display()) for s in build.stages.values()}
    for sheet in build.sheets:
        panel = panels.get(sheet.panel_id)
        if panel is None or (
            sheet.stage_id not in build.visible_stage_ids and sheet.assessor_id != build.user.pk
        ):
            continue
        criteria = {
            c.pk: c
            for r in build.rubrics.values()
            if r.stage_id == sheet.stage_id
            for c in r.criteria.all()
        }
        for score in sheet.scores.all():
            for revision in score.revisions.all():
                what = _("%(stage)s, %(criterion)s: %(old)s → %(new)s") % {
                    "stage": stage_names.get(sheet.stage_id, ""),
                    "criterion": getattr(criteria.get(score.criterion_id), "name", ""),
                    "old": number_format(revision.old_value, 2),
                    "new": number_format(revision.new_value, 2),
                }
                by = people.actor(revision.changed_by, panel, say_panel=True, as_assessor=True)
                note = _("Previous note: %(note)s") % {"note": revision.old_note}
                code = getattr(criteria.get(score.criterion_id), "code", "")
                key = _revision_key(str(sheet.pk), code, revision.old_value, revision.new_value,
                                    revision.reason)  # fmt: skip
                add(key, revision.changed_at, "score_change", what, by, revision.reason, note)
    for row in build.rows:
        snapshot, panel = row.snapshot, panels.get(row.snapshot.panel_id)
        stage = {"stage": stage_names.get(snapshot.stage_id, "")}
        target = str(snapshot.pk)
        if snapshot.stage_id in build.ranked_stage_ids:
            what = _("%(stage)s: ranking finalised, rank %(rank)s, total %(total)s") % {
                **stage,
                "rank": row.rank,
                "total": number_format(row.total, 2),
            }
        else:
            what = _("%(stage)s: ranking finalised") % stage
        by = people.actor(snapshot.finalised_by, panel, say_panel=True)
        add(("ranking.finalise.row", target), snapshot.finalised_at, "finalised", what, by)
        for confirmation in snapshot.confirmations.all():
            # Recorded against the ranking (ranking.confirm), not the nominee; the chair's, by
            # the finalisation itself (AT_FINALISATION).
            by = people.actor(confirmation.juror, panel, say_panel=True)
            what = _("%(stage)s: ranking confirmed") % stage
            own = confirmation.juror_id == snapshot.finalised_by_id
            key = (AT_FINALISATION, target) if own else None
            add(key, confirmation.confirmed_at, "confirmed", what, by)
        if snapshot.signed_off_at is not None:
            what = _("%(stage)s: signed off by every juror") % stage
            add(("ranking.sign_off.row", target), snapshot.signed_off_at, "signed_off", what, "")
        if snapshot.reopened_at is not None:
            what = _("%(stage)s: ranking reopened") % stage
            by = people.actor(snapshot.reopened_by, panel, say_panel=True)
            add(("ranking.reopen.row", target), snapshot.reopened_at, "reopened", what, by,
                snapshot.reopen_reason)  # fmt: skip
    for stage_id, decision in build.ties.items():
        if stage_id not in build.ranked_stage_ids:
            continue
        what = _("%(stage)s: tie decided, position %(position)s") % {
            "stage": stage_names.get(stage_id, ""),
            "position": decision.position,
        }
        by = people.actor(decision.decided_by, panels.get(decision.panel_id), say_panel=True)
        add(("tie.decide", str(decision.pk)), decision.decided_at, "tie", what, by,
            decision.reason)  # fmt: skip
    for c in conflicts:
        what = _("%(assessor)s excluded (%(source)s)") % {
            "assessor": c.assessor,
            "source": c.source,
        }
        add(("conflict", str(c.pk)), c.recorded_at, "conflict", what, "", c.reason)
    interview = build.interview
    if interview is not None and interview.updated_by_id is not None:
        by = people.actor(interview.updated_by, build.jury, say_panel=True)
        add(("interview.update", str(interview.pk)), interview.updated_at, "interview",
            _("Interview last recorded"), by)  # fmt: skip
    for award in awards:
        title = {"title": award.display_title}
        by = people.actor(award.given_by, build.jury, say_panel=True)
        add(("award.give", str(award.pk)), award.given_at, "award",
            _("Award given: %(title)s") % title, by, award.reason)  # fmt: skip
        if award.withdrawn_at is not None:
            by = people.actor(award.withdrawn_by, build.jury, say_panel=True)
            add(("award.withdraw", str(award.pk)), award.withdrawn_at, "award_withdrawn",
                _("Award withdrawn: %(title)s") % title, by, award.withdrawn_reason)  # fmt: skip
    return events


def _revision_key(sheet: str, code: str, old, new, reason: str) -> tuple:
    """A score's change as a ScoreRevision and the scoresheet.save record that made it hold
    it: the same scoresheet, criterion, values (70 and 70.00 alike) and reason."""

    def number(value):
        try:
            return Decimal(str(value)).normalize() if value not in (None, "") else None
        except InvalidOperation:
            return value

    return ("scoresheet.save", sheet, code, number(old), number(new), reason or "")


def _audit_keys(records) -> set[tuple]:
    """The keys (as _table_events gives them) of the events the audit records hold."""
    keys, moves = set(), {}
    for record in records:
        action, target = record.action, record.target_id
        if action == "nomination.state":
            move = ((record.old or {}).get("state") or "", (record.new or {}).get("state") or "")
            moves[move] = moves.get(move, 0) + 1
            keys.add(("nomination.state", *move, moves[move]))
        elif action == "scoresheet.save":
            old, new = record.old or {}, record.new or {}
            for code, value in new.items():
                before = old.get(code)
                if code != "state" and isinstance(before, dict) and isinstance(value, dict):
                    keys.add(_revision_key(target, code, before.get("value"), value.get("value"),
                                           record.reason))  # fmt: skip
        elif action in ("conflict.create", "conflict.declare"):
            keys.add(("conflict", target))
        else:
            keys.add((action, target))
    return keys


def record_of(build, transitions, awards, conflicts, records) -> list[Event]:
    """The file's record of every change, oldest first: one entry per audit record the reader
    may see (`records`, candidates.selectors.records_seen_by), and the events of the file's
    tables that no record of the nominee holds."""
    reader = _Reader(build, records, awards)
    events = [e for e in (reader.event(r) for r in records) if e is not None]
    covered = _audit_keys(records)
    finalised = {r.target_id: r.at for r in records if r.action == "ranking.finalise.row"}
    for key, event in _table_events(build, transitions, awards, conflicts):
        if key is not None and key[0] == AT_FINALISATION:
            # The chair confirms the national result by finalising it: after its record.
            event.at = max(event.at, finalised.get(key[1], event.at))
        elif key is not None and key in covered:
            continue  # the audit record's entry says it
        events.append(event)
    events.sort(key=lambda e: e.at)  # stable: records written together keep their order
    return events
