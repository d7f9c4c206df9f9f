"""Two PostgreSQL roles (issue 24, item 14): migrations run as the owner role, the application as
a role that reads and writes its tables but may only insert into and read the audit record, and
can neither drop nor disable the record's append-only trigger, nor truncate or drop the table.

A fresh database and the two roles (unique names per run) are made on the suite's PostgreSQL
with the shipped files themselves: deploy/postgres/10-paritrana-roles.sh (the postgres
container's first-start script) and deploy/migrate.sh (the `migrate` service: migrate,
grant_app_privileges, load_regions as the owner). Then the application, as its role, makes a
nomination through the services (its audit records included), and every way around the record
is refused by PostgreSQL's privileges — not by the trigger, whose message differs."""

import json
import re
import secrets
import subprocess
import sys

import psycopg
import pytest

from tests.deploy import helpers

AUDIT = "audit_auditrecord"
# (PostgreSQL says "table" or "relation" depending on the statement.)
OWNER_OF_TABLE = f"must be owner of (table|relation) {AUDIT}$"
OWNER_OF_FUNCTION = "must be owner of function audit_record_refuse_change$"


def _superuser(url: str, database: str = "postgres") -> psycopg.Connection:
    env = helpers.libpq_env(url)
    return psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env.get("PGPASSWORD"),
        dbname=database,
        autocommit=True,
    )


