"""Celery application. Configuration comes from Django settings (CELERY_*): a Redis broker when
REDIS_URL is set, in-process eager execution otherwise.

Two worker settings of our own:
- A worker process warms up before its first task (ceremonies.tasks renders a sample
  certificate) and is handed tasks only once it reports up; Celery kills a process that has not
  reported within worker_proc_alive_timeout (4 s by default), which a warm-up on a busy machine
  may exceed, so it is given longer.
- Database connections are kept from one task to the next, as the web processes keep them
  (CONN_MAX_AGE, CONN_HEALTH_CHECKS): Celery's Django fixup would otherwise close them before
  and after every task, and every certificate would open a connection of its own. Before and
  after each task Django's own check closes a connection that failed or is too old.
- Each pool process may map at most settings.CELERY_WORKER_MEMORY_MB of data (RLIMIT_DATA, set
  as it starts): one task that needs more (a hostile spreadsheet) gets MemoryError and fails its
  own work, instead of the kernel's out-of-memory killer taking the worker, or the machine, down.
  worker_max_memory_per_child (CELERY_WORKER_MAX_MEMORY_PER_CHILD) only looks after a task has
  finished, so it cannot bound one task; it replaces a process that kept its memory."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paritrana.settings")

app = Celery("paritrana")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    worker_proc_alive_timeout=60,
    # Read by Celery's Django fixup: close every connection only after this many tasks.
    CELERY_DB_REUSE_MAX=1000,
)
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(**kwargs) -> None:
    from django.db import close_old_connections

    if not getattr(kwargs.get("task").request, "is_eager", False):
        close_old_connections()


@worker_process_init.connect
def _bound_memory(**kwargs) -> None:
    import resource

    from django.conf import settings

    limit = settings.CELERY_WORKER_MEMORY_MB * 1024 * 1024
    if limit > 0:
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
