"""Places of the finder: "near" a facility city of our sites or coordinates, a country as
our sites spell it, and the sites within a distance (an indexed bounding box on latitude
and longitude, then the haversine distance, in the ORM: PostgreSQL and SQLite alike)."""

import math
import operator
from functools import reduce

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from trials.facet_counts import TrialPlace
from trials.sites import TrialSite, grid_cell

# A box over more grid cells than this is not checked against a trial's cells first
# (a list that long costs more to compare on every row than it saves).
MAX_BOX_CELLS = 400

EARTH_RADIUS_KM = 6371.0088


def city_point(text: str) -> tuple[float, float] | None:
    """The mean position of our sites in "City[, State], Country", or None."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    lookup = {"city": parts[0], "country": parts[-1], "latitude__isnull": False}
    if len(parts) > 2:
        lookup["state"] = ", ".join(parts[1:-1])
    # the sums counted when the last sync ended (one indexed read), as typed first
    places = TrialPlace.objects.filter(
        **{k: v for k, v in lookup.items() if k != "latitude__isnull"}
    ).aggregate(lat=Sum("latitude_sum"), lon=Sum("longitude_sum"), n=Sum("sites"))
    if places["n"]:
        return places["lat"] / places["n"], places["lon"] / places["n"]
    sites = TrialSite.objects.filter(**lookup)
    if not sites.exists():  # as typed by a reader: any case (slower, no index)
        sites = TrialSite.objects.filter(
            **{f"{k}__iexact" if k != "latitude__isnull" else k: v for k, v in lookup.items()}
        )
    point = sites.aggregate(lat=Avg("latitude"), lon=Avg("longitude"))
    return None if point["lat"] is None else (point["lat"], point["lon"])


def stored_country(text: str) -> str | None:
    """The country as our sites spell it ("united states" -> "United States"), or None."""
    text = text.strip()
    if TrialSite.objects.filter(country=text).exists():
        return text
    return TrialSite.objects.filter(country__iexact=text).values_list("country", flat=True).first()


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, list]:
    """(min lat, max lat, longitude ranges) that contain every point within KM of
    (LAT, LON); two longitude ranges across the antimeridian, none near a pole."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    low, high = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    if high >= 90 or low <= -90:
        return low, high, []
    dlon = math.degrees(km / (EARTH_RADIUS_KM * math.cos(math.radians(max(abs(low), abs(high))))))
    if dlon >= 180:
        return low, high, []
    west, east = lon - dlon, lon + dlon
    if west < -180:
        return low, high, [(west + 360, 180.0), (-180.0, east)]
    if east > 180:
        return low, high, [(west, 180.0), (-180.0, east - 360)]
    return low, high, [(west, east)]


def in_box(lat: float, lon: float, km: float, *, latitude: str, longitude: str) -> Q:
    """``bounding_box`` as a filter on the fields LATITUDE and LONGITUDE."""
    low, high, ranges = bounding_box(lat, lon, km)
    box = Q(**{f"{latitude}__gte": low, f"{latitude}__lte": high})
    if ranges:
        box &= reduce(
            operator.or_,
            (Q(**{f"{longitude}__gte": west, f"{longitude}__lte": east}) for west, east in ranges),
        )
    return box


def cells_in_box(lat: float, lon: float, km: float) -> list[str] | None:
    """The grid cells (``trials.sites.grid_cell``) the bounding box of KM around (LAT,
    LON) touches: a trial with a site that near has one of them in ``site_cells``. None
    for a box round a pole or over more than MAX_BOX_CELLS cells."""
    low, high, ranges = bounding_box(lat, lon, km)
    if not ranges:
        return None
    rows = range(math.floor(low), math.floor(high) + 1)
    columns = [c for west, east in ranges for c in range(math.floor(west), math.floor(east) + 1)]
    if len(rows) * len(columns) > MAX_BOX_CELLS:
        return None
    return [grid_cell(row, column) for row in rows for column in columns]


def sites_in_box(lat: float, lon: float, km: float) -> int | None:
    """About how many sites lie in the bounding box of KM around (LAT, LON): the sites of
    the facility cities whose mean point is in it, from ``TrialPlace`` (one read of a
    small table); None while that table is empty (trials written, the run not ended)."""
    box = in_box(lat, lon, km, latitude="lat", longitude="lon")
    found = TrialPlace.objects.alias(
        lat=F("latitude_sum") / F("sites"), lon=F("longitude_sum") / F("sites")
    ).aggregate(places=Count("pk"), sites=Sum("sites", filter=box))
    return (found["sites"] or 0) if found["places"] else None


def sites_within(lat: float, lon: float, km: float):
    """TrialSites within KM of (LAT, LON): an indexed box, then the haversine distance."""
    sites = TrialSite.objects.filter(
        in_box(lat, lon, km, latitude="latitude", longitude="longitude")
    )
    half_dlat = (Radians(F("latitude")) - math.radians(lat)) / 2
    half_dlon = (Radians(F("longitude")) - math.radians(lon)) / 2
    a = Power(Sin(half_dlat), 2) + math.cos(math.radians(lat)) * Cos(
        Radians(F("latitude"))
    ) * Power(Sin(half_dlon), 2)
    distance = 2 * EARTH_RADIUS_KM * ASin(Least(Sqrt(a), 1.0))
    return sites.alias(distance_km=distance).filter(distance_km__lte=km)
