"""What the writer sees in the editor after a reviewer asked for changes.

Wagtail says only "needs changes" and labels its button "Resubmit to <the rejecting
stage>", though the editor's resubmission saves a new version and the review restarts at
stage 1. The banner names the stage, the reviewer and the comment; the button names the
stage the resubmission really starts.
"""

from __future__ import annotations

from wagtail.admin import messages
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.models import WorkflowState

from insights.review.tasks import ReviewStage


def sent_back(page):
    """(workflow state, rejected task state, its task) if PAGE's review was sent back."""
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    rejected = workflow_state.current_task_state
    if rejected is None or not isinstance(rejected.task.specific, ReviewStage):
        return None
    return workflow_state, rejected, rejected.task.specific


def restart_stage(workflow_state):
    """The stage a resubmission from the editor starts at.

    The editor's "Resubmit" saves the form first, and the saved revision is one no stage
    has approved: the review starts again at the workflow's first stage.
    """
    from wagtail.models import Task

    return (
        Task.objects.filter(workflow_tasks__workflow=workflow_state.workflow, active=True)
        .order_by("workflow_tasks__sort_order")
        .first()
    )


def changes_requested_banner(page) -> str | None:
    found = sent_back(page)
    if found is None:
        return None
    workflow_state, rejected, task = found
    reviewer = rejected.finished_by
    who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "a reviewer"
    when = rejected.finished_at.strftime("%-d %B %Y") if rejected.finished_at else ""
    first = restart_stage(workflow_state)
    return (
        f"Changes requested at stage {task.stage.number} (“{task.name}”) by {who}"
        + (f" on {when}" if when else "")
        + f": “{rejected.get_comment() or 'no comment'}”. Make the changes, then "
        f"resubmit: the review restarts at stage 1 (“{first.name}”), and every stage "
        "reviews the new version."
    )


def show_changes_requested(request, page):
    """``before_edit_page`` hook: on GET, the banner for a page sent back by a reviewer."""
    if request.method != "GET":
        return None
    banner = changes_requested_banner(page)
    if banner:
        messages.warning(request, banner)
    return None


class ResubmitMenuItem(SubmitForModerationMenuItem):
    """Wagtail's submit item, labelled with the stage the resubmission really starts."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        found = sent_back(page) if page is not None and page.pk else None
        if found:
            context["label"] = f"Resubmit to {restart_stage(found[0]).name}"
        return context


def label_resubmission(menu_items, request, context):
    """``construct_page_action_menu`` hook: swap in the truthfully labelled submit item."""
    for index, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[index] = ResubmitMenuItem(order=item.order)
