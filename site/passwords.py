"""Password rules beyond Django's: no password built on the site's own name or domain."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

# Labels of a host name that say nothing about this site.
_GENERIC_LABELS = {"www", "cms", "admin", "api", "app", "com", "org", "net", "localhost"}
_MIN_WORD = 4


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def site_words() -> set[str]:
    """The site's name, the words in ``PASSWORD_FORBIDDEN_WORDS`` and the labels of the
    site's host names (ALLOWED_HOSTS, WAGTAILADMIN_BASE_URL), normalised."""
    words = {settings.WAGTAIL_SITE_NAME, *getattr(settings, "PASSWORD_FORBIDDEN_WORDS", ())}
    hosts = [*settings.ALLOWED_HOSTS, urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or ""]
    for host in hosts:
        for label in host.strip(".").split("."):
            if label and not label.isdigit() and label.lower() not in _GENERIC_LABELS:
                words.add(label)
    return {w for w in map(_normalise, words) if len(w) >= _MIN_WORD}


class SiteWordsValidator:
    """Refuse a password containing the site's name or a word of its domain
    (case, spaces and punctuation ignored): "ClinicalMetric-2026!" is the first guess."""

    def validate(self, password, user=None):
        plain = _normalise(password)
        for word in sorted(site_words()):
            if word in plain:
                raise ValidationError(
                    "This password contains the name of the site (%(word)s), an easy guess.",
                    code="password_contains_site_name",
                    params={"word": word},
                )

    def get_help_text(self):
        return "Your password can't contain the name of the site or of its domain."
