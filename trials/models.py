"""ClinicalTrials.gov studies, the saved registry queries, and the record of sync runs."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

NCT_ID_RE = re.compile(r"^NCT\d{8}$")


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


def phase_label(phases) -> str:
    """The denormalised phase key stored on a trial: ``"PHASE1|PHASE2"``, ``""`` if none.

    Known phases come first in registry order; unknown values follow, sorted, so the
    same set of phases always gives the same key whatever order the registry sent.
    """
    unique = {str(p) for p in phases or []}
    if len(unique) < 2:
        return next(iter(unique), "")
    order = _PHASE_ORDER
    return "|".join(sorted(unique, key=lambda p: (order.get(p, len(order)), p)))


_PHASE_ORDER = {value: i for i, value in enumerate(Phase.values)}


def phase_labels_containing(phase: str) -> list[str]:
    """Every phase key that contains PHASE: the phase alone or combined with one other.

    The registry combines at most two phases (``PHASE1|PHASE2``, ``PHASE2|PHASE3``), so
    filtering on this short list uses a plain B-tree index on every database.
    """
    labels = {phase}
    for other in Phase.values:
        if other != phase:
            labels.add(phase_label([phase, other]))
    return sorted(labels)


def _words(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    long = [w for w in words if len(w) > 1]
    return (long or words)[:8]


class TrialQuerySet(models.QuerySet):
    """Filters shared by the public listing and the admin. They read the denormalised
    columns, so they work on SQLite and PostgreSQL alike: on PostgreSQL as full-text
    queries (English stemming, every word required) served by GIN indexes (migration
    0004); elsewhere every word must appear as a substring."""

    def _text_match(self, column: str, text: str, *, prefix: bool = False):
        words = _words(text)
        if not words:
            return self
        if connections[self.db].vendor == "postgresql":
            if prefix:  # as you type: the last word may be unfinished
                query, function = " & ".join([*words[:-1], f"{words[-1]}:*"]), "to_tsquery"
            else:
                query, function = " ".join(words), "plainto_tsquery"
            # COLUMN and FUNCTION are ours; the words (letters and digits only) travel
            # as a parameter.
            match = RawSQL(  # noqa: S611
                f"to_tsvector('english'::regconfig, {column}) "
                f"@@ {function}('english'::regconfig, %s)",
                [query],
                output_field=models.BooleanField(),
            )
            return self.filter(match)
        queryset = self
        for word in words:
            queryset = queryset.filter(**{f"{column}__contains": word})
        return queryset

    def with_phase(self, phase: str):
        return self.filter(phase_label__in=phase_labels_containing(phase))

    def with_condition(self, text: str):
        """Trials whose conditions contain every word of TEXT."""
        return self._text_match("conditions_text", text)

    def search(self, text: str, *, prefix: bool = False):
        """Every word must appear in the NCT ID, brief title, acronym, conditions,
        interventions or sponsor (PREFIX: the last word may be the start of one, for the
        admin's search-as-you-type). A whole NCT ID is looked up by its unique index."""
        text = text.strip()
        if NCT_ID_RE.match(text.upper()):
            return self.filter(nct_id=text.upper())
        return self._text_match("search_text", text, prefix=prefix)


class Trial(models.Model):
    """One ClinicalTrials.gov study as last seen in the registry (read-only in the admin)."""

    nct_id = models.CharField("NCT ID", max_length=11, unique=True)
    brief_title = models.TextField(blank=True)
    official_title = models.TextField(blank=True)
    # Free text, not choices-validated: the registry adds values over time.
    # Indexed by the composite indexes in Meta (status first, then the listing's sort).
    overall_status = models.CharField(max_length=40, blank=True)
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
    last_update_posted = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    last_changed = models.DateTimeField(default=timezone.now)
    missing_from_registry = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)
    # Denormalised for filtering and search that work alike on SQLite and PostgreSQL
    # (written by the sync from the fields above; see docs/trials.md for the indexes).
    phase_label = models.CharField(max_length=100, blank=True, editable=False)
    conditions_text = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["nct_id"]
        indexes = [
            # filter + default sort (most recently updated first) + page; see docs/trials.md
            models.Index(
                fields=["overall_status", "-last_update_posted", "nct_id"],
                name="trials_status_updated_idx",
            ),
            # status and/or phase filters: one index scan, also for the capped count
            models.Index(fields=["overall_status", "phase_label"], name="trials_status_phase_idx"),
            models.Index(fields=["-last_update_posted", "nct_id"], name="trials_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.brief_title}" if self.brief_title else self.nct_id

    def get_absolute_url(self) -> str:
        return reverse("trials:detail", args=[self.nct_id])

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def status_label(self) -> str:
        """Human label of the status; an unknown registry value is shown as it came."""
        if self.overall_status in OverallStatus.values:
            return OverallStatus(self.overall_status).label
        return self.overall_status.replace("_", " ").capitalize()

    @property
    def phase_labels(self) -> list[str]:
        return [Phase(p).label if p in Phase.values else p for p in self.phases or []]

    @property
    def phase_display(self) -> str:
        return " / ".join(self.phase_labels) or "—"


class TrialQueryForm(WagtailAdminModelForm):
    """Admin form: the status filter is a set of checkboxes, stored as a JSON list."""

    status_filter = forms.MultipleChoiceField(
        choices=OverallStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only studies with status",
        help_text="Leave empty for every status.",
    )


class TrialQuery(models.Model):
    """A saved registry query that editors maintain; the sync fetches what it matches.

    The fields map onto the registry's query parameters (``query.cond``, ``query.intr``,
    ``query.term``, ``query.spons``, ``filter.overallStatus``) and accept its Essie syntax.
    """

    name = models.CharField(max_length=100, unique=True)
    condition = models.CharField(
        max_length=500, blank=True, help_text='Condition or disease, e.g. "lymphoma".'
    )
    intervention = models.CharField(
        max_length=500, blank=True, help_text='Intervention or treatment, e.g. "axicabtagene".'
    )
    term = models.CharField(max_length=500, blank=True, help_text="Other terms, anywhere.")
    sponsor = models.CharField(max_length=500, blank=True, help_text="Sponsor or collaborator.")
    status_filter = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True, help_text="Inactive queries are not synced.")
    # Watermark of incremental runs: when the last complete fetch of this query started.
    last_synced = models.DateTimeField(null=True, blank=True, editable=False)

    base_form_class = TrialQueryForm

    class Meta:
        ordering = ["name"]
        verbose_name = "registry query"
        verbose_name_plural = "registry queries"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A changed query matches other studies: its next run starts from scratch.
        if self.pk:
            previous = TrialQuery.objects.filter(pk=self.pk).first()
            if previous and previous.registry_params() != self.registry_params():
                self.last_synced = None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not any((self.condition, self.intervention, self.term, self.sponsor)):
            raise ValidationError(
                "Give at least one of condition, intervention, term or sponsor: "
                "an empty query would fetch the whole registry."
            )
        for field in ("condition", "intervention", "term", "sponsor"):
            value = getattr(self, field)
            if value.count("(") != value.count(")") or value.count("[") != value.count("]"):
                raise ValidationError({field: "Unbalanced brackets in the registry query."})
        unknown = [s for s in self.status_filter or [] if s not in OverallStatus.values]
        if unknown:
            raise ValidationError({"status_filter": f"Unknown status: {', '.join(unknown)}"})

    def registry_params(self) -> dict[str, str]:
        """The query as ClinicalTrials.gov API v2 parameters."""
        params = {}
        for field, param in (
            ("condition", "query.cond"),
            ("intervention", "query.intr"),
            ("term", "query.term"),
            ("sponsor", "query.spons"),
        ):
            value = getattr(self, field).strip()
            if value:
                params[param] = value
        if self.status_filter:
            params["filter.overallStatus"] = "|".join(sorted(self.status_filter))
        return params


class TrialQueryMatch(models.Model):
    """A study a saved query matched when last synced (NCT IDs as the registry returned
    them). The sync compares it with what the query matches now: a study that left the
    query (its status no longer passes the query's status filter) is re-fetched by ID,
    so that it does not stay listed as recruiting forever."""

    query = models.ForeignKey(TrialQuery, on_delete=models.CASCADE, related_name="matches")
    nct_id = models.CharField("NCT ID", max_length=11)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query", "nct_id"], name="trials_query_match_unique")
        ]
        verbose_name = "registry query match"

    def __str__(self) -> str:
        return f"{self.query_id}: {self.nct_id}"


