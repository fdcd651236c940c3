"""Fill the eligibility, contacts, sites and the new search texts of stored trials from
the record each keeps in ``raw``, with the mapping the sync uses (no refetch needed)."""

from django.db import migrations

NEW_COLUMNS = (
    "interventions_text",
    "sponsors_text",
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
    "central_contacts",
)
BATCH = 500


def backfill(apps, schema_editor):
    from trials.registry.mapping import MappingError, map_study

    Trial = apps.get_model("trials", "Trial")
    TrialSite = apps.get_model("trials", "TrialSite")
    db = schema_editor.connection.alias
    last = 0
    while True:
        batch = list(Trial.objects.using(db).filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        last = batch[-1].pk
        changed, sites = [], []
        for trial in batch:
            try:
                mapped = map_study(trial.raw)
            except MappingError:
                continue  # a record too broken to map keeps empty columns
            for column in NEW_COLUMNS:
                setattr(trial, column, mapped.columns[column])
            changed.append(trial)
            sites += [TrialSite(trial_id=trial.pk, **site) for site in mapped.sites]
        Trial.objects.using(db).bulk_update(changed, NEW_COLUMNS)
        TrialSite.objects.using(db).filter(trial_id__in=[t.pk for t in changed]).delete()
        TrialSite.objects.using(db).bulk_create(sites, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("trials", "0010_eligibility_and_sites")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
