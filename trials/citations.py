"""Extension points through which other apps tell the trials app about citations.

The trials app must not import the apps that cite trials (dependencies flow
home -> insights -> trials). Instead, those apps register providers here, typically in
their ``AppConfig.ready()``:

* ``register_cited_ids_provider(fn)``: ``fn()`` returns an iterable of NCT IDs that must
  be kept fresh. The sync fetches the union of every provider's IDs and the active
  registry queries.
* ``register_citing_pages_provider(fn)``: ``fn(nct_ids)`` returns a mapping
  ``{nct_id: [CitingPage-like objects with .title and .url]}`` for the given IDs, in a
  fixed number of queries. The public trial pages list what it returns (nothing if no
  provider is registered).
"""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

CitedIdsProvider = Callable[[], Iterable[str]]
CitingPagesProvider = Callable[[Sequence[str]], Mapping[str, Sequence]]

_cited_ids_providers: list[CitedIdsProvider] = []
_citing_pages_providers: list[CitingPagesProvider] = []


@dataclass(frozen=True)
class CitingPage:
    """A page that cites a trial, as the public trial pages show it.

    ``page_id`` (optional) lets caches and CDN purges find the page without its URL.
    """

    title: str
    url: str
    page_id: int | None = None


def register_cited_ids_provider(fn: CitedIdsProvider) -> CitedIdsProvider:
    """Register FN (usable as a decorator); registering the same function twice is a no-op."""
    if fn not in _cited_ids_providers:
        _cited_ids_providers.append(fn)
    return fn


def unregister_cited_ids_provider(fn: CitedIdsProvider) -> None:
    if fn in _cited_ids_providers:
        _cited_ids_providers.remove(fn)


def register_citing_pages_provider(fn: CitingPagesProvider) -> CitingPagesProvider:
    """Register FN (usable as a decorator); registering the same function twice is a no-op."""
    if fn not in _citing_pages_providers:
        _citing_pages_providers.append(fn)
    return fn


def unregister_citing_pages_provider(fn: CitingPagesProvider) -> None:
    if fn in _citing_pages_providers:
        _citing_pages_providers.remove(fn)


def cited_nct_ids() -> set[str]:
    """The union of every provider's cited NCT IDs, normalised to upper case."""
    ids: set[str] = set()
    for provider in _cited_ids_providers:
        ids.update(str(nct_id).strip().upper() for nct_id in provider() if nct_id)
    return ids


def citing_pages(nct_ids: Sequence[str]) -> dict[str, list]:
    """``{nct_id: [pages]}`` from every provider, for the given IDs only."""
    result: dict[str, list] = {}
    if not nct_ids:
        return result
    for provider in _citing_pages_providers:
        for nct_id, pages in (provider(list(nct_ids)) or {}).items():
            result.setdefault(nct_id, []).extend(pages)
    return result
