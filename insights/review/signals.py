"""Signal wiring of the editorial review (called from InsightsConfig.ready)."""

from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.models import Revision, WorkflowState
from wagtail.signals import task_submitted, workflow_cancelled


def connect_review_signals() -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from insights.models import ExplainerPage
    from insights.review import wagtail_hooks  # noqa: F401  (admin hooks register on import)
    from insights.review.editing import (
        refuse_overwriting_approved_revision,
        restart_review_on_new_revision,
    )
    from insights.review.media import flag_pages_using_changed_media
    from insights.review.notifications import stage_started
    from insights.review.records import keep_reviews_of_deleted_page
    from insights.review.screen.cancel import review_cancelled
    from insights.review.tasks import ReviewTaskState

    post_save.connect(
        restart_review_on_new_revision, sender=Revision, dispatch_uid="insights_review_restart"
    )
    pre_save.connect(
        refuse_overwriting_approved_revision,
        sender=Revision,
        dispatch_uid="insights_review_frozen_revision",
    )
    pre_delete.connect(
        keep_reviews_of_deleted_page,
        sender=ExplainerPage,
        dispatch_uid="insights_review_keep_reviews",
    )
    for model in (get_image_model(), get_document_model()):
        pre_save.connect(
            flag_pages_using_changed_media,
            sender=model,
            dispatch_uid=f"insights_review_media_{model._meta.label_lower}",
        )
    task_submitted.connect(
        stage_started, sender=ReviewTaskState, dispatch_uid="insights_review_stage_mail"
    )
    workflow_cancelled.connect(
        review_cancelled, sender=WorkflowState, dispatch_uid="insights_review_cancel_mail"
    )
