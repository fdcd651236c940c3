"""Trial counts by every value of the finder's structured filters (status, phase, sex,
healthy volunteers, age limits, country): a small table, rebuilt from ``Trial`` when a
sync run ends, so that the finder's facets for any combination of those filters are
sums over a few thousand rows instead of GROUP BYs over 600,000 trials.

The table is only ever complete or empty. Trials written (the serving event
``trials_change`` from ``trials_changed`` or a saved trial) empty it in the writer's own
transaction (``insights.serving.events``), so a reader sees either the counts that go
with the trials it sees or none, and then counts live; the end of a sync run
(``trials.sync.run``) and the demo loader build it again in one statement. The
facility cities of the sites (``TrialPlace``, the finder's "near") go with it.
"""

import logging

from django.db import connection, models, transaction

logger = logging.getLogger(__name__)

# The dimensions kept, named as on Trial so that the finder's filter methods apply to
# this table unchanged; ``country`` is "" on the one row per trial that counts it once.
DIMENSIONS = (
    "overall_status",
    "phase_label",
    "sex",
    "healthy_volunteers",
    "minimum_age_years",
    "maximum_age_years",
)


class TrialFacetCount(models.Model):
    """How many trials have these values (and a site in ``country``; "" = any)."""

    overall_status = models.CharField(max_length=40)
    phase_label = models.CharField(max_length=100)
    sex = models.CharField(max_length=10)
    healthy_volunteers = models.BooleanField(null=True)
    minimum_age_years = models.FloatField(null=True)
    maximum_age_years = models.FloatField(null=True)
    country = models.CharField(max_length=100)
    trials = models.PositiveIntegerField()

    class Meta:
        verbose_name = "trial facet count"
        indexes = [models.Index(fields=["country"], name="trials_facetcount_country_idx")]

    def __str__(self) -> str:
        return f"{self.trials} trials"


class TrialPlace(models.Model):
    """A facility city of our sites with the sum of its sites' coordinates: the finder's
    "near City, Country" is their mean, read here instead of averaging every site of
    the city (290,000 sites for Boston at 600,000 trials). Rebuilt and emptied with
    TrialFacetCount."""

    city = models.CharField(max_length=200)
    state = models.CharField(max_length=200)
    country = models.CharField(max_length=100)
    latitude_sum = models.FloatField()
    longitude_sum = models.FloatField()
    sites = models.PositiveIntegerField()

    class Meta:
        verbose_name = "trial site place"
        indexes = [models.Index(fields=["city", "country"], name="trials_place_city_idx")]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.city, self.state, self.country) if p)


PLACES_SQL = """
    INSERT INTO trials_trialplace (city, state, country, latitude_sum, longitude_sum, sites)
    SELECT city, state, country, SUM(latitude), SUM(longitude), COUNT(*)
    FROM trials_trialsite WHERE latitude IS NOT NULL GROUP BY city, state, country
"""


def _countries_sql(vendor: str) -> tuple[str, str]:
    """(FROM clause item, column) unnesting a trial's ``countries`` JSON list."""
    if vendor == "postgresql":
        return "jsonb_array_elements_text(t.countries) AS c(country)", "c.country"
    return "json_each(t.countries) AS c", "c.value"


def rebuild() -> int:
    """Count the stored trials again (one INSERT … SELECT); returns the rows written."""
    table = TrialFacetCount._meta.db_table
    trial_table = "trials_trial"
    columns = ", ".join(DIMENSIONS)
    unnest, country = _countries_sql(connection.vendor)
    # S608: every name is ours, no value is interpolated.
    sql = f"""
        INSERT INTO {table} ({columns}, country, trials)
        SELECT {columns}, '', COUNT(*) FROM {trial_table} t GROUP BY {columns}
        UNION ALL
        SELECT {", ".join(f"t.{c}" for c in DIMENSIONS)}, {country}, COUNT(*)
        FROM {trial_table} t, {unnest}
        WHERE {country} <> ''
        GROUP BY {", ".join(f"t.{c}" for c in DIMENSIONS)}, {country}
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(sql)
        written = cursor.rowcount
        cursor.execute("DELETE FROM trials_trialplace")
        cursor.execute(PLACES_SQL)
    logger.info("trial facet counts rebuilt: %s rows", written)
    return written


def rebuild_quietly() -> None:
    """REBUILD for the end of a sync run: a failure leaves the table empty (the finder
    then counts live) and never fails the run."""
    try:
        rebuild()
    except Exception:
        logger.exception("could not rebuild the trial facet counts; the finder counts live")


def forget() -> None:
    """Trials changed: the counts no longer hold (called inside the writer's transaction)."""
    TrialFacetCount.objects.all().delete()
    TrialPlace.objects.all().delete()


def counts():
    """The table as a queryset, or None while it is empty (being rebuilt, or stale)."""
    rows = TrialFacetCount.objects.all()
    return rows if rows.exists() else None
