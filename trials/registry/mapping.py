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

from trials import labels
from trials.models import NCT_ID_RE, OverallStatus, Phase, phase_label
from trials.registry.eligibility import ELIGIBILITY_COLUMNS, eligibility_columns
from trials.registry.sites import central_contacts, site_rows
from trials.sites import grid_cells

# Bump when the mapping below changes: every stored hash then differs once, so the next
# sync rewrites each trial with the new mapping even if the registry record is the same.
MAPPING_VERSION = "3"  # 2: qualifiers, results, sites by status, aliases (#11)
# 3: eligibility, sites, central contacts, intervention and sponsor texts (#13)

PARTIAL_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
STUDY_TYPES = frozenset(labels.STUDY_TYPE)
KNOWN_STATUSES = frozenset(OverallStatus.values)
KNOWN_PHASES = frozenset(Phase.values)
DATE_TYPES = frozenset(labels.DATE_TYPE)  # DateType and EnrollmentType: ACTUAL, ESTIMATED

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
    "collaborators",
    "enrollment",
    "enrollment_type",
    "start_date",
    "start_date_type",
    "primary_completion_date",
    "primary_completion_date_type",
    "completion_date",
    "completion_date_type",
    "last_known_status",
    "status_verified_date",
    "why_stopped",
    "has_results",
    "results_first_posted",
    "secondary_ids",
    "nct_id_aliases",
    "locations_count",
    "site_statuses",
    "countries",
    "site_cells",
    "last_update_posted",
    "content_hash",
    "raw",
    "phase_label",
    "conditions_text",
    "interventions_text",
    "sponsors_text",
    "search_text",
    *ELIGIBILITY_COLUMNS,
    "central_contacts",
)
JSON_COLUMNS = frozenset(
    {
        "inclusion_criteria",
        "exclusion_criteria",
        "central_contacts",
        "phases",
        "conditions",
        "interventions",
        "collaborators",
        "secondary_ids",
        "nct_id_aliases",
        "site_statuses",
        "countries",
        "site_cells",
        "raw",
    }
)

# What we expect inside the projected record; anything else is kept and reported.
_DATE_STRUCT = {"date": None, "type": None}
KNOWN_TREE = {
    "hasResults": None,
    "protocolSection": {
        "identificationModule": {
            "nctId": None,
            "nctIdAliases": None,
            "secondaryIdInfos": {"id": None, "type": None, "domain": None, "link": None},
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
            "resultsFirstPostDateStruct": _DATE_STRUCT,
        },
        "sponsorCollaboratorsModule": {
            "leadSponsor": {"name": None, "class": None},
            "collaborators": {"name": None, "class": None},
        },
        "conditionsModule": {"conditions": None, "keywords": None},
        "designModule": {
            "studyType": None,
            "phases": None,
            "enrollmentInfo": {"count": None, "type": None},
        },
        "armsInterventionsModule": {
            "interventions": {"type": None, "name": None, "armGroupLabels": None}
        },
        "eligibilityModule": {
            "eligibilityCriteria": None,
            "healthyVolunteers": None,
            "sex": None,
            "minimumAge": None,
            "maximumAge": None,
            "stdAges": None,
        },
        "contactsLocationsModule": {
            "centralContacts": {
                "name": None,
                "role": None,
                "phone": None,
                "phoneExt": None,
                "email": None,
            },
            "locations": {
                "facility": None,
                "status": None,
                "city": None,
                "state": None,
                "zip": None,
                "country": None,
                "contacts": None,
                "geoPoint": {"lat": None, "lon": None},
            },
        },
    },
}


class MappingError(ValueError):
    """The study cannot be stored: a required field is missing or malformed."""


@dataclass
class MappedStudy:
    """A study ready to write: column values (see COLUMNS), its sites (TrialSite
    columns without the trial) and what looked odd."""

    columns: dict
    raw_json: str
    warnings: list[str] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)

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


def _text(value, limit: int | None = None) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text[:limit] if limit else text


def _enum(value, known, what: str, nct_id: str, warnings: list[str], limit: int = 20) -> str:
    """An enum value as it came (stripped, bounded); an undocumented one is reported."""
    value = _text(value)
    if value and value not in known:
        warnings.append(f"{nct_id}: unknown {what} {value!r} stored as is")
    return value[:limit]


def _interventions(listed) -> list[dict]:
    """Every intervention entry, in registry order: two of one name stay two."""
    items = []
    for item in listed if isinstance(listed, list) else []:
        if not isinstance(item, dict) or not _text(item.get("name")):
            continue
        arms = _text_list(item.get("armGroupLabels"))
        entry = {"name": _text(item["name"]), "type": _text(item.get("type"), 40), "arms": arms}
        if entry not in items:  # the very same entry twice is one
            items.append(entry)
    return items


