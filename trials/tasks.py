"""Background tasks of the trials app, run by django-q2 (``manage.py qcluster``)."""

import logging

from trials.models import TrialSyncRun
from trials.sync import SyncAlreadyRunning, run_sync

logger = logging.getLogger("trials.sync")


def refresh_trials() -> str:
    """The daily "Refresh trials" schedule: an incremental sync of every active query and
    every cited trial. A failed run raises, so that django-q2 lists the task as failed."""
    return _scheduled_run()


def refresh_all_trials() -> str:
    """The weekly "Refresh trials (full)" schedule: every stored trial re-fetched, so that
    a status the registry changed without posting an update date is never more than a
    week old."""
    return _scheduled_run(stored=True)


def _scheduled_run(**options) -> str:
    try:
        run = run_sync(trigger="schedule", **options)
    except SyncAlreadyRunning as exc:
        logger.info("Refresh trials skipped: %s", exc)
        return f"Skipped: {exc}"
    if run.status == TrialSyncRun.Status.FAILED:
        raise RuntimeError(run.summary())
    return run.summary()


def send_trial_alerts() -> str:
    """The daily "Send trial alerts" schedule: each confirmed e-mail alert gets the
    trials matching its search that were added or changed status since its last digest."""
    from trials.alerts.digest import send_digests

    counts = send_digests()
    return (
        f"Sent {counts['sent']} digests; {counts['quiet']} alerts had nothing new; "
        f"{counts['expired']} unconfirmed dropped."
    )
