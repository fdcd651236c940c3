"""Settings shared by every environment. Deployment specifics come from the environment."""

from datetime import timedelta
from pathlib import Path

from .environment import (
    database_from_env,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    frontend_cache_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "home",
    "insights",
    "people",
    "trials",
    "webhooks",
    "sitesearch",
    "wagtail.api.v2",
    "wagtail.api.v3",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "rest_framework",
    "corsheaders",
    "django_filters",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "site.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (it serves static files compressed itself): gzip for HTML and JSON,
    # cache hits included.
    "django.middleware.gzip.GZipMiddleware",
    # Anonymous readers of explainers and the index: a hit skips everything below.
    "insights.serving.page_cache.AnonymousPageCacheMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Cached API reads, after CORS (which adds the caller's own headers to a hit).
    "insights.serving.api_cache.EarlyAPICacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "site.middleware.ContentSecurityPolicyMiddleware",
    "site.middleware.PublicCacheControlMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site.urls"
WSGI_APPLICATION = "site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Persistent connections: connection set-up costs ~17 ms of CPU on this machine.
DATABASES = {
    "default": database_from_env(
        default_url=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out account or client before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Behind a proxy (production's BEHIND_PROXY) the client is the last X-Forwarded-For hop.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)

# Login throttling (accounts/lockout.py): 5 failures lock the account, and separately the
# client address, for 15 minutes, even with the right password.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Two-factor sign-in (accounts/two_factor.py) for superusers and these groups; on in
# production, off by default elsewhere so `make run`'s printed demo logins work as they are.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
TWO_FACTOR_GROUPS = ["Research analysts", "Medical reviewers", "Registry verifiers", "Editors"]
OTP_TOTP_ISSUER = "ClinicalMetric"

# Password reset e-mails per client address and per e-mail address (accounts/views.py).
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 5)

# OWASP ASVS level 2: at least 12 characters, not a common password, not the site's name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "site.passwords.SiteWordsValidator"},
]
# Refused inside passwords, besides WAGTAIL_SITE_NAME and the labels of the site's hosts.
PASSWORD_FORBIDDEN_WORDS = ["clinicalmetric"]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "site.storage.CleaningFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor posts many fields for long StreamFields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "clinicalmetric",
    }
}
if env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

# Whole pages for anonymous readers (insights/serving): kept until an event makes them
# stale; this bound only frees memory.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 60 * 60)

# CDN purge (insights/serving/purge.py): Wagtail's frontend cache backends, chosen by
# FRONTEND_CACHE=cloudflare|cloudfront|http (README: "CDN purge"). Off when unset.
WAGTAILFRONTENDCACHE = frontend_cache_from_env()
# API URLs a CDN may hold for a changed object ({id}: its primary key; {nct_id}: a trial's).
FRONTEND_CACHE_API_URLS = {
    "page": [
        "/api/v2/pages/",
        "/api/v2/pages/{id}/",
        "/api/v3/pages/",
        "/api/v3/pages/{id}/",
        "/api/v3/explainers/",
        "/api/v3/explainers/{id}/",
    ],
    "person": [
        "/api/v2/people/",
        "/api/v2/people/{id}/",
        "/api/v3/people/",
        "/api/v3/people/{id}/",
    ],
    "trial": [
        "/trials/{nct_id}/",
        "/api/v2/trials/",
        "/api/v2/trials/{id}/",
        "/api/v3/trials/",
        "/api/v3/trials/{id}/",
        "/api/v3/trials/{nct_id}/",
    ],
}

# E-mail (review notifications). Console backend unless configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ClinicalMetric <editorial@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Wagtail 8 logs every background task (search index, reference index) at INFO.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "ClinicalMetric"
# No Gravatar: the admin would send a hash of every reviewer's e-mail address to a third
# party (and show a broken image where it cannot reach it); Wagtail's own avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = env_str("WAGTAIL_GRAVATAR_PROVIDER_URL", "") or None
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Where readers reach the site: the default Wagtail Site's hostname and port follow it on
# every migrate (home/site_address.py), so canonical URLs, og:url, JSON-LD, the sitemap and
# e-mails name the real host.
SITE_URL = env_str("SITE_URL", WAGTAILADMIN_BASE_URL)
# Images and documents on reviewed explainers keep their file, title and alt text unless
# a superuser changes them (insights/review/media.py; docs/review-workflow.md).
WAGTAILIMAGES_IMAGE_FORM_BASE = "insights.review.media.ProtectedImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "insights.review.media.ProtectedDocumentForm"
# Wagtail's database backend (PostgreSQL full text in production); see site/search_backend.py.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "site.search_backend"}}
# Upload limits: Wagtail's own form validation answers with a form error naming the limit.
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
# Rendering decodes the whole bitmap: a small PNG of 11000x11000 pixels takes ~500 MB.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
# Editorial review (insights.review): the final approval publishes without the approver
# holding publish permission; approvals count only for the revision they approved; the
# review sends its own stage e-mails, so Wagtail's extra ones to superusers are off.
WAGTAIL_FINISH_WORKFLOW_ACTION = "insights.review.finish.finish_workflow"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Reading grade (Flesch-Kincaid) above which the review screen warns (insights.review.readability).
EXPLAINER_READING_GRADE_MAX = env_int("EXPLAINER_READING_GRADE_MAX", 9)

