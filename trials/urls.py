"""Public trial pages, mounted at /trials/ by site/urls.py."""

from django.urls import re_path

from . import views
from .alerts import views as alert_views
from .feeds import TrialFeed

app_name = "trials"

urlpatterns = [
    re_path(r"^$", views.trial_list, name="list"),
    re_path(r"^feed/$", TrialFeed(), name="feed"),
    re_path(r"^alerts/$", alert_views.subscribe, name="alert_subscribe"),
    re_path(r"^alerts/confirm/(?P<token>[^/]+)/$", alert_views.confirm, name="alert_confirm"),
    re_path(
        r"^alerts/unsubscribe/(?P<token>[^/]+)/$",
        alert_views.unsubscribe,
        name="alert_unsubscribe",
    ),
    re_path(r"^(?P<nct_id>[Nn][Cc][Tt]\d{8})/$", views.trial_detail, name="detail"),
]
