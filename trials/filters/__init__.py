"""The trial finder's one filter: ``TrialFilter``, a django-filter FilterSet used by the
public listing (/trials/), the API (/api/v2/trials/, through ``TrialAPIFilter``, which
only adds the API's own parameters), the admin's trial listing and the trial chooser
(``TrialAdminFilter``). Other APIs (v3) reuse ``TrialFilter``.

The parameter names are a contract (issue #13): ``condition``, ``intervention``,
``sponsor`` (lead or collaborator), ``status``, ``phase``, ``age`` (a person's age in
years), ``sex``, ``healthy_volunteers``, ``country``, ``near`` with ``within_km``.
``near`` is a facility city of our sites, written "City, Country" or "City, State,
Country" (e.g. "Boston, United States"), or coordinates "lat,lon" ("42.36,-71.06").
Distance is a bounding box on the sites' indexed latitude/longitude, then the
great-circle (haversine) distance, in the ORM: the same query on PostgreSQL and SQLite.
Every malformed value is a form error (the page: 400 with the form; the API: 400).
"""

import django_filters
from django import forms
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property

from trials.models import Phase, Trial, phase_labels_containing, status_choices
from trials.sites import TrialSite

from .fields import NctIdsField, TextField, TrialFinderForm, UpdatedSinceField, ValuesField
from .places import bounding_box, cells_in_box, sites_in_box, sites_within
from .words import is_common

__all__ = ["TrialAPIFilter", "TrialAdminFilter", "TrialFilter", "bounding_box"]

DEFAULT_WITHIN_KM = 50
# A distance whose box holds more sites than this is checked trial by trial (the
# trial's sites by its index) rather than by collecting every site in the box first.
BROAD_BOX_SITES = 20_000
MAX_WITHIN_KM = 5000
PAGE_SORTS = {
    "updated": ("Recently updated", ("-last_update_posted", "nct_id")),
    "nct": ("NCT ID", ("nct_id",)),
}
API_ORDERINGS = {
    "-last_update_posted": ("-last_update_posted", "nct_id"),
    "last_update_posted": ("last_update_posted", "nct_id"),
    "nct_id": ("nct_id",),
    "-nct_id": ("-nct_id",),
}
SEX_CHOICES = [("FEMALE", "Female"), ("MALE", "Male")]
YES_NO = [("true", "Yes"), ("false", "No")]


class TextFilter(django_filters.CharFilter):
    field_class = TextField


class ValuesFilter(django_filters.CharFilter):
    field_class = ValuesField


def _phases() -> list[str]:
    return list(Phase.values)


