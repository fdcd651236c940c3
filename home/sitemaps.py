"""The sitemap: an index (/sitemap.xml) of the Wagtail pages and the trial pages.

The trial pages come in pages of TRIALS_PER_SITEMAP (the protocol allows 50,000 URLs a
file; smaller files stay fast to build at 600,000 trials), in NCT ID order on the unique
index. Every URL names the configured public address (SITE_URL), as canonical URLs do.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap as WagtailSitemap

from trials.models import Trial

TRIALS_PER_SITEMAP = 20_000
COUNT_CACHE_SECONDS = 3600


class CountedPaginator(Paginator):
    """A paginator whose (expensive at 600k rows) count is cached for an hour."""

    cache_key = "sitemap:trial-count"

    @cached_property
    def count(self):
        count = cache.get(self.cache_key)
        if count is None:
            count = self.object_list.count()
            cache.set(self.cache_key, count, COUNT_CACHE_SECONDS)
        return count


class TrialSitemap(DjangoSitemap):
    """Every trial page still in the registry."""

    limit = TRIALS_PER_SITEMAP
    changefreq = "daily"

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def items(self):
        return (
            Trial.objects.filter(missing_from_registry=False)
            .order_by("nct_id")
            .only("nct_id", "last_changed")
        )

    @property
    def paginator(self):
        return CountedPaginator(self._items(), self.limit)

    def location(self, trial):
        return trial.get_absolute_url()

    def lastmod(self, trial):
        return trial.last_changed


SECTIONS = {"pages": WagtailSitemap, "trials": TrialSitemap}


def _sections(request):
    return {
        name: cls(request) if cls is WagtailSitemap else cls() for name, cls in SECTIONS.items()
    }


@require_safe
def index(request):
    """``/sitemap.xml``: the sitemap files, on the configured public address."""
    base = settings.SITE_URL.rstrip("/")
    locations = []
    for name, section in _sections(request).items():
        url = base + reverse("sitemap_section", kwargs={"section": name})
        pages = section.paginator.num_pages
        locations.append(url)
        locations += [f"{url}?p={number}" for number in range(2, pages + 1)]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [{"location": url} for url in locations]},
        content_type="application/xml",
    )


@require_safe
def section(request, section):
    """``/sitemap-<section>.xml[?p=N]``: one file of the index (404 for no such file)."""
    return sitemap_views.sitemap(request, _sections(request), section=section)
