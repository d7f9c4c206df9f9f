"""Faults (issue 7, point 6): a Celery worker killed in the middle of a certificate batch (the
batch completes when a worker runs again, or when the secretariat generates again), a task
delivered twice at once, and a database error in the middle of an import, a ranking
finalisation or a publication.

Redis down when a batch is started is proven where the batch pages are tested:
tests/ceremonies/test_batch_pages.py::test_an_unreachable_broker_is_refused_and_writes_nothing
(the page says so, and neither a batch nor a certificate is written).

The workers are real `celery worker` processes on Redis and the same PostgreSQL database. The
database errors are raised by Django's `connection.execute_wrapper` just before the chosen
statement would run, inside the real request: the last write the operation makes (found by a
rehearsal that is rolled back), so that every earlier write of it would remain if the operation
were not one transaction."""

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from accounts.enums import Role
from accounts.services import role_assign
from audit.models import AuditRecord
from candidates import spreadsheets
from candidates import tasks as candidate_tasks
from candidates.demo import seed_candidates
from candidates.enums import ImportKind, ImportStatus, NominationState
from candidates.models import Branch, Candidate, Edition, ImportJob, Nomination
from ceremonies import selectors
from ceremonies import services as ceremony_services
from ceremonies.models import Certificate, CertificateBatch, certificate_file_name
from paritrana.celery import app
from scoring import services as scoring_services
from scoring.enums import StageKind
from scoring.models import Award
from tests.candidates.test_spreadsheets import business_row, write_xlsx
from tests.ceremonies.test_certificate_worker import _edition_with_awards, ceremony_of
from tests.factories import UserFactory
from tests.scoring.conftest import JABAR_CITIES
from tests.test_celery_worker import ROOT, _worker_env

ADMIN = "admin@paritrana.test"
GORONTALO = "cabang.gorontalo@paritrana.test"

# The 500 page (templates/500.html) as an Indonesian and an English reader see it.
SERVER_ERROR = {
    "id": (
        "Server tidak dapat menyelesaikan permintaan Anda. Setiap perubahan disimpan "
        "seluruhnya atau tidak sama sekali, jadi tidak ada yang setengah jadi: buka halaman "
        "itu lagi untuk melihat apakah perubahan Anda sudah tersimpan sebelum mencoba lagi."
    ),
    "en": (
        "The server could not finish your request. Every change is saved completely or not at "
        "all, so nothing was left half-done: open the page again to see whether your change "
        "was saved before you try again."
    ),
}
IMPORT_FAILED_ID = (
    "Impor berhenti karena kesalahan tak terduga dan tidak ada yang disimpan. "
    "Coba lagi; jika terulang, beri tahu sekretariat."
)


# ---------------------------------------------------------------------------------------------
# A worker killed in the middle of a certificate batch

BATCH = 40
# The worker is killed inside the task of this certificate (1-based, in the order they are sent).
KILLED_IN = 12
# How long a delivered, unacknowledged task stays with its worker before Redis gives it to
# another one: CELERY_VISIBILITY_TIMEOUT, read by the settings. Production waits longer; this
# is the same mechanism made quick enough for a test.
TEST_VISIBILITY_TIMEOUT = "10"
# Redelivery takes the visibility timeout plus the time until a worker next scans Redis for
# expired tasks: up to 10 s in production (a look every 10 s, a scan at each:
# CELERY_RESTORE_INTERVAL, CELERY_RESTORE_THROTTLE); here it looks every second and scans
# each time, the same mechanism without the wait. Generous: a slow machine is not the fault
# tested.
TEST_RESTORE = {"CELERY_RESTORE_INTERVAL": "1", "CELERY_RESTORE_THROTTLE": "1"}
FINISH_WITHIN = 600
TEST_TIME_LIMITS = {
    "CERTIFICATE_TIME_LIMIT": "9",
    "PARITRANA_IMPORT_TIME_LIMIT": "9",
    "CERTIFICATE_SOFT_TIME_LIMIT": "8",
    "PARITRANA_IMPORT_SOFT_TIME_LIMIT": "8",
}


