"""The axe configuration of Wagtail's accessibility checker on explainers (no browser).

The browser tests (test_editor_browser.py) run it; these check what the editor and the
preview's userbar are given.
"""

import json
import re

import pytest
from django.urls import reverse

from insights.review.content_checks import EXPLAINER_AXE_RULES, ExplainerContentChecker
from tests.insights.factories import ExplainerPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def axe_configuration(html: str) -> dict:
    match = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "no axe configuration in the page"
    return json.loads(match.group(1))


def test_the_editor_checks_the_whole_page_body_with_the_explainer_rules(admin_client):
    page = ExplainerPageFactory()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    config = axe_configuration(html)
    assert config["context"]["include"] == ["body"]
    rules = config["options"]["runOnly"]
    assert rules == EXPLAINER_AXE_RULES
    for rule in ("heading-order", "empty-heading", "link-name", "image-alt", "list"):
        assert rule in rules
    assert config["messages"]["image-alt"]["error_name"] == "Image without alt text"


def test_the_checks_panel_never_starts_at_zero_issues(admin_client):
    page = ExplainerPageFactory()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert re.search(r"data-content-checker-count>\u2013<", html)
    assert not re.search(r"data-content-checker-count>0<", html)
    assert 'data-content-checks-state="waiting"' in html
    assert "insights/js/content-checks.js" in html


def test_the_preview_userbar_runs_the_same_checker(rf, django_user_model):
    from wagtail.admin.userbar import Userbar

    page = ExplainerPageFactory()
    request = rf.get(page.url)
    request.user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    request.in_preview_panel = True  # as Wagtail sets it for the editor's preview frame
    html = Userbar(object=page).render_html({"request": request})
    config = axe_configuration(html)
    assert config["options"]["runOnly"] == EXPLAINER_AXE_RULES
    assert config["context"]["include"] == ["body"]


def test_other_pages_keep_wagtails_checker():
    from wagtail.admin.userbar import ContentCheckerItem

    from home.models import HomePage
    from insights.review.content_checks import use_explainer_checker

    items = [ContentCheckerItem()]
    use_explainer_checker(None, items, HomePage())
    assert type(items[0]) is ContentCheckerItem
    use_explainer_checker(None, items, ExplainerPageFactory.build())
    assert type(items[0]) is ExplainerContentChecker
