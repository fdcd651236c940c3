from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The site root: home page, health check, demo content."""

    name = "home"
    default_auto_field = "django.db.models.BigAutoField"
