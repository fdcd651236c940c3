"""The finder's facets: trials by status, phase and country, each counted with every
filter but its own, computed the cheapest exact way there is and cached.

1. Cached per normalised filter set (Django's cache) under a generation that the serving
   events replace whenever trials change (``insights.serving.events``): the data only
   change with a sync, so a facet is computed once per sync and filter set.
2. Only structured filters (status, phase, age, sex, healthy volunteers, country): sums
   over ``TrialFacetCount`` (rebuilt when a sync run ends), exact, a few thousand rows.
3. Any other filter (full text, distance), or while that table is empty: counted live
   over at most ``LIVE_LIMIT`` matches of each facet's own set. When more match, the
   counts are those of the first ``LIVE_LIMIT`` matches: true lower bounds, marked
   ``at_least`` (the page shows "1,234+" and says why), never a wrong exact number.
"""

import hashlib
import json
import secrets

from django.core.cache import cache
from django.db import connections
from django.db.models import Sum

from trials import facet_counts, labels
from trials.models import Trial

COUNTRY_FACET_SIZE = 20
# The first LIVE_LIMIT matches of a filter set are all the finder counts: the listing's
# count ("More than 1,000 trials" beyond it) and each live facet's sample.
LIVE_LIMIT = 1_000
GENERATION_KEY = "trials:facets:generation"
CACHE_SECONDS = 24 * 3600  # a daily sync replaces the generation anyway
STRUCTURED = frozenset({"status", "phase", "age", "sex", "healthy_volunteers", "country"})
FACETS = ("status", "phase", "country")
NAMES = {"status": labels.STATUS, "phase": labels.PHASE, "country": None}


