"""Schedule the daily registry sync ("Refresh trials") in django-q2; idempotent."""

from django.db import migrations

from schedules import ScheduleMigration

SCHEDULE = ScheduleMigration("Refresh trials", "trials.tasks.refresh_trials", "D", hour=3)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0002_registry_sync"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
