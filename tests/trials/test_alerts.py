"""E-mail alerts of finder searches (#13): double opt-in by a signed link, a daily digest
of matching trials added or changed in status, an unsubscribe link in every e-mail.
Deny cases first."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from trials.alerts.digest import send_digests
from trials.alerts.models import TrialAlert, TrialStatusChange
from trials.alerts.tokens import confirm_token, unsubscribe_token
from trials.signals import trial_status_changed
from trials.tasks import send_trial_alerts

from .factories import TrialFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

SUBSCRIBE = "/trials/alerts/"
SEARCH = "condition=lymphoma&status=RECRUITING"


@pytest.fixture(autouse=True)
def fresh_rate_limits(monkeypatch):
    """Each test counts its own subscriptions; the rest of the cache is left alone."""
    monkeypatch.setattr("trials.alerts.forms.RATE_KEY_PREFIX", f"test-{uuid.uuid4()}")


def subscribe(client, email="reader@example.org", query=SEARCH, **extra):
    return client.post(SUBSCRIBE, {"email": email, "query": query}, **extra)


def link(message, name: str) -> str:
    """The path of the /trials/alerts/<name>/<token>/ link in MESSAGE's body."""
    found = re.search(rf"http://testserver(/trials/alerts/{name}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def confirmed_alert(email="reader@example.org", query=SEARCH, days_ago=1):
    confirmed = timezone.now() - timedelta(days=days_ago)
    return TrialAlert.objects.create(
        email=email, query=query, confirmed=confirmed, created=confirmed
    )


# --- deny cases ---


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "reader@example.org\nBcc: x@y.z"])
def test_a_bad_address_is_a_form_error(client, email):
    response = subscribe(client, email=email)
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert (TrialAlert.objects.count(), len(mail.outbox)) == (0, 0)


def test_a_malformed_search_is_a_form_error(client):
    response = subscribe(client, query="age=abc")
    assert response.status_code == 400
    assert "age:" in " ".join(response.context["form"].errors["query"])
    assert TrialAlert.objects.count() == 0


def test_an_unconfirmed_alert_gets_no_digest(client):
    subscribe(client)
    TrialFactory(conditions=["Lymphoma"])
    mail.outbox.clear()
    assert send_digests()["sent"] == 0
    assert mail.outbox == []


@pytest.mark.parametrize("kind", ["confirm", "unsubscribe"])
def test_a_bad_or_foreign_token_is_refused(client, kind):
    alert = TrialAlert.objects.create(email="reader@example.org", query=SEARCH)
    other = TrialAlert.objects.create(email="other@example.org", query=SEARCH)
    good = (confirm_token if kind == "confirm" else unsubscribe_token)(other)
    wrong_salt = (unsubscribe_token if kind == "confirm" else confirm_token)(alert)
    for token in ["nonsense", good[:-2] + "xx", wrong_salt]:
        response = client.get(f"/trials/alerts/{kind}/{token}/")
        assert response.status_code == 400, token
    if kind == "unsubscribe":
        assert client.post(f"/trials/alerts/unsubscribe/{wrong_salt}/").status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed is None and TrialAlert.objects.count() == 2


def test_an_expired_confirmation_link_is_refused(client, monkeypatch):
    alert = TrialAlert.objects.create(email="reader@example.org", query=SEARCH)
    token = confirm_token(alert)
    monkeypatch.setattr("trials.alerts.views.CONFIRM_MAX_AGE", -1)
    assert client.get(f"/trials/alerts/confirm/{token}/").status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed is None


def test_the_rate_limit_per_address(client, settings):
    settings.TRIALS_ALERTS_PER_ADDRESS_PER_HOUR = 2
    for query in ["condition=a", "condition=b"]:
        assert subscribe(client, query=query).status_code == 200
    response = subscribe(client, query="condition=c", REMOTE_ADDR="10.0.0.9")  # another client
    assert response.status_code == 429
    assert "Too many alert requests" in response.content.decode()
    assert (TrialAlert.objects.count(), len(mail.outbox)) == (2, 2)


def test_the_rate_limit_per_client(client, settings):
    settings.TRIALS_ALERTS_PER_CLIENT_PER_HOUR = 2
    for n in range(2):
        assert subscribe(client, email=f"r{n}@example.org").status_code == 200
    response = subscribe(client, email="r3@example.org")
    assert response.status_code == 429
    assert "Too many alert requests" in response.content.decode()
    assert TrialAlert.objects.count() == 2
    # another client is not limited
    assert subscribe(client, email="r4@example.org", REMOTE_ADDR="10.0.0.9").status_code == 200


# --- the reader's path ---


