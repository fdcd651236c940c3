"""Readable labels for the registry's documented enums (ClinicalTrials.gov API 2.0.5).

The values are the registry's (``components.schemas`` of its OpenAPI description, the
enums of the fields we store or show); the labels are ours, in plain English for readers.
A value the registry adds later has no label here: ``label()`` then shows it as it came,
made readable (``PAUSED_BY_REGULATOR`` -> "Paused by regulator"), never an error.
"""

STATUS = {
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "COMPLETED": "Completed",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "RECRUITING": "Recruiting",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
    "UNKNOWN": "Unknown",
}
# RecruitmentStatus: a site's status (a subset of Status).
SITE_STATUS = {
    key: STATUS[key]
    for key in (
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
    )
}
PHASE = {
    "NA": "Not applicable",
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
}
STUDY_TYPE = {
    "EXPANDED_ACCESS": "Expanded access",
    "INTERVENTIONAL": "Interventional",
    "OBSERVATIONAL": "Observational",
}
INTERVENTION_TYPE = {
    "BEHAVIORAL": "Behavioural",
    "BIOLOGICAL": "Biological",
    "COMBINATION_PRODUCT": "Combination product",
    "DEVICE": "Device",
    "DIAGNOSTIC_TEST": "Diagnostic test",
    "DIETARY_SUPPLEMENT": "Dietary supplement",
    "DRUG": "Drug",
    "GENETIC": "Genetic",
    "PROCEDURE": "Procedure",
    "RADIATION": "Radiation",
    "OTHER": "Other",
}
SECONDARY_ID_TYPE = {
    "NIH": "US NIH grant",
    "FDA": "US FDA",
    "VA": "US Veterans Affairs",
    "CDC": "US CDC",
    "AHRQ": "US AHRQ",
    "SAMHSA": "US SAMHSA",
    "OTHER_GRANT": "Other grant or funding",
    "EUDRACT_NUMBER": "EudraCT number",
    "CTIS": "EU CT number (CTIS)",
    "REGISTRY": "Other registry",
    "OTHER": "Other identifier",
}
AGENCY_CLASS = {
    "NIH": "US NIH",
    "FED": "US federal",
    "OTHER_GOV": "Other government",
    "INDIV": "Individual",
    "INDUSTRY": "Industry",
    "NETWORK": "Network",
    "AMBIG": "Ambiguous",
    "OTHER": "Other",
    "UNKNOWN": "Unknown",
}
# Sex: who may join, as the registry's eligibility module says.
SEX = {"ALL": "All", "FEMALE": "Female", "MALE": "Male"}
# DateType and EnrollmentType: how a date or a count is qualified.
DATE_TYPE = {"ACTUAL": "Actual", "ESTIMATED": "Expected"}
ENROLLMENT_TYPE = {"ACTUAL": "Actual", "ESTIMATED": "Anticipated"}

# enum name in the registry's OpenAPI description -> our labels
ENUMS = {
    "Status": STATUS,
    "RecruitmentStatus": SITE_STATUS,
    "Phase": PHASE,
    "StudyType": STUDY_TYPE,
    "InterventionType": INTERVENTION_TYPE,
    "SecondaryIdType": SECONDARY_ID_TYPE,
    "AgencyClass": AGENCY_CLASS,
    "DateType": DATE_TYPE,
    "EnrollmentType": ENROLLMENT_TYPE,
    "Sex": SEX,
}


def label(labels: dict[str, str], value: str | None) -> str:
    """The label of VALUE, or VALUE made readable if the registry added it since."""
    if not value:
        return ""
    if value in labels:
        return labels[value]
    return value.replace("_", " ").strip().capitalize()
