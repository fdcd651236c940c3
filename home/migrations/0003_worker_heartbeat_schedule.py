"""Schedule the task-worker heartbeat that /healthz reports."""

from django.db import migrations

from schedules import ScheduleMigration

SCHEDULE = ScheduleMigration("Worker heartbeat", "home.tasks.worker_heartbeat", "I", minutes=1)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
