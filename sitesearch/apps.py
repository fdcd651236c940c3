from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    """One search over explainers and trials, with the synonyms editors maintain."""

    name = "sitesearch"
    label = "sitesearch"
    verbose_name = "Site search"
    default_auto_field = "django.db.models.BigAutoField"
