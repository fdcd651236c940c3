"""Schedule the daily e-mail digest of trial alerts ("Send trial alerts"); idempotent."""

from django.db import migrations

from schedules import ScheduleMigration

# After the 03:00 "Refresh trials" sync, so a digest reports that night's changes.
SCHEDULE = ScheduleMigration("Send trial alerts", "trials.tasks.send_trial_alerts", "D", hour=7)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0014_trial_alerts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
