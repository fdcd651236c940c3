"""Cancelling a review: the editor asks first, naming who was told; they are told it ended.

Wagtail's "Cancel workflow" posts at once, and reviewers e-mailed that a stage waits for
them never hear that it no longer does.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from wagtail.admin.action_menu import CancelWorkflowMenuItem

logger = logging.getLogger(__name__)


def notified_reviewers(workflow_state) -> list:
    """Everyone the review's stage e-mails went to so far, once per address, in order."""
    from insights.review.notifications import stage_recipients
    from insights.review.tasks import ReviewTaskState

    by_address = {}
    states = (
        ReviewTaskState.objects.filter(workflow_state=workflow_state)
        .select_related("workflow_state", "revision", "task")
        .order_by("started_at", "pk")
    )
    for task_state in states:
        for user in stage_recipients(task_state):
            by_address.setdefault(user.email.strip().lower(), user)
    return list(by_address.values())


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


class CancelReviewMenuItem(CancelWorkflowMenuItem):
    """Wagtail's "Cancel workflow", confirmed in the browser with who was notified."""

    template_name = "insights/admin/review/cancel_workflow_item.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        workflow_state = context["page"].current_workflow_state
        notified = notified_reviewers(workflow_state) if workflow_state else []
        names = ", ".join(display_name(user) for user in notified) or "nobody yet"
        context["confirm_text"] = (
            f"Cancel the review of this page? Reviewers already notified: {names}. "
            "They will be e-mailed that it was cancelled; approvals given so far are void "
            "once you resubmit."
        )
        return context


def confirm_cancelling(menu_items, request, context):
    """``construct_page_action_menu`` hook: swap in the confirming cancel item."""
    for index, item in enumerate(menu_items):
        if type(item) is CancelWorkflowMenuItem:
            menu_items[index] = CancelReviewMenuItem(order=item.order)


def review_cancelled(sender, instance, user=None, **kwargs):
    """``workflow_cancelled`` receiver: tell the notified reviewers, after commit."""
    from insights.review.stages import WORKFLOW_NAME

    if instance.workflow.name != WORKFLOW_NAME:
        return
    workflow_state_id = instance.pk
    user_id = user.pk if user else None
    transaction.on_commit(lambda: send_cancellation_notices(workflow_state_id, user_id))


def send_cancellation_notices(workflow_state_id: int, cancelled_by_id: int | None) -> int:
    from django.contrib.auth import get_user_model
    from wagtail.models import WorkflowState

    workflow_state = WorkflowState.objects.filter(pk=workflow_state_id).first()
    if workflow_state is None:
        return 0
    page = workflow_state.content_object
    by = get_user_model().objects.filter(pk=cancelled_by_id).first()
    who = f" by {display_name(by)}" if by else ""
    messages = [
        EmailMessage(
            f"Review cancelled: “{page.get_admin_display_title()}”",
            f"Hello {display_name(user)},\n\nThe review of “{page.get_admin_display_title()}” "
            f"was cancelled{who}. Nothing waits for you on it now; if it is resubmitted, "
            f"you will be e-mailed again.\n\n{settings.WAGTAIL_SITE_NAME}\n",
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        for user in notified_reviewers(workflow_state)
        if user.pk != cancelled_by_id
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except (OSError, ConnectionError):
        logger.exception("Could not send cancellation notices for workflow %s", workflow_state_id)
        return 0
