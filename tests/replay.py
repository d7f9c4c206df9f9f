"""Build a test's data once per process, replay it in every later test.

Much of the suite starts from data built through the services (the demo with its replays, a
provincial round scored and finalised, a national round interviewed): real work, with every
validation, lock and audit record, that takes from a tenth of a second to seconds each time.
`replayed(key, build)` runs `build()` the first time and records the statements that wrote its
rows (inserts, updates, deletes and the savepoints around them) and the id counters they started
from. A later test that asks for the same key, in the same language, on a database in the same
state (the same rows in every table), gets the counters set back and the same statements run
again: the same rows with the same ids, audit chain included, in a fraction of the time, inside
its own transaction as before. It also gets a copy of the Python objects the first build
returned, which match those rows (the same ids, the same field values).

The files a build writes under MEDIA_ROOT (a certificate's PDF, generated on commit in a
transactional test) are kept too and written again, under the MEDIA_ROOT of the replay.

A build that cannot be replayed (a bulk statement logged as "N times …", another kind of
statement) is simply built again each time. A build whose work goes on elsewhere (a task sent
to a Celery worker) is not for `replayed`: the replay sends nothing.
"""

from __future__ import annotations

import copy
from collections import deque
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

_WRITES = ("INSERT", "UPDATE", "DELETE")
_SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
_READS = ("SELECT", "WITH")
_CACHE: dict = {}
_BATCH = 500


def _id_counters() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
            return [(f'"{schema}"."{name}"', value) for schema, name, value in cursor.fetchall()]
        cursor.execute("SELECT name, seq FROM sqlite_sequence")
        return list(cursor.fetchall())


def _restore_id_counters(counters) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, value in counters:
                if value is None:
                    cursor.execute("SELECT setval(%s, 1, false)", [name])
                else:
                    cursor.execute("SELECT setval(%s, %s, true)", [name, value])
            return
        cursor.execute("DELETE FROM sqlite_sequence")
        for name, value in counters:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value])


_PRIMARY_KEYS: dict[str, str] = {}


def _primary_key(cursor, table: str) -> str:
    if table not in _PRIMARY_KEYS:
        columns = connection.introspection.get_primary_key_columns(cursor, table) or []
        _PRIMARY_KEYS[table] = columns[0] if len(columns) == 1 else ""
    return _PRIMARY_KEYS[table]


# Values that statements written later are computed from, beyond which rows exist: the audit
# chain links each record to the hash of the one before (kept in its head), and two builds of
# the same rows at other moments have other hashes.
_FINGERPRINTS = {"audit_audithead": "hash"}


def _table_state() -> tuple:
    """How many rows every table holds and its highest key (or its fingerprint, above): the
    state a build starts from (two builds of the same rows through other paths have other ids)."""
    tables = sorted(connection.introspection.table_names(include_views=False))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        parts = []
        for i, table in enumerate(tables):
            key = _primary_key(cursor, table)
            highest = f"CAST(MAX({quote(key)}) AS TEXT)" if key else "''"
            if table in _FINGERPRINTS:
                highest = f"MAX({quote(_FINGERPRINTS[table])})"
            parts.append(f"SELECT {i}, COUNT(*), {highest} FROM {quote(table)}")  # noqa: S608
        cursor.execute(" UNION ALL ".join(parts))
        # PostgreSQL may answer a UNION ALL's parts in any order.
        return tuple(sorted((tables[i], n, top) for i, n, top in cursor.fetchall() if n))


def _media_files() -> dict[str, tuple[int, int]]:
    """Every file under MEDIA_ROOT, by its path in it: when it was written and its size."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def _media_written(before: dict) -> tuple[dict[str, bytes], list[str]]:
    """The files written since `before` (with their contents) and those removed."""
    after = _media_files()
    root = Path(settings.MEDIA_ROOT)
    written = {
        name: (root / name).read_bytes() for name, seen in after.items() if before.get(name) != seen
    }
    return written, sorted(set(before) - set(after))


def _media_replay(written: dict[str, bytes], removed: list[str]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for name in removed:
        (root / name).unlink(missing_ok=True)
    for name, content in written.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _replayable(sql: str) -> str | None:
    """'write' or 'savepoint' (replayed), 'read' (left out) or None (cannot be replayed)."""
    head = sql.lstrip().upper()
    # A replay inside a build sets PostgreSQL's id counters back: so must its replay.
    if head.startswith(_WRITES) or head.startswith("SELECT SETVAL("):
        return "write"
    if head.startswith(_SAVEPOINTS):
        return "savepoint"
    if head.startswith(_READS):
        return "read"
    if head in ("BEGIN", "COMMIT"):
        # The transactions of a transactional test's build: its replay is one transaction,
        # which ends with the same rows. (A ROLLBACK is not replayable.)
        return "read"
    return None


def replayed(key, build):
    """`build()` the first time, its recorded statements after (see the module's docstring)."""
    # Texts the services store (a stage's name) are written in the active language; a build in
    # a transactional test commits, and what runs on commit (a certificate's PDF) is not replayed.
    state = (
        connection.vendor,
        key,
        translation.get_language(),
        connection.in_atomic_block,
        _table_state(),
    )
    cached = _CACHE.get(state)
    if cached is not None:
        result, counters, statements, media = cached
        # One transaction: in a transactional test (autocommit) each statement would otherwise
        # be committed on its own, and the recorded savepoints need a transaction to run in.
        with transaction.atomic(), connection.cursor() as cursor:
            _restore_id_counters(counters)
            if connection.vendor == "postgresql":
                # PostgreSQL takes many statements in one message: hundreds per round trip.
                for start in range(0, len(statements), _BATCH):
                    cursor.execute(";\n".join(statements[start : start + _BATCH]))
            else:
                for sql in statements:
                    cursor.execute(sql)
        _media_replay(*media)
        _settle_demo_flag()
        return copy.deepcopy(result)
    counters = _id_counters()
    files_before = _media_files()
    # Every statement must be kept (Django keeps the last 9,000 by default); a build inside
    # a build keeps the outer one's log, which must see its statements too.
    log = connection.queries_log
    if log.maxlen is not None:
        connection.queries_log = deque(log, maxlen=None)
    try:
        with CaptureQueriesContext(connection) as captured:
            result = build()
        statements = [query["sql"] for query in captured.captured_queries]
    finally:
        if log.maxlen is not None:
            connection.queries_log = deque(connection.queries_log, maxlen=log.maxlen)
    kinds = [_replayable(sql) for sql in statements]
    if None not in kinds:
        kept = [sql for sql, kind in zip(statements, kinds, strict=True) if kind != "read"]
        _CACHE[state] = (copy.deepcopy(result), counters, kept, _media_written(files_before))
    _settle_demo_flag()
    return result


def _settle_demo_flag() -> None:
    """Whether the site runs on demo data is cached (candidates.selectors.demo_data_present):
    read it again now that the data changed, as a running site would have read it before the
    request a test measures. A replay sends no signal that would make it forget."""
    from candidates.selectors import demo_data_present, forget_demo_data_present

    forget_demo_data_present()
    demo_data_present()
