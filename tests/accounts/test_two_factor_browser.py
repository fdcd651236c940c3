"""Two-factor sign-in in Chromium, against gunicorn with REQUIRE_2FA on: a reviewer's first
sign-in enrols an authenticator, a later one is verified with a recovery code."""

import time

import pytest
from django_otp.oath import TOTP

from tests.processes import gunicorn, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "demo-lamp-river-42"
SEED = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("rita", "rita@example.org", "{PASSWORD}")
user.groups.add(Group.objects.get(name="Medical reviewers"))
"""


@pytest.fixture(scope="module")
def site(scratch_databases, tmp_path_factory):
    db = tmp_path_factory.mktemp("two_factor_browser") / "db.sqlite3"
    env = scratch_databases.copy("migrated", db, REQUIRE_2FA="true")
    result = manage("shell", "-c", SEED, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    with gunicorn(env) as base:
        yield base


def password_sign_in(browser, base):
    context = browser.new_context()
    context.set_default_timeout(20_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("input[name=username]", "rita")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    return tab


def totp_code(secret_b32: str) -> str:
    import base64

    totp = TOTP(base64.b32decode(secret_b32), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_first_sign_in_enrols_and_a_later_one_verifies_with_a_recovery_code(browser, site):
    base = site
    tab = password_sign_in(browser, base)
    tab.wait_for_url("**/admin/two-factor/setup/**")
    assert tab.locator(".two-factor-qr svg").first.is_visible()
    secret = tab.locator("#two-factor-secret").get_attribute("data-secret")

    tab.fill("input[name=token]", "000000")
    tab.click("button[type=submit]")
    assert "not right" in tab.locator("#two-factor-error").inner_text()

    time.sleep(1.1)  # django-otp throttles for a second after a wrong code
    tab.fill("input[name=token]", totp_code(secret))
    tab.click("button[type=submit]")
    tab.wait_for_selector("#recovery-codes code")  # all_inner_texts() does not wait
    codes = [c.strip() for c in tab.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    tab.click("#two-factor-continue")
    tab.wait_for_url(base + "/admin/")
    assert tab.locator("#awaiting-review-content, main").count() >= 1
    tab.context.close()

    # A later sign-in asks for a code; a recovery code lets the reviewer in.
    tab = password_sign_in(browser, base)
    tab.wait_for_url("**/admin/two-factor/verify/**")
    tab.fill("input[name=token]", codes[0])
    tab.click("button[type=submit]")
    tab.wait_for_url(base + "/admin/")
    tab.goto(base + "/admin/pages/")
    assert "/admin/pages/" in tab.url
    tab.context.close()

    # The password alone reaches nothing.
    tab = password_sign_in(browser, base)
    tab.wait_for_url("**/admin/two-factor/verify/**")
    tab.goto(base + "/admin/pages/")
    assert "/admin/two-factor/verify/" in tab.url
    tab.context.close()