class TrialSyncRun(models.Model):
    """One run of the registry sync: what it fetched and wrote, and why it stopped."""

    class Kind(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        PARTIAL = "partial", "Partial"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INCREMENTAL)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    trigger = models.CharField(max_length=20, default="manual")
    parameters = models.JSONField(default=dict, blank=True)
    started = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Where to pick up if this run stops half-way: plan key, source, page token.
    cursor = models.JSONField(default=dict, blank=True)
    resumed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    MAX_WARNINGS = 200

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name = "registry sync run"

    def __str__(self) -> str:
        return f"Sync #{self.pk} {self.get_kind_display().lower()} ({self.status})"

    @property
    def duration(self) -> timedelta | None:
        return (self.finished - self.started) if self.finished else None

    def add_warning(self, message: str) -> None:
        if len(self.warnings) < self.MAX_WARNINGS:
            self.warnings.append(message)
        elif len(self.warnings) == self.MAX_WARNINGS:
            self.warnings.append("(more warnings not recorded; see the worker log)")

    def summary(self) -> str:
        seconds = self.duration.total_seconds() if self.duration else 0.0
        text = (
            f"Sync #{self.pk} {self.status} in {seconds:.1f} s: {self.pages} pages, "
            f"{self.fetched} fetched, {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.failed} failed, {self.missing} missing"
        )
        if self.error:
            text += f". Error: {self.error}"
        return text

    @classmethod
    def last_success(cls):
        return cls.objects.filter(status=cls.Status.SUCCEEDED).order_by("-started").first()


class SyncLease(models.Model):
    """A named lease in the database: who may run the sync, and until when.

    Taken with one conditional UPDATE (free or expired), renewed while the run makes
    progress, released at the end. A holder that dies simply lets it expire.
    """

    name = models.CharField(max_length=50, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    expires = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'} until {self.expires:%Y-%m-%d %H:%M}"
