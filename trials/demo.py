"""Demo trials from the registry responses shipped in trials/fixtures/ctgov/.

They go through the sync's own projection, mapping and writer, so the demo stores exactly
what a sync of the same studies would (a later real sync finds them unchanged), with no
network. Idempotent: a second load writes nothing.
"""

import json
from pathlib import Path

from django.utils import timezone

from trials.models import TrialQuery, TrialSyncRun
from trials.registry.fields import project
from trials.sync.writer import store_page

FIXTURES = Path(__file__).parent / "fixtures" / "ctgov"

DEMO_QUERIES = [
    {"name": "CAR-T cell therapy", "intervention": "CAR-T OR axicabtagene OR tisagenlecleucel"},
    {"name": "Melanoma immunotherapy", "condition": "melanoma", "intervention": "pembrolizumab"},
]


def reference_studies() -> list[dict]:
    """Every distinct study of the shipped responses, in NCT ID order. A full single-study
    record wins over a list-page entry, which wins over a ``fields=`` subset."""
    found: dict[str, tuple[int, dict]] = {}
    files = sorted((FIXTURES / "studies").glob("*.json")) + sorted(
        (FIXTURES / "study").glob("*.json")
    )
    for path in files:
        data = json.loads(path.read_text())
        if path.parent.name == "studies":
            candidates = [(study, 1) for study in data["studies"]]
        else:
            candidates = [(data, 0 if "fields-subset" in path.name else 2)]
        for study, rank in candidates:
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            if nct_id not in found or found[nct_id][0] < rank:
                found[nct_id] = (rank, study)
    return [found[nct_id][1] for nct_id in sorted(found)]


def load(log) -> None:
    now = timezone.now()
    result = store_page([project(study) for study in reference_studies()], now)
    for spec in DEMO_QUERIES:
        TrialQuery.objects.get_or_create(name=spec["name"], defaults=spec)
    if result.created or result.updated:
        # Recorded like a run so that the site can say where its trials came from.
        TrialSyncRun.objects.create(
            kind=TrialSyncRun.Kind.FULL,
            status=TrialSyncRun.Status.SUCCEEDED,
            trigger="demo",
            parameters={"scope": "demo", "source": "trials/fixtures/ctgov"},
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
        f"{result.unchanged} unchanged from the registry fixtures."
    )
