"""Background tasks of the site itself."""

import io

from django.core.management import call_command
from django.utils import timezone


def worker_heartbeat() -> str:
    """Scheduled every minute; /healthz reads when a worker last ran it."""
    return timezone.now().isoformat()


def publish_scheduled_pages() -> str:
    """Scheduled every minute ("Publish scheduled pages"): Wagtail's ``publish_scheduled``
    makes live what was approved with a go-live date that has come (an explainer whose
    three-stage review finished before its date) and unpublishes what has expired."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue().strip()
