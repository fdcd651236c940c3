"""Login throttling over real HTTP (gunicorn, production-like middleware, lockout on)."""

import re
import time

import pytest
import requests

from tests.processes import gunicorn, manage

pytestmark = pytest.mark.slow

PASSWORD = "demo-lamp-river-42"


def post_login(session, base, username, password):
    page = session.get(base + "/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        base + "/admin/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/admin/login/"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_burst_of_wrong_passwords_is_cut_off_and_the_right_one_then_refused(scratch_db_env):
    env = {**scratch_db_env, "AXES_ENABLED": "true"}
    created = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.filter(username='throttled').delete(); "
        f"User.objects.create_superuser('throttled', 't@example.org', '{PASSWORD}')",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    with gunicorn(env) as base:
        session = requests.Session()
        started = time.monotonic()
        statuses = [
            post_login(session, base, "throttled", f"wrong-{n}").status_code for n in range(30)
        ]
        elapsed = time.monotonic() - started
        right = post_login(session, base, "throttled", PASSWORD)
        fresh_session = post_login(requests.Session(), base, "throttled", PASSWORD)

    processed = statuses.count(200)
    print(
        f"\n{len(statuses)} wrong passwords in {elapsed:.1f} s: {processed} processed, "
        f"{statuses.count(429)} refused (429); right password afterwards: {right.status_code}"
    )
    assert processed == 4  # the fifth failure locks
    assert statuses[4:] == [429] * 26
    assert right.status_code == 429
    assert "Too many failed sign-ins" in right.text
    assert fresh_session.status_code == 429
