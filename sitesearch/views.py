"""``/search/``: one search over the live explainers and the tracked trials.

Each query also runs as its variants (synonyms editors keep, UK/US spellings:
sitesearch/synonyms.py) on the configured backends: Wagtail's database search for
explainers (PostgreSQL full-text or SQLite), the trials' own full-text filter.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from insights.models import ExplainerPage
from sitesearch.synonyms import normalise, variants
from trials.models import Trial

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
TRIALS_SHOWN = 10
# The result types a reader can choose; "all" shows both lists.
RESULT_TYPES = {"all": "Everything", "explainers": "Treatment explainers", "trials": "Trials"}
EXPLAINERS_PER_VARIANT = 50


def find_explainers(terms: list[str]) -> list[ExplainerPage]:
    """Live, public explainers matching any of TERMS, the first term's matches first."""
    results, seen = [], set()
    base = ExplainerPage.objects.live().public()
    for term in terms:
        for page in base.search(term)[:EXPLAINERS_PER_VARIANT]:
            if page.pk not in seen:
                seen.add(page.pk)
                results.append(page)
    return results


def find_trials(terms: list[str]):
    """Trials matching any of TERMS (newest registry update first)."""
    queryset = None
    for term in terms:
        matches = Trial.objects.search(term)
        queryset = matches if queryset is None else queryset | matches
    return queryset.defer("raw", "search_text").order_by("-last_update_posted", "nct_id")


@require_safe
def search(request):
    """``/search/?q=...&type=all|explainers|trials``."""
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    result_type = request.GET.get("type") or "all"
    if result_type not in RESULT_TYPES:
        context = {"query": query, "result_types": RESULT_TYPES, "result_type": "all"}
        context["type_error"] = (
            f"Unknown result type {result_type[:40]!r}: choose {', '.join(RESULT_TYPES)}."
        )
        return render(request, "sitesearch/search.html", context, status=400)
    context = {"query": query, "result_types": RESULT_TYPES, "result_type": result_type}
    if query:
        also = variants(query)
        terms = [normalise(query), *also]
        page_obj = trials = None
        trial_count = explainer_count = 0
        if result_type in ("all", "explainers"):
            explainers = find_explainers(terms)
            explainer_count = len(explainers)
            page_obj = Paginator(explainers, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        if result_type in ("all", "trials"):
            matching = find_trials(terms)
            shown = TRIALS_SHOWN if result_type == "all" else RESULTS_PER_PAGE * 3
            trials = list(matching[: shown + 1])
            trial_count = len(trials)
            trials = trials[:shown]
        context.update(
            variants=also,
            page_obj=page_obj,
            results=page_obj or [],
            explainer_count=explainer_count,
            trials=trials or [],
            trials_more=trial_count > len(trials or []),
            nothing_found=not explainer_count and not trial_count,
        )
    return render(request, "sitesearch/search.html", context)
