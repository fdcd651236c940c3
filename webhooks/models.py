"""Webhook endpoints (snippets editors register) and the log of every delivery.

An endpoint has a URL, a secret and the events it wants. Each event becomes one
``WebhookDelivery`` per subscribed endpoint, delivered by the django-q2 worker
(``webhooks.delivery``): a POST of JSON signed with HMAC-SHA256 over
``"<timestamp>.<body>"``, retried with exponential backoff. Outside development
(``WEBHOOKS_ALLOW_HTTP``) only ``https://`` URLs are accepted and delivered to.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Event(models.TextChoices):
    EXPLAINER_PUBLISHED = "explainer.published", "Explainer published"
    EXPLAINER_UNPUBLISHED = "explainer.unpublished", "Explainer unpublished"
    REVIEW_COMPLETED = "review.completed", "Review completed"
    REGISTRY_CHECK_FLAGGED = "registry_check.flagged", "Registry check flagged"
    TRIAL_STATUS_CHANGED = "trial.status_changed", "Trial status changed"


def validate_webhook_url(url: str) -> None:
    if not url.startswith("https://") and not settings.WEBHOOKS_ALLOW_HTTP:
        raise ValidationError(
            "A webhook URL must start with https:// (plain HTTP is only for development).",
            code="not_https",
        )


def validate_events(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event.", code="no_events")
    unknown = [v for v in value if v not in Event.values]
    if unknown:
        raise ValidationError(f"Unknown events: {', '.join(map(str, unknown))}.", code="unknown")


class WebhookEndpoint(models.Model):
    """A partner's URL that receives signed events."""

    name = models.CharField(max_length=100)
    url = models.URLField("URL", max_length=500, validators=[validate_webhook_url])
    secret = models.CharField(
        max_length=200,
        help_text="Shared with the receiver; signs every delivery (HMAC-SHA256). At least 16 "
        "characters.",
    )
    events = models.JSONField(default=list, validators=[validate_events])
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if len(self.secret or "") < 16:
            raise ValidationError({"secret": "Use a secret of at least 16 characters."})


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: the delivery log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
