"""The default Wagtail Site answers at the configured public address (``SITE_URL``).

Wagtail builds every absolute URL of a page (canonical, ``og:url``, JSON-LD ``url``, the
sitemap, links in e-mails) from its Site's hostname and port. Left alone they stay at
the ``localhost:80`` a fresh database starts with, so every ``migrate`` (and
``load_demo_content``) sets them from the setting.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PORTS = {"http": 80, "https": 443}


def configured_address() -> tuple[str, int]:
    """(hostname, port) of ``SITE_URL``; a clear error when it is not an http(s) URL."""
    url = settings.SITE_URL
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ImproperlyConfigured(f"SITE_URL must be an http:// or https:// URL, not {url!r}")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as exc:
        raise ImproperlyConfigured(f"SITE_URL has an invalid port: {url!r}") from exc
    return parts.hostname.lower(), port


def apply_to_default_site(site_model=None) -> bool:
    """Give the default Site the configured address; True if it changed anything."""
    if site_model is None:
        from wagtail.models import Site as site_model
    hostname, port = configured_address()
    site = site_model.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    # Another Site may already hold that address (a hand-made one): leave both alone.
    if site_model.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    from wagtail.models import Site

    Site.clear_site_root_paths_cache()
    return True


def on_post_migrate(sender, apps=None, **kwargs) -> None:
    """Connected for the home app (whose migrations create the Site): every migrate, and
    every ``flush`` (which sends the signal without the migration state's apps)."""
    if apps is None:
        from django.apps import apps
    try:
        site_model = apps.get_model("wagtailcore", "Site")
    except LookupError:
        return
    apply_to_default_site(site_model)