class _Worker:
    """A `celery worker` (prefork, one pool process unless told) in its own process group, so
    that it can be killed whole."""

    def __init__(self, redis_url: str, name: str, log: Path, concurrency: int = 1):
        self.redis_url, self.name, self.log = redis_url, name, log
        self.concurrency = concurrency

    def __enter__(self):
        env = _worker_env(self.redis_url)
        env["CELERY_VISIBILITY_TIMEOUT"] = TEST_VISIBILITY_TIMEOUT
        env.update(TEST_RESTORE)
        # The settings refuse a visibility timeout shorter than the tasks' hard time limits.
        env.update(TEST_TIME_LIMITS)
        command = [sys.executable, "-m", "celery", "-A", "paritrana", "worker"]
        command += ["--pool", "prefork", "--concurrency", str(self.concurrency)]
        command += ["--queues", "celery"]
        command += ["--hostname", f"{self.name}@%h", "--loglevel", "INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL to the main process and its pool at once, as when the machine, the
        container or the out-of-memory killer stops it: no warm shutdown that would give the
        task back, no parent left to requeue it (reject_on_worker_lost covers a lost child)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()
        print(f"--- worker {self.name} ---\n{self.log.read_text()}")  # shown when a test fails


@pytest.fixture
def broker(redis_url, require_service, transactional_db):
    """Redis with no task left over from another test, and PostgreSQL (a worker process cannot
    share the in-memory SQLite test database). Data is committed, for the workers to see it."""
    if connection.vendor != "postgresql":
        require_service("a worker process cannot share the in-memory SQLite test database")
    import redis

    assert app.conf.task_always_eager is False
    app.control.purge()
    client = redis.Redis.from_url(redis_url)
    client.delete("unacked", "unacked_index", "unacked_mutex")  # kombu's own bookkeeping
    return client


@contextmanager
def _row_locked(certificate: Certificate):
    """Hold the certificate's row lock from a second connection: the worker that reaches it
    waits inside its task (delivered, unacknowledged, its transaction open) until released.
    Yields the locking session's process id."""
    other = connection.copy()
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            table = connection.ops.quote_name(Certificate._meta.db_table)
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [certificate.pk])  # noqa: S608
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        yield pid
    finally:
        other.rollback()
        other.close()


def _sessions_blocked_by(pid: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [pid]
        )
        return cursor.fetchone()[0]


