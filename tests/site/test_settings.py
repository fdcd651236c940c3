"""Configuration errors are clear, and production settings pass Django's deploy checks."""

import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.processes import manage, process_env, python

pytestmark = pytest.mark.slow

PRODUCTION = "site.settings.production"
GOOD_KEY = "a-long-random-secret-key-for-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def production_env(**overrides):
    env = process_env(DJANGO_SETTINGS_MODULE=PRODUCTION)
    env.pop("SECRET_KEY", None)
    env.pop("ALLOWED_HOSTS", None)
    env.update(overrides)
    return env


def read_settings(code: str, env: dict) -> subprocess.CompletedProcess:
    """Run CODE in a fresh interpreter that reads the settings ENV selects, as
    ``manage.py`` would, without loading the apps (what ``manage.py shell`` cost)."""
    return python("-c", "import site_package\n" + code, env=env)


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", env=production_env(ALLOWED_HOSTS="cms.example.org"))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", env=production_env(SECRET_KEY=GOOD_KEY))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_passes_check_deploy_with_no_warnings():
    env = production_env(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="cms.example.org")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_malformed_database_url_is_named_in_the_error():
    result = manage("check", env=process_env(DATABASE_URL="not-a-url"))
    assert result.returncode != 0
    assert "DATABASE_URL is malformed" in result.stderr


@pytest.mark.parametrize(
    "url",
    ["not-a-url", "mysqlx://host/db", "postgres://postgres@127.0.0.1:5432"],
)
def test_database_from_env_rejects_bad_urls(monkeypatch, url):
    from site.settings.environment import database_from_env

    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is malformed"):
        database_from_env("sqlite:///x.sqlite3", conn_max_age=0)


def test_database_from_env_parses_postgres(monkeypatch):
    from site.settings.environment import database_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    config = database_from_env("sqlite:///x.sqlite3", conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "test"
    assert config["CONN_MAX_AGE"] == 60
    assert config["OPTIONS"]["options"] == "-c jit=off"


def test_database_from_env_keeps_the_urls_own_postgres_options(monkeypatch):
    from site.settings.environment import database_from_env

    url = "postgres://postgres@127.0.0.1:5432/test?options=-c%20statement_timeout%3D5000"
    monkeypatch.setenv("DATABASE_URL", url)
    options = database_from_env("sqlite:///x.sqlite3", conn_max_age=0)["OPTIONS"]["options"]
    assert options == "-c statement_timeout=5000 -c jit=off"


@pytest.mark.django_db
def test_postgres_connections_do_not_jit_compile_the_sites_short_queries():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    else:  # SQLite has no JIT and gets no PostgreSQL options
        assert "options" not in connection.settings_dict["OPTIONS"]


def test_env_bool_rejects_nonsense(monkeypatch):
    from site.settings.environment import env_bool

    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


PROBE_HTTPS = (
    "from django.conf import settings; from django.test import RequestFactory; "
    "request = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https'); "
    "print(settings.SECURE_PROXY_SSL_HEADER, request.is_secure())"
)


def test_production_ignores_x_forwarded_proto_unless_behind_a_proxy():
    env = production_env(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="cms.example.org")
    result = read_settings(PROBE_HTTPS, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["None", "False"]


def test_behind_proxy_trusts_x_forwarded_proto():
    env = production_env(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="cms.example.org", BEHIND_PROXY="true")
    result = read_settings(PROBE_HTTPS, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout


@pytest.mark.parametrize("override, expected", [({}, "True"), ({"REQUIRE_2FA": "false"}, "False")])
def test_production_requires_two_factor_sign_in_unless_turned_off(override, expected):
    env = production_env(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="cms.example.org", **override)
    result = read_settings("from django.conf import settings; print(settings.REQUIRE_2FA)", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == expected


def test_production_addresses_default_to_https_on_the_first_allowed_host():
    """Never http://127.0.0.1:8000 or localhost in a production page's canonical URL."""
    env = production_env(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="cms.example.org,www.example.org")
    code = "from django.conf import settings as s; print(s.SITE_URL, s.WAGTAILADMIN_BASE_URL)"
    result = read_settings(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "https://cms.example.org",
        "https://cms.example.org",
    ]
    env["SITE_URL"] = "https://readers.example.org"
    result = read_settings(code, env)
    assert result.stdout.splitlines()[-1].split() == [
        "https://readers.example.org",
        "https://cms.example.org",
    ]
