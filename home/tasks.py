"""Background tasks of the site itself."""

from django.utils import timezone


def worker_heartbeat() -> str:
    """Scheduled every minute; /healthz reads when a worker last ran it."""
    return timezone.now().isoformat()
