import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from candidates.services import regions_load
from tests import demo_data, services


def pytest_configure(config):
    # CI sets REQUIRE_SERVICES=1: a test that needs PostgreSQL, Redis or a Celery worker fails
    # there instead of skipping when the service is missing.
    config.require_services = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config, specs):
    """Each parallel test process (pytest-xdist) gets its own Redis database, set before its
    Django settings are read: the public pages' cache, the login throttle, the task queue and
    the results of one process never meet another's (pytest-django gives each its own test
    database: test_<name>_gw0, _gw1, …)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return
    for index, spec in enumerate(specs):
        spec.env["REDIS_URL"] = services.redis_url_for_worker(url, index)


def pytest_collection_modifyitems(config, items):
    """Markers: the browser tests (tests/e2e) are `browser`, the tests that start Celery
    workers (`redis_url`) are `worker`; `make test-fast` leaves both out. The tests of the
    shipped deployment (tests/deploy) are `deploy`: each module starts its programs (nginx,
    gunicorn, a migrated database) once, in a module-scoped fixture, and the scheduler keeps a
    module in one process. The browser tests run in one parallel process and share one Chromium
    there (`pytest_xdist_make_scheduler`). A module that builds the demo once must fit it (see
    `_demo_once_problems`)."""
    for item, problem in _demo_once_problems(items):
        item.demo_once_problem = problem
    for item in items:
        if _is_browser(item):
            item.add_marker(pytest.mark.browser)
        if _is_worker(item):
            item.add_marker(pytest.mark.worker)
        if _is_deploy(item):
            item.add_marker(pytest.mark.deploy)


# Before pytest-xdist's own hook, which sends the collected tests in their order.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    """The longest waits first (a killed worker's task comes back only after Redis's
    visibility timeout; the browser journeys), so that they overlap the rest instead of ending
    the run alone. Once every hook has ordered the tests (pytest's own keeps a module's tests
    together and would put them back); the order within each part stays."""
    session.items.sort(key=_start_order)


# Modules whose tests take tens of seconds each (page walks over every route, the API fuzzer):
# after the waits, before the many short tests, so that the run ends with short ones on both
# processes instead of one process finishing a long walk alone.
LONG_MODULES = (
    "tests/security/test_access_walker.py",
    "tests/security/test_api_fuzz.py",
    "tests/security/test_xss.py",
    "tests/security/test_csrf.py",
)


def _start_order(item) -> int:
    if _is_browser(item):
        return 0
    if _is_worker(item) or _is_deploy(item):
        return 1
    return 2 if item.nodeid.startswith(LONG_MODULES) else 3


BROWSER_TESTS = "tests/e2e/"
DEPLOY_TESTS = "tests/deploy/"
# A module's tests run in one process, which builds (or replays) the data they share once; these
# modules, minutes long, are shared by test between the processes instead.
SPLIT_MODULES = {
    "tests/security/test_access_walker.py",
    "tests/security/test_api_fuzz.py",
}


def _is_browser(item) -> bool:
    return item.nodeid.startswith(BROWSER_TESTS)


def _is_deploy(item) -> bool:
    return item.nodeid.startswith(DEPLOY_TESTS)


def _is_worker(item) -> bool:
    return "redis_url" in getattr(item, "fixturenames", ())


def pytest_runtest_setup(item):
    problem = getattr(item, "demo_once_problem", None)
    if problem:
        pytest.fail(problem, pytrace=False)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & set(_TRANSACTIONAL) or (marker and marker.kwargs.get("transaction")))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush, after which Django creates the content types and
    permissions again under new ids: they are put back as migrate made them, so that the next
    test starts from the same database as every other (and a replayed build matches it)."""
    result = yield
    # (After the last test the test database is gone.)
    if _is_transactional(item) and _CANONICAL_ROWS and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_canonical_rows()
    return result


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's `--dist loadgroup` with the browser tests (tests/e2e) as one group, sent
    to one process where they share one Chromium; every other test is its own unit, for the
    best balance. The group is told by path: pytest-xdist 3.8 marks a group by appending it to
    the test's `item._nodeid`, which pytest 9 no longer reads, so its `xdist_group` markers
    group nothing."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    # pytest-xdist would otherwise send the groups with the most tests first (a module of 200
    # quick tests before a walk of 80 s), undoing the order of `pytest_collection_finish`.
    config.option.loadscopereorder = False

    class BrowserGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(BROWSER_TESTS):
                return "browser"
            module = nodeid.split("::", 1)[0]
            return nodeid if module in SPLIT_MODULES else module

    return BrowserGroupScheduling(config, log)


def pytest_report_header(config):
    return _services_lines(config)


