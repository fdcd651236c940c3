"""ClinicalTrials.gov studies, the saved registry queries, and the record of sync runs."""

import re
from datetime import timedelta

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from trials import labels
from trials.eligibility import Eligibility

NCT_ID_RE = re.compile(r"^NCT\d{8}$")


OverallStatus = models.TextChoices(
    "OverallStatus", [(value, (value, text)) for value, text in labels.STATUS.items()]
)
OverallStatus.__doc__ = (
    "The registry's ``Status`` enum (API 2.0.5). Unknown values are stored as they come."
)
Phase = models.TextChoices(
    "Phase", [(value, (value, text)) for value, text in labels.PHASE.items()]
)
Phase.__doc__ = "The registry's ``Phase`` enum."
STOPPED_STATUSES = frozenset({"TERMINATED", "SUSPENDED", "WITHDRAWN"})
RESULTS_TAB = "?tab=results"
# Our invented example records (trials/demo) use NCT IDs the registry has not issued: they
# have no ClinicalTrials.gov page to link to.
EXAMPLE_NCT_PREFIX = "NCT990"


def is_example_nct_id(nct_id: str) -> bool:
    return str(nct_id).upper().startswith(EXAMPLE_NCT_PREFIX)


def registry_url(nct_id: str) -> str:
    """The study's page on ClinicalTrials.gov; "" for our example records, which have none."""
    return "" if is_example_nct_id(nct_id) else f"https://clinicaltrials.gov/study/{nct_id}"


MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def partial_date_text(value: str) -> str:
    """A registry partial date for readers: "2019" / "May 2019" / "17 May 2019"."""
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    parts = (value or "").split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {months[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{months[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value or ""


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


class StoredSearchVector(SearchVector):
    """The English full-text vector of a denormalised text column, stored beside it as a
    generated column (PostgreSQL computes it when the row is written, and a GIN index
    reads it): a filter then compares stored vectors instead of computing
    ``to_tsvector`` for every row it reads (~14 µs a row for ``search_text``). NULL on
    SQLite, which has no full-text search (the filters match substrings there)."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def stored_vector(column: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=StoredSearchVector(column, config="english"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )


def _words(text: str) -> list[str]:
    words = re.findall(r"\w+", text.lower())
    long = [w for w in words if len(w) > 1]
    return (long or words)[:8]


# each full-text column and its stored vector (a field of Trial)
VECTORS = {
    "search_text": "search_vector",
    "conditions_text": "conditions_vector",
    "interventions_text": "interventions_vector",
    "sponsors_text": "sponsors_vector",
}


class TrialQuerySet(models.QuerySet):
    """Filters shared by the public listing and the admin. They read the denormalised
    columns, so they work on SQLite and PostgreSQL alike: on PostgreSQL as full-text
    queries (English stemming, every word required) served by GIN indexes (migration
    0012); elsewhere every word must appear as a substring."""

    def _text_match(self, column: str, text: str, *, prefix: bool = False):
        words = _words(text)
        if not words:
            return self
        if connections[self.db].vendor == "postgresql":
            if prefix:  # as you type: the last word may be unfinished
                query = SearchQuery(
                    " & ".join([*words[:-1], f"{words[-1]}:*"]),
                    config="english",
                    search_type="raw",  # words are letters and digits only (_words)
                )
            else:
                query = SearchQuery(" ".join(words), config="english", search_type="plain")
            # the column's stored vector, GIN-indexed (migration 0020)
            return self.filter(**{VECTORS[column]: query})
        queryset = self
        for word in words:
            queryset = queryset.filter(**{f"{column}__contains": word})
        return queryset

    def undocumented_statuses(self) -> list[str]:
        """Stored statuses outside the registry's documented enum (it adds values over
        time), so that they can be filtered too. On PostgreSQL a loose index scan (one
        probe of the status index per distinct value), not a scan of every trial."""
        documented = list(OverallStatus.values)
        if connections[self.db].vendor == "postgresql":
            table = Trial._meta.db_table
            sql = (
                f"WITH RECURSIVE s(v) AS ("  # noqa: S608 (the table name is ours)
                f"(SELECT min(overall_status) FROM {table}) UNION ALL "
                f"SELECT (SELECT min(overall_status) FROM {table} WHERE overall_status > s.v) "
                f"FROM s WHERE s.v IS NOT NULL) SELECT v FROM s WHERE v IS NOT NULL"
            )
            with connections[self.db].cursor() as cursor:
                cursor.execute(sql)
                values = [row[0] for row in cursor.fetchall()]
        else:
            values = self.order_by().values_list("overall_status", flat=True).distinct()
        return sorted(v for v in values if v and v not in documented)

    def for_readers(self):
        """Trials as pages and APIs show them: without the raw registry record (it can
        weigh hundreds of kilobytes), the denormalised texts, stored vectors and grid
        cells only the filters read, and the hash only the sync compares."""
        unshown = ("raw", "content_hash", "site_cells", *VECTORS, *VECTORS.values())
        return self.defer(*unshown)

    def with_phase(self, phase: str):
        return self.filter(phase_label__in=phase_labels_containing(phase))

    def with_condition(self, text: str):
        """Trials whose conditions contain every word of TEXT."""
        return self._text_match("conditions_text", text)

    def with_intervention(self, text: str):
        """Trials with an intervention whose names contain every word of TEXT."""
        return self._text_match("interventions_text", text)

    def with_sponsor(self, text: str):
        """Trials whose lead sponsor or collaborators contain every word of TEXT."""
        return self._text_match("sponsors_text", text)

    def search(self, text: str, *, prefix: bool = False):
        """Every word must appear in the NCT ID, brief title, acronym, conditions,
        interventions or sponsor (PREFIX: the last word may be the start of one, for the
        admin's search-as-you-type). A whole NCT ID is looked up by its unique index."""
        text = text.strip()
        if NCT_ID_RE.match(text.upper()):
            # the current ID, or the study an old ID (alias) now belongs to
            # (resolved first: an OR with a subquery would scan the table on PostgreSQL)
            nct_id = text.upper()
            target = current_nct_id(nct_id)
            return self.filter(nct_id__in=[nct_id, target] if target else [nct_id])
        return self._text_match("search_text", text, prefix=prefix)


class Trial(Eligibility, models.Model):
    """One ClinicalTrials.gov study as last seen in the registry (read-only in the admin).
    Its eligibility columns come from ``Eligibility``, its sites are ``TrialSite`` rows."""

    nct_id = models.CharField("NCT ID", max_length=11, unique=True)
    brief_title = models.TextField(blank=True)
    official_title = models.TextField(blank=True)
    # Free text, not choices-validated: the registry adds values over time.
    # Indexed by the composite indexes in Meta (status first, then the listing's sort).
    overall_status = models.CharField(max_length=40, blank=True)
    phases = models.JSONField(default=list, blank=True)
    study_type = models.CharField(max_length=40, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    # Every intervention as the registry lists it: {"name", "type", "arms"} (two of one
    # name in different arms stay two).
    interventions = models.JSONField(default=list, blank=True)
    lead_sponsor = models.CharField(max_length=500, blank=True)
    collaborators = models.JSONField(default=list, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    # The registry's qualifiers: ACTUAL, or ESTIMATED (an expectation, not a fact).
    enrollment_type = models.CharField(max_length=20, blank=True)
    # Partial dates keep the registry's precision: "2019", "2019-05" or "2019-05-17".
    start_date = models.CharField(max_length=10, blank=True)
    start_date_type = models.CharField(max_length=20, blank=True)
    primary_completion_date = models.CharField(max_length=10, blank=True)
    primary_completion_date_type = models.CharField(max_length=20, blank=True)
    completion_date = models.CharField(max_length=10, blank=True)
    completion_date_type = models.CharField(max_length=20, blank=True)
    # UNKNOWN: the status before the registry stopped vouching for it, and the month the
    # sponsor last verified the record ("2019-11").
    last_known_status = models.CharField(max_length=40, blank=True)
    status_verified_date = models.CharField(max_length=10, blank=True)
    why_stopped = models.TextField(blank=True)
    has_results = models.BooleanField(default=False)
    results_first_posted = models.DateField(null=True, blank=True)
    # [{"id", "type", "domain"}]: EudraCT / CTIS numbers and others, for matching across
    # registries.
    secondary_ids = models.JSONField(default=list, blank=True)
    nct_id_aliases = models.JSONField(default=list, blank=True)
    locations_count = models.PositiveIntegerField(default=0)
    # Sites by the registry's site status: {"RECRUITING": 700, "SUSPENDED": 393, "": 55}
    # ("" for sites whose record gives no status).
    site_statuses = models.JSONField(default=dict, blank=True)
    countries = models.JSONField(default=list, blank=True)
    # The grid cells of its sites (trials.sites.grid_cells), written with them: a broad
    # distance checks the trial's own row before probing its sites (trials/filters).
    site_cells = models.JSONField(default=list, blank=True, editable=False)
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
    interventions_text = models.TextField(blank=True, editable=False)
    # lead sponsor and collaborators: the finder's "sponsor" filter
    sponsors_text = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # their English vectors (StoredSearchVector), which the GIN indexes hold
    search_vector = stored_vector("search_text")
    conditions_vector = stored_vector("conditions_text")
    interventions_vector = stored_vector("interventions_text")
    sponsors_vector = stored_vector("sponsors_text")

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
            # a phase without a status, read in order when a broad distance is probed
            # (trials/filters/walk.py): the index above is read whole for it
            models.Index(fields=["phase_label"], name="trials_phase_idx"),
            models.Index(fields=["-last_update_posted", "nct_id"], name="trials_updated_idx"),
            # the Atom feeds of saved searches: last change first (trials/feeds.py)
            models.Index(fields=["-last_changed", "nct_id"], name="trials_changed_idx"),
            # the alert digests: trials first seen since the last digest
            models.Index(fields=["first_seen"], name="trials_first_seen_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.brief_title}" if self.brief_title else self.nct_id

    def get_absolute_url(self) -> str:
        return reverse("trials:detail", args=[self.nct_id])

    @property
    def registry_url(self) -> str:
        return registry_url(self.nct_id)

    @property
    def is_example(self) -> bool:
        return is_example_nct_id(self.nct_id)

    @property
    def status_label(self) -> str:
        """Human label of the status; an unknown registry value is shown as it came."""
        return labels.label(labels.STATUS, self.overall_status)

    @property
    def last_known_status_label(self) -> str:
        return labels.label(labels.STATUS, self.last_known_status)

    @property
    def status_verified_text(self) -> str:
        return partial_date_text(self.status_verified_date)

    @property
    def status_note(self) -> str:
        """What qualifies the status, as the registry gives it (empty if nothing does)."""
        if self.overall_status == "UNKNOWN":
            parts = []
            if self.last_known_status:
                parts.append(f"last known status: {self.last_known_status_label}")
            if self.status_verified_date:
                parts.append(f"last verified {self.status_verified_text}")
            # The registry's own definition of UNKNOWN: past its completion date and
            # not verified for more than two years.
            text = "Not verified by the sponsor for more than two years"
            return f"{text} ({'; '.join(parts)})." if parts else f"{text}."
        if self.overall_status in STOPPED_STATUSES and self.why_stopped:
            return f"Why stopped: {self.why_stopped}"
        return ""

    @property
    def status_display(self) -> str:
        """The status in one line, qualified: "Unknown status (last known: Recruiting)"."""
        if self.overall_status == "UNKNOWN" and self.last_known_status:
            return f"{self.status_label} (last known: {self.last_known_status_label})"
        return self.status_label

    @property
    def study_type_label(self) -> str:
        return labels.label(labels.STUDY_TYPE, self.study_type)

    @property
    def phase_labels(self) -> list[str]:
        return [labels.label(labels.PHASE, p) for p in self.phases or []]

    @property
    def enrollment_text(self) -> str:
        """ "100 participants (anticipated)" for an estimate, "23 participants" for a count."""
        if self.enrollment is None:
            return ""
        text = f"{self.enrollment:,} participant{'' if self.enrollment == 1 else 's'}"
        return f"{text} (anticipated)" if self.enrollment_type == "ESTIMATED" else text

    def _date_text(self, value: str, kind: str) -> str:
        text = partial_date_text(value)
        return f"expected {text}" if kind == "ESTIMATED" else text

    @property
    def dates(self) -> list[tuple[str, str]]:
        """(label, text) of each date the registry gives, an estimate saying "expected"."""
        rows = [
            ("Start", self.start_date, self.start_date_type),
            ("Primary completion", self.primary_completion_date, self.primary_completion_date_type),
            ("Completion", self.completion_date, self.completion_date_type),
        ]
        return [(name, self._date_text(value, kind)) for name, value, kind in rows if value]

    @property
    def results_url(self) -> str:
        return f"{self.registry_url}{RESULTS_TAB}" if self.has_results and self.registry_url else ""

    @property
    def intervention_list(self) -> list[dict]:
        """Each intervention with its type's label: ``{"name", "type", "type_label", "arms"}``."""
        items = []
        for item in self.interventions or []:
            if isinstance(item, str):  # stored before mapping version 2
                item = {"name": item, "type": "", "arms": []}
            items.append(
                {**item, "type_label": labels.label(labels.INTERVENTION_TYPE, item.get("type"))}
            )
        return items

    @property
    def secondary_id_list(self) -> list[dict]:
        return [
            {**item, "type_label": labels.label(labels.SECONDARY_ID_TYPE, item.get("type"))}
            for item in self.secondary_ids or []
        ]

    @property
    def site_status_counts(self) -> list[dict]:
        """Sites by status, most first: ``[{"status", "label", "count"}]``; sites without a
        status last, labelled "status not given"."""
        counts = sorted(
            (self.site_statuses or {}).items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0])
        )
        return [
            {
                "status": status,
                "label": labels.label(labels.SITE_STATUS, status).lower()
                if status
                else "status not given",
                "count": count,
            }
            for status, count in counts
        ]

    @property
    def sites_text(self) -> str:
        """ "1,148 sites: 700 recruiting, 393 suspended, 55 status not given"."""
        total = f"{self.locations_count:,} site{'' if self.locations_count == 1 else 's'}"
        counts = self.site_status_counts
        if not counts or [c["status"] for c in counts] == [""]:
            return total
        return total + ": " + ", ".join(f"{c['count']:,} {c['label']}" for c in counts)

    @property
    def phase_display(self) -> str:
        return " / ".join(self.phase_labels) or "—"

    @property
    def site_groups(self) -> list[dict]:
        """Sites by country as the page and the API show them (one query)."""
        from trials.sites import site_group_data, sites_by_country

        return site_group_data(sites_by_country(self.sites.all()))


class TrialAlias(models.Model):
    """An old NCT ID of a study (``nctIdAliases``): the registry answers it with a 301 to
    the current ID, and so do we. Written by the sync with the trial."""

    alias = models.CharField("NCT ID alias", max_length=11, unique=True)
    nct_id = models.CharField("current NCT ID", max_length=11, db_index=True)

    class Meta:
        verbose_name = "NCT ID alias"
        verbose_name_plural = "NCT ID aliases"

    def __str__(self) -> str:
        return f"{self.alias} → {self.nct_id}"


def trials_by_nct_id(nct_ids) -> dict:
    """``{requested NCT ID: Trial}`` for NCT_IDS, an alias resolving to its current trial.

    One query whatever the IDs (a UNION of the unique-index lookup and the alias join), so
    that a page's query count does not depend on which of its citations are old IDs."""
    wanted = {str(n).strip().upper() for n in nct_ids if n}
    if not wanted:
        return {}
    direct = Trial.objects.filter(nct_id__in=wanted).order_by()
    aliased = Trial.objects.filter(
        nct_id__in=TrialAlias.objects.filter(alias__in=wanted).values("nct_id")
    ).order_by()
    found = {}
    for trial in direct.union(aliased):
        for name in (trial.nct_id, *(trial.nct_id_aliases or [])):
            if name in wanted:
                found[name] = trial
    return found


def status_choices() -> list[tuple[str, str]]:
    """The documented statuses, then any other status stored (the registry adds values):
    the choices of every status filter (public listing, admin)."""
    extra = [(v, labels.label(labels.STATUS, v)) for v in Trial.objects.undocumented_statuses()]
    return [*OverallStatus.choices, *extra]


def current_nct_id(nct_id: str) -> str | None:
    """The current NCT ID of an alias, or None if NCT_ID is no known alias."""
    return TrialAlias.objects.filter(alias=nct_id).values_list("nct_id", flat=True).first()


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


class SyncWatermark(models.Model):
    """Where an incremental source of the sync starts next time (the whole-registry
    mirror's; saved queries keep theirs on TrialQuery.last_synced)."""

    name = models.CharField(max_length=50, primary_key=True)
    synced_from = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.synced_from:%Y-%m-%d %H:%M}"


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


# Defined beside, registered with this app when the models load.
from trials.alerts.models import TrialAlert, TrialStatusChange  # noqa: E402, F401
from trials.facet_counts import TrialFacetCount, TrialPlace  # noqa: E402, F401
from trials.sites import TrialSite  # noqa: E402, F401
