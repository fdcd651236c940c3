"""The ``trials`` endpoint of the headless API: registry studies, filtered and paginated.

``GET /api/v2/trials/`` lists studies, most recently updated in the registry first;
``GET /api/v2/trials/<id or NCT ID>/`` shows one. Filters: ``status``, ``phase``,
``condition``, ``nct_id``, ``updated_since``, ``search``; ``order`` among a few
indexed orderings. Every bad parameter is a 400 with a message.
"""

import datetime as dt
import re

from django.http import Http404
from django.urls import path
from rest_framework.fields import ReadOnlyField
from wagtail.api import APIField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from .models import (
    NCT_ID_RE,
    OverallStatus,
    Phase,
    Trial,
    current_nct_id,
    phase_labels_containing,
)

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_VALUES_PER_FILTER = 100
MAX_TEXT_LENGTH = 200
ORDERINGS = {
    "-last_update_posted": ("-last_update_posted", "nct_id"),
    "last_update_posted": ("last_update_posted", "nct_id"),
    "nct_id": ("nct_id",),
    "-nct_id": ("-nct_id",),
}
DEFAULT_ORDERING = "-last_update_posted"
STATUSES = OverallStatus.values
PHASES = Phase.values


def parse_list(request, name: str) -> list[str]:
    """Comma-separated values of query parameter NAME, stripped, without blanks."""
    values = [v.strip() for v in request.GET.get(name, "").split(",") if v.strip()]
    if len(values) > MAX_VALUES_PER_FILTER:
        raise BadRequestError(f"{name}: at most {MAX_VALUES_PER_FILTER} values")
    return values


def parse_choices(request, name: str, allowed: list[str]) -> list[str]:
    values = [v.upper() for v in parse_list(request, name)]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise BadRequestError(
            f"{name}: unknown value {', '.join(unknown)}; expected one of {', '.join(allowed)}"
        )
    return values


