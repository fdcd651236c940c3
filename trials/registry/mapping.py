"""From one registry study (JSON as the API sends it) to the columns of a Trial.

Used by the sync and by the demo loader, so both store exactly the same thing. The
whole record as received is kept in ``raw``: fields we do not model, and fields the
registry adds later, survive and can be mapped later without a refetch. Values outside
the registry's documented enums are stored as they came and reported as warnings.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date

from trials.models import NCT_ID_RE, OverallStatus, Phase, phase_label

# Bump when the mapping below changes: every stored hash then differs once, so the next
# sync rewrites each trial with the new mapping even if the registry record is the same.
MAPPING_VERSION = "1"

PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
STUDY_TYPES = {"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"}
KNOWN_STATUSES = frozenset(OverallStatus.values)
KNOWN_PHASES = frozenset(Phase.values)

# The columns map_study() fills, in a fixed order (the writer copies them in this order).
COLUMNS = (
    "nct_id",
    "brief_title",
    "official_title",
    "overall_status",
    "phases",
    "study_type",
    "conditions",
    "interventions",
    "lead_sponsor",
    "enrollment",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "locations_count",
    "countries",
    "last_update_posted",
    "content_hash",
    "raw",
    "phase_label",
    "conditions_text",
    "search_text",
)
JSON_COLUMNS = frozenset({"phases", "conditions", "interventions", "countries", "raw"})

# What we expect inside the projected record; anything else is kept and reported.
_DATE_STRUCT = {"date": None, "type": None}
KNOWN_TREE = {
    "hasResults": None,
    "protocolSection": {
        "identificationModule": {
            "nctId": None,
            "nctIdAliases": None,
            "briefTitle": None,
            "officialTitle": None,
            "acronym": None,
        },
        "statusModule": {
            "overallStatus": None,
            "lastKnownStatus": None,
            "whyStopped": None,
            "statusVerifiedDate": None,
            "startDateStruct": _DATE_STRUCT,
            "primaryCompletionDateStruct": _DATE_STRUCT,
            "completionDateStruct": _DATE_STRUCT,
            "lastUpdatePostDateStruct": _DATE_STRUCT,
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": None, "class": None}},
        "conditionsModule": {"conditions": None, "keywords": None},
        "designModule": {
            "studyType": None,
            "phases": None,
            "enrollmentInfo": {"count": None, "type": None},
        },
        "armsInterventionsModule": {"interventions": {"type": None, "name": None}},
        "contactsLocationsModule": {"locations": {"country": None}},
    },
}


class MappingError(ValueError):
    """The study cannot be stored: a required field is missing or malformed."""


@dataclass
class MappedStudy:
    """A study ready to write: column values (see COLUMNS) and what looked odd."""

    columns: dict
    raw_json: str
    warnings: list[str] = field(default_factory=list)

    @property
    def nct_id(self) -> str:
        return self.columns["nct_id"]


def study_nct_id(study) -> str | None:
    """The NCT ID of a study, or None when it has none (cheap: no full mapping)."""
    try:
        value = study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def canonical_json(study: dict) -> str:
    return json.dumps(study, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    """Hash of a study's JSON text (as the registry sent it) and of the mapping version."""
    digest = hashlib.sha256(MAPPING_VERSION.encode())
    digest.update(text.encode())
    return digest.hexdigest()


def _get(mapping, *keys, default=None):
    for key in keys:
        if not isinstance(mapping, dict):
            return default
        mapping = mapping.get(key)
        if mapping is None:
            return default
    return mapping


def _text_list(values) -> list[str]:
    """Strings of a list, stripped, in order, without duplicates or blanks."""
    seen: dict[str, None] = {}
    for value in values if isinstance(values, list) else []:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def _partial_date(struct, label: str, nct_id: str, warnings: list[str]) -> str:
    value = _get(struct, "date", default="")
    if value and not (isinstance(value, str) and PARTIAL_DATE_RE.match(value)):
        warnings.append(f"{nct_id}: {label} {value!r} is not a registry date; not stored")
        return ""
    return value or ""


def _unknown_fields(nodes: list, known: dict, path: str, found: list[str]) -> None:
    """Append to FOUND the paths of keys in NODES (dicts at one level of the record)
    that KNOWN does not list. Set operations, not a walk of every element: a study may
    have hundreds of locations."""
    keys: set[str] = set()
    for node in nodes:
        if isinstance(node, dict):
            keys.update(node)
    found.extend(f"{path}{key}" for key in sorted(keys - known.keys()))
    for key, child in known.items():
        if child is None or key not in keys:
            continue
        children: list = []
        for node in nodes:
            value = node.get(key) if isinstance(node, dict) else None
            if isinstance(value, list):
                children.extend(value)
            elif value is not None:
                children.append(value)
        _unknown_fields(children, child, f"{path}{key}.", found)


