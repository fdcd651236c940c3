from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Signed webhooks to partners when content changes (see webhooks/models.py)."""

    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from webhooks.events import connect

        connect()
