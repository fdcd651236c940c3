"""Public trial pages: a filterable, searchable, paginated listing and a detail page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property

from trials.citations import citing_pages
from trials.filters import TrialFilter
from trials.filters import facets as facet_counting
from trials.filters.walk import ordered_reads, sampled_reads
from trials.maps import map_enabled, result_points, site_points
from trials.models import Trial, TrialSyncRun, current_nct_id
from trials.sites import sites_by_country

PER_PAGE = 20
FACET_HEADINGS = (("status", "Status"), ("phase", "Phase"), ("country", "Country"))
LIST_FIELDS = [
    "id",
    "nct_id",
    "brief_title",
    "overall_status",
    "phases",
    "study_type",
    "conditions",
    "lead_sponsor",
    "enrollment",
    "enrollment_type",
    "start_date",
    "start_date_type",
    "last_known_status",
    "status_verified_date",
    "has_results",
    "results_first_posted",
    "last_update_posted",
    "missing_from_registry",
    "nct_id_aliases",
    "minimum_age",
    "minimum_age_value",
    "minimum_age_unit",
    "maximum_age",
    "maximum_age_value",
    "maximum_age_unit",
]


class CappedPaginator(Paginator):
    """Counts at most ``facets.LIVE_LIMIT`` + 1 rows ("More than 1,000 trials": counting
    every match of a broad filter at 600,000 trials costs more than it tells), or takes
    COUNT, that capped count as the facets found it."""

    def __init__(self, object_list, per_page, *, count: int | None = None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property, already known

    @cached_property
    def count(self):
        # No ORDER BY in the count: the database can stop at the cap instead of sorting
        # every match first.
        return self.object_list.order_by().values("pk")[: facet_counting.LIVE_LIMIT + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > facet_counting.LIVE_LIMIT


def page_rows(page_obj, *, walk: bool) -> list:
    """The page's trials; WALK: a broad full-text or distance match, read in the
    listing's order (``trials.filters.walk``)."""
    with ordered_reads(when=walk):
        return list(page_obj.object_list)


def _attach_citations(trials) -> None:
    """Pages citing each trial, by its current NCT ID or an old one (alias)."""
    names = {t.nct_id: [t.nct_id, *(t.nct_id_aliases or [])] for t in trials}
    pages = citing_pages([n for group in names.values() for n in group])
    for trial in trials:
        found = [p for n in names[trial.nct_id] for p in pages.get(n, [])]
        trial.citing_pages = list({p.url: p for p in found}.values())


def trial_list(request):
    """The finder: TrialFilter's filters, facets with counts beside the results."""
    finder = TrialFilter(request.GET, queryset=Trial.objects.only(*LIST_FIELDS))
    if not finder.is_valid():
        context = {"form": finder.form, "page_obj": None, "trials": [], "facets": None}
        return render(request, "trials/trial_list.html", context, status=400)
    with sampled_reads(probe_sites=finder.probes_sites, row_by_row=finder.reads_row_by_row):
        facets = finder.facets()  # first: counting them may count the matches too
        paginator = CappedPaginator(finder.qs, PER_PAGE, count=finder.capped_matches())
        page_obj = paginator.get_page(request.GET.get("page"))
        trials = page_rows(page_obj, walk=paginator.capped and finder.walks_when_broad)
    _attach_citations(trials)
    query = request.GET.copy()
    query.pop("page", None)
    last_success = TrialSyncRun.last_success()
    context = {
        "form": finder.form,
        "page_obj": page_obj,
        "paginator": paginator,
        "trials": trials,
        "facets": [
            {"name": name, "heading": heading, "items": items}
            for (name, heading), items in zip(FACET_HEADINGS, facets.values(), strict=True)
        ],
        # counts that are lower bounds say so (the first LIVE_LIMIT matches were counted)
        "facets_at_least": facet_counting.LIVE_LIMIT
        if any(item["at_least"] for items in facets.values() for item in items)
        else None,
        "querystring": query.urlencode(),
        "is_filtered": finder.is_filtered,
        "refreshed": last_success.finished if last_success else None,
        "map_points": result_points(trials),
    }
    return render(request, "trials/trial_list.html", context)


def trial_detail(request, nct_id: str):
    canonical = nct_id.upper()
    if canonical != nct_id:
        return redirect("trials:detail", nct_id=canonical, permanent=True)
    trial = Trial.objects.for_readers().filter(nct_id=nct_id).first()
    if trial is None:
        # An old NCT ID of a study: send readers (and search engines) to the current one.
        target = current_nct_id(nct_id)
        if target:
            return redirect("trials:detail", nct_id=target, permanent=True)
        raise Http404("No trial with this NCT ID")
    _attach_citations([trial])
    sites = list(trial.sites.all())
    context = {
        "trial": trial,
        "site_groups": sites_by_country(sites),
        "map_points": site_points(sites) if map_enabled() else [],
    }
    return render(request, "trials/trial_detail.html", context)
