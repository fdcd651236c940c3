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


@register.simple_tag
def review_screen_url(obj) -> str:
    """The review screen of OBJ if it is an explainer in the editorial review, else ""."""
    from insights.models import ExplainerPage
    from insights.review.screen import review_url

    specific_class = getattr(obj, "specific_class", None)
    if specific_class is None or not issubclass(specific_class, ExplainerPage):
        return ""
    return review_url(obj.pk)