def forget() -> None:
    """Every cached facet is stale (the serving events call this when trials change)."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(GENERATION_KEY) or ""
    return token


def active_filters(finder) -> dict:
    """The finder's set filters as plain sorted data: the same search gives the same key
    whatever the parameter order, case of a country or spelling of a list."""
    data = finder.form.cleaned_data
    found = {}
    for name in finder.filter_names:
        value = data.get(name)
        if value in (None, "", []):
            continue
        if name == "near":
            value = [round(value[0], 6), round(value[1], 6), str(data.get("within_km") or "")]
        elif isinstance(value, list):
            value = sorted(value)
        found[name] = value
    return found


def cache_key(filters: dict, generation: str) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return f"trials:facets:{generation}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def counted(finder) -> dict:
    """``{"facets": …, "matches": the whole set's count capped at LIVE_LIMIT + 1, or None
    when no query counted the whole set}``, from the cache or computed (and cached under
    the generation read before counting, so counts of trials that changed meanwhile are
    never kept)."""
    filters = active_filters(finder)
    key = cache_key(filters, _generation())
    found = cache.get(key)
    if found is None:
        found = compute(finder, filters)
        cache.set(key, found, CACHE_SECONDS)
    return found


def compute(finder, filters: dict) -> dict:
    if set(filters) <= STRUCTURED:
        rows = facet_counts.counts()
        if rows is not None:
            return {"facets": _from_counts(finder, rows), "matches": None}
    return _live(finder)


# -- sums over TrialFacetCount ------------------------------------------------------------
def _narrowed(finder, rows, without: str):
    """ROWS narrowed by every set filter but WITHOUT, with the finder's own filter
    methods (the table has Trial's column names); a country picks its rows."""
    if without != "country":  # the country facet reads every country's rows itself
        rows = rows.filter(country=finder.form.cleaned_data.get("country") or "")
    for name, value in finder.form.cleaned_data.items():
        if name in STRUCTURED - {"country", without} and value not in (None, "", []):
            rows = finder.filters[name].filter(rows, value)
    return rows


def _from_counts(finder, rows) -> dict[str, list[dict]]:
    statuses = (
        _narrowed(finder, rows, "status")
        .values_list("overall_status")
        .annotate(n=Sum("trials"))
        .order_by()
    )
    phase_keys = (
        _narrowed(finder, rows, "phase")
        .values_list("phase_label")
        .annotate(n=Sum("trials"))
        .order_by()
    )
    countries = (
        _narrowed(finder, rows, "country")
        .exclude(country="")
        .values_list("country")
        .annotate(n=Sum("trials"))
        .order_by("-n", "country")[:COUNTRY_FACET_SIZE]
    )
    return {
        "status": _facet(statuses, labels.STATUS),
        "phase": _facet(_split_phases(phase_keys), labels.PHASE),
        "country": _facet(countries, None),
    }


# -- live, bounded ------------------------------------------------------------------------
COLUMNS = {"status": "overall_status", "phase": "phase_label", "country": "countries"}


def _live(finder) -> dict:
    """Each facet over at most LIVE_LIMIT + 1 trials of its set; facets whose own filter
    is not set share one set, the whole filter set, so one query counts them all and the
    set's capped size (``matches``)."""
    data = finder.form.cleaned_data
    groups: dict[str, list[str]] = {}
    for name in FACETS:
        groups.setdefault(name if data.get(name) else "", []).append(name)
    found: dict[str, list[dict]] = {}
    matches = None
    for without, names in groups.items():
        rows, sampled = _sample(finder, without, names)
        capped = sampled > LIVE_LIMIT
        if not without:
            matches = sampled
        for name in names:
            counted = rows.get(name, [])
            if name == "phase":
                counted = _split_phases(counted)
            found[name] = _facet(counted, NAMES[name], at_least=capped)
    return {"facets": {name: found[name] for name in FACETS}, "matches": matches}


def _sample(finder, without: str, names: list[str]) -> tuple[dict[str, list], int]:
    """({facet: [(value, n)]}, trials in the sample: LIVE_LIMIT + 1 when more match)."""
    base = finder.filter_queryset(finder.queryset, without=without).order_by()
    columns = [COLUMNS[name] for name in names]
    sql, params = base.values_list(*columns)[: LIVE_LIMIT + 1].query.sql_with_params()
    parts = ["SELECT 'n', NULL, COUNT(*) FROM m"]
    for name, column in zip(names, columns, strict=True):
        if name == "country":
            parts.append(f"SELECT * FROM ({_top_countries()}) AS top")  # noqa: S608
        else:
            # S608: names and columns are ours (FACETS, COLUMNS), values are parameters
            parts.append(f"SELECT '{name}', m.{column}, COUNT(*) FROM m GROUP BY m.{column}")  # noqa: S608
    query = f"WITH m AS ({sql}) " + " UNION ALL ".join(parts)
    with connections[Trial.objects.db].cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    grouped: dict[str, list] = {}
    sampled = 0
    for name, value, n in rows:
        if name == "n":
            sampled = n
        else:
            grouped.setdefault(name, []).append((value, n))
    return grouped, sampled


def _top_countries() -> str:
    if connections[Trial.objects.db].vendor == "postgresql":
        unnest, country = "jsonb_array_elements_text(m.countries) AS c(country)", "c.country"
    else:
        unnest, country = "json_each(m.countries) AS c", "c.value"
    return (
        f"SELECT 'country', {country}, COUNT(*) AS n FROM m, {unnest} "  # noqa: S608
        f"WHERE {country} <> '' GROUP BY {country} ORDER BY n DESC, {country} "
        f"LIMIT {COUNTRY_FACET_SIZE}"
    )


# -- shared -------------------------------------------------------------------------------
def _split_phases(phase_keys) -> list[tuple[str, int]]:
    """Counts by phase key ("PHASE1|PHASE2") to counts by phase."""
    phases: dict[str, int] = {}
    for key, n in phase_keys:
        for phase in key.split("|") if key else []:
            phases[phase] = phases.get(phase, 0) + n
    return list(phases.items())


def _facet(rows, names, *, at_least: bool = False) -> list[dict]:
    items = [
        {
            "value": value,
            "label": labels.label(names, value) if names else value,
            "count": n,
            "at_least": at_least,
        }
        for value, n in rows
        if value
    ]
    return sorted(items, key=lambda item: (-item["count"], item["label"]))
