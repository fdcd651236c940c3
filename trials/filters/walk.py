"""Reading a broad match in index order on PostgreSQL (issues #11, #13).

The planner underestimates broad full-text matches (the words of "Breast International
Group" are counted as independent) and broad distances (sites cluster in cities, so a
latitude range and a longitude range are not independent): it then collects every
match, from a GIN bitmap or from every site in the box, to keep 20 of them.
When the capped count has shown that more than COUNT_CAP trials match, reading trials
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
    connection = connections[using]
    if not when or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(SETTINGS)
        yield
