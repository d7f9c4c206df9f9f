"""The application's database role in production (docker-compose.yml, SECURITY.md).

Migrations run as the database's owner role; the application connects as a role that owns
nothing (deploy/postgres/10-paritrana-roles.sh creates both). `app_role_grant`, run as the owner
after every migrate (deploy/migrate.sh: `python manage.py grant_app_privileges ROLE`), gives that
role what the application needs and no more:

- SELECT, INSERT, UPDATE and DELETE on every table, USAGE and SELECT on every sequence, now and
  (default privileges of the owner) on the tables later migrations add;
- on the audit record only SELECT and INSERT: with the append-only trigger (audit migration 0002)
  no record can be changed or deleted by the application, and as it owns neither the table nor
  the trigger's function it cannot drop, disable or replace them, nor truncate or drop the table.

Running it again is harmless: every statement sets a state.
"""

import re

from django.db import connection as default_connection

from audit.models import AuditRecord

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"
AUDIT_PRIVILEGES = "SELECT, INSERT"


class RoleError(ValueError):
    pass


def app_role_statements(role: str, *, schema: str = "public") -> list[str]:
    """The statements that give `role` the application's privileges in `schema`."""
    if not ROLE_NAME.fullmatch(role):
        raise RoleError(f"{role!r} is not a role name (lower-case letters, digits, _).")
    audit = f'"{schema}"."{AuditRecord._meta.db_table}"'
    role = f'"{role}"'
    schema = f'"{schema}"'
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {TABLE_PRIVILEGES} ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {role}",
        f"REVOKE ALL ON {audit} FROM PUBLIC, {role}",
        f"GRANT {AUDIT_PRIVILEGES} ON {audit} TO {role}",
    ]


def app_role_grant(role: str, *, connection=default_connection) -> list[str]:
    """Give `role` the application's privileges, as the connection's role (the owner); returns
    the statements run. Refuses any database but PostgreSQL, and the connection's own role."""
    if connection.vendor != "postgresql":
        raise RoleError("Database roles need PostgreSQL.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        current, schema = cursor.fetchone()
        if role == current:
            raise RoleError(
                f"{role!r} is the role running the migrations; name the application's role."
            )
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RoleError(f"There is no role {role!r}.")
        statements = app_role_statements(role, schema=schema)
        for statement in statements:
            cursor.execute(statement)
    return statements
