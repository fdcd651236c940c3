"""PostgreSQL only: the full-text GIN indexes as Django's ``SearchVector`` writes its
expression (``to_tsvector('english', COALESCE(column, ''))``), so that the ORM queries of
``TrialQuerySet._text_match`` use them, plus the finder's intervention and sponsor texts.
They replace migration 0004's hand-written indexes (without COALESCE, which the ORM's
expression would not match). SQLite needs none of this at its sizes."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

COLUMNS = {
    "trials_search_fts": "search_text",
    "trials_conditions_fts": "conditions_text",
    "trials_interventions_fts": "interventions_text",
    "trials_sponsors_fts": "sponsors_text",
}


def _index(name: str, column: str) -> GinIndex:
    return GinIndex(SearchVector(column, config="english"), name=name)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Trial = apps.get_model("trials", "Trial")
    for name, column in COLUMNS.items():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        schema_editor.add_index(Trial, _index(name, column))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Trial = apps.get_model("trials", "Trial")
    for name, column in COLUMNS.items():
        schema_editor.remove_index(Trial, _index(name, column))
    # back to migration 0004's indexes
    for name in ("trials_search_fts", "trials_conditions_fts"):
        column = COLUMNS[name]
        schema_editor.execute(
            f"CREATE INDEX {name} ON trials_trial "
            f"USING gin (to_tsvector('english'::regconfig, {column}))"
        )


class Migration(migrations.Migration):
    dependencies = [("trials", "0011_backfill_eligibility_and_sites")]
    operations = [migrations.RunPython(create, drop)]
