"""Writing many rows of a model at once, faster than bulk_create on PostgreSQL (imports)."""

import json
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils.functional import Promise


def _json_value(value):
    if isinstance(value, date):  # and datetime
        return value.isoformat()
    if isinstance(value, Decimal | Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be written by bulk_insert")


def bulk_insert(model, objects: list) -> None:
    """Model.objects.bulk_create(objects), which on PostgreSQL is one INSERT … SELECT FROM
    json_populate_recordset(…) RETURNING id: the rows travel as one JSON document, where
    bulk_create prepares every value of every row in Python and psycopg quotes them into
    arrays, several times the cost (a 100,000-row spreadsheet import writes 800,000 rows,
    audit records included). As bulk_create does, it fills in the ids of the saved objects each
    object refers to, the values of auto_now fields, and each object's id."""
    if connection.vendor != "postgresql" or not objects:
        model.objects.bulk_create(objects)
        return
    fields = _fields(model)
    relations = [f for f in fields if f.is_relation]
    rows = []
    for instance in objects:
        for relation in relations:
            if getattr(instance, relation.attname) is None and relation.is_cached(instance):
                # Assigned again now that it has an id: the id is copied, the object kept.
                setattr(instance, relation.name, relation.get_cached_value(instance))
        rows.append({f.column: f.pre_save(instance, True) for f in fields})
    ids = _insert(model, fields, rows)
    for instance, (pk,) in zip(objects, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias


def bulk_insert_rows(model, rows: list[dict]) -> None:
    """bulk_insert of rows given as {column: value}, every column but the primary key's, with
    no model object made of each (an import appends hundreds of thousands of audit records,
    which nothing reads back). The values are written as they are: no field's pre_save."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows])
        return
    _insert(model, _fields(model), rows)


def _fields(model) -> list:
    # As bulk_create: no primary key, and no generated column (the database computes it).
    return [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]


def _insert(model, fields, rows: list[dict]) -> list[tuple]:
    """One INSERT of `rows` ({column: value}) as one JSON document: the new rows' ids."""
    meta, quote = model._meta, connection.ops.quote_name
    table, columns = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608 - names from _meta
            f"FROM json_populate_recordset(NULL::{table}, %s) RETURNING {quote(meta.pk.column)}",
            [json.dumps(rows, default=_json_value)],
        )
        return cursor.fetchall()
