"""The audit record: every service that changes nominations, their data, scores, stages,
rankings, awards or certificates calls `audit_record` in its own transaction.

Each record's hash covers its content and the previous record's hash, so the records form one
chain in the order of `seq`. Appending locks the chain's head row: concurrent writers take
their turn at that point and each links to the record committed before it."""

import datetime
import functools
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise

from paritrana.bulk import bulk_insert, bulk_insert_rows

from .models import AuditHead, AuditRecord

GENESIS = "0" * 64
SYSTEM = "system"

# The fields a record's hash covers, in the order they are written out.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "nomination_id",
    "edition_id",
    "old",
    "new",
    "reason",
    "prev_hash",
)


def plain(value):
    """A value as JSON keeps it exactly: objects by their id, decimals and dates as text."""
    # The common cases first (an import records hundreds of thousands of values).
    kind = type(value)
    if kind is str:
        return value.replace("\x00", "") if "\x00" in value else value
    if value is None or kind is int or kind is bool:
        return value
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, str):
        return value.replace("\x00", "")  # PostgreSQL's jsonb refuses NUL characters
    return value


@functools.cache
def _attnames(model: type[Model], fields: tuple) -> tuple:
    """(name, attribute) of each of the model's `fields`: a foreign key's attribute is its id."""
    return tuple((name, getattr(model._meta.get_field(name), "attname", name)) for name in fields)


def values_of(instance: Model, fields) -> dict:
    """Chosen fields of a model instance, ready for `old`/`new` (foreign keys by id)."""
    return {
        name: plain(getattr(instance, attname))
        for name, attname in _attnames(type(instance), tuple(fields))
    }


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the keys whose value differs, on both sides."""
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def record_hash(values: dict) -> str:
    """The hash of one record: SHA-256 over its hashed fields as canonical JSON."""
    content = {name: values[name] for name in HASHED_FIELDS}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def hashed_values(record: AuditRecord) -> dict:
    """A stored record's hashed fields as they were when it was hashed."""
    values = {name: getattr(record, name) for name in HASHED_FIELDS}
    values["at"] = record.at.astimezone(datetime.UTC).isoformat()
    return values


@dataclass
class Entry:
    """One change to record; see `audit_record`."""

    action: str
    target: Model
    actor: object = None
    old: dict = field(default_factory=dict)
    new: dict = field(default_factory=dict)
    reason: str = ""
    nomination_id: int | None = None
    edition_id: int | None = None


def _actor(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, SYSTEM
    return actor.pk, getattr(actor, "email", "") or str(actor)


def _scope(entry: Entry) -> tuple[int | None, int | None]:
    """Which nomination and edition a change concerns, for the nomination's record page and
    the auditor's edition scope."""
    target = entry.target
    nomination_id = entry.nomination_id
    if nomination_id is None:
        if target._meta.label_lower == "candidates.nomination":
            nomination_id = target.pk
        else:
            nomination_id = getattr(target, "nomination_id", None)
    edition_id = entry.edition_id
    if edition_id is None:
        edition_id = getattr(target, "edition_id", None)
    if edition_id is None and target._meta.label_lower == "candidates.edition":
        edition_id = target.pk
    return nomination_id, edition_id


def _head() -> AuditHead:
    """The chain's head, locked until the transaction ends (created on the first append)."""
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


@transaction.atomic
def audit_record_many(entries: list[Entry], *, records: bool = True) -> list[AuditRecord]:
    """Append several changes to the chain in one go (imports write thousands at once). With
    `records=False` no model object is made of each record and none is returned (an import's
    hundreds of thousands): the records written are the same."""
    if not entries:
        return []
    head = _head()
    now = timezone.now()
    rows = []
    seq, prev = head.seq, head.hash
    at = now.astimezone(datetime.UTC).isoformat()
    for entry in entries:
        seq += 1
        actor_id, actor = _actor(entry.actor)
        nomination_id, edition_id = _scope(entry)
        values = {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "actor": actor[:254],
            "action": entry.action,
            "target_type": entry.target._meta.label_lower,
            "target_id": str(entry.target.pk),
            "target_label": str(entry.target)[:300],
            "nomination_id": nomination_id,
            "edition_id": edition_id,
            "old": plain(entry.old),
            "new": plain(entry.new),
            "reason": plain(entry.reason or ""),
            "prev_hash": prev,
        }
        values["hash"] = prev = record_hash(values)
        values["at"] = now
        rows.append(values)
    if records:
        written = [AuditRecord(**row) for row in rows]
        bulk_insert(AuditRecord, written)
    else:
        written = []
        bulk_insert_rows(AuditRecord, rows)
    AuditHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return written


def audit_record(
    *,
    actor,
    action: str,
    target: Model,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
    nomination_id: int | None = None,
    edition_id: int | None = None,
) -> AuditRecord:
    """Append one change: who (`actor`, None for the system), what (`action`, e.g.
    "nomination.state", on `target`), the old and new values and the reason. Call it inside
    the transaction that makes the change, so that both are kept or neither is."""
    entry = Entry(
        action=action,
        target=target,
        actor=actor,
        old=old or {},
        new=new or {},
        reason=reason,
        nomination_id=nomination_id,
        edition_id=edition_id,
    )
    return audit_record_many([entry])[0]


def audit_change(*, before: dict, after: dict, **record) -> AuditRecord | None:
    """Record only the values that differ between `before` and `after` (with `record`'s
    actor, action, target, …); nothing when nothing changed."""
    old, new = changed(before, after)
    if not new:
        return None
    return audit_record(old=old, new=new, **record)
