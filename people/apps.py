from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Authors and reviewers as snippets, linked to admin users."""

    name = "people"
    default_auto_field = "django.db.models.BigAutoField"
