"""What a run fetches: a list of sources, each one registry query with fixed parameters.

Sources are the active saved queries (each incremental from its own watermark) and the
NCT IDs that other apps cite (by ``filter.ids`` in batches, always whole: the registry
changes some statuses without posting an update date, and cited trials are few). The
weekly full refresh (``stored=True``) re-fetches every stored trial by ID. The list is
deterministic for the same inputs, so a failed run can be resumed source by source,
page by page.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from trials.citations import cited_nct_ids
from trials.models import SyncWatermark, Trial, TrialQuery
from trials.registry.client import RegistryClient

SAFETY_MARGIN = timedelta(days=1)  # the registry's dates are days; overlap one


@dataclass
class Source:
    """One registry query of a run."""

    key: str
    label: str
    params: dict
    query_id: int | None = None
    # For filter.ids batches fetched without a date filter: IDs the registry does not
    # return are missing from it.
    requested_ids: list[str] = field(default_factory=list)
    detect_missing: bool = False
    # A saved query synced before: what it matched then is on record (TrialQueryMatch).
    matches_known: bool = False
    # The SyncWatermark this source moves when it completes (the mirror's).
    watermark: str | None = None
    # A complete pass over the whole registry: stored trials it did not return are
    # re-fetched by ID afterwards (they may have left the registry).
    whole_registry: bool = False


MIRROR = "registry"  # key and watermark name of the whole-registry source


def mirror_source(*, full: bool, since: date | None) -> Source:
    """Every study of the registry (``TRIALS_MIRROR_REGISTRY``): the first run pages
    through all of them, later runs take the LastUpdatePostDate window from the last
    complete pass; the weekly full refresh passes over everything again."""
    if full:
        mirror_since = None
    elif since:
        mirror_since = since
    else:
        mark = SyncWatermark.objects.filter(name=MIRROR).first()
        mirror_since = timezone.localdate(mark.synced_from) - SAFETY_MARGIN if mark else None
    return Source(
        key=MIRROR,
        label="whole registry",
        params=with_since({}, mirror_since),
        watermark=MIRROR,
        whole_registry=mirror_since is None,
    )


def since_filter(since: date) -> str:
    return f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"


def with_since(params: dict, since: date | None) -> dict:
    return {**params, "filter.advanced": since_filter(since)} if since else dict(params)


def query_sources(queries, *, full: bool, since: date | None) -> list[Source]:
    sources = []
    for query in queries:
        if full:
            query_since = None
        elif since:
            query_since = since
        elif query.last_synced:
            query_since = timezone.localdate(query.last_synced) - SAFETY_MARGIN
        else:
            query_since = None  # never synced: everything it matches
        sources.append(
            Source(
                key=f"query:{query.pk}",
                label=f"query {query.name!r}",
                params=with_since(query.registry_params(), query_since),
                query_id=query.pk,
                matches_known=query.last_synced is not None,
            )
        )
    return sources


def id_sources(nct_ids, *, label: str) -> list[Source]:
    """filter.ids batches, fetched whole (no date filter): only such batches can tell
    that a study is missing from the registry."""
    return [
        Source(
            key=f"ids:{batch[0]}:{len(batch)}",
            label=f"{label} {batch[0]}…{batch[-1]}",
            params=RegistryClient.ids_params(batch),
            requested_ids=batch,
            detect_missing=True,
        )
        for batch in RegistryClient.id_batches(sorted(set(nct_ids)))
    ]


def build_plan(
    *,
    full: bool = False,
    since: date | None = None,
    query: TrialQuery | None = None,
    ids: list[str] | None = None,
    stored: bool = False,
) -> tuple[list[Source], dict]:
    """The sources of a run and the parameters recorded on it.

    STORED: every trial in the database, by ID (the weekly "Refresh trials (full)")."""
    parameters: dict = {"full": full, "since": since.isoformat() if since else None}
    mirror = settings.TRIALS_MIRROR_REGISTRY
    if stored:
        parameters["scope"] = "stored"
        if mirror:
            # One pass over the registry (1 request per 1,000 studies) rather than ID
            # batches (1 per 100); what it does not return is re-checked by ID after.
            parameters["mirror"] = True
            return [mirror_source(full=True, since=None)], parameters
        every = Trial.objects.order_by("nct_id").values_list("nct_id", flat=True)
        return id_sources(list(every), label="stored IDs"), parameters
    if ids:
        parameters.update(scope="ids", ids=sorted(set(ids)))
        # Explicit IDs are always fetched whole: the caller wants them now.
        return id_sources(ids, label="IDs"), parameters
    if query is not None:
        parameters.update(scope="query", query=query.name)
        return query_sources([query], full=full, since=since), parameters
    parameters["scope"] = "all"
    queries = list(TrialQuery.objects.filter(active=True).order_by("name", "pk"))
    cited = cited_nct_ids()
    parameters["queries"] = [q.name for q in queries]
    parameters["cited_ids"] = len(cited)
    sources = query_sources(queries, full=full, since=since)
    if mirror:
        parameters["mirror"] = True
        sources.append(mirror_source(full=full, since=since))
    # Whole, whatever the run's window: status, last_seen and the review's freshness
    # check of a cited trial are then never older than the last run.
    sources += id_sources(cited, label="cited IDs")
    return sources, parameters


def plan_key(sources: list[Source]) -> str:
    """Identity of a plan for resuming: the sources and their parameters, not dates."""
    shape = [
        (s.key, {k: v for k, v in s.params.items() if k != "filter.advanced"}) for s in sources
    ]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]