def _services_lines(config) -> list[str]:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        db = (
            f"PostgreSQL at {database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
            f" (test database test_{database['NAME']}, one per parallel process)"
        )
    else:
        db = "SQLite in memory (PostgreSQL-only tests need DATABASE_URL)"
    redis_url = os.environ.get("REDIS_URL", "")
    redis = (
        f"Redis at {redis_url} (one database per parallel process), Celery workers on it"
        if redis_url
        else "none: tasks run in-process, the cache in memory (worker tests need REDIS_URL)"
    )
    browser = services.chromium_path()
    return [
        f"services: database {db}",
        f"services: broker and cache {redis}",
        "services: browser "
        + (
            f"{services.chromium_version() or 'Chromium'} ({browser}), one for the browser tests"
            if browser
            else f"none ({services.CHROMIUM} not found: browser tests need it)"
        ),
    ]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """What the run used and what it could not run: the services, and the tests skipped for
    a missing one, counted by reason (a newcomer sees why, not just "45 skipped")."""
    reporter = terminalreporter
    missing: dict[str, int] = {}
    other = 0
    for report in reporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(services.MISSING):
            missing[reason] = missing.get(reason, 0) + 1
        else:
            other += 1
    reporter.section("services")
    for line in _services_lines(config):
        reporter.write_line(line.removeprefix("services: "))
    if missing:
        total = sum(missing.values())
        reporter.write_line(f"{total} tests skipped for a missing service:", yellow=True)
        for reason, count in sorted(missing.items()):
            reporter.write_line(f"  {count:4d}  {reason.removeprefix(services.MISSING)}")
    else:
        reporter.write_line("no test skipped for a missing service")
    if other:
        reporter.write_line(f"{other} tests skipped for another reason (see the list above)")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage of production needs collectstatic; tests render templates directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Real hashing costs a third of a second per password; tests check access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """pytest-django's `client`, whose `force_login` is a complete login: two-factor
    authentication included for those who must use it (tests/auth.py)."""
    from tests.auth import Client

    return Client()


@pytest.fixture
def require_service(request):
    """Call with a reason when a service is missing: skip locally, fail in CI."""

    def missing(reason: str):
        if request.config.require_services:
            pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
        pytest.skip(services.MISSING + reason)

    return missing


@pytest.fixture
def regions(request, db):
    once = _demo_once(request)
    if once is not None:
        return once.regions
    return regions_load()


@pytest.fixture
def demo(request, regions):
    once = _demo_once(request)
    if once is not None:
        return once.seeded
    return demo_data.seed_demo()[0]


@pytest.fixture
def published_demo(request, demo):
    """The demo data with Jawa Barat 2018's provincial results and the 2020 national results
    published, their ceremonies held and their certificates issued. In a test transaction the
    certificates' PDFs are not generated (the tasks are sent on commit); wrap a call in
    django_capture_on_commit_callbacks(execute=True) to generate them."""
    from candidates.models import Candidate, Edition
    from ceremonies.models import Ceremony

    once = _demo_once(request)
    if once is None or "published" not in once.layers:
        demo_data.seed_ceremonies()
    return {
        "2018": Edition.objects.get(year=2018),
        "2020": Edition.objects.get(year=2020),
        "2021": Edition.objects.get(year=2021),
        "jabar_2018": Ceremony.objects.get(edition__year=2018, province="32"),
        "national_2020": Ceremony.objects.get(edition__year=2020, province__isnull=True),
        "bekasi": Candidate.objects.get(name="Pemerintah Kota Bekasi"),
    }


@pytest.fixture
def demo_accounts(request, demo):
    from accounts.models import User

    once = _demo_once(request)
    if once is None or "accounts" not in once.layers:
        demo_data.create_demo_accounts()
    return {u.email: u for u in User.objects.all()}


# ---------------------------------------------------------------------------------------------
# The demo once per module
#
# A module whose every test starts from the demo data and only reads it, or writes inside its
# own transaction, can build the demo once: `pytestmark = pytest.mark.usefixtures("demo_once")`
# (the demo), "demo_accounts_once" (and the demo accounts) or "published_demo_once" (and the
# accounts and the ceremonies of `published_demo`). The data is written inside a transaction
# opened for the module; each test runs in a savepoint of it that is rolled back (pytest-django's
# `db`), and the module's transaction is rolled back after its last test. `demo`, `regions`,
# `demo_accounts` and `published_demo` then return what the module built instead of building
# it again. Every test of such a module must ask for the layers the module builds (it would
# otherwise see data it did not ask for) and none may be transactional (it would commit and
# flush the module's data): such a test fails, saying so.

_ONCE_LAYERS = {
    "demo_once": ("demo",),
    "demo_accounts_once": ("demo", "accounts"),
    "published_demo_once": ("demo", "accounts", "published"),
}
# The function fixtures that ask for each layer (any of them).
_LAYER_FIXTURES = {
    "demo": ("demo", "demo_accounts", "published_demo"),
    "accounts": ("demo_accounts",),
    "published": ("published_demo",),
}
_TRANSACTIONAL = ("transactional_db", "live_server", "django_db_reset_sequences")


