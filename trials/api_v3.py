"""The ``trials`` endpoint of API v3: registry studies, filtered and paginated.

The filters are the finder's and v2's (``trials.filters.TrialAPIFilter``: the one
FilterSet of the page, v2, the admin and the chooser), declared here as typed query
parameters for the OpenAPI document and applied by ``TRIAL_FILTERS``; a form error of
the FilterSet is a 400 with its message.
"""

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from api_support.pagination import BoundedPagination, Prepared
from api_support.urls import detail_url

from .filters import API_ORDERINGS, TrialAPIFilter
from .models import NCT_ID_RE, Trial, current_nct_id


class TrialFilterError(ValueError):
    """Bad filter input: answered with a 400 and this message."""


def filterset_filters(filterset_class):
    """A TRIAL_FILTERS callable from a django-filter FilterSet (its form errors are 400s)."""

    def apply(queryset, params):
        filterset = filterset_class(data=params, queryset=queryset)
        if not filterset.is_valid():
            errors = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
            )
            raise TrialFilterError(errors)
        return filterset.qs

    return apply


TRIAL_FILTERS = filterset_filters(TrialAPIFilter)
DEFAULT_ORDERING = "-last_update_posted"


class TrialFilters(Schema):
    """Query parameters of the trials list (comma-separated lists where plural)."""

    status: str | None = Field(None, description="Overall statuses, e.g. RECRUITING,COMPLETED.")
    phase: str | None = Field(None, description="Phases, e.g. PHASE2,PHASE3.")
    condition: str | None = Field(None, description="A condition (words).")
    intervention: str | None = Field(None, description="An intervention (words).")
    sponsor: str | None = Field(None, description="Lead sponsor or collaborator (words).")
    age: float | None = Field(None, description="A person's age in years (0-130).")
    sex: Literal["FEMALE", "MALE"] | None = Field(None, description="Open to this sex.")
    healthy_volunteers: Literal["true", "false"] | None = Field(
        None, description="Accepts healthy volunteers."
    )
    country: str | None = Field(None, description="A country with a site.")
    near: str | None = Field(
        None, description='A facility city ("Boston, United States") or "lat,lon".'
    )
    within_km: float | None = Field(None, description="Distance from near (1-5000, default 50).")
    nct_id: str | None = Field(None, description="NCT IDs, comma-separated.")
    updated_since: str | None = Field(None, description="YYYY-MM-DD.")
    search: str | None = Field(None, description="Words of the NCT ID, titles, sponsor...")
    order: Literal[tuple(API_ORDERINGS)] = DEFAULT_ORDERING  # ty: ignore[invalid-type-form]


class Intervention(Schema):
    name: str
    type: str
    type_label: str
    arms: list[str]


class SecondaryId(Schema):
    id: str
    type: str
    type_label: str
    domain: str | None = None


class SiteStatusCount(Schema):
    status: str
    label: str
    count: int


class TrialMeta(Schema):
    type: Literal["trials.Trial"]
    detail_url: str
    registry_url: str = Field(description="Empty for our invented example records.")
    last_seen: dt.datetime
    last_changed: dt.datetime


class TrialCard(Schema):
    """A trial in the list."""

    id: int
    meta: TrialMeta
    nct_id: str
    brief_title: str
    overall_status: str
    status_label: str
    status_display: str
    phases: list[str]
    conditions: list[str]
    lead_sponsor: str
    has_results: bool
    last_update_posted: dt.date | None


class TrialDetail(TrialCard):
    """A trial with every field the registry copy holds (not the raw record)."""

    official_title: str
    status_note: str
    last_known_status: str
    last_known_status_label: str
    status_verified_date: str
    why_stopped: str
    phase_labels: list[str]
    study_type: str
    study_type_label: str
    interventions: list[Intervention]
    collaborators: list[str]
    enrollment: int | None
    enrollment_type: str
    enrollment_text: str
    start_date: str
    start_date_type: str
    primary_completion_date: str
    primary_completion_date_type: str
    completion_date: str
    completion_date_type: str
    results_first_posted: dt.date | None
    results_url: str
    secondary_ids: list[SecondaryId]
    nct_id_aliases: list[str]
    locations_count: int
    site_statuses: list[SiteStatusCount]
    countries: list[str]
    missing_from_registry: bool
    is_example: bool


CARD_FIELDS = [name for name in TrialCard.model_fields if name not in ("id", "meta")]
DETAIL_SOURCES = {
    "interventions": "intervention_list",
    "secondary_ids": "secondary_id_list",
    "site_statuses": "site_status_counts",
}


def trial_data(trial: Trial, request, detail=False) -> dict:
    schema = TrialDetail if detail else TrialCard
    data = {
        "id": trial.pk,
        "meta": {
            "type": "trials.Trial",
            "detail_url": detail_url(request, "trials_detail", trial.pk),
            "registry_url": trial.registry_url,
            "last_seen": trial.last_seen,
            "last_changed": trial.last_changed,
        },
    }
    for name in schema.model_fields:
        if name not in data:
            data[name] = getattr(trial, DETAIL_SOURCES.get(name, name))
    return data


def trials_queryset():
    return Trial.objects.for_readers()


router = Router(tags=["trials"])


@router.get(
    "/",
    response=list[TrialCard],
    url_name="trials_list",
    summary="List registry studies",
    operation_id="trials_list",
)
@paginate(BoundedPagination)
def list_trials(request: HttpRequest, filters: TrialFilters = Query(...)):  # ty: ignore
    params = request.GET.copy()
    for name in ("limit", "offset"):
        params.pop(name, None)
    try:
        queryset = TRIAL_FILTERS(trials_queryset(), params)
    except TrialFilterError as exc:
        raise HttpError(400, str(exc)) from None
    return Prepared(queryset, lambda trials: [trial_data(t, request) for t in trials])


@router.get(
    "/{key}/",
    response=TrialDetail,
    url_name="trials_detail",
    summary="A registry study, by id or NCT ID (an old NCT ID finds its current study)",
    operation_id="trials_detail",
)
def get_trial(request: HttpRequest, key: str):
    if key.isascii() and key.isdigit():
        lookup = {"pk": int(key)}
    elif NCT_ID_RE.match(key.upper()):
        lookup = {"nct_id": key.upper()}
    else:
        raise HttpError(400, f"{key!r} is neither a trial id nor an NCT ID")
    try:
        trial = trials_queryset().get(**lookup)
    except (Trial.DoesNotExist, OverflowError):
        target = current_nct_id(lookup["nct_id"]) if "nct_id" in lookup else None
        trial = trials_queryset().filter(nct_id=target).first() if target else None
        if trial is None:
            raise Http404("trial not found") from None
    return trial_data(trial, request, detail=True)
