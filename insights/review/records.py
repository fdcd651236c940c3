"""Completed reviews, frozen when the final approval publishes a revision.

The reader-facing review record (``insights.review_record``) reads these rows instead of
walking workflow history, so it costs one query whatever the page's history. Each row is
derived from the workflow's approvals at the moment the review completed; nothing is typed
by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from insights.review import stages


class CompletedReview(models.Model):
    """One revision of an explainer that passed all three stages and was published."""

    # A reviewed page deleted by a superuser keeps its reviews: the link goes, the title
    # and id stay (``page_title``, ``page_pk``), beside the audit log's deletion entry.
    page = models.ForeignKey(
        "insights.ExplainerPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="completed_reviews",
    )
    page_pk = models.PositiveIntegerField(null=True, editable=False)
    page_title = models.CharField(max_length=255, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    workflow_state = models.OneToOneField(
        "wagtailcore.WorkflowState", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(default=timezone.now)
    # The newest completed review of its page: what readers are shown.
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-completed_at", "-pk"]
        get_latest_by = ["completed_at", "pk"]
        indexes = [models.Index(fields=["page", "-completed_at"], name="review_page_completed_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=models.Q(is_current=True), name="one_current_review"
            )
        ]
        permissions = [("view_review_reports", "Can see the editorial review queues and reports")]

    def __str__(self) -> str:
        return (
            f"Review of page {self.page_pk or self.page_id} completed {self.completed_at:%Y-%m-%d}"
        )


class StageSignOff(models.Model):
    """Who approved one stage of a completed review, and when (with their words)."""

    review = models.ForeignKey(CompletedReview, on_delete=models.CASCADE, related_name="sign_offs")
    stage = models.PositiveSmallIntegerField(
        choices=[(s.number, s.task_name) for s in stages.STAGES]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", null=True, on_delete=models.SET_NULL, related_name="review_sign_offs"
    )
    # As they stood at approval: the record survives renames and deletions.
    person_name = models.CharField(max_length=120)
    person_credentials = models.CharField(max_length=200, blank=True)
    approved_at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["review", "stage"], name="one_sign_off_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.person_name}"


def record_completed_review(workflow_state, revision) -> CompletedReview:
    """Freeze the approvals of REVISION in WORKFLOW_STATE as a CompletedReview."""
    from wagtail.models import TaskState

    from people.models import Person

    approvals = (
        TaskState.objects.filter(
            workflow_state=workflow_state,
            revision=revision,
            status=TaskState.STATUS_APPROVED,
        )
        .select_related("finished_by")
        .order_by("finished_at")
        .specific()
    )
    CompletedReview.objects.filter(page_id=workflow_state.object_id, is_current=True).update(
        is_current=False
    )
    review = CompletedReview.objects.create(
        page_id=workflow_state.object_id,
        page_pk=int(workflow_state.object_id),
        page_title=revision.object_str,
        revision=revision,
        workflow_state=workflow_state,
        completed_at=timezone.now(),
    )
    by_stage = {}
    for approval in approvals:
        stage = getattr(approval.task.specific, "stage", None)
        if stage is not None:
            by_stage[stage.number] = approval
    people = Person.objects.filter(user__in=[a.finished_by_id for a in by_stage.values()])
    person_of_user = {person.user_id: person for person in people}
    sign_offs = []
    for number, approval in sorted(by_stage.items()):
        person = person_of_user.get(approval.finished_by_id)
        user = approval.finished_by
        sign_offs.append(
            StageSignOff(
                review=review,
                stage=number,
                user=user,
                person=person,
                person_name=person.name if person else (user.get_full_name() if user else ""),
                person_credentials=person.credentials if person else "",
                approved_at=approval.finished_at,
                comment=approval.comment,
            )
        )
    StageSignOff.objects.bulk_create(sign_offs)
    return review


def keep_reviews_of_deleted_page(sender, instance, **kwargs):
    """``pre_delete`` receiver for explainers: reviews outlive the page, with a trace.

    Runs on every deletion path (admin views, bulk actions, the shell): the completed
    reviews keep the page's id and title, and the audit log records the deletion with
    how many reviews it had (the log entry survives the page).
    """
    from wagtail.log_actions import log

    reviews = CompletedReview.objects.filter(page_id=instance.pk)
    count = reviews.count()
    if not count:
        return
    reviews.filter(page_pk__isnull=True).update(page_pk=instance.pk)
    reviews.filter(page_title="").update(page_title=instance.title)
    log(
        instance=instance,
        action="insights.review.deleted",
        data={
            "reason": (
                f"“{instance.title}” was deleted; its {count} completed review(s) are kept "
                "on record."
            ),
            "completed_reviews": list(reviews.values_list("pk", flat=True)),
        },
    )
