"""The weekly review digest to Editors: overdue reviews and pages no one may approve.

Run by the django-q2 schedule "Weekly review digest" (migration 0009). A review is
*overdue* when the page has waited at its current stage longer than
``REVIEW_OVERDUE_DAYS`` (default 7); *flagged* pages are those of the per-stage queues
(``insights.review.queues``) that no eligible reviewer can approve. Every line links to
the page's review screen. Nothing is sent when there is nothing to say.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from insights.review import stages
from insights.review.queues import QueueEntry, stage_queue

logger = logging.getLogger(__name__)

SUBJECT = "Weekly review digest: {overdue} overdue, {flagged} with no eligible reviewer"


@dataclass
class DigestLine:
    """One page of the digest, as the e-mail shows it."""

    title: str
    stage: str
    days_waiting: int
    reason: str
    url: str


def _line(entry: QueueEntry) -> DigestLine:
    return DigestLine(
        title=entry.page.get_admin_display_title(),
        stage=entry.stage.task_name,
        days_waiting=entry.days_waiting,
        reason=entry.flag_reason,
        url=settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + reverse("insights_review", args=[entry.page.pk]),
    )


def digest_contents(now=None) -> tuple[list[DigestLine], list[DigestLine]]:
    """(overdue, flagged) lines, in stage order and oldest first."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=settings.REVIEW_OVERDUE_DAYS)
    entries = [entry for stage in stages.STAGES for entry in stage_queue(stage, now)]
    overdue = [_line(entry) for entry in entries if entry.waiting_since < limit]
    flagged = [_line(entry) for entry in entries if entry.flagged]
    return overdue, flagged


def digest_recipients() -> list[str]:
    """E-mail addresses of the active Editors, each once."""
    addresses = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=stages.EDITORS_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), address.strip())
    return sorted(seen.values())


def send_weekly_digest() -> str:
    """Mail the digest to each Editor; return what was done (the task's result)."""
    overdue, flagged = digest_contents()
    if not overdue and not flagged:
        return "Nothing overdue or flagged: no digest sent."
    recipients = digest_recipients()
    if not recipients:
        logger.warning("Weekly review digest: nothing sent, no Editor has an e-mail address.")
        return "No Editor has an e-mail address: no digest sent."
    context = {
        "overdue": overdue,
        "flagged": flagged,
        "overdue_days": settings.REVIEW_OVERDUE_DAYS,
    }
    subject = SUBJECT.format(overdue=len(overdue), flagged=len(flagged))
    body = render_to_string("insights/review/digest_email.txt", context)
    # One message per Editor: no one sees the others' addresses.
    messages = [EmailMessage(subject, body, to=[address]) for address in recipients]
    sent = get_connection().send_messages(messages) or 0
    return f"Digest sent to {sent} editor(s): {len(overdue)} overdue, {len(flagged)} flagged."
