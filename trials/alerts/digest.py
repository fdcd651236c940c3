"""The daily digest: each confirmed alert gets the trials matching its search that were
added (first seen) or changed status since its last digest; nothing when nothing did."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from trials import labels
from trials.filters import TrialFilter
from trials.models import Trial

from .mail import send_digest
from .models import TrialAlert, TrialStatusChange
from .tokens import CONFIRM_MAX_AGE

logger = logging.getLogger("trials.alerts")

DIGEST_SIZE = 50
DIGEST_FIELDS = ["id", "nct_id", "brief_title", "overall_status", "last_known_status"]


def matching_changes(alert: TrialAlert, since, until) -> tuple[list[dict], int]:
    """``([{"trial", "change"}, ...], how many more)`` for ALERT in (SINCE, UNTIL]."""
    finder = TrialFilter(QueryDict(alert.query), queryset=Trial.objects.only(*DIGEST_FIELDS))
    if not finder.is_valid():  # a search stored before a filter changed its rules
        logger.warning("Trial alert %s: search no longer valid: %s", alert.pk, finder.errors_text())
        return [], 0
    # Two indexed look-ups (trials first seen in the window; trials whose status changed
    # in it), then the search over those few: an OR with the search's own conditions
    # would scan every match of a broad search.
    window = Q(
        pk__in=Trial.objects.filter(first_seen__gt=since, first_seen__lte=until).values("pk")
    ) | Q(
        pk__in=TrialStatusChange.objects.filter(changed__gt=since, changed__lte=until).values(
            "trial_id"
        )
    )
    found = finder.qs.filter(window).order_by("-last_changed", "nct_id")
    matches = list(found[: DIGEST_SIZE + 1])
    more = 0
    if len(matches) > DIGEST_SIZE:
        more = found.count() - DIGEST_SIZE
        matches = matches[:DIGEST_SIZE]
    # per trial, from the window's first old status to its last new one
    spans: dict[int, list[str]] = {}
    for trial_id, old, new in (
        TrialStatusChange.objects.filter(
            trial__in=[t.pk for t in matches], changed__gt=since, changed__lte=until
        )
        .order_by("changed", "pk")
        .values_list("trial_id", "old_status", "new_status")
    ):
        spans.setdefault(trial_id, [old, new])[1] = new
    entries = []
    for trial in matches:
        old, new = spans.get(trial.pk, ("", ""))
        text = ""
        if old != new:
            text = f"{labels.label(labels.STATUS, old)} → {labels.label(labels.STATUS, new)}"
        entries.append({"trial": trial, "change": text})
    return entries, more


def send_digests(now=None) -> dict:
    """Mail every confirmed alert its digest; drop unconfirmed requests past their link's
    expiry (we keep no address nobody confirmed). Returns the counts."""
    now = now or timezone.now()
    expired, _ = TrialAlert.objects.filter(
        confirmed__isnull=True, created__lt=now - timedelta(seconds=CONFIRM_MAX_AGE)
    ).delete()
    sent = quiet = 0
    for alert in TrialAlert.objects.filter(confirmed__isnull=False).order_by("pk").iterator():
        entries, more = matching_changes(alert, alert.since, now)
        if entries:
            send_digest(alert, entries, more)
            sent += 1
        else:
            quiet += 1
        # the window moves on either way: the next digest starts where this one ended
        TrialAlert.objects.filter(pk=alert.pk).update(last_digest=now)
    return {"sent": sent, "quiet": quiet, "expired": expired}


def record_status_change(sender, trial, old_status, new_status, **kwargs) -> None:
    """Receiver of trials.signals.trial_status_changed."""
    if old_status != new_status:
        TrialStatusChange.objects.create(trial=trial, old_status=old_status, new_status=new_status)