def _wait(condition, failure, seconds: float = FINISH_WITHIN):
    """Poll until `condition()` is true (and return it); fail with `failure()` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(failure())


def _unacknowledged_tasks(broker) -> dict[int, str]:
    """The tasks Redis holds as delivered but unacknowledged: certificate id → task id."""
    tasks = {}
    for raw in broker.hvals("unacked"):
        message = json.loads(raw)[0]
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        tasks[kwargs.get("certificate_id")] = message["headers"]["id"]
    return tasks


def _not_delivered_again(batches) -> str:
    progress = [selectors.batch_progress(b) for b in batches]
    return (
        f"Not finished {FINISH_WITHIN} s after the worker was restarted: {progress}. The killed "
        "worker's task was not delivered again: Redis gives an unacknowledged task to another "
        "worker only after its visibility timeout (kombu's default: one hour). Set "
        'CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT} '
        "in paritrana/settings.py."
    )


def _ceremony_of_a_batch(size: int):
    edition = _edition_with_awards(size)
    return edition, ceremony_of(edition)


def _kill_a_worker_inside(batch, position: int, broker, redis_url: str, tmp_path: Path):
    """A worker generates the batch until it is inside the task of the certificate at
    `position`, where it is killed. That certificate's earlier attempt had left a half-written
    file behind (a worker killed after writing the file, before its transaction committed).
    Returns the certificate and the id of the task the worker was killed in."""
    interrupted = batch.certificates.order_by("pk")[position - 1]
    stray = Path(settings.MEDIA_ROOT) / certificate_file_name(interrupted, "")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"%PDF-1.7\n% written by a worker that died before committing")
    with (
        _row_locked(interrupted) as locker,
        _Worker(redis_url, "killed", tmp_path / "killed.log") as worker,
    ):
        _wait(
            lambda: _sessions_blocked_by(locker),
            lambda: f"the worker never reached certificate no. {position}",
        )
        worker.kill()
    unacknowledged = _unacknowledged_tasks(broker)
    assert interrupted.pk in unacknowledged  # its task was in flight, and is not lost
    interrupted.refresh_from_db()
    assert (interrupted.generated_at, interrupted.file.name) == (None, "")
    generated = batch.certificates.filter(generated_at__isnull=False).count()
    assert 0 < generated < batch.total, generated  # killed in the middle of the batch
    return interrupted, unacknowledged[interrupted.pk]


def _assert_one_good_pdf_per_award(edition, ceremony) -> None:
    certificates = list(Certificate.objects.filter(ceremony=ceremony).order_by("pk"))
    awards = sorted(Award.objects.filter(category__edition=edition).values_list("pk", flat=True))
    assert sorted(c.award_id for c in certificates) == awards  # one each: none missing, no twin
    assert [(c.error, c.generated_at is not None, c.file.name) for c in certificates] == [
        ("", True, f"certificates/{edition.year}/{c.serial}.pdf") for c in certificates
    ]
    media = Path(settings.MEDIA_ROOT)
    on_disk = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
    assert on_disk == sorted(c.file.name for c in certificates)  # nothing beside them
    for certificate in certificates:
        reader = PdfReader(media / certificate.file.name)
        text = " ".join(reader.pages[0].extract_text().split())
        assert (len(reader.pages), certificate.recipient in text) == (1, True), certificate.serial
    # Generated once each, as the audit record says, and the file on disk is the one recorded.
    generated = {
        int(record.target_id): record.new["sha256"]
        for record in AuditRecord.objects.filter(action="certificate.generate")
    }
    assert AuditRecord.objects.filter(action="certificate.generate").count() == len(certificates)
    assert generated == {
        c.pk: hashlib.sha256((media / c.file.name).read_bytes()).hexdigest() for c in certificates
    }


FINISHED = {"failed": 0, "waiting": 0, "percent": 100, "finished": True}


@pytest.mark.services
def test_a_certificate_batch_completes_after_its_worker_is_killed(
    broker, redis_url, regions, tmp_path
):
    edition, ceremony = _ceremony_of_a_batch(BATCH)
    batch = ceremony_services.certificates_issue(actor=None, ceremony=ceremony)  # sent on commit
    interrupted, killed_task = _kill_a_worker_inside(batch, KILLED_IN, broker, redis_url, tmp_path)

    with _Worker(redis_url, "restarted", tmp_path / "restarted.log"):
        progress = _wait(
            lambda: (p := selectors.batch_progress(batch))["finished"] and p,
            lambda: _not_delivered_again([batch]),
        )

    assert progress == {"done": BATCH, "total": BATCH, **FINISHED}
    # The task the worker died in was delivered again and generated its certificate.
    assert (app.AsyncResult(killed_task).state, app.AsyncResult(killed_task).result) == (
        "SUCCESS",
        interrupted.serial,
    )
    _assert_one_good_pdf_per_award(edition, ceremony)


@pytest.mark.services
def test_generating_again_after_a_killed_worker_gives_no_second_certificate(
    broker, redis_url, regions, tmp_path, client
):
    """The secretariat need not wait for the killed task to come back: "Generate certificates"
    on the ceremony page sends the certificates still waiting again. When the killed task comes
    back later, it finds its certificate generated and leaves it as it is."""
    size = 12
    edition, ceremony = _ceremony_of_a_batch(size)
    batch = ceremony_services.certificates_issue(actor=None, ceremony=ceremony)
    interrupted, killed_task = _kill_a_worker_inside(batch, 4, broker, redis_url, tmp_path)
    admin = UserFactory(email="sekretariat@example.test")
    role_assign(user=admin, role=Role.NATIONAL_ADMIN)
    client.force_login(admin)

    response = client.post(reverse("ceremonies:certificates_issue", args=[ceremony.pk]))
    again = CertificateBatch.objects.latest("pk")
    assert (response.status_code, response.url, again.total) == (
        302,
        reverse("ceremonies:batch", args=[again.pk]),
        size,
    )
    with _Worker(redis_url, "restarted", tmp_path / "restarted.log"):
        _wait(
            lambda: all(selectors.batch_progress(b)["finished"] for b in (batch, again)),
            lambda: _not_delivered_again([batch, again]),
        )
        _wait(
            lambda: app.AsyncResult(killed_task).state == "SUCCESS",
            lambda: _not_delivered_again([batch, again]),
        )

    assert app.AsyncResult(killed_task).result == interrupted.serial
    assert [selectors.batch_progress(b) for b in (batch, again)] == [
        {"done": size, "total": size, **FINISHED}
    ] * 2
    _assert_one_good_pdf_per_award(edition, ceremony)


@pytest.mark.services
def test_an_import_task_delivered_twice_at_once_imports_once(
    broker, redis_url, regions, tmp_path, settings
):
    """What the broker does with a task still running past the visibility timeout: it hands it
    to a second worker process. The second run waits for the first and finds the job done."""
    seed_candidates()
    user = UserFactory()
    role_assign(user=user, role=Role.BRANCH_STAFF, branch=Branch.objects.get(code="gorontalo"))
    rows = 1500
    path = write_xlsx(tmp_path / "besar.xlsx", [business_row(i) for i in range(rows)])
    settings.PARITRANA_IMPORT_ASYNC_ROWS = rows
    app.conf.task_always_eager = True  # checked here, at once (its task run in-process)
    try:
        job = spreadsheets.import_upload(
            user=user,
            kind=ImportKind.BUSINESS,
            edition=Edition.objects.get(year=2021),
            upload=SimpleUploadedFile("besar.xlsx", Path(path).read_bytes()),
        )
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED
    # Confirmed, as import_confirm leaves a large job for its task; the task is sent twice.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    before = (Candidate.objects.count(), Nomination.objects.count())
    sent = [candidate_tasks.import_run.delay(job_id=job.pk) for _twice in range(2)]

    with _Worker(redis_url, "pair", tmp_path / "pair.log", concurrency=2):
        _wait(
            lambda: all(result.ready() for result in sent),
            lambda: f"the two deliveries did not finish: {[r.state for r in sent]}",
        )

    assert [result.get() for result in sent] == [ImportStatus.DONE] * 2
    job.refresh_from_db()
    assert (job.status, job.nominations_created, job.errors) == (ImportStatus.DONE, rows, [])
    assert (Candidate.objects.count(), Nomination.objects.count()) == (
        before[0] + rows,
        before[1] + rows,
    )


# ---------------------------------------------------------------------------------------------
# A database error in the middle of an import, a finalisation, a publication

_WRITE = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _write(sql: str) -> tuple[str, str] | None:
    """("INSERT", "candidates_nomination") for a write statement, None for any other."""
    match = _WRITE.match(sql)
    return (match[1].split()[0].upper(), match[2]) if match else None


def _rehearse(operation) -> list[tuple[str, str]]:
    """The writes an operation makes, in order: it runs once in a transaction rolled back."""
    writes = []

    def record(execute, sql, params, many, context):
        if key := _write(sql):
            writes.append(key)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(record):
        operation()
        transaction.set_rollback(True)
    return writes


class _FailOn:
    """Raise DatabaseError when the `occurrence`-th write of `key` is about to run."""

    def __init__(self, key: tuple[str, str], occurrence: int):
        self.key, self.occurrence, self.seen, self.raised = key, occurrence, 0, False

    def __call__(self, execute, sql, params, many, context):
        if _write(sql) == self.key:
            self.seen += 1
            if self.seen == self.occurrence:
                self.raised = True
                raise DatabaseError(f"injected by the test: {' '.join(self.key)}")
        return execute(sql, params, many, context)


def _fail_on_the_last_of(writes: list[tuple[str, str]]) -> _FailOn:
    return _FailOn(writes[-1], writes.count(writes[-1]))


def _database(*left_out: str) -> dict[str, list]:
    """Every row of every table (but sessions, which a request may touch, and `left_out`)."""
    skipped = {"sessions.session", *left_out}
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in skipped
    }


def _sizes(state: dict[str, list]) -> dict[str, int]:
    return {table: len(rows) for table, rows in state.items()}


def _server_error(client) -> None:
    """Show the client the 500 page a visitor gets, instead of raising the view's exception."""
    client.raise_request_exception = False