# Headless API: CORS for configured front-end origins only.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# Rich text fields as front-end HTML (internal links resolved) unless ?rich_text_format= says.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
API_MAX_OFFSET = 1_000_000
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)
API_CACHE_STALE_WHILE_REVALIDATE = env_int("API_CACHE_STALE_WHILE_REVALIDATE", 300)
# Cached API reads are answered before sessions and routing under these paths
# (insights/serving/api_cache.py); what is stored is decided by the v2 router and the v3
# content endpoints (site/api_v3/caching.py).
API_CACHE_PATHS = ["/api/v2/", "/api/v3/"]
# Headless preview: how long a signed draft-preview token stays valid, and where the
# front-end shows a preview ("{token}" is replaced); blank shows the API URL instead.
API_PREVIEW_TOKEN_MAX_AGE = env_int("API_PREVIEW_TOKEN_MAX_AGE", 3600)
HEADLESS_PREVIEW_URL = env_str("HEADLESS_PREVIEW_URL")
# API v3: the OpenAPI document and interactive docs (/api/v3/openapi.json, /api/v3/docs/)
# can be turned off; anonymous requests per client address (429 with Retry-After above).
WAGTAILAPI_DOCS_ENABLED = env_bool("API_DOCS_ENABLED", True)
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
# Webhooks (webhooks/): plain-HTTP endpoints only in development; retries with backoff.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
WEBHOOK_TIMEOUT = env_float("WEBHOOK_TIMEOUT", 10.0)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
WEBHOOK_BACKOFF_MAX_SECONDS = env_int("WEBHOOK_BACKOFF_MAX_SECONDS", 3600)

# Content-Security-Policy (see site/middleware.py). The admin needs inline styles.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
CONTENT_SECURITY_POLICY_ADMIN = (
    "default-src 'self'; img-src 'self' data: blob: https:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)
# Features no page of ours uses: denied to every origin (the header's structured syntax).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)
# Seconds a shared cache may keep an anonymous reader's public page.
PUBLIC_PAGE_MAX_AGE = env_int("PUBLIC_PAGE_MAX_AGE", 300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail marks its own preview views SAMEORIGIN; everything else is never framed.
X_FRAME_OPTIONS = "DENY"

# ClinicalTrials.gov registry sync
CTGOV_API_URL = env_str("CTGOV_API_URL", "https://clinicaltrials.gov/api/v2")
# 0.75/s = 45 a minute: under the ~50/minute at which clients report 429s.
CTGOV_REQUESTS_PER_SECOND = env_float("CTGOV_REQUESTS_PER_SECOND", 0.75)
CTGOV_TIMEOUT_CONNECT = env_float("CTGOV_TIMEOUT_CONNECT", 10.0)
CTGOV_TIMEOUT_READ = env_float("CTGOV_TIMEOUT_READ", 60.0)
CTGOV_MAX_RETRIES = env_int("CTGOV_MAX_RETRIES", 5)
# Retry delays: base * 2**n seconds with jitter, at most CTGOV_BACKOFF_MAX (unless Retry-After).
CTGOV_BACKOFF_BASE = env_float("CTGOV_BACKOFF_BASE", 1.0)
CTGOV_BACKOFF_MAX = env_float("CTGOV_BACKOFF_MAX", 60.0)
# The sync's database lease: a heartbeat renews it four times per period, so a killed
# worker's lease lapses within a minute and the next run takes over.
TRIALS_SYNC_LEASE_SECONDS = env_int("TRIALS_SYNC_LEASE_SECONDS", 60)
# Mirror the whole registry (~600,000 studies): a "whole registry" source in every run.
TRIALS_MIRROR_REGISTRY = env_bool("TRIALS_MIRROR_REGISTRY", False)
# E-mail alerts of finder searches: subscriptions per address and per client, per hour.
TRIALS_ALERTS_PER_ADDRESS_PER_HOUR = env_int("TRIALS_ALERTS_PER_ADDRESS_PER_HOUR", 3)
TRIALS_ALERTS_PER_CLIENT_PER_HOUR = env_int("TRIALS_ALERTS_PER_CLIENT_PER_HOUR", 10)
# Map tiles of the trial and finder pages (Leaflet), e.g.
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; empty = no map (the site list stays).
TRIALS_MAP_TILE_URL = env_str("TRIALS_MAP_TILE_URL", "")
TRIALS_MAP_ATTRIBUTION = env_str("TRIALS_MAP_ATTRIBUTION", "© OpenStreetMap contributors")

# /healthz answers 503 "degraded" when the worker's heartbeat is older than this.
HEALTHZ_WORKER_MAX_AGE_SECONDS = env_int("HEALTHZ_WORKER_MAX_AGE_SECONDS", 300)

# Editorial review
REVIEW_INTERVAL_DAYS = env_int("REVIEW_INTERVAL_DAYS", 90)
# The weekly digest to Editors lists pages waiting at their stage longer than this.
REVIEW_OVERDUE_DAYS = env_int("REVIEW_OVERDUE_DAYS", 7)

# django-q2: the ORM broker needs no extra server; set Q_REDIS_URL to use Redis.
Q_CLUSTER = {
    "name": "clinicalmetric",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 3600),
    "retry": env_int("Q_RETRY", 3900),
    "max_attempts": 1,
    "queue_limit": 50,
    "bulk": 10,
    "orm": "default",
    "catch_up": False,
    "save_limit": 250,
    "poll": env_float("Q_POLL", 1.0),
    # seconds between the cluster's checks of its workers; its scheduler looks at due
    # schedules once these add up to 30 s (at start, when a cycle is 30 or more)
    "guard_cycle": env_float("Q_GUARD_CYCLE", 0.5),
}
if env_str("Q_REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = env_str("Q_REDIS_URL")
