"""The registry's reference records, read where they lie: ``../shared/ctgov/`` beside the
repository (every developer and CI have it), or ``CTGOV_REFERENCE_DIR``.

They are real ClinicalTrials.gov responses published by other projects: the repository
never carries a copy. Tests that need them are marked ``reference_records`` and are
skipped, with a reason, only on a machine without the folder (CI checks it is there).
"""

import functools
import json
import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
SKIP_REASON = "reference records (../shared/ctgov) are not on this machine"


def reference_dir() -> Path:
    return Path(os.environ.get("CTGOV_REFERENCE_DIR") or REPOSITORY.parent / "shared" / "ctgov")


def available() -> bool:
    return (reference_dir() / "study").is_dir()


def _require() -> Path:
    if not available():
        raise RuntimeError(
            f"{SKIP_REASON}: mark the test @pytest.mark.reference_records "
            f"(looked in {reference_dir()})"
        )
    return reference_dir()


def reference_studies() -> list[dict]:
    """Every distinct study of the reference responses, in NCT ID order (fresh objects).
    A full single-study record wins over a list-page entry, which wins over a ``fields=``
    subset."""
    return json.loads(_chosen_studies(_require()))


@functools.cache
def _chosen_studies(folder: Path) -> str:
    # The files are parsed once per process; each caller gets fresh objects from the
    # chosen studies' JSON (parsing every file again cost ~1 % of the suite).
    found: dict[str, tuple[int, dict]] = {}
    files = sorted((folder / "studies").glob("*.json")) + sorted((folder / "study").glob("*.json"))
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
    return json.dumps([found[nct_id][1] for nct_id in sorted(found)])


def field_metadata() -> list[dict] | None:
    """The registry's ``/studies/metadata`` field tree, or None without the folder."""
    if not available():
        return None
    paths = sorted((reference_dir() / "misc").glob("studies_metadata*.json"))
    return json.loads(paths[0].read_text()) if paths else None
