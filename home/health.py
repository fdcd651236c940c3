"""What /healthz reports: database, migrations, task worker.

Three states: ``ok``; ``degraded`` (the site serves, but the task worker has not run its
one-minute heartbeat for ``HEALTHZ_WORKER_MAX_AGE_SECONDS``, so syncs, notifications and
scheduled publishing are stalled); ``unavailable`` (database unreachable or migrations
pending). Only ``ok`` answers 200. Anyone sees the status; staff also see the detail,
because error text names hosts and ports.
"""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

HEARTBEAT_FUNC = "home.tasks.worker_heartbeat"


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "error": str(exc).strip().splitlines()[0][:200]}
    return {"ok": True}


def migrations_status() -> dict:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return {"ok": not pending, "pending": len(pending)}


def worker_status() -> dict:
    from django_q.models import Success

    last = (
        Success.objects.filter(func=HEARTBEAT_FUNC)
        .order_by("-stopped")
        .values_list("stopped", flat=True)
        .first()
    )
    max_age = timedelta(seconds=settings.HEALTHZ_WORKER_MAX_AGE_SECONDS)
    return {
        "ok": last is not None and timezone.now() - last <= max_age,
        "last_heartbeat": last.isoformat() if last else None,
        "max_age_seconds": settings.HEALTHZ_WORKER_MAX_AGE_SECONDS,
    }


def health_report() -> tuple[str, dict]:
    """Return (status, detailed report); status is ok, degraded or unavailable."""
    database = database_status()
    report = {"database": database}
    if not database["ok"]:
        status = "unavailable"
    else:
        report["migrations"] = migrations_status()
        report["worker"] = worker_status()
        if not report["migrations"]["ok"]:
            status = "unavailable"
        elif not report["worker"]["ok"]:
            status = "degraded"
        else:
            status = "ok"
    report["status"] = status
    return status, report
