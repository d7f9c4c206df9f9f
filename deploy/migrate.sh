#!/bin/sh
# docker-compose.yml's `migrate` service: as the database's owner role (MIGRATE_DATABASE_URL),
# apply the migrations, give the application role (PARITRANA_DB_APP, the role of DATABASE_URL)
# its privileges (python manage.py grant_app_privileges: the tables, sequences and defaults for
# tables added later; on the audit record only INSERT and SELECT) and load the regions.
set -eu
: "${MIGRATE_DATABASE_URL:?MIGRATE_DATABASE_URL (the owner role) is not set}"
: "${PARITRANA_DB_APP:?PARITRANA_DB_APP (the application role) is not set}"
export DATABASE_URL="$MIGRATE_DATABASE_URL"
python manage.py migrate --noinput
python manage.py grant_app_privileges "$PARITRANA_DB_APP"
python manage.py load_regions
