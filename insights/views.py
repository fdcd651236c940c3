"""Public views: site search over explainers (explainers themselves are Wagtail pages)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insights.models import ExplainerPage

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


@require_GET
def search(request):
    """``/search/?q=...``: live, public explainers matching the query, best match first.

    Uses the configured Wagtail search backend (the database backend: PostgreSQL full-text
    search on PostgreSQL, a simpler match on SQLite).
    """
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = []
    page_obj = None
    if query:
        explainers = ExplainerPage.objects.live().public()
        results = explainers.search(query)
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/search.html",
        {"query": query, "page_obj": page_obj, "results": page_obj or []},
    )
