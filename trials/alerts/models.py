"""The alert models; imported by trials/models.py, so their app is ``trials``."""

from django.db import models
from django.utils import timezone


class TrialAlert(models.Model):
    """One e-mail subscription to one finder search: the address and the search only."""

    email = models.EmailField(max_length=254)
    # the finder's query string, normalised (trials.alerts.forms.normalised_query)
    query = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    confirmed = models.DateTimeField(null=True, blank=True)
    # the end of the window the last digest covered: the next one reports what came after
    last_digest = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "query"], name="trials_alert_unique")
        ]
        indexes = [models.Index(fields=["confirmed"], name="trials_alert_confirmed_idx")]

    def __str__(self) -> str:
        return f"{self.email}: ?{self.query}"

    @property
    def since(self):
        return self.last_digest or self.confirmed


class TrialStatusChange(models.Model):
    """A trial's overall status changed in a sync (what a digest reports as "changed")."""

    trial = models.ForeignKey("trials.Trial", on_delete=models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=40, blank=True)
    new_status = models.CharField(max_length=40, blank=True)
    changed = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["changed", "trial"], name="trials_status_change_idx")]

    def __str__(self) -> str:
        return f"{self.trial_id}: {self.old_status} → {self.new_status}"
