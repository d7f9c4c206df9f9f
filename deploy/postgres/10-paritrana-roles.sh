#!/bin/sh
# PostgreSQL's image runs this once, on the first start (empty data directory), as the server's
# superuser (POSTGRES_USER) in POSTGRES_DB. Two roles, neither a superuser:
#   PARITRANA_DB_OWNER  owns the database and its tables: migrations run as it (deploy/migrate.sh)
#   PARITRANA_DB_APP    the application (DATABASE_URL): reads and writes the tables it is granted
#                       (python manage.py grant_app_privileges, run by the owner after migrate),
#                       may only insert into and read the audit record, owns nothing and creates
#                       nothing, so it cannot drop or disable the audit record's trigger.
# tests/deploy/test_database_roles.py runs this script against a real PostgreSQL.
set -eu
: "${PARITRANA_DB_OWNER:?}" "${PARITRANA_DB_OWNER_PASSWORD:?}"
: "${PARITRANA_DB_APP:?}" "${PARITRANA_DB_APP_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v db="$POSTGRES_DB" \
    -v owner="$PARITRANA_DB_OWNER" -v owner_password="$PARITRANA_DB_OWNER_PASSWORD" \
    -v app="$PARITRANA_DB_APP" -v app_password="$PARITRANA_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
CREATE ROLE :"app" LOGIN PASSWORD :'app_password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- The owner owns the database and its public schema: it creates the tables.
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
-- Nobody else creates objects in the schema (PostgreSQL before 15 let everyone).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
SQL
