"""PostgreSQL only: trigram indexes for the substring filters of the trial listing.

``search_text`` and ``conditions_text`` are filtered with ``LIKE '%word%'`` (Django's
``contains``); a B-tree cannot serve that, a ``gin_trgm_ops`` index can. SQLite has no
equivalent and needs none at its sizes. See docs/trials.md for the EXPLAIN output.
"""

from django.db import migrations

INDEXES = {
    "trials_search_text_trgm": "search_text",
    "trials_conditions_text_trgm": "conditions_text",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON trials_trial USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("trials", "0003_refresh_trials_schedule")]
    operations = [migrations.RunPython(create, drop)]
