# Paritrana task runner. `make run` starts the demo site; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
# Settings for the local demo: the embedded default (SQLite, tasks in-process) with DEBUG on.
RUN_ENV := DEBUG=$${DEBUG:-1}
# The suite runs with DEBUG off, as production does; it only needs a throwaway key.
TEST_ENV := SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key-0123456789abcdefghijklmnopqrstuvwxyz}

.PHONY: install run test test-fast lint format messages lock check-deploy clean bench

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# How far seed_demo replays the Jawa Barat 2018 provincial round on a new database (submitted,
# verified, scored or finalised): `make run JABAR_2018=submitted` leaves it for the browser.
JABAR_2018 ?= finalised
# How far it replays the 2020 national round (selection, interview, result or finalised):
# `make run NATIONAL_2020=selection` leaves the jury's work for the browser.
NATIONAL_2020 ?= finalised

run: install
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) load_regions
	$(RUN_ENV) $(MANAGE) seed_demo --jabar-2018=$(JABAR_2018) --national-2020=$(NATIONAL_2020)
	$(RUN_ENV) $(MANAGE) create_demo_accounts
	@echo "Paritrana is at http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist; PYTEST_WORKERS=0 runs it in one process) with the
# services this machine has: PostgreSQL and Redis on their usual addresses are used when
# DATABASE_URL / REDIS_URL are not set (tests/services.py; set one empty to keep it out).
PYTEST_WORKERS ?= auto
PYTEST_RUN = $(TEST_ENV) env $$($(BIN)/python -m tests.services) \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

test: install
	$(PYTEST_RUN) $(PYTEST_ARGS)

# The inner loop: everything but the browser tests (Chromium), the Celery worker tests and the
# deployment tests (nginx, gunicorn, migrations on a fresh database).
test-fast: install
	$(PYTEST_RUN) -m "not browser and not worker and not deploy" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Production-like settings from .env.example must pass Django's deployment checks.
check-deploy: install
	set -a && . ./.env.example && set +a && $(BIN)/python manage.py check --deploy --fail-level WARNING

# The benchmarks of issues 8 and 24 (bench/__main__.py): a national-scale edition on PostgreSQL,
# Redis, gunicorn, a Celery worker and wrk, each path measured beside its floor at a quarter and at
# the full size, and a branch with 240,000 nominations (its dashboard and exports). Writes bench/results.json and bench/results.md (quoted in the README). The database
# named here is dropped and created again. BENCH_ARGS passes options, e.g. "--only ranking".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/paritrana_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

bench: install
	command -v wrk >/dev/null && ldconfig -p | grep -q libharfbuzz-subset.so.0 || \
		($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk libharfbuzz-subset0)
	$(TEST_ENV) DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) \
		$(BIN)/python -m bench $(BENCH_ARGS)

# Refresh both translation catalogues from the source, then compile them (needs gettext).
messages: install
	DEBUG=1 $(MANAGE) makemessages --locale id --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	DEBUG=1 $(MANAGE) compilemessages --ignore '.venv/*'

# Re-pin requirements.lock from the ranges in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet ".[dev]"
	(echo "# Pinned set installed by 'make install'; regenerate with 'make lock' after changing pyproject.toml."; \
	 .lock-venv/bin/pip freeze --exclude-editable | grep -v '^paritrana') > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
