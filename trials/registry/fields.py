"""The ``fields=`` projection the sync asks the registry for, and how to apply it locally.

Only what the Trial model stores and the trial pages show (plus a few small, useful
neighbours that land in ``raw``) is requested, so a study with 437 locations costs a
list of sites (place, status, geoPoint; no per-site contacts), not 1.5 MB. Names are the
registry's piece names (``/studies/metadata``); each maps to a path in the study JSON.
``project()`` applies the same projection to a full record (demo fixtures, the test
registry), so stored records look the same whatever their source.
"""

from typing import Any

# piece name -> path in the study JSON (from the registry's /studies/metadata)
PIECES: dict[str, str] = {
    "NCTId": "protocolSection.identificationModule.nctId",
    "NCTIdAlias": "protocolSection.identificationModule.nctIdAliases",
    "SecondaryIdInfo": "protocolSection.identificationModule.secondaryIdInfos",
    "BriefTitle": "protocolSection.identificationModule.briefTitle",
    "OfficialTitle": "protocolSection.identificationModule.officialTitle",
    "Acronym": "protocolSection.identificationModule.acronym",
    "OverallStatus": "protocolSection.statusModule.overallStatus",
    "LastKnownStatus": "protocolSection.statusModule.lastKnownStatus",
    "WhyStopped": "protocolSection.statusModule.whyStopped",
    "StatusVerifiedDate": "protocolSection.statusModule.statusVerifiedDate",
    "StartDateStruct": "protocolSection.statusModule.startDateStruct",
    "PrimaryCompletionDateStruct": "protocolSection.statusModule.primaryCompletionDateStruct",
    "CompletionDateStruct": "protocolSection.statusModule.completionDateStruct",
    "LastUpdatePostDateStruct": "protocolSection.statusModule.lastUpdatePostDateStruct",
    "ResultsFirstPostDateStruct": "protocolSection.statusModule.resultsFirstPostDateStruct",
    "LeadSponsor": "protocolSection.sponsorCollaboratorsModule.leadSponsor",
    "Collaborator": "protocolSection.sponsorCollaboratorsModule.collaborators",
    "Condition": "protocolSection.conditionsModule.conditions",
    "Keyword": "protocolSection.conditionsModule.keywords",
    "StudyType": "protocolSection.designModule.studyType",
    "Phase": "protocolSection.designModule.phases",
    "EnrollmentInfo": "protocolSection.designModule.enrollmentInfo",
    "InterventionType": "protocolSection.armsInterventionsModule.interventions.type",
    "InterventionName": "protocolSection.armsInterventionsModule.interventions.name",
    "InterventionArmGroupLabel": (
        "protocolSection.armsInterventionsModule.interventions.armGroupLabels"
    ),
    # who can join and where (#13): the sites without their per-site contacts
    "EligibilityCriteria": "protocolSection.eligibilityModule.eligibilityCriteria",
    "HealthyVolunteers": "protocolSection.eligibilityModule.healthyVolunteers",
    "Sex": "protocolSection.eligibilityModule.sex",
    "MinimumAge": "protocolSection.eligibilityModule.minimumAge",
    "MaximumAge": "protocolSection.eligibilityModule.maximumAge",
    "CentralContact": "protocolSection.contactsLocationsModule.centralContacts",
    "LocationFacility": "protocolSection.contactsLocationsModule.locations.facility",
    "LocationCity": "protocolSection.contactsLocationsModule.locations.city",
    "LocationState": "protocolSection.contactsLocationsModule.locations.state",
    "LocationZip": "protocolSection.contactsLocationsModule.locations.zip",
    "LocationCountry": "protocolSection.contactsLocationsModule.locations.country",
    "LocationStatus": "protocolSection.contactsLocationsModule.locations.status",
    "LocationGeoPoint": "protocolSection.contactsLocationsModule.locations.geoPoint",
    "HasResults": "hasResults",
}

FIELDS: tuple[str, ...] = tuple(PIECES)


def project(study: dict, paths=None) -> dict:
    """Keep only PATHS (default: the sync's projection) of STUDY, as the registry would.

    Lists are projected element by element and keep their length (an element without
    the field stays as ``{}``) so that counts such as the number of locations survive.
    """
    paths = list(PIECES.values()) if paths is None else list(paths)
    result: dict = {}
    for path in paths:
        _copy_path(study, result, path.split("."))
    return result


def _copy_path(source: Any, target: dict, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest:
        target[head] = value
        return
    if isinstance(value, list):
        existing = target.get(head)
        if not isinstance(existing, list) or len(existing) != len(value):
            existing = [{} for _ in value]
            target[head] = existing
        for item, out in zip(value, existing, strict=True):
            _copy_path(item, out, rest)
    elif isinstance(value, dict):
        child = target.setdefault(head, {})
        _copy_path(value, child, rest)
        if not child:
            del target[head]