def _secondary_ids(infos) -> list[dict]:
    result = []
    for info in infos if isinstance(infos, list) else []:
        if isinstance(info, dict) and _text(info.get("id")):
            entry = {"id": _text(info["id"]), "type": _text(info.get("type"), 40)}
            if _text(info.get("domain")):
                entry["domain"] = _text(info["domain"])
            result.append(entry)
    return result


def _site_statuses(locations: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for loc in locations:
        status = _text(loc.get("status"), 40) if isinstance(loc, dict) else ""
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


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
    interventions = _interventions(_get(protocol, "armsInterventionsModule", "interventions"))
    for item in interventions:
        if item["type"] and item["type"] not in labels.INTERVENTION_TYPE:
            warnings.append(f"{nct_id}: unknown intervention type {item['type']!r} stored as is")
    sponsors = protocol.get("sponsorCollaboratorsModule") or {}
    collaborators = _text_list(
        [c.get("name") for c in sponsors.get("collaborators") or [] if isinstance(c, dict)]
        if isinstance(sponsors.get("collaborators"), list)
        else []
    )
    secondary_ids = _secondary_ids(ident.get("secondaryIdInfos"))
    for item in secondary_ids:
        if item["type"] and item["type"] not in labels.SECONDARY_ID_TYPE:
            warnings.append(f"{nct_id}: unknown secondary ID type {item['type']!r} stored as is")
    aliases = sorted(
        {a.strip().upper() for a in _text_list(ident.get("nctIdAliases")) if NCT_ID_RE.match(a)}
    )
    last_known = _enum(
        status.get("lastKnownStatus"), KNOWN_STATUSES, "lastKnownStatus", nct_id, warnings, 40
    )
    verified = _text(status.get("statusVerifiedDate"))
    if verified and not PARTIAL_DATE_RE.match(verified):
        warnings.append(f"{nct_id}: statusVerifiedDate {verified!r} is not a registry date")
        verified = ""
    results_posted = _get(status, "resultsFirstPostDateStruct", "date")
    results_first_posted = None
    if results_posted:
        try:
            results_first_posted = date.fromisoformat(results_posted)
        except (TypeError, ValueError):
            warnings.append(f"{nct_id}: resultsFirstPostDate {results_posted!r} is not a date")

    def date_type(struct_name: str) -> str:
        return _enum(
            _get(status, struct_name, "type"), DATE_TYPES, f"{struct_name}.type", nct_id, warnings
        )

    locations = _get(protocol, "contactsLocationsModule", "locations", default=[])
    if not isinstance(locations, list):
        locations = []
    sites = site_rows(locations)
    # The countries of the sites exactly as stored on them: the finder's country filter
    # and facet read this column instead of joining millions of sites.
    countries = sorted({site["country"] for site in sites if site["country"]})
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
    search_parts = [nct_id, *aliases, brief_title, acronym, *conditions]
    search_parts += list(dict.fromkeys(item["name"] for item in interventions))
    search_parts += [lead_sponsor, *collaborators]
    contacts_module = _get(protocol, "contactsLocationsModule", default={})
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
        "collaborators": collaborators,
        "enrollment": enrollment,
        "enrollment_type": _enum(
            _get(design, "enrollmentInfo", "type"),
            DATE_TYPES,
            "enrollmentInfo.type",
            nct_id,
            warnings,
        ),
        "start_date": _partial_date(status.get("startDateStruct"), "startDate", nct_id, warnings),
        "start_date_type": date_type("startDateStruct"),
        "primary_completion_date": _partial_date(
            status.get("primaryCompletionDateStruct"), "primaryCompletionDate", nct_id, warnings
        ),
        "primary_completion_date_type": date_type("primaryCompletionDateStruct"),
        "completion_date": _partial_date(
            status.get("completionDateStruct"), "completionDate", nct_id, warnings
        ),
        "completion_date_type": date_type("completionDateStruct"),
        "last_known_status": last_known,
        "status_verified_date": verified,
        "why_stopped": _text(status.get("whyStopped")),
        "has_results": study.get("hasResults") is True,
        "results_first_posted": results_first_posted,
        "secondary_ids": secondary_ids,
        "nct_id_aliases": aliases,
        "locations_count": len(locations),
        "site_statuses": _site_statuses(locations),
        "countries": countries,
        "site_cells": grid_cells((site["latitude"], site["longitude"]) for site in sites),
        "last_update_posted": last_update_posted,
        "content_hash": digest,
        "raw": study,
        "phase_label": phase_label(phases)[:100],
        "conditions_text": "\n".join(conditions).lower(),
        "interventions_text": "\n".join(
            dict.fromkeys(item["name"] for item in interventions)
        ).lower(),
        "sponsors_text": "\n".join(p for p in (lead_sponsor.strip(), *collaborators) if p).lower(),
        "search_text": "\n".join(part for part in search_parts if part).lower(),
        **eligibility_columns(protocol.get("eligibilityModule"), nct_id, warnings),
        "central_contacts": central_contacts(_get(contacts_module, "centralContacts")),
    }
    return MappedStudy(columns=columns, raw_json=canonical, warnings=warnings, sites=sites)
