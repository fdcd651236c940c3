"""What happens when a workflow completes (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Wagtail's default publishes the latest revision *as the final approver*, which needs that
approver to hold publish permission. Nobody but superusers holds it on explainers, so for
the editorial review the approval itself is the authority: the revision all three stages
approved is published with permission checks skipped, attributed to the final approver,
and the approvals are frozen as the page's review record. Other workflows keep Wagtail's
behaviour.

Wagtail imports this module while ``wagtail.models`` is still loading: import nothing
from Django models or the apps at module level.
"""


def finish_workflow(workflow_state, user=None):
    """Finish WORKFLOW_STATE: publish a completed editorial review, or defer to Wagtail."""
    from wagtail.workflows import publish_workflow_state

    from insights.review.tasks import ReviewRefused, ReviewStage

    final_state = workflow_state.current_task_state
    if final_state is None or not isinstance(final_state.task.specific, ReviewStage):
        return publish_workflow_state(workflow_state, user=user)

    from insights.review.flags import resolve_registry_flags
    from insights.review.records import record_completed_review

    page = workflow_state.content_object.specific
    revision = final_state.revision
    if revision.pk != page.latest_revision_id:
        raise ReviewRefused("The page changed during the final approval; it was not published.")
    record_completed_review(workflow_state, revision)
    resolve_registry_flags(page, user=user)
    revision.publish(user=user, skip_permission_checks=True)
