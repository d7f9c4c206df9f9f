"""The audit record as people read it (issue 25, item 15): each recorded value under its field's
name in the reader's language, a choice by its label, an object by its name (a person by their
full name), a file as a document rather than its storage path, numbers, dates and times in the
page's formats, in Jakarta time.

Only the reading changes: the stored records (hash-chained, audit.services) keep the values as
they were written, codes and ids included. A record names its target's model (`target_type`):
a key is read as that model's field, or as a field of the model it was taken from (a ranking's
rows, a state change's deadline); an object that no longer exists is said so, by its number.
"""

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .actions import action_label
from .models import AuditRecord
from .services import SYSTEM

# Keys recorded with a target that are fields of another model: where to read them.
ALSO_FROM = {
    "candidates.nomination": ("candidates.NominationTransition",),
    "scoring.rankingsnapshot": ("scoring.RankingSnapshotRow", "scoring.RankingConfirmation"),
}

# Fields that hold another model's choice without its list: their labels are read there.
CHOICES_FROM = {("scoring.award", "zone"): "candidates.Province"}

# Names of keys whose field has none of its own (Django's, made from the field's name, is not
# translated) or that are no field at all.
LABELS = {
    "stage": gettext_lazy("stage"),
    "category": gettext_lazy("category"),
    "province": gettext_lazy("province"),
    "panel": gettext_lazy("panel"),
    "nomination": gettext_lazy("nomination"),
    "award": gettext_lazy("award"),
    "snapshot": gettext_lazy("finalised ranking"),
    "nominations": gettext_lazy("nominees in ranked order"),
    "sha256": gettext_lazy("fingerprint of the PDF (SHA-256)"),
    "criteria": gettext_lazy("criteria"),
    "officials": gettext_lazy("officials"),
}

# What an object's name is read with.
_NAMED_WITH = {
    "candidates.nomination": ("candidate",),
    "candidates.category": ("edition",),
    "scoring.stage": ("edition",),
    "scoring.rankingsnapshot": ("panel__edition", "panel__province", "category"),
}

EMPTY = "—"


@dataclass(frozen=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True)
class Row:
    """One record as a row of the record page."""

    seq: int
    at: datetime.datetime
    when: str
    who: str
    what: str
    before: list[Line]
    after: list[Line]
    reason: str


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _models(record: AuditRecord):
    models_ = (
        _model(label) for label in (record.target_type, *ALSO_FROM.get(record.target_type, ()))
    )
    return [model for model in models_ if model is not None]


def _field(record: AuditRecord, key: str):
    """The model field a key of `record` holds, or None."""
    for model in _models(record):
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        if field.concrete:
            return field
    return None


def _place(record: AuditRecord, key: str) -> tuple[int, int] | None:
    """Where a key's field stands among its model's fields: lines follow the form's order (the
    database keeps a record's keys in an order of its own)."""
    for rank, model in enumerate(_models(record)):
        names = [field.name for field in model._meta.concrete_fields]
        if key in names:
            return rank, names.index(key)
    return None