class TrialFilter(django_filters.FilterSet):
    """The finder's filters (see the module docstring for the contract) and its facets."""

    q = TextFilter(label="Search", method="filter_search")
    condition = TextFilter(label="Condition", method="filter_condition")
    intervention = TextFilter(label="Intervention", method="filter_intervention")
    sponsor = TextFilter(label="Sponsor or collaborator", method="filter_sponsor")
    status = ValuesFilter(
        label="Status",
        method="filter_status",
        allowed=list,  # set per request in __init__
        what="status",
    )
    phase = ValuesFilter(
        label="Phase",
        method="filter_phase",
        allowed=_phases,
        what="phase",
    )
    age = django_filters.NumberFilter(
        label="Age (years)", method="filter_age", min_value=0, max_value=130
    )
    sex = django_filters.ChoiceFilter(
        label="Sex", choices=SEX_CHOICES, method="filter_sex", empty_label="Any"
    )
    healthy_volunteers = django_filters.ChoiceFilter(
        label="Healthy volunteers",
        choices=YES_NO,
        method="filter_healthy_volunteers",
        empty_label="Either",
    )
    country = TextFilter(label="Country", method="filter_country")
    near = TextFilter(label="Near (city, country or lat,lon)", method="filter_near")
    within_km = django_filters.NumberFilter(
        label="Within (km)", method="filter_nothing", min_value=1, max_value=MAX_WITHIN_KM
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in PAGE_SORTS.items()],
        method="filter_nothing",
        empty_label=None,
    )

    # The facets beside the results; each is counted without its own filter, so a
    # reader sees what choosing another value would give.
    FACETS = ("status", "phase", "country")
    # the full-text filters and the columns they match
    TEXT_COLUMNS = {
        "q": "search_text",
        "search": "search_text",
        "condition": "conditions_text",
        "intervention": "interventions_text",
        "sponsor": "sponsors_text",
    }
    # Filters no B-tree index in the listing's order serves: a broad match of them is
    # read in that order instead (trials.views.page_rows).
    WALKED = (*TEXT_COLUMNS, "near")

    class Meta:
        model = Trial
        fields: list[str] = []
        form = TrialFinderForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in self.removed_filters:
            self.filters.pop(name)
        # the page offers one value at a time; the API takes a comma-separated list.
        # The stored statuses are read once (one query) for the choices and the check.
        statuses = status_choices()
        status_field = self.filters["status"].field
        status_field.widget = forms.Select(choices=[("", "Any status"), *statuses])
        status_field.allowed = lambda: [value for value, _ in statuses]
        self.filters["phase"].field.widget = forms.Select(
            choices=[("", "Any phase"), *Phase.choices]
        )

    removed_filters: tuple[str, ...] = ()

    @property
    def ordering(self) -> tuple[str, ...]:
        return PAGE_SORTS[self.form.cleaned_data.get("sort") or "updated"][1]

    @property
    def is_filtered(self) -> bool:
        data = self.form.cleaned_data
        return any(data.get(name) not in (None, "", []) for name in self.filter_names)

    @property
    def walks_when_broad(self) -> bool:
        data = self.form.cleaned_data
        return any(data.get(name) for name in self.WALKED if name in self.filters)

    @cached_property
    def probes_sites(self) -> bool:
        """Whether the distance is broad: its box holds more than BROAD_BOX_SITES sites
        (``trials.filters.walk.sampled_reads``)."""
        near = self.form.cleaned_data.get("near") if "near" in self.filters else None
        if not near:
            return False
        km = float(self.form.cleaned_data.get("within_km") or DEFAULT_WITHIN_KM)
        return (sites_in_box(near[0], near[1], km) or 0) > BROAD_BOX_SITES

    @cached_property
    def reads_row_by_row(self) -> bool:
        """Whether the request's reads go row by row on B-tree indexes, without bitmaps
        (``trials.filters.walk.sampled_reads``): every full-text filter set is common
        (``trials.filters.words``), or, with none set, a broad distance is probed and no
        country either (a rarer filter's GIN index needs a bitmap)."""
        data = self.form.cleaned_data
        texts = [
            (column, data[name])
            for name, column in self.TEXT_COLUMNS.items()
            if name in self.filters and data.get(name)
        ]
        if texts:
            return all(is_common(column, text) for column, text in texts)
        return self.probes_sites and not data.get("country")

    @property
    def filter_names(self) -> list[str]:
        return [n for n in self.filters if n not in ("sort", "order", "within_km")]

    def filter_queryset(self, queryset, *, without: str = ""):
        for name, value in self.form.cleaned_data.items():
            if name != without and name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    def errors_text(self) -> str:
        """ "age: Enter a number. near: …" for the API's 400."""
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in self.form.errors.items()
        )

    # -- filters ------------------------------------------------------------------
    def filter_nothing(self, queryset, name, value):
        return queryset  # read by another filter (within_km) or by ordering (sort)

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_condition(self, queryset, name, value):
        return queryset.with_condition(value) if value else queryset

    def filter_intervention(self, queryset, name, value):
        return queryset.with_intervention(value) if value else queryset

    def filter_sponsor(self, queryset, name, value):
        return queryset.with_sponsor(value) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(overall_status__in=value) if value else queryset

    def filter_phase(self, queryset, name, value):
        if not value:
            return queryset
        keys = {key for phase in value for key in phase_labels_containing(phase)}
        return queryset.filter(phase_label__in=sorted(keys))

    def filter_age(self, queryset, name, value):
        if value is None:
            return queryset
        years = float(value)
        # no age given by the registry: no limit on that side
        return queryset.filter(
            Q(minimum_age_years__isnull=True) | Q(minimum_age_years__lte=years),
            Q(maximum_age_years__isnull=True) | Q(maximum_age_years__gte=years),
        )

    def filter_sex(self, queryset, name, value):
        return queryset.filter(sex__in=["ALL", value]) if value else queryset

    def filter_healthy_volunteers(self, queryset, name, value):
        return queryset.filter(healthy_volunteers=value == "true") if value else queryset

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            # the sites' countries, denormalised by the sync: GIN index trials_countries_gin
            return queryset.filter(countries__contains=[value])
        return queryset.filter(
            Exists(TrialSite.objects.filter(trial=OuterRef("pk"), country=value))
        )

    def filter_near(self, queryset, name, value):
        if not value:
            return queryset
        lat, lon, _ = value
        km = float(self.form.cleaned_data.get("within_km") or DEFAULT_WITHIN_KM)
        cells = cells_in_box(lat, lon, km)
        if cells and connections[queryset.db].vendor == "postgresql":
            # the trial's own grid cells first (site_cells ?| cells, on the row): only
            # trials with a site in the box's cells have their sites probed
            queryset = queryset.filter(site_cells__has_any_keys=cells)
        return queryset.filter(Exists(sites_within(lat, lon, km).filter(trial=OuterRef("pk"))))

    # -- facets -------------------------------------------------------------------
    @cached_property
    def _counted(self) -> dict:
        from .facets import counted

        return counted(self)

    def facets(self) -> dict[str, list[dict]]:
        """``{"status": [{"value", "label", "count", "at_least"}], "phase": …, "country": …}``
        for the trials matching every filter but the facet's own, most first
        (``trials.filters.facets``: cached, from the facet counts table or bounded)."""
        return self._counted["facets"]

    def capped_matches(self) -> int | None:
        """How many trials match, capped at ``facets.LIVE_LIMIT`` + 1, when counting the
        facets counted them (the live facets' sample of the whole set), else None."""
        return self._counted["matches"]


