"""How an example record is laid out: the registry's API v2 shape, built from a few
arguments, with real cities (and their coordinates) for the invented sites."""

CITIES = {
    "boston": ("Boston", "Massachusetts", "02115", "United States", 42.35843, -71.05977),
    "houston": ("Houston", "Texas", "77030", "United States", 29.76328, -95.36327),
    "seattle": ("Seattle", "Washington", "98109", "United States", 47.60621, -122.33207),
    "chicago": ("Chicago", "Illinois", "60611", "United States", 41.85003, -87.65005),
    "toronto": ("Toronto", "Ontario", "M5G 2M9", "Canada", 43.70643, -79.39864),
    "london": ("London", None, "NW1 2BU", "United Kingdom", 51.50853, -0.12574),
    "manchester": ("Manchester", None, "M20 4BX", "United Kingdom", 53.48095, -2.23743),
    "berlin": ("Berlin", None, "13353", "Germany", 52.52437, 13.41053),
    "munich": ("Munich", "Bavaria", "81377", "Germany", 48.13743, 11.57549),
    "paris": ("Paris", None, "75013", "France", 48.85341, 2.3488),
    "lyon": ("Lyon", None, "69008", "France", 45.74846, 4.84671),
    "madrid": ("Madrid", None, "28041", "Spain", 40.4165, -3.70256),
    "barcelona": ("Barcelona", "Catalonia", "08035", "Spain", 41.38879, 2.15899),
    "milan": ("Milan", "Lombardy", "20133", "Italy", 45.46427, 9.18951),
    "amsterdam": ("Amsterdam", None, "1066 CX", "Netherlands", 52.37403, 4.88969),
    "sydney": ("Sydney", "New South Wales", "2050", "Australia", -33.86785, 151.20732),
}


def date(value: str, kind: str = "ACTUAL") -> dict:
    return {"date": value, "type": kind}


def site(facility: str, city: str, status: str) -> dict:
    name, state, zip_code, country, lat, lon = CITIES[city]
    site = {"facility": facility, "status": status, "city": name}
    if state:
        site["state"] = state
    site.update({"zip": zip_code, "country": country, "geoPoint": {"lat": lat, "lon": lon}})
    return site


def criteria(inclusion: list[str], exclusion: list[str]) -> str:
    """Criteria text laid out as the registry writes it."""
    lines = ["Inclusion Criteria:", ""] + [f"* {item}" for item in inclusion]
    lines += ["", "Exclusion Criteria:", ""] + [f"* {item}" for item in exclusion]
    return "\n".join(lines)


def study(
    number: int,
    title: str,
    *,
    official: str,
    status: str,
    summary: str,
    sponsor: str,
    conditions: list[str],
    interventions: list[tuple[str, str, list[str]]],
    study_type: str = "INTERVENTIONAL",
    phases: list[str] | None = None,
    enrollment: tuple[int, str] | None = None,
    start: dict | None = None,
    primary_completion: dict | None = None,
    completion: dict | None = None,
    verified: str = "2026-10",
    first_posted: str = "2024-03-04",
    last_update: str = "2026-10-20",
    keywords: list[str] | None = None,
    collaborators: list[str] | None = None,
    sites: list[dict] | None = None,
    eligibility: dict | None = None,
    extra_status: dict | None = None,
    aliases: list[str] | None = None,
    secondary_ids: list[dict] | None = None,
    results_posted: str | None = None,
    acronym: str | None = None,
) -> dict:
    """One study record in the registry's API v2 shape."""
    nct_id = f"NCT{99000000 + number:08d}"
    ident = {
        "nctId": nct_id,
        "orgStudyIdInfo": {"id": f"CM-EX-{number:03d}"},
        "organization": {"fullName": sponsor, "class": "INDUSTRY"},
        "briefTitle": f"Example record: {title}",
        "officialTitle": official,
    }
    if acronym:
        ident["acronym"] = acronym
    if secondary_ids:
        ident["secondaryIdInfos"] = secondary_ids
    if aliases:
        ident["nctIdAliases"] = aliases
    status_module = {"statusVerifiedDate": verified, "overallStatus": status}
    status_module.update(extra_status or {})
    for key, value in (
        ("startDateStruct", start),
        ("primaryCompletionDateStruct", primary_completion),
        ("completionDateStruct", completion),
    ):
        if value:
            status_module[key] = value
    status_module.update(
        {
            "studyFirstSubmitDate": first_posted,
            "studyFirstPostDateStruct": date(first_posted),
            "lastUpdateSubmitDate": last_update,
            "lastUpdatePostDateStruct": date(last_update),
        }
    )
    if results_posted:
        status_module["resultsFirstSubmitDate"] = results_posted
        status_module["resultsFirstPostDateStruct"] = date(results_posted)
    sponsors = {
        "responsibleParty": {"type": "SPONSOR"},
        "leadSponsor": {"name": sponsor, "class": "INDUSTRY"},
    }
    if collaborators:
        sponsors["collaborators"] = [{"name": name, "class": "OTHER"} for name in collaborators]
    design = {"studyType": study_type}
    if phases:
        design["phases"] = phases
    if enrollment:
        design["enrollmentInfo"] = {"count": enrollment[0], "type": enrollment[1]}
    arms = sorted({arm for _, _, labels in interventions for arm in labels})
    protocol = {
        "identificationModule": ident,
        "statusModule": status_module,
        "sponsorCollaboratorsModule": sponsors,
        "descriptionModule": {"briefSummary": summary},
        "conditionsModule": {"conditions": conditions, "keywords": keywords or []},
        "designModule": design,
        "armsInterventionsModule": {
            "armGroups": [
                {
                    "label": arm,
                    "interventionNames": [
                        f"{kind.title()}: {name}"
                        for kind, name, labels in interventions
                        if arm in labels
                    ],
                }
                for arm in arms
            ],
            "interventions": [
                {"type": kind, "name": name, "armGroupLabels": labels}
                for kind, name, labels in interventions
            ],
        },
    }
    if eligibility:
        protocol["eligibilityModule"] = eligibility
    if sites:
        protocol["contactsLocationsModule"] = {
            "centralContacts": [
                {
                    "name": "Trial Information Desk (example)",
                    "role": "CONTACT",
                    "phone": "+1 555 0100",
                    "email": f"trials-{number:03d}@example.org",
                }
            ],
            "overallOfficials": [
                {
                    "name": "Dr. Example Investigator",
                    "affiliation": sponsor,
                    "role": "PRINCIPAL_INVESTIGATOR",
                }
            ],
            "locations": sites,
        }
    return {"protocolSection": protocol, "hasResults": bool(results_posted)}


def adults(minimum="18 Years", maximum=None, *, sex="ALL", healthy=False, text=None):
    """An eligibility module (the registry's ``eligibilityModule``)."""
    module = {
        "eligibilityCriteria": text
        or criteria(
            ["Adults able to give written informed consent"],
            ["Pregnancy or breastfeeding"],
        ),
        "healthyVolunteers": healthy,
        "sex": sex,
        "minimumAge": minimum,
    }
    if maximum:
        module["maximumAge"] = maximum
    return module
