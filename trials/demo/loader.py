"""Load the example registry records (``example_studies.json``) as demo trials.

They go through the sync's own projection, mapping and writer, so the demo stores exactly
what a sync of the same studies would (a later sync finds them unchanged), with no
network. Idempotent: a second load writes nothing.
"""

import json

from django.utils import timezone

from trials import facet_counts
from trials.demo.records import JSON_PATH
from trials.models import TrialQuery, TrialSyncRun
from trials.registry.fields import project
from trials.sync.writer import store_page

DEMO_QUERIES = [
    {"name": "CAR-T cell therapy", "intervention": "CAR-T OR CMX-19 OR CMX-BC"},
    {"name": "Melanoma immunotherapy", "condition": "melanoma", "intervention": "HLX-PD1"},
]


def example_studies() -> list[dict]:
    """The example records as the registry would send them, in NCT ID order (fresh
    objects: callers may change them)."""
    return json.loads(JSON_PATH.read_text())["studies"]


def load(log) -> None:
    now = timezone.now()
    result = store_page([project(study) for study in example_studies()], now)
    facet_counts.rebuild()
    for spec in DEMO_QUERIES:
        TrialQuery.objects.get_or_create(name=spec["name"], defaults=spec)
    if result.created or result.updated:
        # Recorded like a run so that the site can say where its trials came from.
        TrialSyncRun.objects.create(
            kind=TrialSyncRun.Kind.FULL,
            status=TrialSyncRun.Status.SUCCEEDED,
            trigger="demo",
            parameters={"scope": "demo", "source": "trials/demo/example_studies.json"},
            started=now,
            finished=timezone.now(),
            pages=1,
            fetched=result.created + result.updated + result.unchanged + result.failed,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            failed=result.failed,
            warnings=result.warnings,
        )
    log(
        f"Trials: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged from the example records."
    )
