"""Schedule the weekly "Refresh trials (full)" in django-q2: every stored trial re-fetched
(the registry changes some statuses without posting an update date); idempotent."""

from django.db import migrations

from schedules import ScheduleMigration

SCHEDULE = ScheduleMigration(
    "Refresh trials (full)",
    "trials.tasks.refresh_all_trials",
    "W",
    hour=4,
    weekday=6,  # Sundays, away from the daily run at 03:00
)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0006_query_matches"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
