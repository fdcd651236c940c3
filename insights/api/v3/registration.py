"""The explainer's typed schema in Wagtail's v3 content-type registry (see ``site.api_v3``)."""

import sys

from django.core.exceptions import ImproperlyConfigured


def register_types() -> None:
    """Register the explainer's read schema (people and trials have their own routers)."""
    if "wagtail.api.v3.routers.pages" in sys.modules:
        raise ImproperlyConfigured(
            "wagtail.api.v3.routers.pages was imported before the explainer's schema was "
            "registered: /api/v3/pages/ would not type explainers. Keep 'insights' above "
            "the Wagtail apps in INSTALLED_APPS."
        )
    from wagtail.api.v3.registry import registry

    from insights.api.v3.schemas import ExplainerPageSchema

    registry.get("insights.ExplainerPage").read_schema = ExplainerPageSchema