@pytest.fixture(scope="module")
def deployed(request):
    """A database set up as the compose deployment sets it up; its owner and app URLs."""
    config = request.config
    psql = helpers.binary(config, "psql", package="postgresql-client")
    del psql
    url = helpers.postgres_superuser_url(config)
    name = f"paritrana_roles_{secrets.token_hex(5)}"
    owner, app = f"{name}_owner", f"{name}_app"
    passwords = {owner: secrets.token_hex(8), app: secrets.token_hex(8)}
    with _superuser(url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        roles = subprocess.run(
            ["sh", str(helpers.DEPLOY / "postgres" / "10-paritrana-roles.sh")],
            env=helpers.python_env(
                **helpers.libpq_env(url),
                POSTGRES_USER=helpers.libpq_env(url)["PGUSER"],
                POSTGRES_DB=name,
                PARITRANA_DB_OWNER=owner,
                PARITRANA_DB_OWNER_PASSWORD=passwords[owner],
                PARITRANA_DB_APP=app,
                PARITRANA_DB_APP_PASSWORD=passwords[app],
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert roles.returncode == 0, roles.stderr
        urls = {role: helpers.with_role(url, role, passwords[role], name) for role in (owner, app)}
        migrate = subprocess.run(
            ["sh", "deploy/migrate.sh"],
            cwd=helpers.ROOT,
            env=helpers.python_env(
                DATABASE_URL=urls[app],
                MIGRATE_DATABASE_URL=urls[owner],
                PARITRANA_DB_APP=app,
                REDIS_URL="",
                DEBUG="0",
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        yield {"name": name, "owner": owner, "app": app, "urls": urls, "migrate": migrate}
    finally:
        with _superuser(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for role in (app, owner):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True)


def test_the_tables_belong_to_the_owner_and_neither_role_is_a_superuser(deployed):
    with _connect(deployed["urls"][deployed["owner"]]) as owner:
        owners = owner.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        supers = owner.execute(
            "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
            "WHERE rolname = ANY(%s) ORDER BY rolname",
            [[deployed["owner"], deployed["app"]]],
        ).fetchall()
    assert owners == [(deployed["owner"],)]
    assert supers == [
        (deployed["app"], False, False, False),
        (deployed["owner"], False, False, False),
    ]
    assert "Privileges of " + deployed["app"] in deployed["migrate"].stdout


def test_the_application_role_writes_through_the_services(deployed):
    result = subprocess.run(
        [sys.executable, "-m", "tests.deploy.app_role_writes"],
        cwd=helpers.ROOT,
        env=helpers.python_env(
            DATABASE_URL=deployed["urls"][deployed["app"]],
            DJANGO_SETTINGS_MODULE="paritrana.settings",
            REDIS_URL="",
            DEBUG="0",
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "nomination_state": "draft",
        "audit_actions": ["nomination.state", "nomination.figures"],
        "head_is_last": True,
    }


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        (f"UPDATE {AUDIT} SET reason = 'rewritten'", f"permission denied for table {AUDIT}"),  # noqa: S608
        (f"DELETE FROM {AUDIT}", f"permission denied for table {AUDIT}"),  # noqa: S608
        (f"TRUNCATE {AUDIT}", f"permission denied for table {AUDIT}"),
        (f"DROP TRIGGER audit_record_append_only ON {AUDIT}", OWNER_OF_TABLE),
        (f"ALTER TABLE {AUDIT} DISABLE TRIGGER audit_record_append_only", OWNER_OF_TABLE),
        (f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL", OWNER_OF_TABLE),
        (f"DROP TABLE {AUDIT}", OWNER_OF_TABLE),
        (
            "CREATE OR REPLACE FUNCTION audit_record_refuse_change() RETURNS trigger "
            "AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql",
            "permission denied for schema public",
        ),
        ("DROP FUNCTION audit_record_refuse_change() CASCADE", OWNER_OF_FUNCTION),
        (f"CREATE TABLE {AUDIT}_copy (seq bigint)", "permission denied for schema public"),
    ],
)  # fmt: skip
def test_the_application_role_cannot_change_or_remove_the_audit_record(
    deployed, statement, refusal
):
    with _connect(deployed["urls"][deployed["app"]]) as app:
        before = app.execute(f"SELECT count(*) FROM {AUDIT}").fetchone()[0]  # noqa: S608
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
            app.execute(statement)
        assert re.match(refusal, str(refused.value)), str(refused.value)
        assert app.execute(f"SELECT count(*) FROM {AUDIT}").fetchone()[0] == before  # noqa: S608
    with _connect(deployed["urls"][deployed["owner"]]) as owner:
        enabled = owner.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_record_append_only'"
        ).fetchall()
    assert enabled == [("O",)]


def test_the_application_role_inserts_and_reads_the_audit_record_only(deployed):
    with _connect(deployed["urls"][deployed["owner"]]) as owner:
        privileges = owner.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = %s ORDER BY privilege_type",
            [deployed["app"], AUDIT],
        ).fetchall()
        other = owner.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = 'candidates_nomination' ORDER BY privilege_type",
            [deployed["app"]],
        ).fetchall()
    assert privileges == [("INSERT",), ("SELECT",)]
    assert other == [("DELETE",), ("INSERT",), ("SELECT",), ("UPDATE",)]


def test_a_table_added_by_a_later_migration_is_granted_to_the_application(deployed):
    """The owner's default privileges (grant_app_privileges) cover tables created later."""
    with _connect(deployed["urls"][deployed["owner"]]) as owner:
        owner.execute("CREATE TABLE later_table (id bigserial PRIMARY KEY, note text)")
    try:
        with _connect(deployed["urls"][deployed["app"]]) as app:
            app.execute("INSERT INTO later_table (note) VALUES ('added later')")
            assert app.execute("SELECT note FROM later_table").fetchall() == [("added later",)]
    finally:
        with _connect(deployed["urls"][deployed["owner"]]) as owner:
            owner.execute("DROP TABLE later_table")


def _grant(deployed, role: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "grant_app_privileges", role],
        cwd=helpers.ROOT,
        env=helpers.python_env(
            DATABASE_URL=deployed["urls"][deployed["owner"]], REDIS_URL="", DEBUG="0"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_grant_app_privileges_refuses_the_owner_itself_and_an_unknown_role(deployed):
    own = _grant(deployed, deployed["owner"])
    assert own.returncode == 1
    assert (
        f"CommandError: '{deployed['owner']}' is the role running the migrations; "
        "name the application's role."
    ) in own.stderr
    unknown = _grant(deployed, "no_such_role_here")
    assert unknown.returncode == 1
    assert "CommandError: There is no role 'no_such_role_here'." in unknown.stderr
    # Nothing was taken from the owner: it still reads its tables.
    with _connect(deployed["urls"][deployed["owner"]]) as owner:
        assert owner.execute(f"SELECT count(*) >= 0 FROM {AUDIT}").fetchone() == (True,)  # noqa: S608