@dataclass
class DemoOnce:
    layers: tuple[str, ...]
    regions: object
    seeded: object


def _demo_once(request) -> DemoOnce | None:
    for name in _ONCE_LAYERS:
        if name in request.fixturenames:
            return request.getfixturevalue(name)
    return None


@contextmanager
def _built_once(django_db_blocker, layers):
    from django.conf import settings
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import translation

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # As the autouse fixtures of a test: media in a temporary folder, quick hashing;
            # and the default language, whatever an earlier test left active (texts the
            # services store are written in it).
            with (
                override_settings(
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                    MEDIA_ROOT=tempfile.mkdtemp(prefix="demo-once-"),
                ),
                translation.override(settings.LANGUAGE_CODE),
            ):
                once = DemoOnce(layers, regions_load(), demo_data.seed_demo()[0])
                if "accounts" in layers:
                    demo_data.create_demo_accounts()
                if "published" in layers:
                    demo_data.seed_ceremonies()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield once
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, _ONCE_LAYERS["demo_once"]) as once:
        yield once


@pytest.fixture(scope="module")
def demo_accounts_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, _ONCE_LAYERS["demo_accounts_once"]) as once:
        yield once


@pytest.fixture(scope="module")
def published_demo_once(django_db_setup, django_db_blocker):
    with _built_once(django_db_blocker, _ONCE_LAYERS["published_demo_once"]) as once:
        yield once


def _demo_once_problems(items) -> list[tuple[object, str]]:
    """The tests of a demo-once module that do not ask for every layer it builds, or that are
    transactional, each with what is wrong (the test fails with it)."""
    problems = []
    for item in items:
        names = getattr(item, "fixturenames", ())
        built = [name for name in _ONCE_LAYERS if name in names]
        if not built:
            continue
        transactional = _is_transactional(item)
        if "db" not in names and not transactional:
            continue  # no database fixture: it writes and counts nothing of its own
        wrong = []
        if len(built) > 1:
            wrong.append(f"builds the demo once twice ({', '.join(built)})")
        for layer in _ONCE_LAYERS[built[0]]:
            if not any(fixture in names for fixture in _LAYER_FIXTURES[layer]):
                wanted = " or ".join(_LAYER_FIXTURES[layer])
                wrong.append(f"its module builds {layer!r} once: ask for {wanted}")
        if transactional:
            wrong.append("transactional in a module that builds the demo once")
        if wrong:
            problems.append((item, "; ".join(wrong)))
    return problems


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL every table's ids start above 10,000, so that an id printed with the
    thousands separator of the Indonesian format (10.001) breaks a test here instead of a page
    in production."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT schemaname, sequencename FROM pg_sequences")
                for schema, name in cursor.fetchall():
                    cursor.execute("SELECT setval(%s, 10000)", [f'"{schema}"."{name}"'])
        _CANONICAL_ROWS.update(_rows_made_by_migrate())


# The tables a flush empties and Django fills again (post_migrate), as migrate left them.
_CANONICAL_TABLES = {
    "django_content_type": "id, app_label, model",
    "auth_permission": "id, name, content_type_id, codename",
}
_CANONICAL_ROWS: dict[str, list[tuple]] = {}


def _rows_made_by_migrate() -> dict[str, list[tuple]]:
    from django.db import connection

    with connection.cursor() as cursor:
        rows = {}
        for table, columns in _CANONICAL_TABLES.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            rows[table] = cursor.fetchall()
        return rows


def _restore_canonical_rows() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    if _rows_made_by_migrate() == _CANONICAL_ROWS:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # After a flush nothing else refers to them (permissions of groups and users, the
        # admin's log are empty too).
        cursor.execute("DELETE FROM auth_permission")
        cursor.execute("DELETE FROM django_content_type")
        for table, columns in _CANONICAL_TABLES.items():
            marks = ", ".join(["%s"] * len(columns.split(",")))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                _CANONICAL_ROWS[table],
            )
    ContentType.objects.clear_cache()


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in-process when sent, as without REDIS_URL (CI sets it, which would send
    them to the broker with no worker listening)."""
    from paritrana.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """The public pages' cache outlives a test (local memory in the process, Redis in CI): a page
    cached by another test must not answer here. Moving to the next generation forgets it
    without flushing the whole cache (the Redis database also holds the task queue)."""
    from candidates.selectors import forget_demo_data_present
    from paritrana.public_cache import public_cache_clear

    # So is whether the site runs on demo data: a rolled-back edition sends no signal.
    public_cache_clear()
    forget_demo_data_present()
    yield
    public_cache_clear()
    forget_demo_data_present()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language, whatever an earlier test left active (a
    request, a command or an override left open): messages, and data a test's fixtures make (a
    conflict's reason, a stage's name in a decision), are written in it."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield
