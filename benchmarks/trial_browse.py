"""Public trial listing at 500,000 or 600,000 trials on PostgreSQL: filter + sort + page latency.

Fills a database with N trials (default 500,000) whose statuses, phases, conditions,
sponsors and dates follow registry-like distributions (generated in SQL, once; kept
between runs), then requests /trials/ through Django's test client (the whole view:
capped count, page query, facets, citations hook, template) for a set of realistic
filter combinations, several rounds each, and prints p50/p95 per scenario and overall,
cold (Django's cache cleared before every request), new search (only the trials' counts
forgotten, as after a sync: the count and facets are computed, the site's other lookups
are cached, as on a running site) and warm (the same request again).
Targets: p95 <= 100 ms for the listing (#11), <= 150 ms for the finder with facets
(#13). ``--explain`` prints EXPLAIN ANALYZE of the slowest queries of a cold request of
each scenario (the figures quoted in docs/trials.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_trials \
        .venv/bin/python benchmarks/trial_browse.py [--explain]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_trials"

STATUSES = [  # (value, weight %) roughly as in the registry
    ("COMPLETED", 46),
    ("UNKNOWN", 14),
    ("RECRUITING", 11),
    ("TERMINATED", 6),
    ("NOT_YET_RECRUITING", 4),
    ("ACTIVE_NOT_RECRUITING", 4),
    ("WITHDRAWN", 3),
    ("ENROLLING_BY_INVITATION", 1),
    ("SUSPENDED", 1),
    ("AVAILABLE", 1),
    ("NO_LONGER_AVAILABLE", 1),
    ("APPROVED_FOR_MARKETING", 1),
    ("TEMPORARILY_NOT_AVAILABLE", 1),
    ("WITHHELD", 5),
    ("PAUSED_BY_REGULATOR", 1),  # a value the registry could add: stored, filterable
]
PHASES = [
    ("", 30),
    ("NA", 25),
    ("PHASE2", 12),
    ("PHASE1", 10),
    ("PHASE3", 8),
    ("PHASE4", 7),
    ("PHASE1|PHASE2", 4),
    ("PHASE2|PHASE3", 2),
    ("EARLY_PHASE1", 2),
]
CONDITIONS = [
    "Breast Cancer",
    "Healthy",
    "Obesity",
    "Prostate Cancer",
    "Stroke",
    "Hypertension",
    "Diabetes Mellitus, Type 2",
    "Asthma",
    "Depression",
    "Coronary Artery Disease",
    "Non-small Cell Lung Cancer",
    "HIV Infections",
    "Schizophrenia",
    "Heart Failure",
    "Multiple Myeloma",
    "Diffuse Large B-cell Lymphoma",
    "Melanoma",
    "COVID-19",
    "Pain",
    "Rheumatoid Arthritis",
    "Alzheimer Disease",
    "Parkinson Disease",
    "Colorectal Cancer",
    "Chronic Lymphocytic Leukemia",
    "Acute Myeloid Leukemia",
    "Hepatitis C",
    "Psoriasis",
    "Crohn Disease",
    "Multiple Sclerosis",
    "Osteoarthritis",
    "Atrial Fibrillation",
    "Ovarian Cancer",
    "Pancreatic Cancer",
    "Glioblastoma",
    "Sickle Cell Disease",
    "Cystic Fibrosis",
    "Phelan-McDermid Syndrome",
    "Follicular Lymphoma",
    "Smoking Cessation",
    "Insomnia",
]
SPONSORS = [
    "National Cancer Institute (NCI)",
    "Pfizer",
    "Merck Sharp & Dohme LLC",
    "Novartis",
    "AstraZeneca",
    "Assistance Publique - Hôpitaux de Paris",
    "Mayo Clinic",
    "M.D. Anderson Cancer Center",
    "Hoffmann-La Roche",
    "GlaxoSmithKline",
    "Fudan University",
    "University of California, San Francisco",
    "Kite, A Gilead Company",
    "Hospital Universitari Vall d'Hebron Research Institute",
]

SCENARIOS = [  # (label, query parameters)
    ("default: newest updates", {}),
    ("status", {"status": "RECRUITING"}),
    ("rare status", {"status": "SUSPENDED"}),
    ("phase", {"phase": "PHASE2"}),
    ("status + phase", {"status": "RECRUITING", "phase": "PHASE3"}),
    ("condition", {"condition": "lymphoma"}),
    ("rare condition", {"condition": "phelan"}),
    ("status + condition", {"status": "RECRUITING", "condition": "breast cancer"}),
    ("search one word", {"q": "melanoma"}),
    ("search two words", {"q": "lung cancer"}),
    ("search + status + phase", {"q": "cancer", "status": "RECRUITING", "phase": "PHASE2"}),
    ("search NCT ID", {"q": "NCT00412345"}),
    ("sort by NCT ID + status", {"status": "COMPLETED", "sort": "nct"}),
    ("page 50", {"status": "COMPLETED", "page": "50"}),
    ("condition, page 20", {"condition": "cancer", "page": "20"}),
    ("unknown status (last known shown)", {"status": "UNKNOWN"}),
    ("undocumented status", {"status": "PAUSED_BY_REGULATOR"}),
    ("search a collaborator", {"q": "Breast International Group"}),
    # the finder (#13): eligibility, places, distance, each with the three facets
    ("finder: age", {"age": "40"}),
    ("finder: status + age + sex", {"status": "RECRUITING", "age": "40", "sex": "FEMALE"}),
    ("finder: country", {"country": "France"}),
    ("finder: near a city", {"near": "Boston, United States", "within_km": "200"}),
    (
        "finder: the patient path",
        {
            "condition": "lymphoma",
            "status": "RECRUITING",
            "age": "40",
            "near": "Boston, United States",
            "within_km": "200",
        },
    ),
    ("finder: near lat,lon + phase", {"near": "48.85,2.35", "within_km": "50", "phase": "PHASE3"}),
    ("finder: sponsor + healthy", {"sponsor": "Pfizer", "healthy_volunteers": "true"}),
    ("finder: intervention + country", {"intervention": "drug", "country": "China"}),
]
COLLABORATORS = ["Breast International Group", "National Cancer Institute (NCI)", "Amgen"]


def setup_django():
    import site_package  # noqa: F401

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def weighted_case(column_expr: str, choices: list[tuple[str, int]]) -> str:
    """SQL CASE picking a value by weight from a number in [0, 100)."""
    total, parts = 0, []
    for value, weight in choices:
        total += weight
        parts.append(f"WHEN {column_expr} < {total} THEN '{value}'")
    return "CASE " + " ".join(parts) + f" ELSE '{choices[0][0]}' END"


# (city, country, lat, lon, weight): registry-like: many US sites, a long tail elsewhere
CITIES = [
    ("Boston", "United States", 42.35843, -71.05977, 8),
    ("New York", "United States", 40.71427, -74.00597, 10),
    ("Houston", "United States", 29.76328, -95.36327, 7),
    ("Chicago", "United States", 41.85003, -87.65005, 6),
    ("Los Angeles", "United States", 34.05223, -118.24368, 6),
    ("Seattle", "United States", 47.60621, -122.33207, 3),
    ("Rochester", "United States", 44.02163, -92.4699, 3),
    ("Toronto", "Canada", 43.70643, -79.39864, 4),
    ("London", "United Kingdom", 51.50853, -0.12574, 5),
    ("Manchester", "United Kingdom", 53.48095, -2.23743, 2),
    ("Paris", "France", 48.85341, 2.3488, 5),
    ("Lyon", "France", 45.74846, 4.84671, 2),
    ("Berlin", "Germany", 52.52437, 13.41053, 3),
    ("Munich", "Germany", 48.13743, 11.57549, 3),
    ("Madrid", "Spain", 40.4165, -3.70256, 3),
    ("Barcelona", "Spain", 41.38879, 2.15899, 3),
    ("Milan", "Italy", 45.46427, 9.18951, 3),
    ("Amsterdam", "Netherlands", 52.37403, 4.88969, 2),
    ("Shanghai", "China", 31.22222, 121.45806, 8),
    ("Beijing", "China", 39.9075, 116.39723, 6),
    ("Seoul", "Korea, Republic of", 37.566, 126.9784, 4),
    ("Tokyo", "Japan", 35.6895, 139.69171, 3),
    ("Sydney", "Australia", -33.86785, 151.20732, 2),
    ("Cairo", "Egypt", 30.06263, 31.24967, 3),
    ("São Paulo", "Brazil", -23.5475, -46.63611, 2),
]
SITE_STATUSES = [
    ("", 40),
    ("RECRUITING", 20),
    ("COMPLETED", 15),
    ("ACTIVE_NOT_RECRUITING", 10),
    ("NOT_YET_RECRUITING", 5),
    ("WITHDRAWN", 5),
    ("SUSPENDED", 5),
]


def sites_sql() -> str:
    """Sites for every generated trial: 0-7 for most, 0-59 for one in ten (about 5 a
    trial, several million rows), in weighted cities, a few km around their centre."""
    cities = []
    for name, country, lat, lon, weight in CITIES:
        cities += [(name, country, lat, lon)] * weight
    values = ", ".join(
        f"({i + 1}, '{n}', '{c}', {lat}, {lon})" for i, (n, c, lat, lon) in enumerate(cities)
    )
    status = weighted_case("(h % 100)", SITE_STATUSES)
    return f"""
    INSERT INTO trials_trialsite (trial_id, position, facility, city, state, postal_code,
        country, status, latitude, longitude)
    SELECT t.id, k, 'Site ' || k || ' of ' || t.nct_id, c.name, '', '', c.country,
        {status}, c.lat + ((h % 1000) - 500) / 10000.0, c.lon + ((h / 1000 % 1000) - 500) / 10000.0
    FROM trials_trial t
    CROSS JOIN LATERAL generate_series(1, CASE WHEN t.id % 10 = 0 THEN t.id % 60
                                               ELSE t.id % 8 END) AS k
    CROSS JOIN LATERAL (SELECT abs(hashtext(t.id || '-' || k)) AS h) AS hh
    JOIN (VALUES {values}) AS c(n, name, country, lat, lon)
      ON c.n = 1 + (h / 7) % {len(cities)}
    """


def fill(n: int) -> None:
    """Generate N trials in one INSERT ... SELECT (a few minutes at 500,000)."""
    from django.db import connection

    scale = sum(w for _, w in STATUSES)
    status = weighted_case(f"(h1 % {scale})", STATUSES)
    phase = weighted_case(f"(h2 % {sum(w for _, w in PHASES)})", PHASES)
    conditions = "(ARRAY[" + ",".join(f"'{c}'" for c in CONDITIONS) + "])"
    sponsors = "(ARRAY[" + ",".join("'" + s.replace("'", "''") + "'" for s in SPONSORS) + "])"
    collaborators = "(ARRAY[" + ",".join(f"'{c}'" for c in COLLABORATORS) + "])"
    sql = f"""
    INSERT INTO trials_trial (
        nct_id, brief_title, official_title, overall_status, phases, study_type, conditions,
        interventions, lead_sponsor, enrollment, start_date, primary_completion_date,
        completion_date, locations_count, countries, last_update_posted, content_hash,
        first_seen, last_seen, last_changed, missing_from_registry, raw,
        phase_label, conditions_text, search_text,
        collaborators, enrollment_type, start_date_type, primary_completion_date_type,
        completion_date_type, last_known_status, status_verified_date, why_stopped,
        has_results, results_first_posted, secondary_ids, nct_id_aliases, site_statuses,
        interventions_text, sponsors_text, minimum_age, minimum_age_value, minimum_age_unit,
        minimum_age_years, maximum_age, maximum_age_value, maximum_age_unit,
        maximum_age_years, sex, healthy_volunteers, eligibility_criteria,
        inclusion_criteria, exclusion_criteria, central_contacts, site_cells)
    SELECT nct, title, '', status,
        COALESCE(to_jsonb(string_to_array(NULLIF(phase, ''), '|')), '[]'::jsonb),
        CASE WHEN phase IN ('', 'NA') THEN 'OBSERVATIONAL' ELSE 'INTERVENTIONAL' END,
        to_jsonb(ARRAY[cond1, cond2]), '["Drug X"]'::jsonb, sponsor, (h3 % 2000),
        to_char(updated - 900, 'YYYY-MM'), '', '', (h1 % 40), '["United States"]'::jsonb,
        updated, md5(nct), now(), now(), now(), false, '{{}}'::jsonb,
        phase, lower(cond1 || E'\\n' || cond2),
        lower(nct || E'\\n' || title || E'\\n' || cond1 || E'\\n' || cond2 || E'\\n' || sponsor
              || COALESCE(E'\\n' || collaborator, '')),
        COALESCE(to_jsonb(ARRAY[collaborator]), '[]'::jsonb),
        CASE WHEN h2 % 3 = 0 THEN 'ESTIMATED' ELSE 'ACTUAL' END, 'ACTUAL',
        CASE WHEN h2 % 3 = 0 THEN 'ESTIMATED' ELSE 'ACTUAL' END,
        CASE WHEN h2 % 3 = 0 THEN 'ESTIMATED' ELSE 'ACTUAL' END,
        CASE WHEN status = 'UNKNOWN' THEN 'RECRUITING' ELSE '' END,
        to_char(updated, 'YYYY-MM'),
        CASE WHEN status IN ('TERMINATED', 'WITHDRAWN', 'SUSPENDED') THEN 'Sponsor decision'
             ELSE '' END,
        h3 % 5 = 0, CASE WHEN h3 % 5 = 0 THEN updated - 30 END,
        '[]'::jsonb, '[]'::jsonb,
        jsonb_build_object('RECRUITING', h1 % 40),
        'drug x', lower(sponsor || COALESCE(E'\\n' || collaborator, '')),
        min_years || ' Years', min_years, 'YEAR', min_years,
        COALESCE(max_years || ' Years', ''), max_years, CASE WHEN max_years IS NULL
            THEN '' ELSE 'YEAR' END, max_years,
        CASE WHEN h3 % 20 = 0 THEN 'FEMALE' WHEN h3 % 20 = 1 THEN 'MALE' ELSE 'ALL' END,
        h2 % 9 = 0, '', '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '[]'::jsonb
    FROM (
        SELECT i, 'NCT' || lpad((100000 + i * 3)::text, 8, '0') AS nct,
            h1, h2, h3,
            {status} AS status, {phase} AS phase,
            {conditions}[1 + floor({len(CONDITIONS)} * power((h2 % 10007) / 10007.0, 2.5))::int]
                AS cond1,
            {conditions}[1 + floor({len(CONDITIONS)} * power((h3 % 10009) / 10009.0, 2.5))::int]
                AS cond2,
            {sponsors}[1 + (h1 / 13) % {len(SPONSORS)}] AS sponsor,
            CASE WHEN h2 % 10 = 0 THEN {collaborators}[1 + (h3 / 11) % {len(COLLABORATORS)}]
                 END AS collaborator,
            DATE '2011-01-01' + (h3 % 5400) AS updated,
            -- ages: mostly adults from 18, some children, some with an upper limit
            CASE WHEN h1 % 10 < 7 THEN 18 WHEN h1 % 10 < 9 THEN 2 ELSE 12 END AS min_years,
            CASE WHEN h2 % 5 < 3 THEN NULL WHEN h2 % 5 = 3 THEN 65 ELSE 75 END AS max_years,
            'Study ' || i || ' of ' || {conditions}[1 + (h2 / 7) % {len(CONDITIONS)}] AS title
        FROM (
            SELECT i, abs(hashtext(i::text)) AS h1, abs(hashtext('p' || i)) AS h2,
                abs(hashtext('c' || i)) AS h3
            FROM generate_series(1, {n}) AS i
        ) AS seeds
    ) AS rows
    """
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE trials_trial CASCADE")
        cursor.execute(sql)
        cursor.execute(sites_sql())
        # the sites' countries on each trial, as the sync writes them (migration 0017's SQL)
        cursor.execute(backfill_sql("0017_facet_counts_and_countries_index"))
        cursor.execute(backfill_sql("0022_trial_site_cells"))  # and their grid cells
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE trials_trial")
        cursor.execute("VACUUM ANALYZE trials_trialsite")


def backfill_sql(migration: str) -> str:
    import importlib

    return importlib.import_module(f"trials.migrations.{migration}").BACKFILL_PG


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def explain(client, params: dict, cache, slowest: int = 3) -> None:
    """EXPLAIN ANALYZE the SLOWEST queries of one cold request for PARAMS (as run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/trials/", params)
    ranked = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:slowest]
    with connection.cursor() as cursor:
        for query in ranked:
            print(f"    -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) {query['sql']}")
            for (line,) in cursor.fetchall():
                print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--refill", action="store_true", help="regenerate the trials")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    parser.add_argument("--only", default="", help="only the scenarios whose name has this")
    args = parser.parse_args()

    db_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith("postgres"):
        raise SystemExit("benchmarks/trial_browse.py measures PostgreSQL: set DATABASE_URL.")
    ensure_database(db_url)
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from trials.models import Trial

    call_command("migrate", verbosity=0)
    from trials import facet_counts
    from trials.models import TrialSite

    if args.refill or Trial.objects.count() != args.trials or not TrialSite.objects.exists():
        started = time.perf_counter()
        fill(args.trials)
        print(
            f"Generated {args.trials:,} trials and {TrialSite.objects.count():,} sites in "
            f"{time.perf_counter() - started:.0f} s"
        )
        facet_counts.forget()
    if not (
        facet_counts.TrialFacetCount.objects.exists() and facet_counts.TrialPlace.objects.exists()
    ):
        started = time.perf_counter()
        rows = facet_counts.rebuild()  # what the end of every sync run does
        print(f"Facet counts rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    connection.close()

    client = Client()
    client.get("/trials/")  # warm templates, the connection
    print(
        f"Trial listing at {Trial.objects.count():,} trials, "
        f"{TrialSite.objects.count():,} sites, {args.rounds} rounds per scenario and "
        f"kind; {load_average()}"
    )
    print(
        "  cold: Django's cache cleared before every request (no facet, no Wagtail "
        "lookup cached; the facet counts table, rebuilt by every sync run, is there); "
        "new search: only the trials' counts forgotten (facets.forget(), as when trials "
        "change); warm: the same request again"
    )
    from trials.filters import facets

    print(machine_reference(client, connection))
    kinds = {"cold": [], "new search": [], "warm": []}
    for label, params in SCENARIOS:
        if args.only not in label:
            continue
        runs = {kind: [] for kind in kinds}
        for _ in range(args.rounds):
            cache.clear()
            runs["cold"].append(timed(client, params))
        for _ in range(args.rounds):
            facets.forget()  # the serving events' call when trials change
            runs["new search"].append(timed(client, params))
        for _ in range(args.rounds):
            runs["warm"].append(timed(client, params))
        for kind, values in runs.items():
            kinds[kind] += values
        # The timed requests render as a server does; only this one is instrumented to
        # capture the view's context (Django's test environment sends a signal and copies
        # the context at every template rendered: about 1 ms a page, kept out of the timings).
        setup_test_environment()
        response = client.get("/trials/", params)
        teardown_test_environment()
        shown = len(response.context["trials"])
        count = response.context["paginator"].count
        at_least = response.context["facets_at_least"]
        figures = " | ".join(
            f"{kind} p50 {statistics.median(v):6.1f} p95 {percentile(v, 0.95):6.1f}"
            for kind, v in runs.items()
        )
        print(
            f"  {label:<34} {figures} ms  ({shown} shown of "
            f"{'>' if count > 1_000 else ''}{min(count, 1_000):,}"
            f"{'; facets are lower bounds' if at_least else ''})"
        )
        if args.explain:
            explain(client, params, cache)
    for kind, values in kinds.items():
        print(
            f"All scenarios, {kind}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 0.95):.1f} ms, max {max(values):.1f} ms"
        )
    print(machine_reference(client, connection))
    print(f"Finished; {load_average()}")


def machine_reference(client, connection, rounds: int = 15) -> str:
    """The machine's own speed, measured beside the scenarios: the same figures from two
    machines tell how far their finder timings can be compared (one 2-core machine ran
    the same fill in 212 s, another in 456 s)."""
    floor, scan = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        assert client.get("/robots.txt").status_code == 200
        floor.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(length(nct_id)) FROM trials_trial")
        scan.append((time.perf_counter() - started) * 1000)
    return (
        f"Machine reference: /robots.txt (no database) p50 {statistics.median(floor):.2f} ms; "
        f"a full read of the trials table p50 {statistics.median(scan):.0f} ms"
    )


def timed(client, params) -> float:
    started = time.perf_counter()
    response = client.get("/trials/", params)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


if __name__ == "__main__":
    main()
