"""What becomes a webhook event, and ``dispatch``: one delivery per subscribed endpoint.

- ``explainer.published`` / ``explainer.unpublished``: Wagtail's ``page_published`` /
  ``page_unpublished`` for explainers (a workflow's final approval publishes through it);
- ``review.completed``: a ``CompletedReview`` is recorded;
- ``registry_check.flagged``: a ``RegistryCheckFlag`` is raised;
- ``trial.status_changed``: the registry sync's ``trial_status_changed``.

Deliveries are enqueued once the transaction commits (never for a rolled-back change).
"""

from django.db import transaction
from django.db.models.signals import post_save

from .models import Event, WebhookDelivery, WebhookEndpoint


def dispatch(event: str, payload) -> list[WebhookDelivery]:
    """Log a delivery of EVENT to every active endpoint subscribed to it; enqueue them.

    PAYLOAD is a dict, or a callable returning one (built only if someone subscribed).
    """
    from .delivery import enqueue

    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if event in (endpoint.events or [])
    ]
    if not endpoints:
        return []
    if callable(payload):
        payload = payload()
    deliveries = [
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, payload=payload)
        for endpoint in endpoints
    ]
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return deliveries


def explainer_payload(page) -> dict:
    from api_support.urls import detail_url

    return {
        "id": page.pk,
        "title": page.title,
        "slug": page.slug,
        "url": page.get_full_url(),
        "api_url": detail_url(None, "explainers_detail", page.pk),
        "live_revision": page.live_revision_id,
    }


def on_published(sender, instance, revision=None, **kwargs):
    dispatch(Event.EXPLAINER_PUBLISHED, lambda: explainer_payload(instance))


def on_unpublished(sender, instance, **kwargs):
    dispatch(Event.EXPLAINER_UNPUBLISHED, lambda: explainer_payload(instance))


def on_review_saved(sender, instance, created=False, **kwargs):
    if created and instance.page_id is not None:
        dispatch(
            Event.REVIEW_COMPLETED,
            {
                "review": instance.pk,
                "explainer": instance.page_id,
                "revision": instance.revision_id,
                "completed_at": instance.completed_at.isoformat(),
            },
        )


def on_flag_saved(sender, instance, created=False, **kwargs):
    if created:
        dispatch(
            Event.REGISTRY_CHECK_FLAGGED,
            {
                "explainer": instance.page_id,
                "nct_id": instance.nct_id,
                "reason": instance.reason,
                "flagged_at": instance.flagged_at.isoformat(),
            },
        )


def on_trial_status_changed(sender, trial, old_status, new_status, **kwargs):
    dispatch(
        Event.TRIAL_STATUS_CHANGED,
        {
            "nct_id": trial.nct_id,
            "old_status": old_status,
            "new_status": new_status,
            "old_phases": kwargs.get("old_phases") or [],
            "new_phases": kwargs.get("new_phases") or [],
        },
    )


def connect() -> None:
    from wagtail.signals import page_published, page_unpublished

    from insights.models import CompletedReview, ExplainerPage, RegistryCheckFlag
    from trials.signals import trial_status_changed

    page_published.connect(on_published, sender=ExplainerPage, dispatch_uid="webhooks_pub")
    page_unpublished.connect(on_unpublished, sender=ExplainerPage, dispatch_uid="webhooks_unpub")
    post_save.connect(on_review_saved, sender=CompletedReview, dispatch_uid="webhooks_review")
    post_save.connect(on_flag_saved, sender=RegistryCheckFlag, dispatch_uid="webhooks_flag")
    trial_status_changed.connect(on_trial_status_changed, dispatch_uid="webhooks_trial")
