"""Admin and rich text hooks of the headless API (imported by insights/wagtail_hooks.py)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page

from .links import PublicDocumentLinkHandler, PublicPageLinkHandler
from .preview import preview_url


# After Wagtail's own registrations (order 0): same behaviour, plus bulk resolution for the API.
@hooks.register("register_rich_text_features", order=100)
def register_public_link_handlers(features):
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(PublicDocumentLinkHandler)


def headless_preview(request, page_id):
    """Send an editor to the headless preview of the page's latest revision."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    revision = page.get_latest_revision()
    if revision is None:
        revision = page.save_revision(user=request.user, log_action=False)
    return redirect(preview_url(request, revision))


@hooks.register("register_admin_urls")
def register_headless_preview_url():
    return [
        path(
            "pages/<int:page_id>/headless-preview/",
            headless_preview,
            name="insights_headless_preview",
        )
    ]


@hooks.register("register_page_header_buttons")
def headless_preview_button(page, user, view_name, next_url=None):
    if view_name == "edit" and page.permissions_for_user(user).can_edit():
        yield Button(
            "Headless preview",
            reverse("insights_headless_preview", args=[page.pk]),
            icon_name="view",
            priority=90,
            attrs={"target": "_blank", "rel": "noreferrer"},
        )
