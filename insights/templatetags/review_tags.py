"""Template tags of the review approval screen."""

from django import template

register = template.Library()


@register.simple_tag
def review_decision(task_state, user, action):
    """What the approval screen shows: the automatic checks and what blocks approval."""
    from insights.review.rules import approval_blockers
    from insights.review.tasks import ReviewStage

    task = task_state.task.specific
    if not isinstance(task, ReviewStage):
        return {"checks": [], "blockers": []}
    checks = task.automatic_checks(task_state)
    blockers = approval_blockers(task, task_state, user, checks) if action == "approve" else []
    return {"stage": task.stage, "checks": checks, "blockers": blockers}
