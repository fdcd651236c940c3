"""ClinicalTrials.gov studies, the saved registry queries, and the record of sync runs."""

from django.db import models
from django.utils import timezone


class OverallStatus(models.TextChoices):
    """The registry's ``Status`` enum (API 2.0.5). Unknown values are stored as they come."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", "Active, not recruiting"
    COMPLETED = "COMPLETED", "Completed"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", "Enrolling by invitation"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", "Not yet recruiting"
    RECRUITING = "RECRUITING", "Recruiting"
    SUSPENDED = "SUSPENDED", "Suspended"
    TERMINATED = "TERMINATED", "Terminated"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"
    AVAILABLE = "AVAILABLE", "Available"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", "No longer available"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", "Temporarily not available"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", "Approved for marketing"
    WITHHELD = "WITHHELD", "Withheld"
    UNKNOWN = "UNKNOWN", "Unknown"


class Phase(models.TextChoices):
    """The registry's ``Phase`` enum."""

    NA = "NA", "Not applicable"
    EARLY_PHASE1 = "EARLY_PHASE1", "Early phase 1"
    PHASE1 = "PHASE1", "Phase 1"
    PHASE2 = "PHASE2", "Phase 2"
    PHASE3 = "PHASE3", "Phase 3"
    PHASE4 = "PHASE4", "Phase 4"


class Trial(models.Model):
    """One ClinicalTrials.gov study as last seen in the registry (read-only in the admin)."""

    nct_id = models.CharField("NCT ID", max_length=11, unique=True)
    brief_title = models.TextField(blank=True)
    official_title = models.TextField(blank=True)
    # Free text, not choices-validated: the registry adds values over time.
    overall_status = models.CharField(max_length=40, blank=True, db_index=True)
    phases = models.JSONField(default=list, blank=True)
    study_type = models.CharField(max_length=40, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    interventions = models.JSONField(default=list, blank=True)
    lead_sponsor = models.CharField(max_length=500, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    # Partial dates keep the registry's precision: "2019", "2019-05" or "2019-05-17".
    start_date = models.CharField(max_length=10, blank=True)
    primary_completion_date = models.CharField(max_length=10, blank=True)
    completion_date = models.CharField(max_length=10, blank=True)
    locations_count = models.PositiveIntegerField(default=0)
    countries = models.JSONField(default=list, blank=True)
    last_update_posted = models.DateField(null=True, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    last_changed = models.DateTimeField(default=timezone.now)
    missing_from_registry = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["nct_id"]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.brief_title}" if self.brief_title else self.nct_id

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"
