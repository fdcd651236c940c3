"""E-mail to a stage's group when a page reaches that stage: one per reviewer, none missing.

Wagtail's own group-approval e-mails are sent for ``TaskState`` senders only; the review
stages use ``ReviewTaskState`` so those never fire for them, and
``WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False`` stops the extra "submitted"
e-mail Wagtail sends superusers. What remains is sent here:

- after the transaction commits, so a decision that rolls back sends nothing, and only if
  the stage is still open then (a stage started and restarted in one request mails once);
- to every active member of the stage's groups with an e-mail address, once per address,
  except people the separation-of-duties rules stop from approving this revision and
  people who turned off "submitted" notifications in their Wagtail account.

Wagtail's e-mails to the submitter when the review completes or changes are requested
(one each) are kept.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)


def stage_started(sender, instance, user=None, **kwargs):
    """``task_submitted`` receiver: mail the stage's group once the stage is committed."""
    task_state_id = instance.pk
    transaction.on_commit(lambda: send_stage_notifications(task_state_id))


def stage_recipients(task_state) -> list:
    """Users to tell that TASK_STATE is waiting for them, one per e-mail address."""
    from wagtail.users.models import UserProfile

    from insights.review.rules import users_barred_from

    task = task_state.task.specific
    opted_out = UserProfile.objects.filter(submitted_notifications=False).values("user_id")
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__in=task.groups.all())
        .exclude(email="")
        .exclude(users_barred_from(task_state))
        .exclude(pk__in=opted_out)
        .distinct()
        .order_by("pk")
    )
    by_address = {}
    for user in users:
        by_address.setdefault(user.email.strip().lower(), user)
    return list(by_address.values())


def send_stage_notifications(task_state_id: int) -> int:
    """Send the "waiting for your stage" e-mails for TASK_STATE_ID; return how many."""
    from wagtail.models import TaskState

    from insights.review.screen import review_url
    from insights.review.tasks import ReviewTaskState

    task_state = (
        ReviewTaskState.objects.select_related("workflow_state", "revision", "task")
        .filter(pk=task_state_id)
        .first()
    )
    if task_state is None or task_state.status != TaskState.STATUS_IN_PROGRESS:
        return 0
    page = task_state.workflow_state.content_object.specific
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "page": page,
        "task": task_state.task,
        "task_state": task_state,
        "submitted_by": task_state.workflow_state.requested_by,
        "review_url": base_url + review_url(page.pk),
        "edit_url": base_url + reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "dashboard_url": base_url + reverse("wagtailadmin_home"),
    }
    messages = []
    for recipient in stage_recipients(task_state):
        context["recipient"] = recipient
        subject = render_to_string("insights/review/email/stage_waiting_subject.txt", context)
        body = render_to_string("insights/review/email/stage_waiting.txt", context)
        messages.append(
            EmailMessage(
                " ".join(subject.split()),
                body.strip() + "\n",
                to=[recipient.email],
                headers={"Auto-Submitted": "auto-generated"},
            )
        )
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except (OSError, ConnectionError):
        # The review itself has happened; a mail outage must not undo it. Logged for ops.
        logger.exception("Could not send review notifications for task state %s", task_state_id)
        return 0
