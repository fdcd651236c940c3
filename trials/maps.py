"""Site maps of the trial page and the finder's result page (#13): Leaflet, installed
by the build from npm (static/vendor/leaflet), tiles from TRIALS_MAP_TILE_URL; with that
setting empty there is no map and no query for it (the site lists stay)."""

from django.conf import settings

from trials.sites import TrialSite

# a result page of 20 trials can have thousands of sites: the map shows the first ones
MAX_POINTS = 500


def map_enabled() -> bool:
    return bool(settings.TRIALS_MAP_TILE_URL)


def site_points(sites) -> list[dict]:
    """The sites that have coordinates, as the map script reads them."""
    return [
        {
            "lat": s.latitude,
            "lon": s.longitude,
            "name": s.facility or "Facility not named",
            "place": ", ".join(p for p in (s.city, s.country) if p),
            "open": s.is_open,
        }
        for s in sites
        if s.latitude is not None and s.longitude is not None
    ]


def result_points(trials) -> list[dict]:
    """The located sites of a result page's trials (one query), each with its trial."""
    if not map_enabled() or not trials:
        return []
    titles = {t.pk: t for t in trials}
    sites = list(
        TrialSite.objects.filter(trial__in=list(titles), latitude__isnull=False)
        .exclude(longitude__isnull=True)
        .order_by("trial_id", "position")[:MAX_POINTS]
    )
    points = []
    for site, point in zip(sites, site_points(sites), strict=True):
        trial = titles[site.trial_id]
        points.append({**point, "trial": trial.nct_id, "url": trial.get_absolute_url()})
    return points
