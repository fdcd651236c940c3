"""Template tags of the public site's shell: dates, the last registry sync, sharing tags."""

from datetime import date, datetime

from django import template
from django.conf import settings
from django.template.loader import select_template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html

from home.sync_status import last_successful_sync

register = template.Library()

# One date style everywhere a reader sees a date ("1 December 2026").
READER_DATE_FORMAT = "%-d %B %Y"
SOCIAL_CARD = "img/social-card.png"
SITE_NAME = "ClinicalMetric"


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, date):
        return value
    return None


@register.simple_tag
def nice_date(value) -> str:
    """``<time datetime="2026-12-01">1 December 2026</time>``: a valid machine date (no
    time, so never microseconds) and the one date style readers see; '' for no date."""
    day = _as_date(value)
    if day is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', day.isoformat(), day.strftime(READER_DATE_FORMAT)
    )


@register.filter(is_safe=True)
def with_site_name(title) -> str:
    """TITLE · ClinicalMetric, the site name once: not added when the title already has it."""
    title = " ".join(str(title).split())
    if not title:
        return SITE_NAME
    if SITE_NAME.lower() in title.lower():
        return title
    return f"{title} · {SITE_NAME}"


@register.simple_tag
def last_trial_sync():
    """When the last successful registry sync finished (None before the first one)."""
    return last_successful_sync()


def absolute(path: str) -> str:
    """PATH on the configured public address (SITE_URL), for tags read off-site."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


@register.simple_tag(name="site_absolute")
def site_absolute(path) -> str:
    """PATH on the configured public address: canonical URLs name SITE_URL's host."""
    return absolute(str(path))


@register.simple_tag
def social_card_url() -> str:
    return absolute(static(SOCIAL_CARD))


@register.inclusion_tag("includes/social_meta.html", takes_context=True)
def social_meta(context, image_url="", title="", description="", path="", og_type=""):
    """Open Graph and Twitter card tags (the default card unless IMAGE_URL is given).

    Wagtail pages need no arguments; other views pass their TITLE, DESCRIPTION and PATH.
    """
    page = context.get("page")
    if not title and page is not None:
        title = getattr(page, "seo_title", "") or getattr(page, "title", "")
    request = context.get("request")
    url = ""
    if path:
        url = absolute(path)
    elif page is not None and hasattr(page, "full_url"):
        url = page.full_url or ""
    elif request is not None:
        url = absolute(request.path)
    if not description and page is not None:
        description = getattr(page, "search_description", "") or getattr(page, "intro", "")
    return {
        "title": title or "ClinicalMetric",
        "description": description
        or "Independent, registry-verified explainers of treatments and clinical trials.",
        "url": url,
        "image_url": image_url or social_card_url(),
        "og_type": og_type or "website",
    }


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name):
    """Render TEMPLATE_NAME with the current context when it exists, else nothing.

    The slot for another area's block (the finder's "trials being tested now"): the
    page works before and after that template lands.
    """
    try:
        found = select_template([template_name])
    except template.TemplateDoesNotExist:
        return ""
    return found.render(context.flatten(), context.get("request"))
