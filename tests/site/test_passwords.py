"""Passwords: at least 12 characters, not common, not the site's own name or domain;
checked wherever a password is set through the admin (creation, reset, change)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.demo import demo_password

REFUSED = {
    "Short-pw-1!": "at least 12 characters",
    "password1234": "too common",
    "123456789012345": "entirely numeric",
    "clinicalmetric-2026": "name of the site",
    "My ClinicalMetric pass!": "name of the site",
    "Clinical.Metric#2026x": "name of the site",
}


@pytest.mark.parametrize("password, reason", list(REFUSED.items()))
def test_weak_passwords_are_refused_with_a_reason(password, reason):
    with pytest.raises(ValidationError) as raised:
        validate_password(password)
    assert any(reason in message for message in raised.value.messages), raised.value.messages


def test_the_site_domain_words_are_refused(settings):
    settings.ALLOWED_HOSTS = ["cms.medicorum.org"]
    with pytest.raises(ValidationError, match="medicorum"):
        validate_password("Medicorum-staff-2026")


def test_generic_host_labels_are_not_forbidden(settings):
    settings.ALLOWED_HOSTS = ["www.example.org", "127.0.0.1"]
    validate_password("www-org-lamp-river-42")


@pytest.mark.parametrize("password", ["demo-lamp-river-42", "correct horse battery"])
def test_good_passwords_pass(password):
    validate_password(password)


def test_the_printed_demo_password_passes_the_rules(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    validate_password(demo_password())


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return client


def add_user(client, password):
    return client.post(
        "/admin/users/new/",
        {
            "username": "newbie",
            "email": "newbie@example.org",
            "first_name": "New",
            "last_name": "Bie",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.django_db
def test_creating_a_user_in_the_wagtail_admin_refuses_the_site_name(superuser_client):
    response = add_user(superuser_client, "ClinicalMetric2026!")
    assert response.status_code == 200
    assert "name of the site" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


@pytest.mark.django_db
def test_creating_a_user_in_the_wagtail_admin_refuses_short_passwords(superuser_client):
    response = add_user(superuser_client, "Sh0rt-pass!")
    assert "at least 12 characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


@pytest.mark.django_db
def test_creating_a_user_with_a_good_password_works(superuser_client):
    response = add_user(superuser_client, "demo-lamp-river-42")
    assert response.status_code == 302
    assert get_user_model().objects.get(username="newbie").check_password("demo-lamp-river-42")


@pytest.mark.django_db
def test_the_django_admin_user_creation_refuses_the_site_name(superuser_client):
    response = superuser_client.post(
        "/django-admin/auth/user/add/",
        {"username": "newbie", "password1": "clinicalmetric!!", "password2": "clinicalmetric!!"},
    )
    assert "name of the site" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


def reset_url(client, user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # The first GET swaps the token for a session value and redirects.
    response = client.get(f"/admin/password_reset/confirm/{uid}/{token}/")
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_the_password_reset_refuses_weak_passwords(client):
    user = get_user_model().objects.create_user("reset", "reset@example.org", "old-pass-abcdef")
    url = reset_url(client, user)
    for weak in ("clinicalmetric-new1", "tooshort1!"):
        response = client.post(url, {"new_password1": weak, "new_password2": weak})
        assert response.status_code == 200
        assert "name of the site" in response.content.decode() or (
            "at least 12" in response.content.decode()
        )
    user.refresh_from_db()
    assert user.check_password("old-pass-abcdef")
    response = client.post(
        url, {"new_password1": "demo-lamp-river-42", "new_password2": "demo-lamp-river-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("demo-lamp-river-42")
