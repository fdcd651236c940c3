"""Approvals belong to a revision: editing a page in review restarts the review.

A new revision of an explainer whose review is in progress:
- with no approval yet (stage 1 open), the open stage simply reviews the new revision;
- after any approval, the approvals no longer describe what would be published, so the
  open stage is cancelled and review restarts at stage 1 on the new revision, with the
  reason written to the page history (``insights.review.restart``).

Overwriting an approved revision in place (the editor's autosave re-uses the author's
latest revision) is refused, so an approval can never silently cover changed content.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import TaskState, WorkflowState


def _display_name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def restart_review_after_edit(sender, instance, update_fields=None, **kwargs):
    """``post_save`` receiver for explainers: react to ``save_revision``.

    ``save_revision`` ends by saving the page with ``latest_revision`` in
    ``update_fields``; by then the new revision is the page's latest.
    """
    if not update_fields or "latest_revision" not in update_fields:
        return
    from insights.review.tasks import ReviewStage, ReviewTaskState

    workflow_state = (
        WorkflowState.objects.for_instance(instance)
        .filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .select_related("current_task_state")
        .first()
    )
    if workflow_state is None or workflow_state.current_task_state is None:
        return
    current = workflow_state.current_task_state
    new_revision_id = instance.latest_revision_id
    if current.revision_id == new_revision_id:
        return
    if not isinstance(current.task.specific, ReviewStage):
        return
    approvals = list(
        TaskState.objects.filter(
            workflow_state=workflow_state,
            revision_id=current.revision_id,
            status=TaskState.STATUS_APPROVED,
        )
        .select_related("task", "finished_by")
        .order_by("finished_at")
    )
    if not approvals:
        ReviewTaskState.objects.filter(pk=current.pk).update(revision_id=new_revision_id)
        return

    revision = instance.latest_revision
    editor = revision.user
    approved = ", ".join(
        f"“{a.task.name}” (approved by {_display_name(a.finished_by)})" for a in approvals
    )
    with transaction.atomic():
        current.specific.cancel(
            user=editor, comment="Review restarted: the page was edited after approval."
        )
        workflow_state.refresh_from_db()
        restarted_at = workflow_state.current_task_state.task.name
        log(
            instance=instance,
            action="insights.review.restart",
            user=editor,
            revision=revision,
            data={
                "reason": (
                    f"Edited by {_display_name(editor)} after {approved}. Approvals belong "
                    f"to the revision they approved, so review restarts at “{restarted_at}”."
                ),
                "restarted_at": restarted_at,
                "invalidated": [
                    {"task": a.task.name, "approved_by": a.finished_by_id} for a in approvals
                ],
            },
        )


def refuse_overwriting_approved_revision(sender, instance, update_fields=None, **kwargs):
    """``pre_save`` receiver for revisions: an approved revision's content is frozen."""
    if instance.pk is None or update_fields is not None:
        return
    if TaskState.objects.filter(
        revision_id=instance.pk,
        status=TaskState.STATUS_APPROVED,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
    ).exists():
        raise PermissionDenied(
            "This version has been approved at a review stage, so it cannot be changed in "
            "place. Reload the page and save your changes as a new version (review will "
            "restart at stage 1)."
        )
