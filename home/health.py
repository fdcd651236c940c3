"""What /healthz reports: database, migrations, task worker."""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

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
    return {"last_heartbeat": last.isoformat() if last else None}


def health_report() -> tuple[bool, dict]:
    """Return (healthy, report). Only a broken database makes the site unhealthy."""
    database = database_status()
    report = {"database": database}
    if database["ok"]:
        report["migrations"] = migrations_status()
        report["worker"] = worker_status()
    healthy = database["ok"] and report["migrations"]["ok"]
    report["status"] = "ok" if healthy else "unavailable"
    return healthy, report
