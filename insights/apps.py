from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Treatment explainers: pages, blocks, the editorial review workflow."""

    name = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from insights import registry_links
        from insights.api.v3.registration import register_types
        from insights.review.signals import connect_review_signals
        from insights.serving import events

        connect_review_signals()
        # Before Wagtail's apps import the v3 pages router (see site.api_v3).
        register_types()
        registry_links.connect()
        events.connect()
