"""The ``trials`` endpoint of the headless API: registry studies, filtered and paginated.

``GET /api/v2/trials/`` lists studies, most recently updated in the registry first;
``GET /api/v2/trials/<id or NCT ID>/`` shows one. Filters: the finder's
(``trials.filters.TrialFilter``: condition, intervention, sponsor, status, phase, age,
sex, healthy_volunteers, country, near, within_km) and ``nct_id``, ``updated_since``,
``search``; ``order`` among a few indexed orderings; ``facets=true`` adds counts by
status, phase and country to ``meta``. Every bad parameter is a 400 with a message.
"""

from django.http import Http404
from django.urls import path
from rest_framework.fields import ReadOnlyField
from wagtail.api import APIField
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from .filters import TrialAPIFilter
from .models import NCT_ID_RE, Trial, current_nct_id


class TrialsAPIViewSet(BaseAPIViewSet):
    """Registry studies as JSON: list with filters, detail by id or NCT ID."""

    model = Trial
    name = "trials"
    filter_params = frozenset(TrialAPIFilter.base_filters) - set(TrialAPIFilter.removed_filters)
    known_query_parameters = frozenset(
        ["limit", "offset", "fields", "format", "facets", "_"]
    ).union(filter_params)
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
        # who can join (issue #13): ages as the registry gives them, parsed, and in years
        "minimum_age",
        "minimum_age_value",
        "minimum_age_unit",
        "minimum_age_years",
        "maximum_age",
        "maximum_age_value",
        "maximum_age_unit",
        "maximum_age_years",
        "ages_text",
        "sex",
        "healthy_volunteers",
        "eligibility_criteria",
        "inclusion_criteria",
        "exclusion_criteria",
        "central_contacts",
        # every site, grouped as on the trial page (countries with open sites first)
        APIField("sites", serializer=ReadOnlyField(source="site_groups")),
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
        queryset = Trial.objects.for_readers()
        fields = self.request.GET.get("fields", "")
        if "*" in fields or "sites" in fields:
            # one query for the sites of the whole page, not one per trial
            queryset = queryset.prefetch_related("sites")
        return queryset

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET.keys()) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised filter: "
                + ", ".join(sorted(unknown))
            )

    def filter_queryset(self, queryset):
        finder = TrialAPIFilter(self.request.GET, queryset=queryset)
        if not finder.is_valid():
            raise BadRequestError(finder.errors_text())
        self.finder = finder
        return finder.qs

    def listing_view(self, request):
        facets = request.GET.get("facets", "").lower()
        if facets not in ("", "true", "false"):
            raise BadRequestError("facets: expected true or false")
        response = super().listing_view(request)
        if facets == "true" and hasattr(self, "finder"):
            response.data["meta"]["facets"] = self.finder.facets()
        return response

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
