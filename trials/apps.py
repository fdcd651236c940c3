from django.apps import AppConfig


class TrialsConfig(AppConfig):
    """ClinicalTrials.gov studies and the registry sync."""

    name = "trials"
    default_auto_field = "django.db.models.BigAutoField"
