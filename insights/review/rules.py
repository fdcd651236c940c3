"""Who may decide a review stage: separation of duties and the link to a Person.

Two kinds of reasons stop an approval:
- *barriers* (separation of duties): the user submitted or last edited the revision, or
  already approved another stage of it. The approve action is hidden for them.
- *blockers*: the user has no linked Person, or an automatic check failed. Approve stays
  visible so the approval screen can say what must be fixed; the POST is refused.
"""

from __future__ import annotations

from django.db.models import Q

from insights.review.stages import NO_PERSON_MESSAGE


def person_for(user):
    """The people.Person linked to USER, or None."""
    from people.models import Person

    if not user or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def separation_barrier(task_state, user) -> str | None:
    """Why USER may not approve TASK_STATE under separation of duties, or None."""
    from wagtail.models import TaskState

    workflow_state = task_state.workflow_state
    revision = task_state.revision
    if workflow_state.requested_by_id is not None and workflow_state.requested_by_id == user.pk:
        return "You submitted this page for review, so someone else must approve it."
    if revision.user_id is not None and revision.user_id == user.pk:
        return "You made the latest edit to this page, so someone else must approve it."
    other_stage = (
        TaskState.objects.filter(
            revision_id=revision.pk, status=TaskState.STATUS_APPROVED, finished_by=user
        )
        .exclude(task_id=task_state.task_id)
        .select_related("task")
        .first()
    )
    if other_stage is not None:
        return (
            f"You already approved “{other_stage.task.name}” for this revision; "
            "each stage needs a different person."
        )
    return None


def approval_blockers(task, task_state, user, checks=None) -> list[str]:
    """Every reason USER cannot approve TASK_STATE now (empty when they can)."""
    reasons = []
    if not task.user_in_stage_group(user):
        reasons.append(f"Only members of “{task.stage.group_name}” can approve this stage.")
        return reasons
    barrier = separation_barrier(task_state, user)
    if barrier:
        reasons.append(barrier)
    if person_for(user) is None:
        reasons.append(NO_PERSON_MESSAGE)
    if checks is None:
        checks = task.automatic_checks(task_state)
    reasons.extend(f"{c.subject}: {c.message}" for c in checks if not c.passed)
    return reasons


def users_barred_from(task_state):
    """A Q matching users who may not approve TASK_STATE (for notification recipients)."""
    from wagtail.models import TaskState

    barred = Q(pk__in=[])
    if task_state.workflow_state.requested_by_id:
        barred |= Q(pk=task_state.workflow_state.requested_by_id)
    if task_state.revision.user_id:
        barred |= Q(pk=task_state.revision.user_id)
    approvers = TaskState.objects.filter(
        revision_id=task_state.revision_id, status=TaskState.STATUS_APPROVED
    ).values("finished_by")
    return barred | Q(pk__in=approvers)
