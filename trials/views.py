"""Public trial pages: a filterable, searchable, paginated listing and a detail page."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property

from trials.citations import citing_pages
from trials.models import (
    OverallStatus,
    Phase,
    Trial,
    TrialSyncRun,
    current_nct_id,
    status_choices,
)

PER_PAGE = 20
COUNT_CAP = 1_000  # beyond this, "more than 1,000": counting every match costs more than it tells
SORTS = {
    "updated": ("Recently updated", ["-last_update_posted", "nct_id"]),
    "nct": ("NCT ID", ["nct_id"]),
}
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
]


class TrialFilterForm(forms.Form):
    """The listing's filters; invalid values are a 400 with the form's message."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *OverallStatus.choices]
    )
    phase = forms.ChoiceField(
        label="Phase", required=False, choices=[("", "Any phase"), *Phase.choices]
    )
    condition = forms.CharField(label="Condition", required=False, max_length=200)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *status_choices()]

    def filter(self, queryset):
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["status"]:
            queryset = queryset.filter(overall_status=data["status"])
        if data["phase"]:
            queryset = queryset.with_phase(data["phase"])
        if data["condition"]:
            queryset = queryset.with_condition(data["condition"])
        return queryset.order_by(*SORTS[data["sort"] or "updated"][1])


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a broad filter on 500,000 trials stays fast."""

    @cached_property
    def count(self):
        # No ORDER BY in the count: the database can stop at the cap instead of sorting
        # every match first.
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _attach_citations(trials) -> None:
    """Pages citing each trial, by its current NCT ID or an old one (alias)."""
    names = {t.nct_id: [t.nct_id, *(t.nct_id_aliases or [])] for t in trials}
    pages = citing_pages([n for group in names.values() for n in group])
    for trial in trials:
        found = [p for n in names[trial.nct_id] for p in pages.get(n, [])]
        trial.citing_pages = list({p.url: p for p in found}.values())


def trial_list(request):
    form = TrialFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "page_obj": None, "trials": []}
        return render(request, "trials/trial_list.html", context, status=400)
    if not form.is_bound:
        form = TrialFilterForm({})
        form.is_valid()
    queryset = form.filter(Trial.objects.only(*LIST_FIELDS))
    paginator = CappedPaginator(queryset, PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    trials = list(page_obj.object_list)
    _attach_citations(trials)
    query = request.GET.copy()
    query.pop("page", None)
    last_success = TrialSyncRun.last_success()
    context = {
        "form": form,
        "page_obj": page_obj,
        "paginator": paginator,
        "trials": trials,
        "querystring": query.urlencode(),
        "is_filtered": any(form.cleaned_data[k] for k in ("q", "status", "phase", "condition")),
        "refreshed": last_success.finished if last_success else None,
    }
    return render(request, "trials/trial_list.html", context)


def trial_detail(request, nct_id: str):
    canonical = nct_id.upper()
    if canonical != nct_id:
        return redirect("trials:detail", nct_id=canonical, permanent=True)
    trial = Trial.objects.defer("raw", "search_text").filter(nct_id=nct_id).first()
    if trial is None:
        # An old NCT ID of a study: send readers (and search engines) to the current one.
        target = current_nct_id(nct_id)
        if target:
            return redirect("trials:detail", nct_id=target, permanent=True)
        raise Http404("No trial with this NCT ID")
    _attach_citations([trial])
    return render(request, "trials/trial_detail.html", {"trial": trial})
