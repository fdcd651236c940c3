"""The trial finder's one filter: ``TrialFilter``, a django-filter FilterSet used by the
public listing (/trials/) and the API (/api/v2/trials/, through ``TrialAPIFilter``, which
only adds the API's own parameters).

The parameter names are a contract (issue #13): ``condition``, ``intervention``,
``sponsor`` (lead or collaborator), ``status``, ``phase``, ``age`` (a person's age in
years), ``sex``, ``healthy_volunteers``, ``country``, ``near`` with ``within_km``.
``near`` is a facility city of our sites, written "City, Country" or "City, State,
Country" (e.g. "Boston, United States"), or coordinates "lat,lon" ("42.36,-71.06").
Distance is a bounding box on the sites' indexed latitude/longitude, then the
great-circle (haversine) distance, in the ORM: the same query on PostgreSQL and SQLite.
Every malformed value is a form error (the page: 400 with the form; the API: 400).
"""

import datetime as dt
import math
import re

import django_filters
from django import forms
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from trials import labels
from trials.models import NCT_ID_RE, Phase, Trial, phase_labels_containing, status_choices
from trials.sites import TrialSite

EARTH_RADIUS_KM = 6371.0088
DEFAULT_WITHIN_KM = 50
MAX_WITHIN_KM = 5000
MAX_VALUES = 100
MAX_TEXT = 200
COUNTRY_FACET_SIZE = 20
POINT_RE = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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


