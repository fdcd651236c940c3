"""When the trial data were last refreshed: the finish time of the last successful sync.

Every public page says it (footer, explainers, methodology), so the answer is cached;
a finished run replaces it at once (``forget_last_sync`` runs when a run is saved).
"""

from datetime import datetime

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from trials.models import TrialSyncRun

CACHE_KEY = "home:last-trial-sync"
CACHE_SECONDS = 600
_NEVER = "never"  # cached marker: no successful run yet (None would read as a miss)


def last_successful_sync() -> datetime | None:
    """Finish time of the newest successful registry sync, or None when there was none."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        finished = (
            TrialSyncRun.objects.filter(
                status=TrialSyncRun.Status.SUCCEEDED, finished__isnull=False
            )
            .order_by("-finished")
            .values_list("finished", flat=True)
            .first()
        )
        cached = finished or _NEVER
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return None if cached == _NEVER else cached


@receiver(post_save, sender=TrialSyncRun, dispatch_uid="home.forget_last_sync")
def forget_last_sync(sender, **kwargs):
    cache.delete(CACHE_KEY)
