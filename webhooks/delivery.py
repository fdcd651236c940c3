"""Delivering one webhook: sign, POST, record, retry with backoff (a django-q2 task)."""

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import WebhookDelivery

SIGNATURE_HEADER = "X-ClinicalMetric-Signature"
TIMESTAMP_HEADER = "X-ClinicalMetric-Timestamp"
EVENT_HEADER = "X-ClinicalMetric-Event"
TASK = "webhooks.delivery.deliver"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>.<body>")."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def enqueue(delivery_id: int) -> None:
    from django_q.tasks import async_task

    async_task(TASK, delivery_id)


def backoff_seconds(attempts: int) -> int:
    """Seconds before attempt ATTEMPTS + 1: base, twice that, four times … capped."""
    base = settings.WEBHOOK_BACKOFF_SECONDS
    return min(base * 2 ** (attempts - 1), settings.WEBHOOK_BACKOFF_MAX_SECONDS)


def deliver(delivery_id: int) -> str:
    """Attempt delivery DELIVERY_ID once; schedule the next attempt if it failed."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return "nothing to do"
        endpoint = delivery.endpoint
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        if not endpoint.url.startswith("https://") and not settings.WEBHOOKS_ALLOW_HTTP:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "refused: not an https:// URL"
            delivery.save()
            return delivery.status
        body = json.dumps(
            {
                "event": delivery.event,
                "delivery": delivery.pk,
                "created_at": delivery.created_at.isoformat(),
                "data": delivery.payload,
            },
            separators=(",", ":"),
        ).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(  # noqa: S310  (https, or http in development only)
            endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "ClinicalMetric-Webhooks/1",
                EVENT_HEADER: delivery.event,
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
                delivery.response_code = response.status
                delivery.last_error = ""
        except urllib.error.HTTPError as exc:
            delivery.response_code = exc.code
            delivery.last_error = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            delivery.response_code = None
            delivery.last_error = str(getattr(exc, "reason", exc))[:500]
        if delivery.response_code is not None and 200 <= delivery.response_code < 300:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = timezone.now() + dt.timedelta(
                seconds=backoff_seconds(delivery.attempts)
            )
        delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING:
        schedule_retry(delivery)
    return delivery.status


def schedule_retry(delivery) -> None:
    from django_q.models import Schedule

    Schedule.objects.create(
        name=f"webhook delivery {delivery.pk} attempt {delivery.attempts + 1}",
        func=TASK,
        args=str(delivery.pk),
        schedule_type=Schedule.ONCE,
        repeats=1,
        next_run=delivery.next_attempt_at,
    )
