"""Where a trial runs: one TrialSite per registry location, and how a page groups them."""

import math

from django.db import models

from trials import labels

# Sites a patient can still join come first on the trial page.
OPEN_SITE_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")


def grid_cell(latitude: float, longitude: float) -> str:
    """The finder's coarse grid cell of a point: its whole degrees, "48:2" for Paris."""
    return f"{math.floor(latitude)}:{math.floor(longitude)}"


def grid_cells(points) -> list[str]:
    """The sorted grid cells of POINTS ((latitude, longitude) pairs), as
    ``Trial.site_cells`` stores them; a pair with a missing coordinate has none."""
    return sorted(
        {grid_cell(lat, lon) for lat, lon in points if lat is not None and lon is not None}
    )


class TrialSite(models.Model):
    """One location of a study as the registry lists it (``contactsLocationsModule.
    locations``), rewritten with its trial by the sync. Coordinates are the registry's
    ``geoPoint``; a location without one has none (listed, never on the map)."""

    # indexed by trials_site_trial_point_idx (trial first), not by an index of its own
    trial = models.ForeignKey(
        "trials.Trial", on_delete=models.CASCADE, related_name="sites", db_index=False
    )
    position = models.PositiveIntegerField(default=0)
    facility = models.CharField(max_length=500, blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=40, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "position"]
        verbose_name = "trial site"
        indexes = [
            # country filter and facet; "near" a facility city resolves by (city, country)
            models.Index(fields=["country", "trial"], name="trials_site_country_idx"),
            models.Index(fields=["city", "country"], name="trials_site_city_idx"),
            # distance: a bounding box on latitude first, longitude checked in the index
            models.Index(fields=["latitude", "longitude", "trial"], name="trials_site_point_idx"),
            # a trial's sites (its page, the sync's rewrite) and a broad distance checked
            # trial by trial (trials.filters.walk.PROBE_SETTINGS), without reading the rows
            models.Index(
                fields=["trial", "latitude", "longitude"], name="trials_site_trial_point_idx"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.facility, self.city, self.country) if p)

    @property
    def status_label(self) -> str:
        return labels.label(labels.SITE_STATUS, self.status) or "Status not given"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SITE_STATUSES

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.city, self.state, self.postal_code) if p)


def sites_by_country(sites) -> list[dict]:
    """``[{"country", "sites", "open"}]``: countries with open sites first (most open
    first), then by name; within a country open sites first, then registry order."""
    groups: dict[str, list] = {}
    for site in sites:
        groups.setdefault(site.country or "Country not given", []).append(site)
    result = []
    for country, members in groups.items():
        members.sort(key=lambda s: (not s.is_open, s.status != "RECRUITING", s.position))
        result.append(
            {"country": country, "sites": members, "open": sum(s.is_open for s in members)}
        )
    result.sort(key=lambda g: (g["open"] == 0, -g["open"], g["country"]))
    return result


def site_group_data(groups: list[dict]) -> list[dict]:
    """SITES_BY_COUNTRY's groups as plain data (the API)."""
    return [
        {
            "country": group["country"],
            "open_sites": group["open"],
            "sites": [
                {
                    "facility": s.facility,
                    "city": s.city,
                    "state": s.state,
                    "postal_code": s.postal_code,
                    "country": s.country,
                    "status": s.status,
                    "status_label": s.status_label,
                    "latitude": s.latitude,
                    "longitude": s.longitude,
                }
                for s in group["sites"]
            ],
        }
        for group in groups
    ]
