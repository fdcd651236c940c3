"""Two-factor sign-in: who needs it, enrolment on first sign-in, verification, recovery codes;
REQUIRE_2FA on and off."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "demo-lamp-river-42"
TWO_FACTOR_GROUPS = ["Research analysts", "Medical reviewers", "Registry verifiers", "Editors"]


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def make_user(username, group=None, superuser=False):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_superuser=superuser, is_staff=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def password_sign_in(username) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def current_code(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


# Who needs it -----------------------------------------------------------------------


def test_with_require_2fa_off_a_reviewer_signs_in_with_a_password_alone():
    make_user("ana", "Research analysts")
    client = password_sign_in("ana")
    assert client.get("/admin/").status_code == 200


def test_a_member_of_no_approving_group_needs_no_second_factor(require_2fa):
    make_user("mod", "Moderators")  # admin access, nothing to approve or publish
    assert password_sign_in("mod").get("/admin/").status_code == 200


@pytest.mark.parametrize("group", TWO_FACTOR_GROUPS)
def test_every_review_group_member_and_editor_is_sent_to_enrolment(require_2fa, group):
    make_user("member", group)
    client = password_sign_in("member")
    for url in ("/admin/", "/admin/pages/", "/admin/images/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-factor/setup/?next=")


def test_a_superuser_is_sent_to_enrolment_on_both_admins(require_2fa):
    make_user("root", superuser=True)
    client = password_sign_in("root")
    for url in ("/admin/", "/django-admin/", "/django-admin/auth/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/admin/two-factor/setup/" in response["Location"]


def test_the_page_editor_posts_are_refused_too(require_2fa):
    make_user("ed", "Editors")
    client = password_sign_in("ed")
    response = client.post("/admin/pages/3/edit/", {"title": "x"})
    assert response.status_code == 302
    assert "/admin/two-factor/" in response["Location"]


# Enrolment and verification ----------------------------------------------------------


def test_enrolment_then_verification_with_an_app_code_and_a_recovery_code(require_2fa):
    user = make_user("ana", "Research analysts")
    client = password_sign_in("ana")

    page = client.get("/admin/two-factor/setup/?next=/admin/pages/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = client.post("/admin/two-factor/setup/", {"token": "000000", "next": "/admin/pages/"})
    assert wrong.status_code == 400
    assert "not right" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # django-otp throttles: after one wrong code, none is checked for 1 s

    done = client.post(
        "/admin/two-factor/setup/", {"token": current_code(device), "next": "/admin/pages/"}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get("/admin/").status_code == 200
    # Enrolled: the setup page sends them on instead of adding a second authenticator.
    assert client.get("/admin/two-factor/setup/").status_code == 302

    # Next sign-in: verification, not enrolment.
    later = password_sign_in("ana")
    response = later.get("/admin/")
    assert response["Location"].startswith("/admin/two-factor/verify/")
    assert later.post("/admin/two-factor/verify/", {"token": "123456"}).status_code == 400
    time.sleep(1.1)
    response = later.post("/admin/two-factor/verify/", {"token": codes[0], "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert later.get("/admin/").status_code == 200

    # A recovery code works once.
    third = password_sign_in("ana")
    assert third.post("/admin/two-factor/verify/", {"token": codes[0]}).status_code == 400
    assert third.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_verification_accepts_an_app_code(require_2fa):
    user = make_user("root", superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = password_sign_in("root")
    response = client.post("/admin/two-factor/verify/", {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/django-admin/").status_code == 200


def test_next_never_leaves_the_site(require_2fa):
    user = make_user("root", superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = password_sign_in("root")
    response = client.post(
        "/admin/two-factor/verify/",
        {"token": current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/admin/"


def test_the_two_factor_pages_need_a_password_sign_in_first(require_2fa):
    response = Client().get("/admin/two-factor/verify/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_wrong_codes_are_throttled(require_2fa):
    user = make_user("root", superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = password_sign_in("root")
    for _ in range(3):
        client.post("/admin/two-factor/verify/", {"token": "000000"})
    # Even the right code is refused while the device is throttled (4 s after 3 failures).
    assert (
        client.post("/admin/two-factor/verify/", {"token": current_code(device)}).status_code == 400
    )


def test_require_2fa_is_off_in_the_test_and_base_settings():
    from site.settings import base, test

    assert base.REQUIRE_2FA is False
    assert test.REQUIRE_2FA is False


def test_the_icon_sprite_is_served_before_the_second_factor(require_2fa):
    # Wagtail's JS injects the sprite into every admin page, the 2FA pages included.
    make_user("ed", "Editors")
    client = password_sign_in("ed")
    sprite = client.get("/admin/two-factor/setup/").content.decode()
    url = (
        sprite.split('data-icon-url="', 1)[1].split('"', 1)[0]
        if "data-icon-url" in sprite
        else None
    )
    response = client.get(url or "/admin/sprite/")
    assert response.status_code == 200
    assert b"<svg" in response.content
