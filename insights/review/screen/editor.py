"""The warning a reviewer sees on opening the page editor of a page in review."""

from __future__ import annotations

from django.utils.html import format_html
from wagtail.admin import messages
from wagtail.models import TaskState

from insights.review.screen.views import review_task_state, review_url


def editing_warning(page, user) -> str | None:
    """What an edit by USER would do to PAGE's review, if USER decides its current stage."""
    task_state, task = review_task_state(page)
    if task_state is None or not task.user_in_stage_group(user):
        return None
    approved = list(
        TaskState.objects.filter(
            workflow_state=task_state.workflow_state,
            revision_id=task_state.revision_id,
            status=TaskState.STATUS_APPROVED,
        )
        .select_related("task")
        .order_by("finished_at")
        .values_list("task__name", flat=True)
    )
    if approved:
        consequence = (
            "saving a change here restarts the review at stage 1 and voids the approvals of "
            + ", ".join(f"“{name}”" for name in approved)
            + "."
        )
    else:
        consequence = (
            "saving a change here makes your version the one under review, and you could "
            "no longer approve it (someone else must approve the latest edit)."
        )
    return f"You are reviewing this page at “{task.name}”: {consequence}"


def warn_reviewer_in_editor(request, page):
    """``before_edit_page`` hook: on GET, warn a reviewer and point to the review screen."""
    if request.method != "GET":
        return None
    from insights.models import ExplainerPage

    if not isinstance(page.specific_deferred, ExplainerPage):
        return None
    warning = editing_warning(page, request.user)
    if warning:
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">Review it on the review screen</a> (read-only) instead.',
                warning,
                review_url(page.pk),
            ),
        )
    return None
