"""Where a study runs: one site per registry location, and the central contacts.

Used by the mapping (sync, demo loader) and by the migration that backfills stored trials
from ``Trial.raw``, so both give the same rows.
"""

SITE_FIELDS = ("facility", "city", "state", "postal_code", "country", "status")
SITE_LIMITS = {
    "facility": 500,
    "city": 200,
    "state": 200,
    "postal_code": 20,
    "country": 100,
    "status": 40,
}
CONTACT_FIELDS = {"name": "name", "role": "role", "phone": "phone", "phoneExt": "phone_ext"}


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _coordinate(value, bound: float):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if -bound <= value <= bound else None


def site_rows(locations) -> list[dict]:
    """One dict per location (columns of TrialSite, without the trial), in registry
    order. A location whose geoPoint is missing or out of range has no coordinates
    (it is still listed, never placed on the map)."""
    rows = []
    for position, loc in enumerate(locations if isinstance(locations, list) else []):
        if not isinstance(loc, dict):
            continue
        row = {name: _text(loc.get(key), SITE_LIMITS[name]) for name, key in _SITE_KEYS}
        point = loc.get("geoPoint") if isinstance(loc.get("geoPoint"), dict) else {}
        latitude = _coordinate(point.get("lat"), 90)
        longitude = _coordinate(point.get("lon"), 180)
        if latitude is None or longitude is None:
            latitude = longitude = None
        row.update(position=position, latitude=latitude, longitude=longitude)
        rows.append(row)
    return rows


_SITE_KEYS = (
    ("facility", "facility"),
    ("city", "city"),
    ("state", "state"),
    ("postal_code", "zip"),
    ("country", "country"),
    ("status", "status"),
)


def central_contacts(contacts) -> list[dict]:
    """The study's central contacts as the registry publishes them:
    ``[{"name", "role", "phone", "phone_ext", "email"}]`` (empty values left out)."""
    result = []
    for contact in contacts if isinstance(contacts, list) else []:
        if not isinstance(contact, dict):
            continue
        entry = {
            ours: _text(contact.get(theirs), 200)
            for theirs, ours in (*CONTACT_FIELDS.items(), ("email", "email"))
        }
        entry = {key: value for key, value in entry.items() if value}
        if entry.get("name") or entry.get("phone") or entry.get("email"):
            result.append(entry)
    return result