@pytest.mark.parametrize("way", ["request", "task"])
def test_a_database_error_in_the_middle_of_an_import_rolls_it_back(
    client,
    demo_accounts,
    tmp_path,
    settings,
    tasks_in_process,
    django_capture_on_commit_callbacks,
    way,
):
    if way == "task":
        settings.PARITRANA_IMPORT_ASYNC_ROWS = 2  # checked and imported by candidates.tasks
    client.force_login(demo_accounts[GORONTALO])
    path = write_xlsx(tmp_path / "usaha.xlsx", [business_row(i) for i in range(3)])
    with django_capture_on_commit_callbacks(execute=True), open(path, "rb") as handle:
        response = client.post(
            reverse("candidates:import_start"),
            {"kind": "business", "edition": Edition.objects.get(year=2021).pk, "file": handle},
        )
    job = ImportJob.objects.latest("pk")
    assert (response.url, job.status) == (
        reverse("candidates:import_job", args=[job.pk]),
        ImportStatus.VALIDATED,
    )

    def confirm():
        spreadsheets.import_confirm(job=job)
        if way == "task":
            candidate_tasks.import_run(job_id=job.pk)  # what the worker runs on commit

    writes = _rehearse(confirm)
    assert {
        ("INSERT", "audit_auditrecord"),
        ("INSERT", "candidates_candidate"),
        ("INSERT", "candidates_nomination"),
        ("INSERT", "candidates_nominationtransition"),
        ("INSERT", "candidates_businessdata"),
    } <= set(writes[:-1])
    fail = _fail_on_the_last_of(writes)
    before = _database("candidates.importjob")

    with connection.execute_wrapper(fail), django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.post(reverse("candidates:import_confirm", args=[job.pk]))

    assert (fail.raised, len(sent)) == (True, 1 if way == "task" else 0)
    after = _database("candidates.importjob")
    assert _sizes(after) == _sizes(before)
    assert after == before
    job.refresh_from_db()
    assert (job.status, job.nominations_created, job.errors) == (
        ImportStatus.FAILED,
        0,
        [{"row": None, "column": "", "message": IMPORT_FAILED_ID}],
    )
    assert response.url == reverse("candidates:import_job", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "<h2>Impor gagal</h2>" in page
    assert IMPORT_FAILED_ID in page


@pytest.fixture
def round_to_finalise(make_round):
    """Three Jawa Barat cities scored by all three members; the provincial result stage open."""
    round_ = make_round()
    for index, code in enumerate(JABAR_CITIES[:3]):
        nomination = round_.nominate(code)
        for person in round_.members:
            round_.score(person, nomination, 90 - 10 * index)
    round_.open(StageKind.PROVINCIAL_RESULT)
    return round_


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_database_error_in_the_middle_of_a_finalisation_rolls_it_back(
    client, round_to_finalise, language
):
    round_ = round_to_finalise
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(round_.chair)
    writes = _rehearse(
        lambda: scoring_services.ranking_finalise(
            actor=round_.chair, panel=round_.panel, category=round_.category
        )
    )
    assert {
        ("INSERT", "audit_auditrecord"),
        ("INSERT", "scoring_rankingsnapshot"),
        ("INSERT", "scoring_rankingsnapshotrow"),
        ("UPDATE", "candidates_nomination"),
    } <= set(writes[:-1])
    fail = _fail_on_the_last_of(writes)
    before = _database()
    url = reverse("scoring:ranking_category", args=[round_.panel.pk, round_.category.pk])

    _server_error(client)
    with connection.execute_wrapper(fail):
        response = client.post(
            reverse("scoring:finalise", args=[round_.panel.pk, round_.category.pk]),
            {"confirm": "on"},
        )

    assert (fail.raised, response.status_code) == (True, 500)
    assert SERVER_ERROR[language] in response.content.decode()
    after = _database()
    assert _sizes(after) == _sizes(before)
    assert after == before
    for nomination in round_.nominations:
        nomination.refresh_from_db()
        assert (nomination.state, nomination.provincial_label) == (NominationState.VERIFIED, "")
    page = client.get(url).content.decode()
    assert "data-finalise-form" in page  # still waiting to be finalised, and can be again


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_database_error_in_the_middle_of_a_publication_rolls_it_back(
    client, demo_accounts, language
):
    admin = demo_accounts[ADMIN]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(admin)
    edition = Edition.objects.get(year=2020)
    writes = _rehearse(lambda: ceremony_services.results_publish(actor=admin, edition=edition))
    assert {("INSERT", "ceremonies_publication"), ("INSERT", "audit_auditrecord")} <= set(
        writes[:-1]
    )
    fail = _fail_on_the_last_of(writes)
    before = _database()

    _server_error(client)
    with connection.execute_wrapper(fail):
        response = client.post(
            reverse("ceremonies:publish", args=[2020]), {"province": "", "confirm": "on"}
        )

    assert (fail.raised, response.status_code) == (True, 500)
    assert SERVER_ERROR[language] in response.content.decode()
    after = _database()
    assert _sizes(after) == _sizes(before)
    assert after == before
    assert selectors.publication_of(edition, None) is None
    page = client.get(reverse("ceremonies:edition", args=[2020])).content.decode()
    assert 'action="/ceremonies/2020/publish/"' in page  # still to publish, and can be again
