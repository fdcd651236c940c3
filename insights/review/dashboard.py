"""The "Waiting for you" dashboard panel: what the signed-in reviewer may approve now."""

from django.utils import timezone
from django.utils.timesince import timesince
from wagtail.admin.ui.components import Component

from insights.review import queues, rules
from insights.review.stages import NO_PERSON_MESSAGE


class WaitingForYouPanel(Component):
    """The pages at a stage the reviewer may approve now, oldest first, each linking to
    the review screen with how long it has waited.

    Built on ``queues.waiting_for`` (separation of duties from ``rules.duty_conflicts``):
    a page the reviewer is barred from is not listed. Shown to members of a review group.
    """

    name = "insights_waiting_for_you"
    template_name = "insights/admin/review/waiting_for_you_panel.html"
    order = 210  # above Wagtail's "Awaiting your review" (220)

    def __init__(self, user, stages):
        self.user = user
        self.stages = stages

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        entries = queues.waiting_for(self.user, now)
        for entry in entries:
            entry.waited = timesince(entry.waiting_since, now)
        return {
            "entries": entries,
            "stages": self.stages,
            "no_person_message": (NO_PERSON_MESSAGE if rules.person_for(self.user) is None else ""),
        }


def add_waiting_for_you_panel(request, panels):
    """``construct_homepage_panels`` hook: the panel, for reviewers only."""
    stages = queues.reviewer_stages(request.user)
    if stages:
        panels.append(WaitingForYouPanel(request.user, stages))
