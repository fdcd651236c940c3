from django.apps import AppConfig


class TrialsConfig(AppConfig):
    """ClinicalTrials.gov studies and the registry sync."""

    name = "trials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from trials.alerts.digest import record_status_change
        from trials.signals import trial_status_changed

        # what the alert digests report as "changed status"
        trial_status_changed.connect(record_status_change, dispatch_uid="trials.alerts.record")
