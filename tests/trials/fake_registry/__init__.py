"""A fake ClinicalTrials.gov API v2 on 127.0.0.1, serving our example records and, when
present, the registry's reference responses (tests/reference_records.py).

It speaks the protocol the sync relies on: ``GET /api/v2/studies`` with ``pageSize``
(capped at 1000), opaque ``pageToken`` bound to the other parameters, ``countTotal``,
``fields`` (validated against the registry's own field metadata and applied as the
registry does), ``filter.ids``, ``filter.overallStatus``, ``filter.advanced`` (the
``AREA[LastUpdatePostDate]RANGE[a,b]`` form), ``query.cond/intr/term/spons``;
``GET /api/v2/studies/{nctId}`` with 404 for unknown IDs, 400 for malformed ones and 301
for aliases. Errors are plain text, as the registry's are.

A programmable fault queue makes the next matching requests fail in a chosen way (status
codes with or without ``Retry-After``, a connection cut mid-body, a stall past the read
timeout, invalid JSON, an HTML page, an empty page, an expired page token).

Used by the tests (a fixture starts it in a thread) and by ``benchmarks/sync.py`` (in a
separate process, with a generated registry of N studies of real shapes).
"""

from .server import API_PREFIX, FakeRegistry, Fault
from .studies import (
    GeneratedStore,
    StudyStore,
    field_paths,
    nct_id_of,
    real_studies,
    real_study,
    served_studies,
    study_record,
)

# The read timeout of the tests' client of this registry (tests/trials/conftest.py): short
# for the tests of a stalled registry, not so short that a loaded machine's slow answer
# counts as a fault (at 0.5 s, a page answered late on a busy CI machine was retried, and
# its backoff broke a test's count of one backoff per fault).
CLIENT_READ_TIMEOUT = 2.0

__all__ = [
    "API_PREFIX",
    "CLIENT_READ_TIMEOUT",
    "FakeRegistry",
    "Fault",
    "GeneratedStore",
    "StudyStore",
    "field_paths",
    "nct_id_of",
    "real_studies",
    "real_study",
    "served_studies",
    "study_record",
]
