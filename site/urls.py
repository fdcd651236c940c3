"""URL configuration: admin, API, health, sitemap, then Wagtail's page tree."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import ThrottledPasswordResetView
from home import sitemaps
from home import views as home_views
from site.api import api_router
from site.api_v3.api import api as api_v3
from site.api_v3.caching import cached_urls
from sitesearch import views as sitesearch_views

handler500 = "site.errors.server_error"

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("search/", sitesearch_views.search, name="search"),
    path("django-admin/", admin.site.urls),
    # Before Wagtail's admin URLs: the same view, throttled.
    path(
        "admin/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path("admin/two-factor/", include("accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("trials/", include("trials.urls")),
    path("api/v2/", api_router.urls),
    path("api/v3/", cached_urls(api_v3)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    path("", include(wagtail_urls)),
]
