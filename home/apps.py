from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeConfig(AppConfig):
    """The site root: home page, health check, demo content."""

    name = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home import sync_status  # noqa: F401 (connects its signal)
        from home.site_address import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="home.site_address")
