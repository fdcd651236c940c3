"""Login throttling: per account and per client, clear message, admin unlock, audit trail."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from wagtail.models import ModelLogEntry

from accounts.lockout import LOCKED_OUT, UNLOCKED

pytestmark = pytest.mark.django_db

PASSWORD = "demo-lamp-river-42"
LOGINS = ["/admin/login/", "/django-admin/login/"]


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(url, username, password, ip="10.1.1.1"):
    return Client(REMOTE_ADDR=ip).post(url, {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and "login" not in response["Location"]


@pytest.mark.parametrize("url", LOGINS)
def test_five_failures_lock_the_account_even_with_the_right_password(editor, url):
    for _ in range(4):
        assert sign_in(url, "editor", "wrong-password").status_code == 200
    # The fifth failure locks: its answer is already the lockout.
    assert sign_in(url, "editor", "wrong-password").status_code == 429
    response = sign_in(url, "editor", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()


def test_four_failures_do_not_lock_and_success_resets_the_count(editor):
    for _ in range(4):
        sign_in(LOGINS[0], "editor", "wrong-password")
    assert signed_in(sign_in(LOGINS[0], "editor", PASSWORD))
    for _ in range(4):
        sign_in(LOGINS[0], "editor", "wrong-password")
    assert signed_in(sign_in(LOGINS[0], "editor", PASSWORD))


def test_the_account_is_locked_from_every_client(editor):
    for n in range(5):
        sign_in(LOGINS[0], "editor", "wrong-password", ip=f"10.2.0.{n}")
    assert sign_in(LOGINS[0], "editor", PASSWORD, ip="10.9.9.9").status_code == 429


def test_the_client_is_locked_for_every_account(editor):
    for n in range(5):
        sign_in(LOGINS[0], f"guess{n}", "wrong-password", ip="10.3.3.3")
    assert sign_in(LOGINS[0], "editor", PASSWORD, ip="10.3.3.3").status_code == 429
    # Another client still signs in.
    assert signed_in(sign_in(LOGINS[0], "editor", PASSWORD, ip="10.4.4.4"))


def test_failures_on_one_login_count_on_the_other(editor):
    for _ in range(5):
        sign_in(LOGINS[1], "editor", "wrong-password")
    assert sign_in(LOGINS[0], "editor", PASSWORD, ip="10.5.5.5").status_code == 429


def test_behind_the_proxy_the_client_is_the_last_forwarded_hop(editor, settings):
    settings.BEHIND_PROXY = True
    for n in range(5):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 9.9.9.9").post(
            LOGINS[0], {"username": f"guess{n}", "password": "x"}
        )
    # A forged first hop does not escape the lock on the real client 9.9.9.9.
    response = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="7.7.7.7, 9.9.9.9").post(
        LOGINS[0], {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_lockout_and_unlock_are_in_the_audit_log_and_an_admin_unlocks(editor):
    for _ in range(5):
        sign_in(LOGINS[0], "editor", "wrong-password", ip="10.6.6.6")
    assert sign_in(LOGINS[0], "editor", PASSWORD, ip="10.6.6.6").status_code == 429
    entry = ModelLogEntry.objects.get(action=LOCKED_OUT)
    assert entry.object_id == str(editor.pk)
    assert entry.data["ip_address"] == "10.6.6.6"

    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", PASSWORD)
    admin = Client(REMOTE_ADDR="10.7.7.7")
    admin.force_login(boss)
    attempts = AccessAttempt.objects.filter(username="editor")
    assert attempts.exists()
    response = admin.post(
        "/django-admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="editor").exists()
    assert ModelLogEntry.objects.filter(action=UNLOCKED, object_id=str(editor.pk)).exists()
    assert signed_in(sign_in(LOGINS[0], "editor", PASSWORD, ip="10.6.6.6"))


def test_the_password_reset_is_throttled_per_client_and_per_address(editor):
    client = Client(REMOTE_ADDR="10.8.8.8")
    for _ in range(5):
        assert (
            client.post("/admin/password_reset/", {"email": "editor@example.org"}).status_code
            == 302
        )
    assert len(mail.outbox) == 5
    response = client.post("/admin/password_reset/", {"email": "editor@example.org"})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    # The same address from another client: still refused.
    other = Client(REMOTE_ADDR="10.8.8.9")
    assert other.post("/admin/password_reset/", {"email": "editor@example.org"}).status_code == 429
    assert len(mail.outbox) == 5
    # Another address from a fresh client is not affected.
    assert other.post("/admin/password_reset/", {"email": "x@example.org"}).status_code == 302


def test_lockout_is_off_in_the_test_settings_by_default():
    from site.settings import test

    assert test.AXES_ENABLED is False
