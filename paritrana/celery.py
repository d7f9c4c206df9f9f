"""Celery application. Configuration comes from Django settings (CELERY_*): a Redis broker when
REDIS_URL is set, in-process eager execution otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paritrana.settings")

app = Celery("paritrana")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
