"""PostgreSQL only: full-text indexes for the listing's search and condition filter, and
room on each page for HOT updates.

``TrialQuerySet.search()`` / ``with_condition()`` match
``to_tsvector('english', search_text | conditions_text)`` against
``plainto_tsquery('english', <what the reader typed>)`` on PostgreSQL; these expression
indexes serve them. A tsvector holds a few dozen words per trial where a trigram index
would hold hundreds of trigrams, which keeps the sync's bulk writes fast; and whole
(stemmed) words, unlike prefixes, have statistics, so the planner picks a sequential
scan for common words and the index for rare ones. ``fillfactor`` leaves free space
so that refreshing ``last_seen`` (no indexed column) is a HOT update that touches no
index. SQLite needs none of this at its sizes. EXPLAIN output: docs/trials.md.
(The reverse migration does not recreate the unused LIKE index dropped below.)
"""

from django.db import migrations

INDEXES = {
    "trials_search_fts": "search_text",
    "trials_conditions_fts": "conditions_text",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON trials_trial "
            f"USING gin (to_tsvector('english'::regconfig, {column}))"
        )
    schema_editor.execute("ALTER TABLE trials_trial SET (fillfactor = 85)")
    # Django adds a varchar_pattern_ops twin to unique CharFields for LIKE 'x%'; nothing
    # queries NCT IDs that way, and every sync write would maintain it.
    schema_editor.execute("DROP INDEX IF EXISTS trials_trial_nct_id_7f643854_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE trials_trial RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("trials", "0003_refresh_trials_schedule")]
    operations = [migrations.RunPython(create, drop)]
