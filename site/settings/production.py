"""Production: refuses to start without SECRET_KEY and ALLOWED_HOSTS; HTTPS everywhere."""

from .base import *  # noqa: F403
from .environment import env_bool, env_int, env_str, require

_MODULE = "site.settings.production"

DEBUG = False
SECRET_KEY = require("SECRET_KEY", _MODULE)
ALLOWED_HOSTS = [h.strip() for h in require("ALLOWED_HOSTS", _MODULE).split(",") if h.strip()]
# Public and admin addresses default to HTTPS on the first allowed host, never 127.0.0.1.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
SITE_URL = env_str("SITE_URL", WAGTAILADMIN_BASE_URL)
WAGTAILAPI_BASE_URL = SITE_URL

STORAGES = {
    "default": {"BACKEND": "site.storage.CleaningFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REQUIRE_2FA = env_bool("REQUIRE_2FA", True)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips a client's own):
# otherwise any client could claim HTTPS.
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# /healthz must answer plain HTTP from the load balancer's probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