class TextField(forms.CharField):
    """Free text of a filter: bounded, no null characters."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and "\x00" in value:
            raise forms.ValidationError("Null characters are not allowed.")
        return value


class ValuesField(forms.CharField):
    """Comma-separated values ("RECRUITING,NOT_YET_RECRUITING"), upper-cased and checked
    against ``allowed()``; a single value is one value (the page's select)."""

    def __init__(self, *, allowed, what: str, **kwargs):
        self.allowed, self.what = allowed, what
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value) or ""
        values = [v.strip().upper() for v in value.split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.")
        allowed = self.allowed()
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise forms.ValidationError(
                f"Unknown {self.what} {', '.join(unknown)}; expected one of {', '.join(allowed)}."
            )
        return values


class TextFilter(django_filters.CharFilter):
    field_class = TextField


class ValuesFilter(django_filters.CharFilter):
    field_class = ValuesField


def _phases() -> list[str]:
    return list(Phase.values)


class TrialFinderForm(forms.Form):
    """Checks what no single field can: a distance needs a place; a place must be one
    of our sites' cities or coordinates; a country must be one our sites are in."""

    def clean_near(self):
        text = self.cleaned_data.get("near") or ""
        if not text:
            return None
        point = POINT_RE.match(text)
        if point:
            lat, lon = float(point.group(1)), float(point.group(2))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(
                    "Coordinates out of range (lat -90..90, lon -180..180)."
                )
            return (lat, lon, text)
        found = city_point(text)
        if found is None:
            raise forms.ValidationError(
                f"No trial site in {text!r}: give a facility city as “City, Country” "
                "(e.g. “Boston, United States”) or coordinates as “lat,lon”."
            )
        return (*found, text)

    def clean_country(self):
        text = self.cleaned_data.get("country") or ""
        if not text:
            return ""
        name = stored_country(text)
        if name is None:
            raise forms.ValidationError(f"No trial site in a country called {text!r}.")
        return name

    def clean(self):
        data = super().clean()
        if data.get("within_km") is not None and not data.get("near") and "near" not in self.errors:
            self.add_error("within_km", "A distance needs a place: give “near” too.")
        return data


def city_point(text: str) -> tuple[float, float] | None:
    """The mean position of our sites in "City[, State], Country", or None."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    lookup = {"city": parts[0], "country": parts[-1], "latitude__isnull": False}
    if len(parts) > 2:
        lookup["state"] = ", ".join(parts[1:-1])
    sites = TrialSite.objects.filter(**lookup)
    if not sites.exists():  # as typed by a reader: any case (slower, no index)
        sites = TrialSite.objects.filter(
            **{f"{k}__iexact" if k != "latitude__isnull" else k: v for k, v in lookup.items()}
        )
    point = sites.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    return None if point["lat"] is None else (point["lat"], point["lon"])


def stored_country(text: str) -> str | None:
    """The country as our sites spell it ("united states" -> "United States"), or None."""
    text = text.strip()
    if TrialSite.objects.filter(country=text).exists():
        return text
    return TrialSite.objects.filter(country__iexact=text).values_list("country", flat=True).first()


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, list]:
    """(min lat, max lat, longitude ranges) that contain every point within KM of
    (LAT, LON); two longitude ranges across the antimeridian, none near a pole."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    low, high = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    if high >= 90 or low <= -90:
        return low, high, []
    dlon = math.degrees(km / (EARTH_RADIUS_KM * math.cos(math.radians(max(abs(low), abs(high))))))
    if dlon >= 180:
        return low, high, []
    west, east = lon - dlon, lon + dlon
    if west < -180:
        return low, high, [(west + 360, 180.0), (-180.0, east)]
    if east > 180:
        return low, high, [(west, 180.0), (-180.0, east - 360)]
    return low, high, [(west, east)]


def sites_within(lat: float, lon: float, km: float):
    """TrialSites within KM of (LAT, LON): an indexed box, then the haversine distance."""
    low, high, ranges = bounding_box(lat, lon, km)
    sites = TrialSite.objects.filter(latitude__gte=low, latitude__lte=high)
    if ranges:
        box = Q()
        for west, east in ranges:
            box |= Q(longitude__gte=west, longitude__lte=east)
        sites = sites.filter(box)
    half_dlat = (Radians(F("latitude")) - math.radians(lat)) / 2
    half_dlon = (Radians(F("longitude")) - math.radians(lon)) / 2
    a = Power(Sin(half_dlat), 2) + math.cos(math.radians(lat)) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin(half_dlon), 2)
    distance = 2 * EARTH_RADIUS_KM * ASin(Least(Sqrt(a), 1.0))
    return sites.alias(distance_km=distance).filter(distance_km__lte=km)


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
        return queryset.filter(
            Exists(TrialSite.objects.filter(trial=OuterRef("pk"), country=value))
        )

    def filter_near(self, queryset, name, value):
        if not value:
            return queryset
        lat, lon, _ = value
        km = float(self.form.cleaned_data.get("within_km") or DEFAULT_WITHIN_KM)
        return queryset.filter(Exists(sites_within(lat, lon, km).filter(trial=OuterRef("pk"))))

    # -- facets -------------------------------------------------------------------
    def facets(self) -> dict[str, list[dict]]:
        """``{"status": [{"value", "label", "count"}], "phase": …, "country": …}`` for
        the trials matching every filter but the facet's own, most first."""
        base = self.queryset
        statuses = (
            self.filter_queryset(base, without="status")
            .order_by()
            .values_list("overall_status")
            .annotate(n=Count("pk"))
        )
        phase_keys = (
            self.filter_queryset(base, without="phase")
            .order_by()
            .values_list("phase_label")
            .annotate(n=Count("pk"))
        )
        phases: dict[str, int] = {}
        for key, n in phase_keys:
            for phase in key.split("|") if key else []:
                phases[phase] = phases.get(phase, 0) + n
        countries = (
            TrialSite.objects.filter(
                trial__in=self.filter_queryset(base, without="country").order_by().values("pk")
            )
            .exclude(country="")
            .values_list("country")
            .annotate(n=Count("trial", distinct=True))
            .order_by("-n", "country")[:COUNTRY_FACET_SIZE]
        )
        return {
            "status": _facet(statuses, labels.STATUS),
            "phase": _facet(phases.items(), labels.PHASE),
            "country": _facet(countries, None),
        }


def _facet(rows, names) -> list[dict]:
    items = [
        {"value": value, "label": labels.label(names, value) if names else value, "count": n}
        for value, n in rows
        if value
    ]
    return sorted(items, key=lambda item: (-item["count"], item["label"]))


class UpdatedSinceField(forms.CharField):
    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        try:
            if not DATE_RE.match(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                f"{value!r} is not a date in the form YYYY-MM-DD."
            ) from None


class NctIdsField(forms.CharField):
    def clean(self, value):
        values = [v.strip().upper() for v in (super().clean(value) or "").split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values.")
        bad = [v for v in values if not NCT_ID_RE.match(v)]
        if bad:
            raise forms.ValidationError(
                f"{', '.join(bad)} is not an NCT ID (NCT followed by 8 digits)."
            )
        return values


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
