"""CDN purge: the serving events' URLs, purged through ``wagtail.contrib.frontend_cache``.

Configured from the environment (``FRONTEND_CACHE`` and its backend's variables, see
``site.settings.environment.frontend_cache_from_env``). Wagtail's own app is not
installed: its signal handlers would purge a published page only, while the serving
events know every page, listing and API URL that shows a changed object. The URL
patterns of API objects are ``FRONTEND_CACHE_API_URLS`` (v2 and the v3 paths).
"""

from django.conf import settings
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache


def api_urls(change) -> set[str]:
    """Full URLs of the API objects and listings CHANGE makes stale."""
    from trials.models import Trial

    patterns = settings.FRONTEND_CACHE_API_URLS
    base = settings.WAGTAILAPI_BASE_URL.rstrip("/")
    paths = set()
    for page_id in change.page_ids:
        paths.update(p.format(id=page_id) for p in patterns["page"])
    for person_id in change.people:
        paths.update(p.format(id=person_id) for p in patterns["person"])
    if change.trials:
        trials = Trial.objects.filter(nct_id__in=change.trials).values_list("pk", "nct_id")
        for pk, nct_id in trials:
            paths.update(p.format(id=pk, nct_id=nct_id) for p in patterns["trial"])
    return {base + path for path in paths}


def purge(paths, urls, change) -> None:
    """Consumer of the serving events: purge every URL that shows the change."""
    if not settings.WAGTAILFRONTENDCACHE:
        return
    purge_urls_from_cache(sorted(set(urls) | api_urls(change)))