def test_subscribe_confirm_digest_unsubscribe(client):
    page = client.get("/trials/", {"condition": "lymphoma", "status": "RECRUITING"})
    assert f'href="{SUBSCRIBE}?condition=lymphoma&amp;status=RECRUITING"' in page.content.decode()
    form = client.get(SUBSCRIBE, {"status": "RECRUITING", "condition": "lymphoma", "page": "2"})
    assert form.context["form"]["query"].value() == SEARCH  # normalised: sorted, no page

    response = subscribe(
        client, email="Reader@Example.org ", query="status=RECRUITING&condition=lymphoma"
    )
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    alert = TrialAlert.objects.get()
    assert (alert.email, alert.query, alert.confirmed) == ("reader@example.org", SEARCH, None)
    [confirmation] = mail.outbox
    assert confirmation.to == ["reader@example.org"]
    assert "/trials/alerts/unsubscribe/" in confirmation.body  # in every e-mail

    assert client.get(link(confirmation, "confirm")).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed is not None
    # what we store: the address, the search, the state and its timestamps
    assert {f.name for f in TrialAlert._meta.fields} == {
        "id",
        "email",
        "query",
        "created",
        "confirmed",
        "last_digest",
    }

    mail.outbox.clear()
    assert send_digests()["sent"] == 0  # nothing new: nothing sent
    assert mail.outbox == []

    new = TrialFactory(conditions=["Lymphoma"], brief_title="CAR-T in lymphoma")
    TrialFactory(conditions=["Melanoma"])  # not this search
    TrialFactory(conditions=["Lymphoma"], overall_status="COMPLETED")  # not this search
    assert send_digests()["sent"] == 1
    [digest] = mail.outbox
    assert "CAR-T in lymphoma" in digest.body and f"/trials/{new.nct_id}/" in digest.body
    assert digest.body.count("/trials/NCT") == 1
    unsubscribe = link(digest, "unsubscribe")
    assert digest.extra_headers["List-Unsubscribe"] == f"<http://testserver{unsubscribe}>"

    mail.outbox.clear()
    assert send_digests()["sent"] == 0  # already reported
    assert mail.outbox == []

    assert "Stop the alerts" in client.get(unsubscribe).content.decode()
    assert TrialAlert.objects.count() == 1  # a GET (a link scanner) removes nothing
    assert client.post(unsubscribe).status_code == 200
    assert TrialAlert.objects.count() == 0


def test_subscribing_twice_keeps_one_alert_and_a_confirmed_one_gets_no_new_mail(client):
    subscribe(client)
    subscribe(client)
    assert TrialAlert.objects.count() == 1 and len(mail.outbox) == 2  # the link again
    TrialAlert.objects.update(confirmed=timezone.now())
    mail.outbox.clear()
    assert subscribe(client).status_code == 200
    assert mail.outbox == []


def test_a_status_change_is_reported_once(client):
    trial = TrialFactory(conditions=["Lymphoma"], overall_status="NOT_YET_RECRUITING")
    trial.first_seen = timezone.now() - timedelta(days=30)
    trial.save()
    alert = confirmed_alert()
    assert send_digests()["sent"] == 0  # an old trial that did not change
    trial.overall_status = "RECRUITING"
    trial.save()
    trial_status_changed.send_robust(
        sender=type(trial),
        trial=trial,
        old_status="NOT_YET_RECRUITING",
        new_status="RECRUITING",
        old_phases=[],
        new_phases=[],
        run=None,
    )
    assert TrialStatusChange.objects.filter(trial=trial).count() == 1
    assert send_digests()["sent"] == 1
    assert "Status changed: Not yet recruiting → Recruiting" in mail.outbox[0].body
    alert.refresh_from_db()
    assert alert.last_digest is not None
    assert send_digests()["sent"] == 0


def test_unconfirmed_requests_are_dropped_after_a_week():
    old = TrialAlert.objects.create(
        email="gone@example.org", query="", created=timezone.now() - timedelta(days=8)
    )
    TrialAlert.objects.create(email="fresh@example.org", query="")
    assert send_digests()["expired"] == 1
    assert not TrialAlert.objects.filter(pk=old.pk).exists()
    assert TrialAlert.objects.count() == 1


def test_digest_queries_per_alert_are_constant():
    for n in range(2):
        confirmed_alert(email=f"r{n}@example.org")
    TrialFactory.create_batch(3, conditions=["Lymphoma"])
    with CaptureQueriesContext(connection) as two:
        assert send_digests()["sent"] == 2
    for n in range(2, 4):
        confirmed_alert(email=f"r{n}@example.org")
    TrialAlert.objects.update(last_digest=None)
    with CaptureQueriesContext(connection) as four:
        assert send_digests()["sent"] == 4
    per_alert = (len(four) - len(two)) / 2
    # the statuses (the filter's choices), the matches, their status changes, the window
    assert per_alert == 4, [q["sql"] for q in four]


def test_the_daily_schedule_exists_and_runs_the_digest():
    schedule = Schedule.objects.get(name="Send trial alerts")
    assert (schedule.func, schedule.schedule_type) == ("trials.tasks.send_trial_alerts", "D")
    confirmed_alert()
    TrialFactory(conditions=["Lymphoma"])
    assert send_trial_alerts().startswith("Sent 1 digests")


def test_a_long_digest_lists_the_first_and_counts_the_rest(monkeypatch):
    monkeypatch.setattr("trials.alerts.digest.DIGEST_SIZE", 2)
    confirmed_alert()
    TrialFactory.create_batch(3, conditions=["Lymphoma"])
    assert send_digests()["sent"] == 1
    body = mail.outbox[0].body
    assert body.count("/trials/NCT") == 2
    assert "… and 1 more: http://testserver/trials/?condition=lymphoma&status=RECRUITING" in body
