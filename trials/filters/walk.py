"""Two plans the PostgreSQL planner misses at 600,000 trials (issues #11, #13), each set
for the queries of a request that need it (``SET LOCAL``: that transaction only).

Reading a broad match in index order:

The planner underestimates broad full-text matches (the words of "Breast International
Group" are counted as independent) and broad distances (sites cluster in cities, so a
latitude range and a longitude range are not independent): it then collects every
match, from a GIN bitmap or from every site in the box, to keep 20 of them.
When the capped count has shown that more than LIVE_LIMIT (1,000) trials match, reading trials
in a B-tree index's order and checking each one stops after page * PER_PAGE * trials /
matches rows on average: fewer than 12,000 for page 1 at 600,000 trials, a few hundred
for a broad match. ``ordered_reads`` makes the planner do that for the queries run
inside it (``SET LOCAL``: this transaction only). Not for the facets: a sample of 1,000
could need the whole table read when a little more than 1,000 trials match.
"""

import contextlib

from django.db import connections, transaction

SETTINGS = "; ".join(
    f"SET LOCAL enable_{plan} = off"
    for plan in ("bitmapscan", "seqscan", "sort", "hashjoin", "hashagg", "mergejoin")
)


@contextlib.contextmanager
def ordered_reads(using: str = "default", *, when: bool = True):
    """Queries inside are read in index order, with nested loops (PostgreSQL, WHEN)."""
    with _planned(SETTINGS, using, when):
        yield


# Probing a broad distance trial by trial: sites cluster in cities, so the planner takes a
# box of 160,000 sites (Paris, 50 km) for 4,000 and collects them all, in a hash (280 ms)
# or by trial (90 ms), before the first trial is checked. Looking up each candidate trial's
# few sites by the trial's index instead stops after about 1,001 / (share of trials in the
# box) trials for a sample, and checks only the other filters' matches when they are few
# (the patient path: 3,673 probes, 30 ms). Set when ``TrialFilter.probes_sites``: the box's
# sites, counted from ``TrialPlace``, are many. Not for a small box: all 600,000 trials
# probed for a few sites' trials would be slower than collecting those few sites.
# No parallel workers either: starting them costs more than a read that stops early.
PROBE_SETTINGS = "; ".join(
    [
        *(f"SET LOCAL enable_{p} = off" for p in ("hashjoin", "mergejoin", "hashagg", "sort")),
        "SET LOCAL max_parallel_workers_per_gather = 0",
    ]
)


# Reading rows one by one, on a B-tree index of the other filters when there is one (a
# sequential scan would read every trial of other statuses too): a common word's rows
# (see trials.filters.words; 70 ms for RECRUITING + "breast cancer", against 3 ms), and
# the candidates of a broad distance probed trial by trial, when no GIN-served filter is
# set (Paris 50 km + phase 3: a bitmap of the 59,943 phase 3 trials, then their rows in
# the table's order, 95 ms; the phase's index read in order, stopping at 1,001 in the
# box, 31 ms).
ROW_BY_ROW_SETTINGS = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off"


@contextlib.contextmanager
def sampled_reads(using: str = "default", *, probe_sites: bool, row_by_row: bool):
    """The request's count, facets and page: a broad distance's sites probed trial by
    trial (PROBE_SETTINGS), rows read one by one (ROW_BY_ROW_SETTINGS)."""
    settings = [PROBE_SETTINGS] * probe_sites + [ROW_BY_ROW_SETTINGS] * row_by_row
    with _planned("; ".join(settings), using, bool(settings)):
        yield


@contextlib.contextmanager
def _planned(settings: str, using: str, when: bool):
    connection = connections[using]
    if not when or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(settings)
        yield
