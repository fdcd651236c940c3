"""Public views: the short route to an explainer (site search is sitesearch/views.py)."""

from django.conf import settings
from wagtail import hooks
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from insights.fragments import dependency_stamp, live_explainer_with_stamp

# Wagtail's own serve hooks; when only these are registered the fast path below applies
# them itself (request method, view restrictions) instead of running the hook chain.
WAGTAIL_SERVE_HOOKS = {
    "wagtail.wagtail_hooks.check_request_method",
    "wagtail.wagtail_hooks.check_view_restrictions",
}


def _only_wagtail_serve_hooks() -> bool:
    registered = hooks.get_hooks("before_serve_page") + hooks.get_hooks("on_serve_page")
    return {f"{fn.__module__}.{fn.__name__}" for fn in registered} <= WAGTAIL_SERVE_HOOKS


def explainer(request, slug):
    """``/insights/<slug>/`` for anonymous readers: Wagtail's page serving, with a short route.

    Wagtail's router walks the tree (site, home page, index, explainer: five queries or
    more) before the page's own work. Here a public explainer is found in one query by its
    URL path together with its fragments' inputs (and any view restriction), and the page
    is served as Wagtail would. Anything unusual (a signed-in user or a session, another HTTP
    method, several sites, a view restriction, extra serve hooks, no such explainer) goes
    through Wagtail's own ``serve`` unchanged.
    """
    path = f"insights/{slug}/"
    if (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or not _only_wagtail_serve_hooks()
    ):
        return wagtail_serve(request, path)
    root_paths = Site.get_site_root_paths()
    if len(root_paths) != 1:
        return wagtail_serve(request, path)
    # One query: the page's shell fields and its fragments' inputs; a cache miss reloads it.
    page = live_explainer_with_stamp(root_paths[0].root_path + path)
    if page is None:
        return wagtail_serve(request, path)
    stamp = dependency_stamp(page)
    if stamp["restricted"] != "0":
        return wagtail_serve(request, path)
    return page.serve(request)