class _Objects:
    """The objects the records point to, read in one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[type, dict] = {}

    def want(self, model, pk):
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def fetch(self):
        for model, pks in self.wanted.items():
            related = _NAMED_WITH.get(model._meta.label_lower, ())
            self.found[model] = model._default_manager.select_related(*related).in_bulk(pks)

    def name(self, model, pk) -> str:
        found = self.found.get(model, {}).get(pk)
        if found is None:
            return _("%(object)s no. %(id)s (no longer exists)") % {
                "object": capfirst(model._meta.verbose_name),
                "id": pk,
            }
        if model._meta.label_lower == "candidates.nomination":
            return found.candidate.name
        return str(found)


def _number(value) -> str:
    try:
        number = Decimal(str(value)) if not isinstance(value, int) else value
    except InvalidOperation:
        return str(value)
    return number_format(number, force_grouping=True)


def _when(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _day(value) -> str:
    day = parse_date(value) if isinstance(value, str) else value
    return date_format(day, "DATE_FORMAT") if day else str(value)


def _file(value: str) -> str:
    if os.path.splitext(value)[1].lower() == ".pdf":
        return _("PDF document")
    return _("Document")


class _Presenter:
    def __init__(self, records):
        self.records = records
        self.objects = _Objects()
        # Scoresheet id → criterion code → (its order in the rubric, its name).
        self.criteria: dict[str, dict[str, tuple[int, str]]] = {}

    # -- reading what the records point to -------------------------------------------------

    def collect(self):
        user = _model("accounts.User")
        sheets = []
        for record in self.records:
            if record.actor_id is not None:
                self.objects.want(user, record.actor_id)
            if record.target_type == "scoring.scoresheet":
                sheets.append(record.target_id)
            for values in (record.old, record.new):
                for key, value in values.items():
                    field = _field(record, key)
                    if field is not None and field.is_relation and field.many_to_one:
                        self.objects.want(field.related_model, value)
                    elif key == "nominations" and isinstance(value, list):
                        for pk in value:
                            self.objects.want(_model("candidates.Nomination"), pk)
        self.objects.fetch()
        if sheets:
            self._collect_criteria(sheets)

    def _collect_criteria(self, sheet_ids):
        """A scoresheet's record keeps each score under its criterion's code."""
        scoresheet, criterion = _model("scoring.Scoresheet"), _model("scoring.Criterion")
        sheets = scoresheet.objects.filter(pk__in=sheet_ids).select_related("nomination")
        rubrics = defaultdict(list)  # (stage, category) → the scoresheets scored by its rubric
        for sheet in sheets:
            rubrics[sheet.stage_id, sheet.nomination.category_id].append(str(sheet.pk))
        for c in criterion.objects.filter(
            rubric__stage__in={stage for stage, _category in rubrics},
            rubric__category__in={category for _stage, category in rubrics},
        ).select_related("rubric"):
            for sheet in rubrics.get((c.rubric.stage_id, c.rubric.category_id), ()):
                self.criteria.setdefault(sheet, {})[c.code] = (c.order, c.name)

    # -- presenting ---------------------------------------------------------------------------

    def label(self, record, key, field) -> str:
        if key in LABELS and (field is None or not isinstance(field.verbose_name, Promise)):
            return capfirst(str(LABELS[key]))
        if field is not None:
            return capfirst(str(field.verbose_name))
        criterion = self.criteria.get(record.target_id, {}).get(key)
        if criterion is not None:
            return criterion[1]
        return capfirst(key.replace("_", " "))

    def value(self, record, key, field, value) -> str:
        if value in (None, "") or value == []:
            return EMPTY
        if field is None:
            return self.loose(record, key, value)
        choices = field.flatchoices
        if not choices and (record.target_type, key) in CHOICES_FROM:
            choices = _model(CHOICES_FROM[record.target_type, key])._meta.get_field(key).flatchoices
        if choices:
            return str(dict(choices).get(value, value))
        if field.is_relation:
            return self.objects.name(field.related_model, value)
        if isinstance(field, models.FileField):
            return _file(str(value))
        if isinstance(field, models.BooleanField):
            return _("yes") if value else _("no")
        if isinstance(field, models.DateTimeField):
            return _when(value)
        if isinstance(field, models.DateField):
            return _day(value)
        if isinstance(field, models.DecimalField):
            return _number(value)
        if isinstance(field, models.IntegerField):
            # A year is written as it is (2021, not 2.021).
            return str(value) if field.name.endswith("year") else _number(value)
        return str(value)

    def loose(self, record, key, value) -> str:
        """A key that is no field of the target's: a scoresheet's score, a ranking's order."""
        if key == "nominations" and isinstance(value, list):
            nomination = _model("candidates.Nomination")
            return ", ".join(self.objects.name(nomination, pk) for pk in value)
        if isinstance(value, dict) and "value" in value:
            score = EMPTY if value["value"] in (None, "") else _number(value["value"])
            note = value.get("note") or ""
            return f"{score} — {note}" if note else score
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int):
            return _number(value)
        if isinstance(value, list | dict):
            return "; ".join(
                ", ".join(f"{k}: {v}" for k, v in item.items())
                if isinstance(item, dict)
                else str(item)
                for item in (value if isinstance(value, list) else [value])
            )
        return str(value)

    def place(self, record, key, stored: int) -> tuple:
        place = _place(record, key)
        if place is not None:
            return (0, *place)
        criterion = self.criteria.get(record.target_id, {}).get(key)
        return (1, criterion[0] if criterion else 0, stored)

    def lines(self, record, values: dict) -> list[Line]:
        keys = sorted(values, key=lambda k: self.place(record, k, list(values).index(k)))
        lines = []
        for key in keys:
            field = _field(record, key)
            lines.append(
                Line(self.label(record, key, field), self.value(record, key, field, values[key]))
            )
        return lines

    def who(self, record) -> str:
        if record.actor == SYSTEM:
            return _("the system")
        person = self.objects.found.get(_model("accounts.User"), {}).get(record.actor_id)
        return str(person) if person is not None else record.actor

    def row(self, record) -> Row:
        return Row(
            seq=record.seq,
            at=record.at,
            when=date_format(timezone.localtime(record.at), "DATETIME_FORMAT"),
            who=self.who(record),
            what=action_label(record.action),
            before=self.lines(record, record.old),
            after=self.lines(record, record.new),
            reason=record.reason or EMPTY,
        )


def record_rows(records) -> list[Row]:
    """`records` (AuditRecord, oldest first) as the record page shows them, in the active
    language."""
    records = list(records)
    presenter = _Presenter(records)
    presenter.collect()
    return [presenter.row(record) for record in records]