def map_study(study, *, canonical: str | None = None, digest: str | None = None) -> MappedStudy:
    """Map one registry study to Trial columns. Raises MappingError if it cannot be stored.

    Required: a well-formed NCT ID, a brief title and an overall status (the registry
    always sends them; a record without them is broken and must not overwrite a good one).
    """
    if not isinstance(study, dict):
        raise MappingError(f"a study must be a JSON object, got {type(study).__name__}")
    nct_id = study_nct_id(study)
    if not nct_id:
        raise MappingError("study without protocolSection.identificationModule.nctId")
    if not NCT_ID_RE.match(nct_id):
        raise MappingError(f"malformed NCT ID {nct_id!r}")
    protocol = study.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    brief_title = ident.get("briefTitle")
    if not isinstance(brief_title, str) or not brief_title.strip():
        raise MappingError(f"{nct_id}: missing required field briefTitle")
    overall_status = status.get("overallStatus")
    if not isinstance(overall_status, str) or not overall_status.strip():
        raise MappingError(f"{nct_id}: missing required field overallStatus")

    warnings: list[str] = []
    overall_status = overall_status.strip()
    if overall_status not in KNOWN_STATUSES:
        warnings.append(f"{nct_id}: unknown overallStatus {overall_status!r} stored as is")
    if len(overall_status) > 40:
        raise MappingError(f"{nct_id}: overallStatus longer than 40 characters")

    phases = _text_list(design.get("phases"))
    for phase in phases:
        if phase not in KNOWN_PHASES:
            warnings.append(f"{nct_id}: unknown phase {phase!r} stored as is")
    study_type = design.get("studyType") or ""
    if not isinstance(study_type, str):
        study_type = ""
    if study_type and study_type not in STUDY_TYPES:
        warnings.append(f"{nct_id}: unknown studyType {study_type!r} stored as is")
    study_type = study_type[:40]

    enrollment = _get(design, "enrollmentInfo", "count")
    if enrollment is not None and (
        isinstance(enrollment, bool) or not isinstance(enrollment, int) or enrollment < 0
    ):
        warnings.append(f"{nct_id}: enrollment count {enrollment!r} is not a count; not stored")
        enrollment = None

    last_update = _get(status, "lastUpdatePostDateStruct", "date")
    last_update_posted = None
    if last_update:
        try:
            last_update_posted = date.fromisoformat(last_update)
        except (TypeError, ValueError):
            warnings.append(f"{nct_id}: lastUpdatePostDate {last_update!r} is not a date")

    conditions = _text_list(_get(protocol, "conditionsModule", "conditions"))
    listed = _get(protocol, "armsInterventionsModule", "interventions", default=[])
    interventions = _text_list(
        [item.get("name") for item in listed if isinstance(item, dict)]
        if isinstance(listed, list)
        else []
    )
    locations = _get(protocol, "contactsLocationsModule", "locations", default=[])
    if not isinstance(locations, list):
        locations = []
    countries = sorted(
        {
            loc["country"].strip()
            for loc in locations
            if isinstance(loc, dict) and isinstance(loc.get("country"), str) and loc["country"]
        }
    )
    lead_sponsor = _get(protocol, "sponsorCollaboratorsModule", "leadSponsor", "name") or ""
    if not isinstance(lead_sponsor, str):
        lead_sponsor = ""
    official_title = ident.get("officialTitle") or ""
    if not isinstance(official_title, str):
        official_title = ""
    acronym = ident.get("acronym") if isinstance(ident.get("acronym"), str) else ""

    unknown: list[str] = []
    _unknown_fields([study], KNOWN_TREE, "", unknown)
    for path in unknown:
        warnings.append(f"{nct_id}: unknown field {path} kept in raw")

    if canonical is None:
        canonical = canonical_json(study)
    if digest is None:
        digest = content_hash(canonical)
    brief_title = brief_title.strip()
    # What the public search looks in (official titles are long and add little).
    search_parts = [nct_id, brief_title, acronym, *conditions, *interventions]
    search_parts.append(lead_sponsor)
    columns = {
        "nct_id": nct_id,
        "brief_title": brief_title,
        "official_title": official_title.strip(),
        "overall_status": overall_status,
        "phases": phases,
        "study_type": study_type,
        "conditions": conditions,
        "interventions": interventions,
        "lead_sponsor": lead_sponsor.strip()[:500],
        "enrollment": enrollment,
        "start_date": _partial_date(status.get("startDateStruct"), "startDate", nct_id, warnings),
        "primary_completion_date": _partial_date(
            status.get("primaryCompletionDateStruct"), "primaryCompletionDate", nct_id, warnings
        ),
        "completion_date": _partial_date(
            status.get("completionDateStruct"), "completionDate", nct_id, warnings
        ),
        "locations_count": len(locations),
        "countries": countries,
        "last_update_posted": last_update_posted,
        "content_hash": digest,
        "raw": study,
        "phase_label": phase_label(phases)[:100],
        "conditions_text": "\n".join(conditions).lower(),
        "search_text": "\n".join(part for part in search_parts if part).lower(),
    }
    return MappedStudy(columns=columns, raw_json=canonical, warnings=warnings)
