"""Who can join a study, as the registry writes it: ages, sex, healthy volunteers and the
criteria text split into its inclusion and exclusion lists.

The registry gives ages as text ("18 Years", "3 Months"); they are parsed to a number and
a unit for display and to years for filtering. The criteria text is kept verbatim; the
split only cuts it at the registry's own headings and list markers, never rewrites it.
"""

import re

# The registry's age units (``NormalizedTime``: "N Unit[s]"), in years.
AGE_UNITS = {
    "YEAR": 1.0,
    "MONTH": 1 / 12,
    "WEEK": 7 / 365.25,
    "DAY": 1 / 365.25,
    "HOUR": 1 / 8766,
    "MINUTE": 1 / 525960,
}
AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?\s*$")
SEXES = frozenset({"ALL", "FEMALE", "MALE"})

# "Inclusion Criteria:", "Key inclusion criteria", "INCLUSION CRITERIA FOR PART A:": at most
# two words before, a short tail after (a criterion that merely mentions the words is longer).
HEADING_RE = re.compile(
    r"^\W*(?:[\w-]+\s+){0,2}?(inclusion|exclusion)\s+criteria\b[^\n]{0,40}$", re.IGNORECASE
)
# A list marker at the start of a line: "* ", "- ", "• ", "1. ", "1) ", "a. ".
MARKER_RE = re.compile(r"^(\s*)(?:[*\-•·]|\d{1,3}[.)]|[a-zA-Z][.)])\s+")


def parse_age(text) -> dict | None:
    """``{"value": 18.0, "unit": "YEAR", "years": 18.0}`` for "18 Years"; None when the
    registry gives no age (no limit) or something we cannot read (kept as text)."""
    if not isinstance(text, str):
        return None
    match = AGE_RE.match(text)
    if not match:
        return None
    unit = match.group(2).upper()
    if unit not in AGE_UNITS:
        return None
    value = float(match.group(1))
    return {"value": value, "unit": unit, "years": round(value * AGE_UNITS[unit], 4)}


def split_criteria(text: str) -> tuple[list[dict], list[dict]]:
    """The inclusion and exclusion items of a criteria text, each ``{"text", "level"}``
    (level 1 for an indented sub-item), in the registry's order.

    Only a text that starts with an "Inclusion/Exclusion Criteria" heading is split;
    any other (no headings, or text before the first one, such as "For adolescent
    participants:") gives two empty lists, and the page shows it whole: a split that
    dropped or moved a line would change who can join.
    """
    inclusion: list[dict] = []
    exclusion: list[dict] = []
    current = None
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        heading = HEADING_RE.match(line.strip())
        if heading:
            current = inclusion if heading.group(1).lower() == "inclusion" else exclusion
            continue
        if current is None:
            return [], []
        marker = MARKER_RE.match(line)
        indent = len(marker.group(1)) if marker else len(line) - len(line.lstrip())
        item = line[marker.end() :] if marker else line.strip()
        current.append({"text": item.strip(), "level": 1 if indent >= 2 else 0})
    return inclusion, exclusion


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def eligibility_columns(module, nct_id: str, warnings: list[str]) -> dict:
    """Trial columns from an ``eligibilityModule`` (missing or malformed parts left empty
    and reported)."""
    module = module if isinstance(module, dict) else {}
    columns: dict = {}
    for prefix, key in (("minimum_age", "minimumAge"), ("maximum_age", "maximumAge")):
        text = _text(module.get(key), 40)
        age = parse_age(text)
        if text and age is None:
            warnings.append(f"{nct_id}: {key} {text!r} is not an age; kept as text")
        columns[prefix] = text
        columns[f"{prefix}_value"] = age["value"] if age else None
        columns[f"{prefix}_unit"] = age["unit"] if age else ""
        columns[f"{prefix}_years"] = age["years"] if age else None
    sex = _text(module.get("sex"), 10).upper()
    if sex and sex not in SEXES:
        warnings.append(f"{nct_id}: unknown sex {sex!r} stored as is")
    columns["sex"] = sex
    healthy = module.get("healthyVolunteers")
    columns["healthy_volunteers"] = healthy if isinstance(healthy, bool) else None
    criteria = module.get("eligibilityCriteria")
    criteria = criteria if isinstance(criteria, str) else ""
    inclusion, exclusion = split_criteria(criteria)
    columns["eligibility_criteria"] = criteria
    columns["inclusion_criteria"] = inclusion
    columns["exclusion_criteria"] = exclusion
    return columns


ELIGIBILITY_COLUMNS = (
    "minimum_age",
    "minimum_age_value",
    "minimum_age_unit",
    "minimum_age_years",
    "maximum_age",
    "maximum_age_value",
    "maximum_age_unit",
    "maximum_age_years",
    "sex",
    "healthy_volunteers",
    "eligibility_criteria",
    "inclusion_criteria",
    "exclusion_criteria",
)
