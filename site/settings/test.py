"""Tests: fast hashing, in-memory e-mail, no external calls."""

from .base import *  # noqa: F403
from .environment import env_bool, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "test-insecure-key")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Point the registry client at nothing by default; tests start a fake server.
CTGOV_API_URL = env_str("CTGOV_API_URL", "http://127.0.0.1:9/api/v2")
CTGOV_REQUESTS_PER_SECOND = 0  # no politeness delay against the local fake server
WAGTAILADMIN_BASE_URL = "http://testserver"
SITE_URL = WAGTAILAPI_BASE_URL = "http://testserver"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tests sign in over and over: lockout is off except in the tests that turn it on
# (tests/accounts/), and in the child processes they start.
AXES_ENABLED = env_bool("AXES_ENABLED", False)

# Rate limits are off except in the tests that turn them on (tests/api/v3/test_limits.py).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "")

# The search index is updated on save only where a test searches (the fixture
# ``search_index`` in tests/conftest.py, and child processes that set
# SEARCH_AUTO_UPDATE): indexing every saved page and snippet was ~8 % of the suite.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        **WAGTAILSEARCH_BACKENDS["default"],
        "AUTO_UPDATE": env_bool("SEARCH_AUTO_UPDATE", False),
    }
}
