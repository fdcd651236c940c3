"""Webhooks: signed deliveries to a local HTTP receiver, retries with backoff, the log."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ, Schedule

from insights.models import CompletedReview, RegistryCheckFlag
from tests.api.factories import ExplainerPageFactory
from tests.insights.review_support import make_user
from tests.trials.factories import TrialFactory
from trials.signals import trial_status_changed
from webhooks.delivery import deliver
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
SECRET = "a-shared-secret-of-some-length"


class Receiver:
    """A local HTTP server (port 0) that records requests and answers STATUS."""

    def __init__(self):
        self.requests, self.status = [], 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True  # the local receiver speaks plain HTTP
    receiver = Receiver()
    yield receiver
    receiver.close()


def endpoint(url, events=(Event.EXPLAINER_PUBLISHED,), **kwargs):
    return WebhookEndpoint.objects.create(
        name="Partner", url=url, secret=SECRET, events=list(events), **kwargs
    )


# Deny cases -----------------------------------------------------------------------------


def test_a_plain_http_url_is_refused_outside_development(settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    hook = WebhookEndpoint(
        name="P",
        url="http://partner.example/hook",
        secret=SECRET,
        events=[Event.EXPLAINER_PUBLISHED],
    )
    with pytest.raises(ValidationError, match="https"):
        hook.full_clean()
    hook.url = "https://partner.example/hook"
    hook.full_clean()


@pytest.mark.parametrize("events", [[], ["explainer.deleted"], "explainer.published"])
def test_bad_events_or_a_short_secret_are_form_errors(events):
    hook = WebhookEndpoint(name="P", url="https://p.example/", secret=SECRET, events=events)
    with pytest.raises(ValidationError):
        hook.full_clean()
    hook = WebhookEndpoint(
        name="P", url="https://p.example/", secret="short", events=[Event.EXPLAINER_PUBLISHED]
    )
    with pytest.raises(ValidationError, match="secret"):
        hook.full_clean()


def test_no_delivery_to_plain_http_outside_development(receiver, settings):
    hook = endpoint(receiver.url)
    delivery = WebhookDelivery.objects.create(
        endpoint=hook, event="explainer.published", payload={}
    )
    settings.WEBHOOKS_ALLOW_HTTP = False
    assert deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "https" in delivery.last_error
    assert receiver.requests == []


def test_unsubscribed_and_inactive_endpoints_get_nothing(
    receiver, django_capture_on_commit_callbacks
):
    endpoint(receiver.url, events=[Event.REVIEW_COMPLETED])
    endpoint(receiver.url, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        ExplainerPageFactory()
    assert WebhookDelivery.objects.count() == 0


# Deliveries -----------------------------------------------------------------------------


def test_publishing_cart_sends_a_signed_webhook(receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url)
    queued = OrmQ.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        page = ExplainerPageFactory(title="CAR-T cell therapy", slug="car-t-cell-therapy")
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    assert OrmQ.objects.count() == queued + 1  # handed to the django-q2 worker
    assert deliver(delivery.pk) == "delivered"

    ((headers, body),) = receiver.requests
    timestamp = headers["X-Clinicalmetric-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-Clinicalmetric-Signature"] == "sha256=" + expected.hexdigest()
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    assert headers["X-Clinicalmetric-Event"] == "explainer.published"
    data = json.loads(body)
    assert data["event"] == "explainer.published"
    assert data["data"]["slug"] == "car-t-cell-therapy"
    assert data["data"]["api_url"].endswith(f"/api/v3/explainers/{page.pk}/")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)


def test_a_failed_delivery_is_retried_with_backoff_then_given_up(receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    receiver.status = 500
    hook = endpoint(receiver.url)
    delivery = WebhookDelivery.objects.create(
        endpoint=hook, event="explainer.published", payload={"id": 1}
    )
    before = timezone.now()
    assert deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (1, 500)
    assert dt.timedelta(seconds=29) < delivery.next_attempt_at - before < dt.timedelta(seconds=40)
    retry = Schedule.objects.get(func="webhooks.delivery.deliver")
    assert retry.schedule_type == Schedule.ONCE and retry.next_run == delivery.next_attempt_at
    assert deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)  # doubled
    assert deliver(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(receiver.requests) == 3
    assert deliver(delivery.pk) == "nothing to do"


def test_an_unreachable_endpoint_is_recorded_not_raised(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    hook = endpoint("http://127.0.0.1:9/hook")  # nothing listens on the discard port
    delivery = WebhookDelivery.objects.create(
        endpoint=hook, event="explainer.published", payload={}
    )
    assert deliver(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.response_code is None and delivery.last_error


def test_every_event_makes_a_delivery(receiver, django_capture_on_commit_callbacks):
    hook = endpoint(receiver.url, events=Event.values)
    with django_capture_on_commit_callbacks(execute=True):
        page = ExplainerPageFactory()
        CompletedReview.objects.create(
            page=page, revision=page.live_revision, completed_at=timezone.now(), is_current=True
        )
        RegistryCheckFlag.objects.create(page=page, nct_id="NCT01234567", reason="Completed")
        trial = TrialFactory(nct_id="NCT01234567")
        trial_status_changed.send(
            sender=type(trial),
            trial=trial,
            old_status="RECRUITING",
            new_status="COMPLETED",
            old_phases=[],
            new_phases=[],
            run=None,
        )
        page.unpublish()
    events = list(hook.deliveries.order_by("pk").values_list("event", flat=True))
    assert events == [
        "explainer.published",
        "review.completed",
        "registry_check.flagged",
        "trial.status_changed",
        "explainer.unpublished",
    ]


# The delivery log in the admin ----------------------------------------------------------


def test_the_delivery_log_lists_status_code_and_attempts_read_only(client, receiver):
    hook = endpoint(receiver.url)
    WebhookDelivery.objects.create(
        endpoint=hook,
        event="explainer.published",
        payload={},
        status="failed",
        response_code=503,
        attempts=6,
    )
    boss = make_user("boss", superuser=True)
    client.force_login(boss)
    response = client.get(reverse("wagtailsnippets_webhooks_webhookdelivery:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Failed" in html and "503" in html and "Attempts" in html
    add = client.get(reverse("wagtailsnippets_webhooks_webhookdelivery:add"))
    assert add.status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_webhooks_webhookendpoint:add")).status_code == 200


def test_editors_register_an_endpoint_in_the_admin_https_only(client, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    client.force_login(make_user("boss", superuser=True))
    url = reverse("wagtailsnippets_webhooks_webhookendpoint:add")
    data = {
        "name": "Partner",
        "url": "http://partner.example/hook",
        "secret": SECRET,
        "events": ["explainer.published", "review.completed"],
        "active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    response = client.post(url, {**data, "url": "https://partner.example/hook"})
    assert response.status_code == 302
    hook = WebhookEndpoint.objects.get()
    assert hook.events == ["explainer.published", "review.completed"]