def parse_text(request, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if "\x00" in value:
        raise BadRequestError(f"{name}: null characters are not allowed")
    if len(value) > MAX_TEXT_LENGTH:
        raise BadRequestError(f"{name}: at most {MAX_TEXT_LENGTH} characters")
    return value


def filter_trials(queryset, request):
    """Apply the endpoint's filters from REQUEST's query string to QUERYSET."""
    statuses = [v.upper() for v in parse_list(request, "status")]
    undocumented = [v for v in statuses if v not in STATUSES]
    if undocumented:
        # A value the registry added since API 2.0.5 is fine if we store it.
        stored = set(
            Trial.objects.filter(overall_status__in=undocumented)
            .values_list("overall_status", flat=True)
            .distinct()
        )
        unknown = [v for v in undocumented if v not in stored]
        if unknown:
            raise BadRequestError(
                f"status: unknown value {', '.join(unknown)}; expected one of "
                f"{', '.join(STATUSES)} or another status a stored trial has"
            )
    if statuses:
        queryset = queryset.filter(overall_status__in=statuses)

    phases = parse_choices(request, "phase", PHASES)
    if phases:
        # phase_label is the sorted "PHASE1|PHASE2" key the sync stores (B-tree indexed).
        labels = {label for phase in phases for label in phase_labels_containing(phase)}
        queryset = queryset.filter(phase_label__in=sorted(labels))

    condition = parse_text(request, "condition")
    if condition:
        queryset = queryset.with_condition(condition)

    nct_ids = [v.upper() for v in parse_list(request, "nct_id")]
    bad = [v for v in nct_ids if not NCT_ID_RE.match(v)]
    if bad:
        raise BadRequestError(
            f"nct_id: {', '.join(bad)} is not an NCT ID (NCT followed by 8 digits)"
        )
    if nct_ids:
        queryset = queryset.filter(nct_id__in=nct_ids)

    if "updated_since" in request.GET:
        raw = request.GET["updated_since"].strip()
        try:
            if not DATE_RE.match(raw):
                raise ValueError
            since = dt.date.fromisoformat(raw)
        except ValueError:
            raise BadRequestError(
                f"updated_since: {raw!r} is not a date in the form YYYY-MM-DD"
            ) from None
        queryset = queryset.filter(last_update_posted__gte=since)

    search = parse_text(request, "search")
    if search:
        # The public listing's search: word prefixes in the NCT ID, titles, acronym,
        # conditions, interventions and sponsor (full-text index on PostgreSQL).
        queryset = queryset.search(search)

    order = request.GET.get("order", DEFAULT_ORDERING)
    if order not in ORDERINGS:
        raise BadRequestError(f"order: expected one of {', '.join(ORDERINGS)}")
    return queryset.order_by(*ORDERINGS[order])


class TrialsAPIViewSet(BaseAPIViewSet):
    """Registry studies as JSON: list with filters, detail by id or NCT ID."""

    model = Trial
    name = "trials"
    filter_params = frozenset(
        ["status", "phase", "condition", "nct_id", "updated_since", "search", "order"]
    )
    known_query_parameters = frozenset(["limit", "offset", "fields", "format", "_"]).union(
        filter_params
    )
    find_query_parameters = frozenset(["nct_id"])
    body_fields = [
        "id",
        "nct_id",
        "brief_title",
        "official_title",
        "overall_status",
        "status_label",
        "status_display",
        "status_note",
        "last_known_status",
        "last_known_status_label",
        "status_verified_date",
        "why_stopped",
        "phases",
        "phase_labels",
        "study_type",
        "study_type_label",
        "conditions",
        # as stored, each with its type's label
        APIField("interventions", serializer=ReadOnlyField(source="intervention_list")),
        "lead_sponsor",
        "collaborators",
        "enrollment",
        "enrollment_type",
        "enrollment_text",
        "start_date",
        "start_date_type",
        "primary_completion_date",
        "primary_completion_date_type",
        "completion_date",
        "completion_date_type",
        "has_results",
        "results_first_posted",
        "results_url",
        APIField("secondary_ids", serializer=ReadOnlyField(source="secondary_id_list")),
        "nct_id_aliases",
        "locations_count",
        APIField("site_statuses", serializer=ReadOnlyField(source="site_status_counts")),
        "countries",
        "last_update_posted",
        "missing_from_registry",
        # our invented example records (trials/demo): registry_url is "" for them
        "is_example",
    ]
    meta_fields = ["type", "detail_url", "registry_url", "last_seen", "last_changed"]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "registry_url",
        "nct_id",
        "brief_title",
        "overall_status",
        "status_label",
        "status_display",
        "phases",
        "conditions",
        "lead_sponsor",
        "has_results",
        "last_update_posted",
    ]
    nested_default_fields = ["id", "type", "detail_url", "nct_id", "brief_title"]

    def get_queryset(self):
        # The raw registry record can weigh hundreds of kilobytes: never load it here.
        return Trial.objects.defer("raw", "search_text", "conditions_text", "content_hash")

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET.keys()) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised filter: "
                + ", ".join(sorted(unknown))
            )

    def filter_queryset(self, queryset):
        return filter_trials(queryset, self.request)

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            key = str(self.kwargs["key"])
            if key.isascii() and key.isdigit():
                lookup = {"pk": int(key)}
            elif NCT_ID_RE.match(key.upper()):
                lookup = {"nct_id": key.upper()}
            else:
                raise BadRequestError(f"{key!r} is neither a trial id nor an NCT ID")
            try:
                self._cached_object = self.get_queryset().get(**lookup)
            except (Trial.DoesNotExist, OverflowError):
                # An old NCT ID answers with the study it now belongs to.
                target = current_nct_id(lookup["nct_id"]) if "nct_id" in lookup else None
                found = self.get_queryset().filter(nct_id=target).first() if target else None
                if found is None:
                    raise Http404("trial not found") from None
                self._cached_object = found
        return self._cached_object

    def detail_view(self, request, key):
        self.check_query_parameters(self.get_queryset())
        return super().detail_view(request, key)

    def find_object(self, queryset, request):
        nct_id = request.GET.get("nct_id", "").strip().upper()
        if not NCT_ID_RE.match(nct_id):
            raise BadRequestError("nct_id: expected an NCT ID (NCT followed by 8 digits)")
        return queryset.filter(nct_id=nct_id).first()

    def find_view(self, request):
        self.check_query_parameters(self.get_queryset())
        return super().find_view(request)

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("find/", cls.as_view({"get": "find_view"}), name="find"),
            path("<str:key>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]