class NctIdsFilter(django_filters.CharFilter):
    field_class = NctIdsField


class UpdatedSinceFilter(django_filters.CharFilter):
    field_class = UpdatedSinceField


class TrialAPIFilter(TrialFilter):
    """The finder's filters for ``/api/v2/trials/``, plus the API's own parameters:
    ``search`` (the page's ``q``), ``nct_id``, ``updated_since`` and ``order``."""

    search = TextFilter(method="filter_search")
    nct_id = NctIdsFilter(method="filter_nct_id")
    updated_since = UpdatedSinceFilter(method="filter_updated_since")
    order = django_filters.ChoiceFilter(
        choices=[(key, key) for key in API_ORDERINGS], method="filter_nothing"
    )

    removed_filters = ("q", "sort")

    @property
    def ordering(self) -> tuple[str, ...]:
        return API_ORDERINGS[self.form.cleaned_data.get("order") or "-last_update_posted"]

    def filter_nct_id(self, queryset, name, value):
        return queryset.filter(nct_id__in=value) if value else queryset

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(last_update_posted__gte=value) if value else queryset


class TrialAdminFilter(TrialFilter):
    """The finder's filters in the admin's trial listing and the trial chooser, plus
    "missing from the registry". The admin orders and searches (as you type) itself."""

    missing_from_registry = django_filters.BooleanFilter(label="Missing from the registry")

    removed_filters = ("q", "sort")
    ordering = ()
