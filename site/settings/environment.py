"""Reading configuration from environment variables, with clear errors."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def require(name: str, settings_module: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required by {settings_module} but is not set."
        )
    return value


def database_from_env(default_url: str, conn_max_age: int) -> dict:
    """Parse ``DATABASE_URL`` (dj-database-url), failing with a readable message."""
    url = os.environ.get("DATABASE_URL", "").strip() or default_url
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL is malformed ({exc}): {url!r}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"DATABASE_URL is malformed (no database engine): {url!r}")
    if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL is malformed (no database name): {url!r}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The web server, the worker and the sync's lease heartbeat write to one file: a
        # transaction takes the write lock when it begins (a deferred one that read first
        # fails at once with "database is locked" when another writer got in between),
        # and waits for a busy lock instead of failing.
        config.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    elif "postgresql" in config["ENGINE"]:
        # The site's queries are short: PostgreSQL's JIT compiles any plan estimated above
        # jit_above_cost first, and the finder's planned reads (trials/filters/walk.py) are
        # costed at 10^10 for the plans they turn off: 330 ms of compiling for a 20 ms read.
        options = config.setdefault("OPTIONS", {})
        if "jit" not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


FRONTEND_CACHE_BACKENDS = {
    "cloudflare": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
    "cloudfront": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
    "http": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
}


def frontend_cache_from_env(environ=None) -> dict:
    """``WAGTAILFRONTENDCACHE`` from ``FRONTEND_CACHE`` (cloudflare, cloudfront or http)
    and that backend's variables; ``{}`` (no CDN purge) when ``FRONTEND_CACHE`` is unset."""
    environ = os.environ if environ is None else environ
    kind = environ.get("FRONTEND_CACHE", "").strip().lower()
    if not kind:
        return {}
    if kind not in FRONTEND_CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"FRONTEND_CACHE must be one of {', '.join(FRONTEND_CACHE_BACKENDS)}, got {kind!r}."
        )
    needed = {
        "cloudflare": {"ZONEID": "CLOUDFLARE_ZONE_ID", "BEARER_TOKEN": "CLOUDFLARE_API_TOKEN"},
        "cloudfront": {"DISTRIBUTION_ID": "CLOUDFRONT_DISTRIBUTION_ID"},
        "http": {"LOCATION": "FRONTEND_CACHE_PURGE_URL"},
    }[kind]
    config = {"BACKEND": FRONTEND_CACHE_BACKENDS[kind]}
    for param, variable in needed.items():
        value = environ.get(variable, "").strip()
        if not value:
            raise ImproperlyConfigured(f"FRONTEND_CACHE={kind} needs {variable}.")
        config[param] = value
    return {"default": config}
