from celery import shared_task
from django.db import connection


@shared_task(name="paritrana.health_check")
def health_check() -> dict:
    """Proves a worker can reach the database it shares with the web process."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"database": one == 1, "vendor": connection.vendor}
